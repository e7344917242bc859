/**
 * Permissions on and off: what per-node identities cost the typed path. Three nats-servers run side by side for the
 * group, each with its own controller and worker client: ON admits two nkey users only, a controller and a worker,
 * each with its role's permissions from generated/permissions.ts (natsPermissions, bound to its id, requests answered
 * on its own inbox prefix), and its clients sign in with their own seeds and use their inbox prefixes; OFF and OFF2 are
 * plain nats-servers, no authentication, clients with nats.js's defaults. All run the same typed code: the worker
 * publishes the contract's heartbeat on `channels.workerHeartbeat`, the controller sends `channels.workerInference`
 * requests to the worker, which acks.
 *
 * The three sides take turns chunk by chunk (bench/lib/interleave.ts). ON/OFF is the figure; OFF2/OFF is what the
 * same comparison shows when nothing differs but the server process and the connections: the noise, measured in the
 * same run. The table puts OFF in the raw v3 column and ON (or OFF2) in the typed one, so typed/raw v3 reads ON/OFF.
 * One more row, on Linux, shows each server's CPU per request over the in-flight phase: where a throughput
 * difference comes from on a machine whose cores the servers share with the clients.
 *
 * Before measuring, each server is shown to carry the traffic, and ON to enforce: a heartbeat published by the
 * worker for another worker's id is refused (a permissions violation, and the controller never sees it). After
 * measuring, any client error (a refusal, an invalid message) fails the group.
 */
import { readFileSync } from 'node:fs';
import { channels } from '../../generated/channels.js';
import { rolePermissions } from '../../generated/permissions.js';
import { createNodeKey } from '../../src/client/index.js';
import type { NatsClient } from '../../src/client/client.js';
import { inboxPrefixFor, natsPermissions } from '../../src/contract/permissions.js';
import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';
import { closeAll, typedClient } from '../lib/connections.js';
import { chunkedPlan, type BenchContext } from '../lib/context.js';
import type { Figure, Target } from '../lib/figures.js';
import { interleave, perChunk } from '../lib/interleave.js';
import { concurrent, sequence, type Latency } from '../lib/latency.js';
import { WORKER_ID, ack, heartbeat, inferenceRequest } from '../lib/payloads.js';
import { compare } from '../lib/ratios.js';
import { nowMs, waitUntil } from '../lib/stats.js';

const TIMEOUT_MS = 5000;
/** The controller's id (every node has one in the users file; it names the controller's inbox prefix). */
const CONTROLLER_ID = 'e5d4c3b2-a190-4f8e-8d7c-6b5a49382716';
/** A worker the ON worker is not: publishing its heartbeat must be refused. */
const OTHER_WORKER_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** The narrowest noise band: ON/OFF within 1 ± 10% is within the noise however quiet the run. */
const NOISE_FLOOR = 0.1;

/**
 * "Within the noise": ON/OFF (median of the per-chunk ratios) no worse than 1 by more than the larger of 10% and how
 * far OFF2/OFF (two plain servers, same run) strays from 1 either way. One-sided: ON may come out better than OFF by
 * any amount, which can only be noise too.
 */
function noiseTarget(offOff: number | null, higherIsBetter: boolean): Target {
  const width = Math.max(NOISE_FLOOR, offOff === null ? 0 : Math.abs(offOff - 1));
  return higherIsBetter ? { kind: 'ratioAtLeast', value: 1 - width, source: 'noise' } : { kind: 'ratioAtMost', value: 1 + width, source: 'noise' };
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on every Linux nats-server runs on). */
const USER_HZ = 100;

/** CPU time (user + system, every thread) of process `pid` in ms, from /proc (Linux); undefined where it cannot be read. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses: state is [0], utime [11], stime [12].
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/** One side's two typed clients and the errors they reported. */
interface Pair {
  controller: NatsClient;
  worker: NatsClient;
  errors: string[];
}

async function pair(url: string, name: string, auth?: { controllerSeed: string; workerSeed: string }): Promise<Pair> {
  const errors: string[] = [];
  const opened = await Promise.allSettled([
    typedClient(url, {
      name: `bench-${name}-controller`,
      ...(auth === undefined ? {} : { nkeySeed: auth.controllerSeed, inboxPrefix: inboxPrefixFor('controller', CONTROLLER_ID) }),
    }),
    typedClient(url, {
      name: `bench-${name}-worker`,
      ...(auth === undefined ? {} : { nkeySeed: auth.workerSeed, inboxPrefix: inboxPrefixFor('worker', WORKER_ID) }),
    }),
  ]);
  const [controller, worker] = opened.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  if (controller === undefined || worker === undefined) {
    await closeAll([], [controller, worker]);
    const failure = opened.find((result) => result.status === 'rejected');
    throw failure?.reason instanceof Error ? failure.reason : new Error(`${name}: a client did not connect`);
  }
  for (const [who, client] of [
    ['controller', controller],
    ['worker', worker],
  ] as const) {
    client.on('error', (error) => errors.push(`${name} ${who}: ${error.message}`));
  }
  return { controller, worker, errors };
}

