import { describe, expect, it } from 'vitest';
import { backoffDelay, createReconnectDelay, type ReconnectDelay } from '../../src/client/reconnect.js';

const policy = { initialMs: 100, maxMs: 1000 };
const middle = (): number => 0.5; // jitter term cancels out: exactly the exponential value

describe('backoffDelay', () => {
  it('starts at initialMs and doubles per attempt up to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, middle));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('spreads by ±20% by default', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(80);
    expect(backoffDelay(0, policy, () => 0.999999)).toBe(120);
    expect(backoffDelay(1, policy, () => 0)).toBe(160);
  });

  it('never exceeds the cap, jitter included', () => {
    expect(backoffDelay(10, policy, () => 0.999999)).toBe(1000);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(960);
  });

  it('honours multiplier and jitter options, clamping jitter to 0..1', () => {
    expect(backoffDelay(2, { ...policy, multiplier: 3, jitter: 0 }, () => 0.9)).toBe(900);
    expect(backoffDelay(0, { ...policy, jitter: 5 }, () => 0)).toBe(0);
    expect(backoffDelay(0, { ...policy, jitter: -1 }, () => 0)).toBe(100);
  });

  it('treats odd inputs safely: negative or fractional attempts, huge attempts, initial above the cap', () => {
    expect(backoffDelay(-3, policy, middle)).toBe(100);
    expect(backoffDelay(1.7, policy, middle)).toBe(200);
    expect(backoffDelay(5000, policy, middle)).toBe(1000);
    expect(backoffDelay(0, { initialMs: 5000, maxMs: 1000 }, middle)).toBe(1000);
    expect(backoffDelay(0, { initialMs: -5, maxMs: -1 }, middle)).toBe(0);
  });

  it('uses Math.random by default and stays inside the jitter band', () => {
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(1, policy);
      expect(d).toBeGreaterThanOrEqual(160);
      expect(d).toBeLessThanOrEqual(240);
    }
  });
});

/**
 * Replays nats.js's dial loop (protocol.js dodialLoop) for one server whose dials always fail: each turn asks the
 * handler for a wait, dials when `lastConnect + wait <= now`, otherwise sleeps the remainder. Returns dial times.
 */
function simulateDialLoop(delay: ReconnectDelay, clock: { t: number }, dials: number): number[] {
  const times: number[] = [];
  let lastConnect = 0;
  for (let turn = 0; turn < 10_000 && times.length < dials; turn++) {
    const wait = delay.handler();
    const now = clock.t;
    if (lastConnect === 0 || lastConnect + wait <= now) {
      lastConnect = now;
      times.push(now);
      clock.t += 1; // a refused dial takes a moment
    } else {
      clock.t += Math.min(wait, lastConnect + wait - now);
    }
  }
  return times;
}

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe('createReconnectDelay', () => {
  it('makes nats.js dial at exponentially growing intervals, not jump to the cap', () => {
    const clock = { t: 1_000_000 };
    const delay = createReconnectDelay(policy, { now: () => clock.t, random: middle });
    const times = simulateDialLoop(delay, clock, 7);
    expect(gaps(times)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(delay.attempts).toBe(7);
  });

  it('starts over after reset (a successful reconnect)', () => {
    const clock = { t: 5_000 };
    const delay = createReconnectDelay(policy, { now: () => clock.t, random: middle });
    simulateDialLoop(delay, clock, 5);
    delay.reset();
    expect(delay.attempts).toBe(0);
    const times = simulateDialLoop(delay, clock, 3);
    expect(gaps(times)).toEqual([100, 200]);
  });

  it('keeps returning the armed wait while it has not elapsed', () => {
    const clock = { t: 0 };
    const delay = createReconnectDelay(policy, { now: () => clock.t, random: middle });
    expect(delay.handler()).toBe(0);
    clock.t = 50;
    expect(delay.handler()).toBe(100);
    clock.t = 99;
    expect(delay.handler()).toBe(100);
    clock.t = 100;
    expect(delay.handler()).toBe(0);
    clock.t = 101;
    expect(delay.handler()).toBe(200);
  });

  it('works with the real clock and Math.random by default', () => {
    const delay = createReconnectDelay(policy);
    expect(delay.handler()).toBe(0);
    const next = delay.handler();
    expect(next).toBeGreaterThanOrEqual(80);
    expect(next).toBeLessThanOrEqual(120);
  });
});
