// The contract version travels with every message: typed publish, request and reply send `Contract-Version`
// (info.version of the generated contract), handlers read the sender's as ctx.contractVersion, and an inbound
// validation error names both versions. Real nats-server, a package client and a foreign nats.js connection.
import path from 'node:path';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { channels } from '../../generated/channels.js';
import { contract } from '../../generated/contract.js';
import type { InferenceRequest, WorkerHeartbeat } from '../../generated/schemas.js';
import { CONTRACT_VERSION_HEADER } from '../../src/contract/index.js';
import { ValidationError } from '../../src/base/errors.js';
import { loadContract } from '../helpers/parity-payloads.js';
import { useServerWithClients, waitFor } from '../helpers/client.js';

const messages = loadContract(path.resolve(import.meta.dirname, '../../asyncapi.yaml'));
const example = (name: string): unknown => structuredClone(messages.find((m) => m.name === name)?.examples[0]);
const setup = useServerWithClients();
/** Heartbeats go out on the sender's own subject. */
const heartbeat = example('WorkerHeartbeat') as WorkerHeartbeat;
const sender = { workerId: heartbeat.workerId };
const heartbeatSubject = channels.workerHeartbeat.subject(sender);

describe('Contract-Version', () => {
  it('is the generated contract version on every channel', () => {
    expect(channels.workerHeartbeat.contractVersion).toBe(contract.version);
    expect(channels.workerInference.contractVersion).toBe(contract.version);
  });

  it("travels with a typed publish; the handler reads it as ctx.contractVersion, and the caller's headers stay", async () => {
    const raw: (string | undefined)[] = [];
    const rawSub = setup.raw.subscribe(heartbeatSubject, {
      callback: (_e, msg) => {
        raw.push(msg.headers?.get(CONTRACT_VERSION_HEADER));
      },
    });
    const seen: (string | undefined)[] = [];
    const sub = await channels.workerHeartbeat.subscribe(setup.client, { workerId: '*' }, (_hb, ctx) => {
      seen.push(ctx.contractVersion);
    });
    await setup.client.flush();
    await channels.workerHeartbeat.publish(setup.client, sender, heartbeat, { headers: { 'Trace-Id': 't1' } });
    await waitFor(() => seen.length === 1 && raw.length === 1, 'the heartbeat');
    expect(seen).toEqual([contract.version]);
    expect(raw).toEqual([contract.version]);
    await sub.unsubscribe();
    rawSub.unsubscribe();
  });

  it('travels with a typed request and with its reply', async () => {
    const request = example('InferenceRequest') as InferenceRequest;
    const workerId = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
    let requestVersion: string | undefined;
    const sub = await channels.workerInference.reply(setup.client, { workerId }, (req, ctx) => {
      requestVersion = ctx.contractVersion;
      return { requestId: req.requestId, workerId, status: 'accepted' as const };
    });
    await setup.client.flush();
    await channels.workerInference.request(setup.client, { workerId }, request, { timeout: 2000 });
    expect(requestVersion).toBe(contract.version);
    // The reply as a foreign requester sees it.
    const reply = await setup.raw.request(channels.workerInference.subject({ workerId }), Buffer.from(JSON.stringify(request)), { timeout: 2000 });
    expect(reply.headers?.get(CONTRACT_VERSION_HEADER)).toBe(contract.version);
    await sub.unsubscribe();
  });

  it('is undefined for a sender that does not say (a plain NATS client)', async () => {
    const seen: (string | undefined)[] = ['marker'];
    const sub = await channels.workerHeartbeat.subscribe(setup.client, { workerId: '*' }, (_hb, ctx) => {
      seen.push(ctx.contractVersion);
    });
    await setup.client.flush();
    setup.raw.publish(heartbeatSubject, Buffer.from(JSON.stringify(example('WorkerHeartbeat'))));
    await waitFor(() => seen.length === 2, 'the foreign heartbeat');
    expect(seen[1]).toBeUndefined();
    await sub.unsubscribe();
  });

  it("an inbound validation error names the sender's version and this reader's", async () => {
    const sub = await channels.workerHeartbeat.subscribe(setup.client, { workerId: '*' }, () => undefined);
    await setup.client.flush();
    const before = setup.errors.length;
    const h = natsHeaders();
    h.set(CONTRACT_VERSION_HEADER, '9.0.0');
    const missingRequired: Partial<WorkerHeartbeat> = { ...(example('WorkerHeartbeat') as WorkerHeartbeat) };
    delete missingRequired.workerId;
    setup.raw.publish(heartbeatSubject, Buffer.from(JSON.stringify(missingRequired)), { headers: h });
    setup.raw.publish(heartbeatSubject, Buffer.from(JSON.stringify({ ...missingRequired, workerId: 42 })));
    await waitFor(() => setup.errors.length >= before + 2, 'two validation errors');
    const [withVersion, without] = setup.errors.slice(before);
    expect(withVersion).toBeInstanceOf(ValidationError);
    expect(withVersion?.message).toContain(`sent with contract 9.0.0; this reader has ${contract.version}`);
    expect(without?.message).toContain(`sent without a contract version; this reader has ${contract.version}`);
    await sub.unsubscribe();
  });
});