/**
 * The side carries a heartbeat from the worker to the controller; with `enforced`, a heartbeat for another worker's
 * id is refused by the server and never delivered. Throws otherwise.
 */
async function probe(side: Pair, name: string, enforced: boolean): Promise<void> {
  const seen: string[] = [];
  const sub = await channels.workerHeartbeat.subscribe(side.controller, { workerId: '*' }, (message) => {
    seen.push(message.workerId);
  });
  try {
    await side.controller.flush();
    await channels.workerHeartbeat.publish(side.worker, { workerId: WORKER_ID }, heartbeat());
    await side.worker.flush();
    if (!(await waitUntil(() => seen.includes(WORKER_ID), 3000))) throw new Error(`${name}: the controller did not receive the worker's heartbeat`);
    if (!enforced) return;
    const before = side.errors.length;
    await channels.workerHeartbeat.publish(side.worker, { workerId: OTHER_WORKER_ID }, { ...heartbeat(), workerId: OTHER_WORKER_ID });
    await side.worker.flush();
    const refused = await waitUntil(() => side.errors.slice(before).some((e) => e.includes('PERMISSIONS_VIOLATION')), 3000);
    // A round trip on the controller's connection: anything the server had delivered has arrived by now.
    await side.controller.flush();
    if (!refused || seen.includes(OTHER_WORKER_ID))
      throw new Error(`${name}: the server did not refuse the worker a heartbeat for another worker's id; permissions are not on`);
    side.errors.splice(before);
  } finally {
    await sub.unsubscribe();
  }
}

