/**
 * AsyncAPI's parameter `location` (`$message.payload#/requestId`): the payload carries the value the subject carries.
 * Generated code passes each such location as a JSON pointer into the payload; the channel checks both directions
 * with it, because a subject is what NATS permissions can bind to a node and a payload is whatever the sender wrote.
 */
import { pointerSegments } from '../base/json-pointer.js';
import { SubjectError, type ValidationIssue } from '../base/errors.js';

/** Where the payload carries a parameter: a JSON pointer (RFC 6901) per parameter name, `/requestId` for `$message.payload#/requestId`. */
export type ParameterLocations = Readonly<Record<string, string>>;

/**
 * Compares a payload with the parameter values of its subject: an issue per parameter whose payload field holds
 * another value, or undefined when none does. An absent field (an optional one) contradicts nothing.
 */
export type LocationCheck = (payload: unknown, params: Readonly<Record<string, string>>) => ValidationIssue[] | undefined;

/** How much of a contradicting payload value an error shows. */
const SHOWN_CHARS = 80;

interface Located {
  parameter: string;
  /** The pointer's reference tokens, unescaped. */
  path: readonly string[];
  /** The path as payload issues write it (`metrics.workerId`). */
  dotted: string;
  /** The location as the contract writes it, for messages. */
  written: string;
}

/**
 * Compiles `locations` of a channel whose address has `parameters`; undefined when there are none. A location for a
 * parameter the address lacks, or a pointer that is not one, is a mistake in the declaration: it throws.
 */
export function compileLocationCheck(address: string, parameters: readonly string[], locations: ParameterLocations | undefined): LocationCheck | undefined {
  const located: Located[] = Object.entries(locations ?? {}).map(([parameter, pointer]) => {
    if (!parameters.includes(parameter))
      throw new SubjectError(`Channel address "${address}" has no parameter "${parameter}" for the location "${pointer}".`, { subject: address, parameter });
    if (pointer !== '' && !pointer.startsWith('/'))
      throw new SubjectError(`The location of parameter "${parameter}" of "${address}" must be a JSON pointer ("/field"), got "${pointer}".`, {
        subject: address,
        parameter,
      });
    const path = pointerSegments(pointer);
    return { parameter, path, dotted: path.join('.'), written: `$message.payload#${pointer}` };
  });
  if (located.length === 0) return undefined;
  return (payload, params) => {
    let issues: ValidationIssue[] | undefined;
    for (const { parameter, path, dotted, written } of located) {
      const found = valueAt(payload, path);
      const expected = params[parameter];
      if (found === undefined || expected === undefined || textOf(found) === expected) continue;
      (issues ??= []).push({
        path: dotted,
        message: `${shown(found)} contradicts the subject, whose {${parameter}} is "${expected}" (the contract locates {${parameter}} at ${written})`,
      });
    }
    return issues;
  };
}

/** The value at `path` in JSON data, or undefined where any step is missing. */
function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const token of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** A payload value as an error shows it: JSON, cut short (a string field may be long; a subject token is not). */
function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length <= SHOWN_CHARS ? text : `${text.slice(0, SHOWN_CHARS)}…`;
}

/** A subject token is text: a string compares as it is, anything else (a number) by its JSON text. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
