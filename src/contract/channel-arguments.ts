/**
 * How a channel's methods read their arguments. Every method takes the channel's parameters first when its address
 * has any, and not at all when it has none (the generated types say which): `publish(client, params, payload,
 * options?)` or `publish(client, payload, options?)`, and so for request, subscribe (a handler in the payload's place),
 * reply and subject. One reading serves them all, at fixed arity: no arguments array per call on the hot path.
 */

/** The parameters of a call that passes none: one frozen object for every call. */
export const NO_PARAMS: Readonly<Record<string, never>> = Object.freeze({});

/** Reads the arguments after the client: `(first, second, third)` as the caller passed them. */
export interface ChannelArguments<P> {
  /** The parameters (the first argument), or {@link NO_PARAMS} for a channel without any, or when they are missing. */
  params(first: unknown): P;
  /** The payload or handler: the argument after the parameters. */
  value(first: unknown, second: unknown): unknown;
  /** The options: the argument after the payload or handler. */
  options(second: unknown, third: unknown): unknown;
}

const WITH_PARAMETERS: ChannelArguments<unknown> = {
  params: (first) => first ?? NO_PARAMS,
  value: (_first, second) => second,
  options: (_second, third) => third,
};

const WITHOUT_PARAMETERS: ChannelArguments<unknown> = {
  params: () => NO_PARAMS,
  value: (first) => first,
  options: (second) => second,
};

/** The reading for a channel whose address has parameters (`hasParameters`) or none. */
export function channelArguments<P>(hasParameters: boolean): ChannelArguments<P> {
  return (hasParameters ? WITH_PARAMETERS : WITHOUT_PARAMETERS) as ChannelArguments<P>;
}
