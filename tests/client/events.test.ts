/**
 * events.ts: TypedEvents, the client's emitter that never throws. Elsewhere: the client's events in order through an
 * outage, tests/client/client-faults.test.ts and tests/client/connection.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { TypedEvents } from '../../src/client/events.js';

describe('TypedEvents', () => {
  interface Events {
    ping: [n: number];
    error: [e: Error];
  }

  it('calls listeners in order, once per function, and off removes them', () => {
    const events = new TypedEvents<Events>(() => undefined);
    const seen: number[] = [];
    const a = (n: number): void => {
      seen.push(n);
    };
    events.on('ping', a);
    events.on('ping', a);
    expect(events.emit('ping', 1)).toBe(1);
    events.off('ping', a);
    events.off('error', () => undefined);
    expect(events.emit('ping', 2)).toBe(0);
    expect(seen).toEqual([1]);
    expect(events.listenerCount('ping')).toBe(0);
    expect(events.listenerCount('error')).toBe(0);
  });

  it('never throws: error without listeners is a no-op and a throwing listener goes to onListenerError', () => {
    const failures: unknown[] = [];
    const events = new TypedEvents<Events>((event, error) => failures.push([event, error]));
    expect(events.emit('error', new Error('nobody listens'))).toBe(0);
    const boom = new Error('listener bug');
    events.on('ping', () => {
      throw boom;
    });
    const after = vi.fn();
    events.on('ping', after);
    expect(() => events.emit('ping', 1)).not.toThrow();
    expect(after).toHaveBeenCalledWith(1);
    expect(failures).toEqual([['ping', boom]]);
  });
});
