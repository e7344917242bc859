/**
 * When the formatting worker cannot start, or stops before answering, formatting falls back to the main thread with
 * the same prettier setup: the same bytes, and no request is lost. The worker is replaced here by a stand-in.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const SOURCE = 'export const a = {b: "c"}';
const FORMATTED = "export const a = { b: 'c' };\n";

/** How the stand-in Worker behaves: throw when constructed, or die on the first message. */
const mode = vi.hoisted((): { current: 'throw' | 'die'; started: number } => ({ current: 'throw', started: 0 }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  const { EventEmitter } = await import('node:events');
  class StandIn extends EventEmitter {
    constructor() {
      super();
      mode.started++;
      if (mode.current === 'throw') throw new Error('no workers here');
    }
    ref(): void {}
    unref(): void {}
    postMessage(): void {
      setImmediate(() => {
        this.emit('error', new Error('worker died'));
      });
    }
  }
  return { ...original, Worker: StandIn };
});

beforeEach(() => {
  vi.resetModules();
  mode.started = 0;
});

describe('formatTypeScript without a working worker', () => {
  it('formats on the main thread when the worker cannot start, and tries to start it once', async () => {
    mode.current = 'throw';
    const { formatTypeScript } = await import('../../../codegen/output/format.js');
    expect(await formatTypeScript(SOURCE)).toBe(FORMATTED);
    expect(await formatTypeScript(SOURCE)).toBe(FORMATTED);
    expect(mode.started).toBe(1);
  });

  it('hands the requests a dying worker owed to the main thread, and does not start another', async () => {
    mode.current = 'die';
    const { formatTypeScript, startFormatter } = await import('../../../codegen/output/format.js');
    startFormatter();
    const results = await Promise.all([formatTypeScript(SOURCE), formatTypeScript('export const b = 1')]);
    expect(results).toEqual([FORMATTED, 'export const b = 1;\n']);
    expect(await formatTypeScript(SOURCE)).toBe(FORMATTED);
    expect(mode.started).toBe(1);
  });
});
