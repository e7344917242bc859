/** Shared helpers of the configuration tests. */
import { expect } from 'vitest';
import { ConfigValidationError, type ConfigProblem } from '../../src/base/errors.js';

/** The problems of the ConfigValidationError `run` throws (fails the test if it throws anything else or nothing). */
export function problemsOf(run: () => unknown): readonly ConfigProblem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  expect.fail('expected a ConfigValidationError, but nothing was thrown');
}

/** Like {@link problemsOf} for a promise. */
export async function problemsOfAsync(run: () => Promise<unknown>): Promise<ConfigValidationError> {
  const error: unknown = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigValidationError);
  return error as ConfigValidationError;
}

/** The smallest valid configuration. */
export function minimal(): { cluster: Record<string, unknown> & { nats: Record<string, unknown> } } {
  return { cluster: { mode: 'dual', nats: { mode: 'embedded' } } };
}

/** Sets `value` at a dotted path inside `target`, creating objects on the way. */
export function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node: Record<string, unknown> = target;
  segments.slice(0, -1).forEach((segment) => {
    node[segment] ??= {};
    node = node[segment] as Record<string, unknown>;
  });
  node[segments.at(-1)!] = value;
}

/** Deletes the key at a dotted path. */
export function deleteAt(target: Record<string, unknown>, path: string): void {
  const segments = path.split('.');
  let node: Record<string, unknown> = target;
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  Reflect.deleteProperty(node, segments.at(-1)!);
}
