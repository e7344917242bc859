/**
 * generated/channels.ts: parameter schemas and one `defineChannel` entry per channel (AsyncAPI 3 §Channel
 * Object), keyed by channel id in camelCase, with its id, address, parameters, message and, where an operation
 * declares one, its reply (§Operation Reply Object), and the payload locations of its parameters (§Parameter Object
 * `location`). The runtime in src/contract/define-channel.ts does the rest.
 */
import { docComment, emitOrDiagnose, literal, propertyKey } from './common.js';
import type { Diagnostic } from '../input/diagnostics.js';
import type { ChannelModel, ContractModel, MessageModel } from '../model/model.js';
import type { SourceSet } from '../input/sources.js';
import { emitZod } from '../zod/emit.js';

/** The body of channels.ts (without header), and the problems met. `runtime`: the module defineChannel comes from. */
export function emitChannels(model: ContractModel, sources: SourceSet, runtime: string): { code: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parameterDecls: string[] = [];
  const used = new Set<string>();
  let needsZ = false;
  const helpers = new Set<string>();
  for (const channel of model.channels) {
    for (const p of channel.parameters) {
      const expression = emitOrDiagnose(
        () => emitZod(p.schema, { refName: () => undefined, pointer: '', usedHelpers: helpers }),
        p.schema,
        `parameter "${p.name}" of channel "${channel.id}"`,
        sources,
        () => undefined,
        p.origin,
        diagnostics,
      );
      const doc = docComment([`Parameter \`${p.name}\` of \`${channel.address}\`.`, p.description].filter(Boolean).join('\n\n'));
      // No annotation: the constant keeps its own type (a literal union for an enum), which the channel's functions take.
      parameterDecls.push(`${doc}export const ${p.identifier} = ${expression} satisfies z.ZodType<string>;`);
      needsZ = true;
    }
  }
  const entries = model.channels.map((channel) => {
    const message = messageExpression(channel.messages, used);
    const reply = channel.replies.length > 0 ? messageExpression(channel.replies, used) : undefined;
    const located = channel.parameters.filter((p) => p.location !== undefined);
    if (message.union || reply?.union === true) needsZ = true;
    const fields = [
      `id: ${literal(channel.id)}`,
      `address: ${literal(channel.address)}`,
      ...(channel.description !== undefined && channel.description.trim() !== '' ? [`description: ${literal(channel.description.trim())}`] : []),
      `parameters: {${channel.parameters.map((p) => `${propertyKey(p.name)}: ${p.identifier}`).join(', ')}}`,
      // Parameters the payload carries too (AsyncAPI `location`): the runtime checks that payload and subject agree.
      ...(located.length === 0 ? [] : [`locations: {${located.map((p) => `${propertyKey(p.name)}: ${literal(p.location ?? '')}`).join(', ')}}`]),
      `message: ${message.code}`,
      ...(reply === undefined ? [] : [`reply: ${reply.code}`]),
      // info.version: sent as the Contract-Version header, named in inbound validation errors.
      `contractVersion: ${literal(model.info.version)}`,
    ];
    return `${docComment(channelDoc(channel), '  ')}  ${propertyKey(channel.key)}: defineChannel({${fields.join(', ')}}),`;
  });
  const imports = [
    ...(needsZ ? [`import { z } from 'zod';`] : []),
    `import { ${['defineChannel', ...[...helpers].sort()].join(', ')} } from ${literal(runtime)};`,
    ...(used.size > 0 ? [`import { ${[...used].sort().join(', ')} } from './schemas.js';`] : []),
  ];
  const code = [
    imports.join('\n'),
    ...parameterDecls,
    `/** The channels of the contract, keyed by channel id in camelCase (each keeps its id as \`id\`): subject builders and parsers, validated publish/subscribe and, where a reply is declared, request/reply. */\nexport const channels = {\n${entries.join('\n')}\n} as const;`,
  ].join('\n\n');
  return { code: `${code}\n`, diagnostics };
}

function channelDoc(channel: ChannelModel): string {
  const lines = [
    `\`${channel.address}\`: ${channel.messages.map((m) => m.name).join(' | ')}${channel.replies.length > 0 ? `, replied to with ${channel.replies.map((m) => m.name).join(' | ')}` : ''}.`,
  ];
  return lines.join('\n');
}

/** `{ name, schema, readerSchema }` for one message (writer and tolerant reader, emit/schemas.ts), or a union (names joined with ` | `) for several. */
function messageExpression(messages: readonly MessageModel[], used: Set<string>): { code: string; union: boolean } {
  for (const m of messages) used.add(`${m.typeName}Schema`).add(`${m.typeName}ReaderSchema`);
  const name = literal(messages.map((m) => m.name).join(' | '));
  if (messages.length === 1)
    return { code: `{ name: ${name}, schema: ${messages[0]?.typeName ?? ''}Schema, readerSchema: ${messages[0]?.typeName ?? ''}ReaderSchema }`, union: false };
  const union = (suffix: string): string => `z.union([${messages.map((m) => `${m.typeName}${suffix}`).join(', ')}])`;
  return { code: `{ name: ${name}, schema: ${union('Schema')}, readerSchema: ${union('ReaderSchema')} }`, union: true };
}
