/**
 * NATS subject safety. A subject is dot-separated tokens; a parameter value must be exactly one token, so a value
 * such as `>` or `a.b` can never turn `worker.{workerId}.inference` into a wildcard or a different subject.
 */
import { SubjectError } from './errors.js';

/**
 * The characters no NATS token and no queue group may hold: white space (JavaScript's `\s`, Unicode's spaces and
 * line separators included), on which the protocol splits, and control characters (Unicode `Cc`: C0, DEL and C1,
 * NEL included), which are never what a caller meant. The one statement of the rule: the client, the contract face
 * and permissions read it from here; codegen/ (which may not load runtime code) states it again in
 * codegen/model/model.ts, and tests/base/subjects.test.ts holds the two to the same verdicts.
 */
const BLANK_OR_CONTROL = String.raw`\s\p{Cc}`;
/** Empty, or holding a separator, a wildcard, white space or a control character. */
const UNSAFE_TOKEN = new RegExp(`^$|[.*>${BLANK_OR_CONTROL}]`, 'u');
/** Empty, or holding white space or a control character (a queue group may hold dots and wildcards). */
const UNSAFE_QUEUE_GROUP = new RegExp(`^$|[${BLANK_OR_CONTROL}]`, 'u');

/**
 * What the name of a NATS micro service (ADR-32) or of one of its endpoints may hold: letters, digits, `-` and `_`. A
 * service name is a token of its `$SRV.<verb>.<name>` subjects; the client checks it before starting a service, the
 * contract face before granting a service's subjects.
 */
export const SERVICE_NAME = /^[A-Za-z0-9_-]+$/;

/** True when `value` is one literal NATS token: not empty, no `.`, `*`, `>`, white space or control characters. */
export function isSafeToken(value: string): boolean {
  return !UNSAFE_TOKEN.test(value);
}

/**
 * Throws {@link SubjectError} unless `queue` is a queue group name NATS accepts: not empty, no white space or control
 * characters. `subject` is the subscription's, for the message.
 */
export function assertQueueGroup(queue: string, subject: string): void {
  if (UNSAFE_QUEUE_GROUP.test(queue)) {
    throw new SubjectError(
      `Invalid queue group "${printable(queue)}" for "${printable(subject)}": use a non-empty name without white space or control characters.`,
      {
        subject,
      },
    );
  }
}

/** Throws {@link SubjectError} unless `subject` is a concrete subject a message can be published to (no wildcards). */
export function assertPublishSubject(subject: string): void {
  assertNonEmpty(subject, 'worker.heartbeat');
  for (const token of subject.split('.')) {
    if (!isSafeToken(token)) {
      throw new SubjectError(
        `Invalid subject "${printable(subject)}" for publishing: token "${printable(token)}" is empty or contains a wildcard, white space or control character. Publish to a concrete subject such as "worker.heartbeat".`,
        { subject },
      );
    }
  }
}

/** Throws {@link SubjectError} unless `subject` is a valid subscription subject (`*` as a whole token, `>` as the last). */
export function assertSubscribeSubject(subject: string): void {
  assertNonEmpty(subject, 'worker.*.inference');
  const tokens = subject.split('.');
  tokens.forEach((token, index) => {
    const wildcard = token === '*' || (token === '>' && index === tokens.length - 1);
    if (!wildcard && !isSafeToken(token)) {
      throw new SubjectError(
        `Invalid subject "${printable(subject)}" for subscribing: token "${printable(token)}" is empty or contains white space, a control character, or a wildcard that is not a whole token ("*") or the last token (">").`,
        { subject },
      );
    }
  });
}

// Callers from plain JavaScript may pass anything; fail with a SubjectError rather than a TypeError.
function assertNonEmpty(subject: unknown, example: string): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new SubjectError(`The subject is empty or not a string; pass a subject such as "${example}".`, { subject: String(subject) });
  }
}

/** One piece of a parsed address template: a literal token or a named parameter. */
type TemplatePart = { literal: string } | { param: string };