/** The permissions group: publish throughput and request/reply, ON against OFF, and OFF against itself. */
export async function permissionsFigures(ctx: BenchContext): Promise<Figure[]> {
  const controllerKey = createNodeKey();
  const workerKey = createNodeKey();
  const users = [
    {
      nkey: controllerKey.publicKey,
      permissions: natsPermissions(rolePermissions.controller, CONTROLLER_ID, { inboxPrefix: inboxPrefixFor('controller', CONTROLLER_ID) }),
    },
    { nkey: workerKey.publicKey, permissions: natsPermissions(rolePermissions.worker, WORKER_ID, { inboxPrefix: inboxPrefixFor('worker', WORKER_ID) }) },
  ];
  const serverOn = new EmbeddedNatsServer();
  const serverOff = new EmbeddedNatsServer();
  const serverOff2 = new EmbeddedNatsServer();
  const sides: Pair[] = [];
  try {
    await Promise.all([
      serverOn.start({ port: 0, httpPort: 0, authorization: { users } }),
      serverOff.start({ port: 0, httpPort: 0 }),
      serverOff2.start({ port: 0, httpPort: 0 }),
    ]);
    const on = await pair(serverOn.getUrl(), 'on', { controllerSeed: controllerKey.seed, workerSeed: workerKey.seed });
    sides.push(on);
    const off = await pair(serverOff.getUrl(), 'off');
    sides.push(off);
    const off2 = await pair(serverOff2.getUrl(), 'off2');
    sides.push(off2);
    ctx.log(`permissions: ON server at ${serverOn.getUrl()} (2 nkey users), OFF and OFF2 at ${serverOff.getUrl()} and ${serverOff2.getUrl()} (no auth)`);
    await probe(on, 'ON', true);
    await probe(off, 'OFF', false);
    await probe(off2, 'OFF2', false);

    const hb = channels.workerHeartbeat;
    const beat = heartbeat();
    const hbParams = { workerId: beat.workerId };
    const n = perChunk(ctx.sizes.publish, ctx.sizes.chunks);
    const publishChunk = (side: Pair) => async (): Promise<number> => {
      const started = nowMs();
      for (let i = 0; i < n; i++) await hb.publish(side.worker, hbParams, beat);
      await side.worker.flush();
      return n / ((nowMs() - started) / 1000);
    };
    const plan = chunkedPlan(ctx.sizes);
    const published = await interleave(plan, { on: publishChunk(on), off: publishChunk(off), off2: publishChunk(off2) });

    const inference = channels.workerInference;
    const params = { workerId: WORKER_ID };
    const payload = inferenceRequest(400);
    await Promise.all(sides.map((side) => inference.reply(side.worker, params, (request) => ack(request))));
    const once = (side: Pair) => async (): Promise<void> => {
      await inference.request(side.controller, params, payload, { timeout: TIMEOUT_MS });
    };
    const block = perChunk(ctx.sizes.requestsInSequence, ctx.sizes.chunks);
    const latency = await interleave(plan, {
      on: () => sequence(block, once(on)),
      off: () => sequence(block, once(off)),
      off2: () => sequence(block, once(off2)),
    });
    const inFlight = ctx.sizes.requestsInFlight;
    const slice = perChunk(ctx.sizes.requestTotal, ctx.sizes.chunks);
    const servers = [serverOn, serverOff, serverOff2];
    const cpuBefore = servers.map((server) => cpuMs(server.getPid()));
    const throughput = await interleave(plan, {
      on: () => concurrent(slice, inFlight, once(on)),
      off: () => concurrent(slice, inFlight, once(off)),
      off2: () => concurrent(slice, inFlight, once(off2)),
    });

    const cpuAfter = servers.map((server) => cpuMs(server.getPid()));
    const errors = sides.flatMap((side) => side.errors);
    if (errors.length > 0) throw new Error(`${errors.length} client error(s) while measuring, first: ${errors[0] ?? ''}`);

    const chunked = { rounds: ctx.sizes.rounds, chunks: ctx.sizes.chunks };
    const figures: Figure[] = [];
    const add = (metric: string, unit: string, higherIsBetter: boolean, samples: { on: number[]; off: number[]; off2: number[] }, note: string): void => {
      const onOff = compare(samples.on, samples.off);
      const noise = compare(samples.off2, samples.off);
      const target = noiseTarget(noise.ratio, higherIsBetter);
      const ratio = (value: number | null): string => (value === null ? '-' : `${value.toFixed(2)}x`);
      ctx.log(`permissions ${metric}: ON/OFF ${ratio(onOff.ratio)}, OFF2/OFF ${ratio(noise.ratio)} (noise)`);
      figures.push(
        {
          metric: `permissions ON/OFF: ${metric}`,
          unit,
          ...onOff,
          ...chunked,
          targets: [target],
          note: `${note}; raw v3 column: permissions OFF, typed: ON; noise: max(10%, |OFF2/OFF - 1|) = ${(Math.abs(target.value - 1) * 100).toFixed(0)}%`,
        },
        {
          metric: `permissions OFF2/OFF (noise): ${metric}`,
          unit,
          ...noise,
          ...chunked,
          targets: [],
          note: 'two plain nats-servers: raw v3 column OFF, typed OFF2',
        },
      );
    };
    const pick = (key: keyof Latency) => ({ on: latency.on.map((l) => l[key]), off: latency.off.map((l) => l[key]), off2: latency.off2.map((l) => l[key]) });
    add(
      'publish throughput (heartbeat, worker)',
      'msg/s',
      true,
      published,
      `${n.toLocaleString('en-US')} typed heartbeats per chunk from the worker, then a flush`,
    );
    add(
      'request/reply latency p50',
      'us',
      false,
      pick('p50'),
      `blocks of ${block.toLocaleString('en-US')} typed requests, controller -> worker, one at a time`,
    );
    add('request/reply latency p99', 'us', false, pick('p99'), `p99 of each block of ${block.toLocaleString('en-US')}`);
    add(`request throughput, ${inFlight} in flight`, 'req/s', true, throughput, `${slice.toLocaleString('en-US')} typed requests per chunk`);
    // Where a throughput difference comes from: each server's CPU over the whole in-flight phase (warm-up included).
    const requests = (plan.rounds + (plan.warmUp ? 1 : 0)) * plan.chunks * slice;
    const perRequest = servers.map((_, i) => {
      const before = cpuBefore[i];
      const after = cpuAfter[i];
      return before === undefined || after === undefined ? null : ((after - before) * 1000) / requests;
    });
    const [cpuOn = null, cpuOff = null, cpuOff2 = null] = perRequest;
    if (cpuOn !== null && cpuOff !== null) {
      ctx.log(
        `permissions nats-server CPU per request, ${inFlight} in flight: ON ${cpuOn.toFixed(1)} / OFF ${cpuOff.toFixed(1)} / OFF2 ${(cpuOff2 ?? Number.NaN).toFixed(1)} us`,
      );
      figures.push({
        metric: `permissions ON/OFF: nats-server CPU per request, ${inFlight} in flight`,
        unit: 'us',
        typed: cpuOn,
        raw: cpuOff,
        rounds: 1,
        targets: [],
        note: `user + system CPU of each server over the in-flight phase (${requests.toLocaleString('en-US')} requests each, warm-up included; /proc, 10 ms ticks); OFF2 ${(cpuOff2 ?? Number.NaN).toFixed(1)} us`,
      });
    }
    return figures;
  } finally {
    await closeAll(
      [],
      sides.flatMap((side) => [side.controller, side.worker]),
    );
    await Promise.all([serverOn.stop(), serverOff.stop(), serverOff2.stop()]);
  }
}
