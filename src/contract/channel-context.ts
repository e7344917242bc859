/**
 * The context a typed handler receives: the client's message context, plus the parameters of the message's subject
 * and the sender's contract version. A subscription to a concrete subject fixes the parameters once; only one with a
 * `'*'` parameter parses each message's subject (already checked before decoding, see define-channel.ts). Headers and
 * the contract version are read from the message only when the handler asks.
 */
import type { SubjectTemplate } from '../base/subjects.js';
import type { MessageContext } from '../client/index.js';
import { NO_PARAMS } from './channel-arguments.js';
import type { ChannelMessageContext, ParameterSchemas, ParameterValues } from './define-channel.js';
import { CONTRACT_VERSION_HEADER } from './typed-serializer.js';

/** True when `params` of a subscription hold `'*'` for a parameter: it takes every value of that parameter. */
export function isPattern(template: SubjectTemplate<string>, params: Readonly<Record<string, unknown>>): boolean {
  return template.parameters.some((name) => params[name] === '*');
}

/** The factory of handler contexts for a subscription made with `params` on `template`'s channel. */
export function channelContexts<PS extends ParameterSchemas>(
  template: SubjectTemplate<string>,
  params: Readonly<Record<string, unknown>>,
): (context: MessageContext) => ChannelMessageContext<PS> {
  if (isPattern(template, params)) {
    return (context) => new ChannelContext<PS>(context, (template.parse(context.subject) ?? {}) as ParameterValues<PS>);
  }
  const parameters = template.parameters;
  const fixed = (
    parameters.length === 0 ? NO_PARAMS : Object.freeze(Object.fromEntries(parameters.map((name) => [name, params[name]])))
  ) as ParameterValues<PS>;
  return (context) => new ChannelContext<PS>(context, fixed);
}

/** A channel handler's context; the version and the headers are getters, read from the message only when asked. */
class ChannelContext<PS extends ParameterSchemas> implements ChannelMessageContext<PS> {
  readonly subject: string;
  reply?: string;

  constructor(
    private readonly base: MessageContext,
    readonly params: ParameterValues<PS>,
  ) {
    this.subject = base.subject;
    if (base.reply !== undefined) this.reply = base.reply;
  }

  get headers(): ReadonlyMap<string, readonly string[]> | undefined {
    return this.base.headers;
  }

  get size(): number | undefined {
    return this.base.size;
  }

  get contractVersion(): string | undefined {
    return headerOf(this.base.headers, CONTRACT_VERSION_HEADER);
  }
}

/** The first value of header `name` in a handler context (exact name first, then case-insensitively), or undefined. */
function headerOf(headers: ReadonlyMap<string, readonly string[]> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const exact = headers.get(name);
  if (exact !== undefined) return exact[0];
  const lower = name.toLowerCase();
  for (const [key, values] of headers) if (key.toLowerCase() === lower) return values[0];
  return undefined;
}
