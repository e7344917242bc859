/**
 * Issue 7, bad input from a foreign publisher (plain nats.js, or raw NATS protocol over TCP) on typed channels:
 * malformed JSON, wrong types, an empty payload, binary garbage, deep nesting, a payload above the server's
 * max_payload, a payload that speaks for another worker than its subject names. In every case the handler is not called, the message is counted, an error event carries the subject,
 * and the subscription and the process go on (a valid message afterwards arrives). An unknown extra field is what a
 * peer on a newer contract sends: the reader strips it and the handler gets the rest, with no error.
 */
import { connect as tcpConnect } from 'node:net';
import { connect as natsConnect } from '@nats-io/transport-node';
import { type NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageDecodeError, NatsClient, ValidationError, channels, type DistributedError, type Subscription, type WorkerHeartbeat } from '../../src/index.js';
import type { TestNatsServer } from '../helpers/nats-server.js';
import { Cleanup, waitFor } from '../helpers/client.js';
import { exampleOf } from '../helpers/reliability.js';

const MAX_PAYLOAD = 64 * 1024;
const WORKER = '0b8c5a36-7f2e-4d1a-9c3b-5e6f7a8b9c0d';
const WORKER_B = '6d2f1c0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f';

const cleanup = new Cleanup();
let server: TestNatsServer;
let client: NatsClient;
let foreign: NatsConnection;
const errors: DistributedError[] = [];
const handled: WorkerHeartbeat[] = [];
let sub: Subscription;
const valid = exampleOf('WorkerHeartbeat') as WorkerHeartbeat;
/** The sender's own heartbeat subject. */
const SUBJECT = channels.workerHeartbeat.subject({ workerId: valid.workerId });

beforeAll(async () => {
  server = await cleanup.server({ maxPayload: MAX_PAYLOAD });
  client = await cleanup.client(server.url);
  client.on('error', (e) => errors.push(e));
  sub = await channels.workerHeartbeat.subscribe(client, { workerId: '*' }, (hb) => {
    handled.push(hb);
  });
  foreign = await natsConnect({ servers: server.url });
  cleanup.add(() => foreign.close());
});
afterAll(() => cleanup.run());

