/**
 * A bounded soak in the suite: 100 requests on 2 worker processes, one SIGKILLed and started again under the same
 * id every 2-3 s (bench/soak/soak.ts; `npm run bench -- --soak` runs the long one on a 3-node NATS cluster). No
 * request hangs, no text is wrong, at least 99% complete, and every lost attempt names a worker that was really
 * killed. Latency is a figure of the bench's soak report (quiet and chaos p99), not asserted here.
 */
import { describe, expect, it } from 'vitest';
import { QUICK_SOAK, renderSoakReport, runSoak } from '../../bench/soak/soak.js';

describe('the soak, bounded', () => {
  it('holds its promises while workers are killed and restarted under the same ids', { timeout: 90_000 }, async () => {
    const lines: string[] = [];
    const report = await runSoak({ ...QUICK_SOAK, log: (line) => lines.push(line) });
    const text = `${renderSoakReport(report)}\n${lines.join('\n')}`;
    expect(report.requests, text).toBe(QUICK_SOAK.requests);
    expect(report.workerKills, text).toBeGreaterThanOrEqual(1);
    expect(report.hung, text).toBe(0);
    expect(report.wrongText, text).toBe(0);
    expect(report.completed, text).toBeGreaterThanOrEqual(Math.ceil(report.requests * 0.99));
    expect(report.healthyDropped, text).toEqual([]);
  });
});
