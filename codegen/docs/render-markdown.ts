/**
 * The Markdown reference of the contract (docs/asyncapi.md): info, servers, channels with their parameters,
 * operations with replies, and messages with a payload table and their examples. It reads well on a git host and
 * is deterministic: the same document always gives the same bytes (spec order, no dates), so `--check` can diff it.
 */
import type { AsyncAPIDocumentInterface, ChannelInterface, MessageInterface, OperationInterface, SchemaInterface, ServerInterface } from '@asyncapi/parser';
import { code, heading, link, table } from './markdown.js';

/** One row of a payload table. */
export interface PropertyRow {
  /** Dotted path from the payload root, `[]` marking array items (e.g. `tokens[].text`). */
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly constraints: string;
  readonly description: string;
}

/** A schema whose variants (oneOf/anyOf) get a table each, found at `path` while walking a payload. */
interface VariantGroup {
  readonly path: string;
  readonly keyword: 'oneOf' | 'anyOf';
  readonly variants: readonly SchemaInterface[];
}

/** How deep nested objects are walked; deeper levels are summarised by their type (guards odd or huge schemas). */
const MAX_DEPTH = 12;

/** A stable HTML anchor id: `kind-` plus the lower-cased id with every other character turned into `-`. */
export function anchor(kind: string, id: string): string {
  return `${kind}-${id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The schema's type as a reader would say it: `string`, `array<object>`, `string \| null`, `oneOf`. */
export function typeLabel(schema: SchemaInterface): string {
  const type = schema.type();
  if (Array.isArray(type)) return type.join(' | ');
  if (type === 'array') {
    const items = schema.items();
    if (items === undefined) return 'array';
    if (Array.isArray(items)) return `array<${items.map(typeLabel).join(', ')}>`;
    return `array<${typeLabel(items)}>`;
  }
  if (type !== undefined) return type;
  if (schema.oneOf() !== undefined) return 'oneOf';
  if (schema.anyOf() !== undefined) return 'anyOf';
  if (schema.allOf() !== undefined || schema.properties() !== undefined) return 'object';
  // Without a `type`, const and enum still say what a value can be.
  const values: unknown[] | undefined = schema.const() === undefined ? schema.enum() : [schema.const()];
  if (values === undefined || values.length === 0) return 'any';
  return [...new Set(values.map((v) => (v === null ? 'null' : typeof v)))].join(' | ');
}

/** The validation keywords of one schema, as a short comma-separated list (empty when there are none). */
export function constraintsOf(schema: SchemaInterface): string {
  const parts: string[] = [];
  const format = schema.format();
  if (format !== undefined) parts.push(`format: ${format}`);
  const constValue: unknown = schema.const();
  if (constValue !== undefined) parts.push(`const: ${json(constValue)}`);
  const values = schema.enum();
  if (values !== undefined) parts.push(`one of: ${values.map((v: unknown) => json(v)).join(', ')}`);
  const bounds: [number | undefined, string][] = [
    [schema.minimum(), '>='],
    [schema.exclusiveMinimum(), '>'],
    [schema.maximum(), '<='],
    [schema.exclusiveMaximum(), '<'],
  ];
  for (const [value, op] of bounds) if (value !== undefined) parts.push(`${op} ${value}`);
  const multipleOf = schema.multipleOf();
  if (multipleOf !== undefined) parts.push(`multiple of ${multipleOf}`);
  const ranges: [number | undefined, number | undefined, string][] = [
    [schema.minLength(), schema.maxLength(), 'length'],
    [schema.minItems(), schema.maxItems(), 'items'],
    [schema.minProperties(), schema.maxProperties(), 'properties'],
  ];
  for (const [min, max, what] of ranges) {
    if (min !== undefined && max !== undefined) parts.push(`${what} ${min}..${max}`);
    else if (min !== undefined) parts.push(`${what} >= ${min}`);
    else if (max !== undefined) parts.push(`${what} <= ${max}`);
  }
  if (schema.uniqueItems() === true) parts.push('unique items');
  const pattern = schema.pattern();
  if (pattern !== undefined) parts.push(`pattern: ${code(pattern)}`);
  if (schema.type() === 'object' || schema.properties() !== undefined) {
    const additional = schema.additionalProperties();
    if (additional === false) parts.push('no other properties');
    else if (typeof additional !== 'boolean') parts.push(`other properties: ${typeLabel(additional)}`);
  }
  const defaultValue: unknown = schema.default();
  if (defaultValue !== undefined) parts.push(`default: ${json(defaultValue)}`);
  if (schema.deprecated()) parts.push('deprecated');
  return parts.join(', ');
}

/** Properties and required names of an object schema, with `allOf` branches merged in (spec order). */
function objectShape(schema: SchemaInterface): { properties: [string, SchemaInterface][]; required: Set<string> } {
  const properties = new Map<string, SchemaInterface>();
  const required = new Set<string>();
  const visit = (s: SchemaInterface, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const branch of s.allOf() ?? []) visit(branch, depth + 1);
    for (const [name, property] of Object.entries(s.properties() ?? {})) properties.set(name, property);
    for (const name of s.required() ?? []) required.add(name);
  };
  visit(schema, 0);
  return { properties: [...properties], required };
}

function hasObjectShape(schema: SchemaInterface): boolean {
  return schema.properties() !== undefined || (schema.allOf()?.some(hasObjectShape) ?? false);
}

function variantsOf(schema: SchemaInterface): VariantGroup['keyword'] | undefined {
  if (schema.oneOf() !== undefined) return 'oneOf';
  if (schema.anyOf() !== undefined) return 'anyOf';
  return undefined;
}

/**
 * The rows of a payload table: every property of `schema`, nested objects walked with dotted names and array
 * items with `[]`. Variants met on the way (oneOf/anyOf) are pushed to `groups` for their own tables.
 */
export function propertyRows(schema: SchemaInterface, prefix = '', groups: VariantGroup[] = [], depth = 0): PropertyRow[] {
  const rows: PropertyRow[] = [];
  const { properties, required } = objectShape(schema);
  for (const [name, property] of properties) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    rows.push({
      name: path,
      type: typeLabel(property),
      required: required.has(name),
      constraints: constraintsOf(property),
      description: property.description() ?? property.title() ?? '',
    });
    if (depth >= MAX_DEPTH || property.isCircular()) continue;
    rows.push(...nestedRows(property, path, groups, depth + 1));
  }
  return rows;
}

function nestedRows(schema: SchemaInterface, path: string, groups: VariantGroup[], depth: number): PropertyRow[] {
  const keyword = variantsOf(schema);
  if (keyword !== undefined) {
    groups.push({ path, keyword, variants: schema[keyword]() ?? [] });
    return [];
  }
  if (hasObjectShape(schema)) return propertyRows(schema, path, groups, depth);
  const items = schema.items();
  if (items !== undefined && !Array.isArray(items) && !items.isCircular()) {
    return nestedRows(items, `${path}[]`, groups, depth);
  }
  return [];
}

function rootRow(schema: SchemaInterface): PropertyRow {
  return {
    name: '(payload)',
    type: typeLabel(schema),
    required: true,
    constraints: constraintsOf(schema),
    description: schema.description() ?? '',
  };
}

function rowsTable(rows: readonly PropertyRow[]): string {
  return table(
    ['Name', 'Type', 'Required', 'Constraints', 'Description'],
    rows.map((r) => [code(r.name), code(r.type), r.required ? 'yes' : 'no', r.constraints, r.description]),
  );
}

function variantTitle(variant: SchemaInterface, index: number): string {
  const name = variant.title() ?? (variant.id().startsWith('<anonymous') ? undefined : variant.id());
  return `variant ${index + 1}${name === undefined ? '' : ` (${code(name)})`}`;
}

/**
 * Markdown tables for a schema (a payload or headers). An object gets one table; a root oneOf/anyOf gets one
 * table per variant; nested variants follow, each labelled with the property path they sit at.
 */
export function renderSchemaTables(schema: SchemaInterface, label: string): string {
  const out: string[] = [];
  const groups: VariantGroup[] = [];
  const rootKeyword = variantsOf(schema);
  if (rootKeyword !== undefined) {
    groups.push({ path: '', keyword: rootKeyword, variants: schema[rootKeyword]() ?? [] });
  } else if (hasObjectShape(schema)) {
    out.push(`${label} (${code(typeLabel(schema))}${schema.additionalProperties() === false ? ', no other properties' : ''}):`);
    out.push(rowsTable(propertyRows(schema, '', groups)));
  } else {
    out.push(`${label}:`);
    out.push(rowsTable([rootRow(schema)]));
  }
  // Groups found while rendering a variant are appended and rendered in turn; the count bounds the loop.
  for (let i = 0; i < groups.length && i < 200; i++) {
    const group = groups[i];
    if (group === undefined) break;
    const where = group.path === '' ? label : `${label} ${code(group.path)}`;
    out.push(`${where} is ${group.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of ${group.variants.length} variants (${group.keyword}).`);
    group.variants.forEach((variant, index) => {
      const description = variant.description();
      out.push(`${where}, ${variantTitle(variant, index)}:${description === undefined ? '' : ` ${description.trim()}`}`);
      const rows = hasObjectShape(variant) ? propertyRows(variant, group.path, groups) : [rootRow(variant)];
      out.push(rowsTable(rows));
    });
  }
  return out.join('\n\n');
}

/**
 * How a channel is named in text: its address as code, or, for a channel without one (a reply inbox chosen at
 * run time), its id followed by "(no address)".
 */
function channelLabel(channel: ChannelInterface): string {
  const address = channel.address();
  return address === null || address === undefined ? `${code(channel.id())} (no address)` : code(address);
}

/** Operations always have an id in AsyncAPI 3 (their key); the fallback only guards the parser's wider type. */
function operationId(operation: OperationInterface): string {
  return operation.id() ?? '(unnamed operation)';
}

function messageName(message: MessageInterface): string {
  return message.name() ?? message.id();
}

/**
 * Finds a message's anchor. The same component message can sit under different keys in different channels
 * (`turnOn` and `turnOff` both pointing at one message), so messages are matched by their resolved object, which
 * the parser shares, and fall back to their own id.
 */
type MessageAnchors = (message: MessageInterface) => string;

function messageAnchors(doc: AsyncAPIDocumentInterface): MessageAnchors {
  const byObject = new Map<unknown, string>(
    doc
      .messages()
      .all()
      .map((m) => [m.json(), anchor('message', m.id())]),
  );
  return (message) => byObject.get(message.json()) ?? anchor('message', message.id());
}

function messageLinks(messages: readonly MessageInterface[], anchors: MessageAnchors): string {
  return messages.map((m) => link(code(messageName(m)), anchors(m))).join(', ');
}

/** An operation or reply without its own message list carries any message of its channel (AsyncAPI 3). */
function carriedMessages(own: readonly MessageInterface[], channels: readonly ChannelInterface[]): MessageInterface[] {
  return own.length > 0 ? [...own] : channels.flatMap((c) => c.messages().all());
}

function renderInfo(doc: AsyncAPIDocumentInterface, command: string): string[] {
  const info = doc.info();
  const out = [heading(1, `${info.title()} ${info.version()}`)];
  // `npm run docs` takes its options after `--`; a bin takes them directly.
  const check = command.startsWith('npm run ') ? `${command} -- --check` : `${command} --check`;
  out.push(`> Generated from the AsyncAPI contract by ${code(command)}; do not edit by hand. ${code(check)} fails when this file is out of date.`);
  const facts = [`AsyncAPI ${doc.version()}`];
  const contentType = doc.defaultContentType();
  if (contentType !== undefined) facts.push(`default content type ${code(contentType)}`);
  const id = info.id();
  if (id !== undefined) facts.push(`id ${code(id)}`);
  const license = info.license();
  if (license !== undefined) facts.push(`licence ${license.name()}`);
  out.push(facts.join(' · '));
  const description = info.description();
  if (description !== undefined) out.push(description.trim());
  return out;
}

function renderContents(doc: AsyncAPIDocumentInterface): string[] {
  const lines = [heading(2, 'Contents'), ''];
  if (!doc.servers().isEmpty()) lines.push(`- ${link('Servers', 'servers')}`);
  lines.push(`- ${link('Channels', 'channels')}`);
  for (const c of doc.channels()) lines.push(`  - ${link(channelLabel(c), anchor('channel', c.id()))}`);
  lines.push(`- ${link('Operations', 'operations')}`);
  for (const o of doc.operations()) lines.push(`  - ${link(code(operationId(o)), anchor('operation', operationId(o)))}`);
  lines.push(`- ${link('Messages', 'messages')}`);
  for (const m of doc.messages()) lines.push(`  - ${link(code(messageName(m)), anchor('message', m.id()))}`);
  return [lines.join('\n')];
}

function renderServer(server: ServerInterface): string[] {
  const out = [heading(3, code(server.id()))];
  const protocol = server.protocolVersion() === undefined ? server.protocol() : `${server.protocol()} ${server.protocolVersion() ?? ''}`;
  const rows = [
    ['Host', code(server.host())],
    ['Protocol', protocol],
  ];
  const pathname = server.pathname();
  if (pathname !== undefined) rows.push(['Path', code(pathname)]);
  out.push(table(['Field', 'Value'], rows));
  const description = server.description();
  if (description !== undefined) out.push(description.trim());
  if (!server.variables().isEmpty()) {
    out.push('Variables:');
    out.push(
      table(
        ['Name', 'Default', 'Allowed values', 'Description'],
        server
          .variables()
          .all()
          .map((v) => [
            code(v.id()),
            v.defaultValue() === undefined ? '' : code(v.defaultValue() ?? ''),
            v.allowedValues().map(code).join(', '),
            v.description() ?? '',
          ]),
      ),
    );
  }
  return out;
}

function renderChannel(channel: ChannelInterface, anchors: MessageAnchors): string[] {
  const out = [`<a id="${anchor('channel', channel.id())}"></a>`, heading(3, channelLabel(channel))];
  out.push(`Channel id ${code(channel.id())}.`);
  const description = channel.description();
  if (description !== undefined) out.push(description.trim());
  const parameters = channel.parameters().all();
  if (parameters.length > 0) {
    out.push('Parameters:');
    out.push(
      table(
        ['Name', 'Description', 'Constraints', 'Location'],
        parameters.map((p) => {
          const schema = p.schema();
          const examples: unknown = p.json<{ examples?: unknown }>().examples;
          const constraints = [schema === undefined ? '' : constraintsOf(schema)];
          if (Array.isArray(examples)) constraints.push(`examples: ${examples.map((e: unknown) => json(e)).join(', ')}`);
          return [code(p.id()), p.description() ?? '', constraints.filter((c) => c !== '').join(', '), p.location() ?? ''];
        }),
      ),
    );
  }
  const messages = channel.messages().all();
  if (messages.length > 0) out.push(`Messages: ${messageLinks(messages, anchors)}`);
  const operations = channel.operations().all();
  if (operations.length > 0) {
    out.push(`Operations: ${operations.map((o) => `${link(code(operationId(o)), anchor('operation', operationId(o)))} (${o.action()})`).join(', ')}`);
  }
  return out;
}

function renderOperation(operation: OperationInterface, anchors: MessageAnchors): string[] {
  const id = operationId(operation);
  const out = [`<a id="${anchor('operation', id)}"></a>`, heading(3, code(id))];
  const summary = operation.summary();
  if (summary !== undefined) out.push(`**${summary.trim()}**`);
  const description = operation.description();
  if (description !== undefined) out.push(description.trim());
  const channelLinks = operation
    .channels()
    .all()
    .map((c) => link(channelLabel(c), anchor('channel', c.id())));
  const rows = [
    ['Action', operation.action()],
    ['Channel', channelLinks.join(', ')],
    ['Messages', messageLinks(carriedMessages(operation.messages().all(), operation.channels().all()), anchors)],
  ];
  const reply = operation.reply();
  if (reply !== undefined) {
    const replyChannel = reply.channel();
    const address = reply.address();
    const where: string[] = [];
    if (replyChannel !== undefined) where.push(link(channelLabel(replyChannel), anchor('channel', replyChannel.id())));
    if (address !== undefined) {
      const about = address.description();
      where.push(`address at ${code(address.location())}${about === undefined ? '' : ` (${about.trim()})`}`);
    }
    rows.push(['Reply channel', where.join('; ')]);
    const replyMessages = carriedMessages(reply.messages().all(), replyChannel === undefined ? [] : [replyChannel]);
    if (replyMessages.length > 0) rows.push(['Reply messages', messageLinks(replyMessages, anchors)]);
  }
  out.push(table(['Field', 'Value'], rows));
  return out;
}

function renderMessage(message: MessageInterface): string[] {
  const title = message.title();
  const out = [`<a id="${anchor('message', message.id())}"></a>`, heading(3, `${code(messageName(message))}${title === undefined ? '' : ` - ${title}`}`)];
  const summary = message.summary();
  if (summary !== undefined) out.push(`**${summary.trim()}**`);
  const rows = [['Message id', code(message.id())]];
  const contentType = message.contentType();
  if (contentType !== undefined) rows.push(['Content type', code(contentType)]);
  const correlation = message.correlationId();
  if (correlation !== undefined) rows.push(['Correlation id', code(correlation.location() ?? '')]);
  const channels = message.channels().all();
  if (channels.length > 0) {
    rows.push(['Channels', channels.map((c) => link(channelLabel(c), anchor('channel', c.id()))).join(', ')]);
  }
  out.push(table(['Field', 'Value'], rows));
  const description = message.description();
  if (description !== undefined) out.push(description.trim());
  const headers = message.headers();
  if (headers !== undefined) out.push(renderSchemaTables(headers, 'Headers'));
  const payload = message.payload();
  if (payload !== undefined) out.push(renderSchemaTables(payload, 'Payload'));
  const examples = message.examples().all();
  examples.forEach((example, index) => {
    const name = example.name();
    const about = example.summary();
    out.push(`Example ${index + 1}${name === undefined ? '' : `: ${code(name)}`}${about === undefined ? '' : ` - ${about.trim()}`}`);
    const exampleHeaders = example.headers();
    if (exampleHeaders !== undefined) out.push(`Headers:\n\n\`\`\`json\n${JSON.stringify(exampleHeaders, null, 2)}\n\`\`\``);
    if (example.hasPayload()) out.push(`\`\`\`json\n${JSON.stringify(example.payload(), null, 2)}\n\`\`\``);
  });
  return out;
}

/** The command the reference names as its maker unless told otherwise: the package's bin. */
export const DEFAULT_DOCS_COMMAND = 'mlx-codegen docs';

/**
 * Renders the whole Markdown reference for a parsed document. Ends with exactly one newline. `command` is named as
 * the command that made it (this repository's is `npm run docs`).
 */
export function renderMarkdown(doc: AsyncAPIDocumentInterface, command: string = DEFAULT_DOCS_COMMAND): string {
  const anchors = messageAnchors(doc);
  const blocks: string[] = [...renderInfo(doc, command), ...renderContents(doc)];
  if (!doc.servers().isEmpty()) {
    blocks.push(heading(2, 'Servers'));
    for (const server of doc.servers()) blocks.push(...renderServer(server));
  }
  blocks.push(heading(2, 'Channels'));
  for (const channel of doc.channels()) blocks.push(...renderChannel(channel, anchors));
  blocks.push(heading(2, 'Operations'));
  for (const operation of doc.operations()) blocks.push(...renderOperation(operation, anchors));
  blocks.push(heading(2, 'Messages'));
  for (const message of doc.messages()) blocks.push(...renderMessage(message));
  return `${blocks.join('\n\n')}\n`;
}