const text = (s: string): Uint8Array => Buffer.from(s);
const deep = (depth: number): Uint8Array => text(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Hostile payloads, the error class each must give, and a word its message must contain. */
const CASES: [name: string, payload: Uint8Array, error: typeof MessageDecodeError | typeof ValidationError, says: RegExp][] = [
  ['malformed JSON', text('{"workerId": '), MessageDecodeError, /not valid JSON/],
  ['wrong types', text(JSON.stringify({ ...valid, timestamp: 'yesterday', metrics: 'busy' })), ValidationError, /timestamp/],
  ['an empty payload', new Uint8Array(0), MessageDecodeError, /empty/],
  ['binary garbage', new Uint8Array([0xff, 0xfe, 0x00, 0x9c, 0x7b, 0x80, 0x01]), MessageDecodeError, /not valid JSON/],
  ['JSON null', text('null'), ValidationError, /\(root\)/],
  ['a JSON array', text('[1,2,3]'), ValidationError, /\(root\)/],
  ['nesting 10 000 levels deep', deep(10_000), ValidationError, /WorkerHeartbeat/],
  ['a 60 KB string where a UUID belongs', text(JSON.stringify({ ...valid, workerId: 'x'.repeat(60_000) })), ValidationError, /workerId/],
  [
    "another worker's id in the payload (the subject names this one)",
    text(JSON.stringify({ ...valid, workerId: WORKER_B })),
    ValidationError,
    /contradicts the subject/,
  ],
];

describe('hostile messages from a plain NATS publisher on worker.{workerId}.heartbeat', () => {
  it.each(CASES)('%s: handler not called, counted, error with the subject, subscription goes on', async (_name, payload, errorClass, says) => {
    const before = { rejected: sub.rejected, received: sub.received, handled: handled.length, errors: errors.length };
    foreign.publish(SUBJECT, payload);
    foreign.publish(SUBJECT, text(JSON.stringify(valid)));
    await foreign.flush();
    await waitFor(() => handled.length === before.handled + 1, 'the valid message after the hostile one');

    expect(sub.rejected).toBe(before.rejected + 1);
    expect(sub.received).toBe(before.received + 1);
    expect(handled.at(-1)).toEqual(valid);
    const reported = errors.slice(before.errors);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(errorClass);
    expect((reported[0] as { subject?: string }).subject).toBe(SUBJECT);
    expect(reported[0]?.message).toMatch(says);
    expect(reported[0]?.message).toContain(SUBJECT);
    expect(client.isConnected()).toBe(true);
  });

  it('an unknown extra field (a writer on a newer contract): stripped, the handler gets the rest, no error, not rejected', async () => {
    const before = { rejected: sub.rejected, handled: handled.length, errors: errors.length };
    foreign.publish(SUBJECT, text(JSON.stringify({ ...valid, isAdmin: true })));
    await foreign.flush();
    await waitFor(() => handled.length === before.handled + 1, 'the message with the unknown field');
    expect(handled.at(-1)).toEqual(valid);
    expect(handled.at(-1)).not.toHaveProperty('isAdmin');
    expect(sub.rejected).toBe(before.rejected);
    expect(errors.slice(before.errors)).toEqual([]);
  });

  it('a payload above max_payload fails on the foreign side (nats.js refuses it; the server answers raw protocol with -ERR); our side never sees it', async () => {
    const before = { rejected: sub.rejected, handled: handled.length, errors: errors.length };
    const huge = new Uint8Array(MAX_PAYLOAD + 1);
    expect(() => {
      foreign.publish(SUBJECT, huge);
    }).toThrow(/max_payload/);

    // Bypass the client-side check: speak the protocol directly, as a foreign or broken client could.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = tcpConnect(server.port, '127.0.0.1');
      let received = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no -ERR from the server; got: ${received}`));
      }, 5000);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (received.startsWith('INFO') && !received.includes('PUB_SENT')) {
          received += 'PUB_SENT';
          socket.write(`CONNECT {"verbose":false,"pedantic":false}\r\nPUB ${SUBJECT} ${huge.byteLength}\r\n`);
          socket.write(Buffer.concat([Buffer.from(huge), Buffer.from('\r\n')]));
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(received);
      });
    });
    expect(reply).toMatch(/-ERR 'Maximum Payload Violation'/);

    foreign.publish(SUBJECT, text(JSON.stringify(valid)));
    await foreign.flush();
    await waitFor(() => handled.length === before.handled + 1, 'a valid message afterwards');
    expect(sub.rejected).toBe(before.rejected);
    expect(errors.slice(before.errors)).toEqual([]);
    expect(client.isConnected()).toBe(true);
  });
});

describe('hostile requests from a plain NATS requester on worker.{workerId}.inference', () => {
  it('each gets an error reply at once naming the problem; the reply handler is never called and keeps serving', async () => {
    let calls = 0;
    const worker = await cleanup.client(server.url);
    const workerErrors: DistributedError[] = [];
    worker.on('error', (e) => workerErrors.push(e));
    const replySub = await channels.workerInference.reply(worker, { workerId: WORKER }, (req) => {
      calls += 1;
      return { requestId: req.requestId, workerId: WORKER, status: 'accepted' as const };
    });
    for (const [, payload] of CASES) {
      const msg = await foreign.request(`worker.${WORKER}.inference`, payload, { timeout: 2000 });
      expect(msg.headers?.get('Nats-Service-Error-Code')).toBe('400');
      expect(msg.headers?.get('Mlx-Error-Code')).toMatch(/^(DECODE|VALIDATION)$/);
      expect(msg.headers?.get('Nats-Service-Error')).toContain(`worker.${WORKER}.inference`);
    }
    expect(calls).toBe(0);
    expect(replySub.rejected).toBe(CASES.length);
    expect(workerErrors).toHaveLength(CASES.length);
    const ack = await channels.workerInference.request(
      client,
      { workerId: WORKER },
      exampleOf('InferenceRequest') as Parameters<typeof channels.workerInference.request>[2],
    );
    expect(ack.status).toBe('accepted');
    expect(calls).toBe(1);
  });
});