/** A parsed AsyncAPI channel address such as `worker.{workerId}.inference`. */
export interface SubjectTemplate<P extends string> {
  readonly address: string;
  readonly parameters: readonly P[];
  /** Builds a concrete subject; each value must be one safe token and pass `check`. */
  build(values: Readonly<Record<P, string>>): string;
  /** Builds a subscription subject; a value of `*` subscribes to every value of that parameter. */
  buildPattern(values: Readonly<Record<P, string>>): string;
  /** Anchored, exact: the parameters of a concrete subject, or undefined when it does not match. */
  parse(subject: string): Record<P, string> | undefined;
  /** Why `subject` does not match (one entry per problem, with the parameter when one is at fault); empty when it does. */
  explain(subject: string): { parameter?: P; problem: string }[];
}

/**
 * Compiles an address template. `check(param, value)` returns a problem description when the value breaks the
 * parameter's own schema, or undefined when it is fine.
 */
export function compileSubjectTemplate<P extends string>(
  address: string,
  check: (param: P, value: string) => string | undefined = () => undefined,
): SubjectTemplate<P> {
  const parts: TemplatePart[] = address.split('.').map((token) => {
    const match = /^\{([^{}]+)\}$/.exec(token);
    if (match?.[1] !== undefined) return { param: match[1] };
    if (!isSafeToken(token)) throw new SubjectError(`Channel address "${address}" has an invalid token "${token}".`, { subject: address });
    return { literal: token };
  });
  const parameters = parts.flatMap((part) => ('param' in part ? [part.param as P] : []));

  const valueFor = (values: Readonly<Record<P, string>>, param: P, allowWildcard: boolean): string => {
    const value: unknown = values[param];
    if (typeof value !== 'string') {
      throw new SubjectError(`Missing parameter "${param}" for "${address}": pass a string value.`, { subject: address, parameter: param });
    }
    if (allowWildcard && value === '*') return value;
    if (!isSafeToken(value)) {
      throw new SubjectError(
        `Parameter "${param}" of "${address}" must be one NATS token (not empty; no ".", "*", ">", white space or control characters), got "${printable(value)}". Nothing was sent.`,
        { subject: address, parameter: param },
      );
    }
    const problem = check(param, value);
    if (problem !== undefined) {
      throw new SubjectError(`Parameter "${param}" of "${address}" is invalid: ${problem} (got "${printable(value)}"). Nothing was sent.`, {
        subject: address,
        parameter: param,
      });
    }
    return value;
  };

  const assemble = (values: Readonly<Record<P, string>>, allowWildcard: boolean): string =>
    parts.map((part) => ('literal' in part ? part.literal : valueFor(values, part.param as P, allowWildcard))).join('.');

  return {
    address,
    parameters,
    build: (values) => assemble(values, false),
    buildPattern: (values) => assemble(values, true),
    parse(subject) {
      if (typeof subject !== 'string') return undefined;
      const tokens = subject.split('.');
      if (tokens.length !== parts.length) return undefined;
      const result = {} as Record<P, string>;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as TemplatePart;
        const token = tokens[i] as string;
        if ('literal' in part) {
          if (token !== part.literal) return undefined;
        } else {
          if (!isSafeToken(token) || check(part.param as P, token) !== undefined) return undefined;
          result[part.param as P] = token;
        }
      }
      return result;
    },
    explain(subject) {
      const tokens = subject.split('.');
      if (tokens.length !== parts.length) return [{ problem: `has ${tokens.length} tokens where "${address}" has ${parts.length}` }];
      const problems: { parameter?: P; problem: string }[] = [];
      parts.forEach((part, i) => {
        const token = tokens[i] as string;
        if ('literal' in part) {
          if (token !== part.literal) problems.push({ problem: `token ${i + 1} is "${printable(token)}" where "${address}" has "${part.literal}"` });
          return;
        }
        const parameter = part.param as P;
        const problem = isSafeToken(token) ? check(parameter, token) : 'must be one NATS token';
        if (problem !== undefined) problems.push({ parameter, problem: `${problem} (got "${printable(token)}")` });
      });
      return problems;
    },
  };
}

/**
 * Shows control characters (C0, DEL, C1) and Unicode line separators visibly in messages, so an error never prints a
 * raw newline or escape sequence.
 */
function printable(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
