/* eslint-disable @typescript-eslint/no-unsafe-member-access -- the fixtures are plain JSON, edited freely by each case */
/**
 * A small contract for the gate's tests, written to a temp dir (and, for released versions, committed and tagged in
 * a temp git repository): heartbeats on `worker.heartbeat` (payload in schemas/heartbeat.json) and inference
 * requests with a reply. Each test edits a fresh copy.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolution-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

export interface Fixture {
  doc: Obj;
  heartbeat: Obj;
  request: Obj;
}

export function base(): Fixture {
  const doc: Obj = {
    asyncapi: '3.0.0',
    info: { title: 'fixture', version: '1.2.0' },
    channels: {
      heartbeat: { address: 'worker.heartbeat', description: 'Heartbeats.', messages: { hb: { $ref: '#/components/messages/Heartbeat' } } },
      inference: {
        address: 'worker.{workerId}.inference',
        parameters: { workerId: { description: 'The worker.' } },
        messages: { req: { $ref: '#/components/messages/Request' } },
      },
      inferenceReply: { address: null, messages: { ack: { $ref: '#/components/messages/Ack' } } },
    },
    operations: {
      sendHeartbeat: { action: 'send', channel: { $ref: '#/channels/heartbeat' }, messages: [{ $ref: '#/channels/heartbeat/messages/hb' }] },
      requestInference: {
        action: 'send',
        channel: { $ref: '#/channels/inference' },
        messages: [{ $ref: '#/channels/inference/messages/req' }],
        reply: { channel: { $ref: '#/channels/inferenceReply' }, messages: [{ $ref: '#/channels/inferenceReply/messages/ack' }] },
      },
    },
    components: {
      messages: {
        Heartbeat: { name: 'Heartbeat', payload: { $ref: './schemas/heartbeat.json' } },
        Request: { name: 'Request', payload: { $ref: './schemas/request.json' } },
        Ack: { name: 'Ack', payload: { type: 'object', additionalProperties: false, required: ['ok'], properties: { ok: { type: 'boolean' } } } },
      },
    },
  };
  const heartbeat: Obj = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    required: ['workerId', 'status', 'load'],
    properties: {
      workerId: { type: 'string', pattern: '^w' },
      status: { type: 'string', enum: ['online', 'busy'] },
      load: { type: 'integer', minimum: 0, maximum: 100 },
      temperature: { type: 'number' },
      note: { type: 'string', maxLength: 50, description: 'Free text.' },
    },
  };
  const request: Obj = {
    type: 'object',
    additionalProperties: false,
    required: ['prompt'],
    properties: { prompt: { type: 'string', minLength: 1 }, maxTokens: { type: 'integer', minimum: 1 } },
  };
  return { doc, heartbeat, request };
}

/** The heartbeat's properties. */
export const hb = (f: Fixture): Obj => f.heartbeat.properties as Obj;

/** Writes the fixture's three files into `dir` (a new temp dir by default); returns the contract's path. */
export function write(fixture: Fixture, dir: string = fs.mkdtempSync(path.join(tmp, 'c-'))): string {
  fs.mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'asyncapi.yaml'), stringify(fixture.doc));
  fs.writeFileSync(path.join(dir, 'schemas/heartbeat.json'), JSON.stringify(fixture.heartbeat, null, 2));
  fs.writeFileSync(path.join(dir, 'schemas/request.json'), JSON.stringify(fixture.request, null, 2));
  return path.join(dir, 'asyncapi.yaml');
}

/** A fixture at `version`, changed by `edit`. */
export function version(v: string, edit: (f: Fixture) => void = () => undefined): Fixture {
  const f = base();
  edit(f);
  f.doc.info.version = v;
  return f;
}

/**
 * A git repository in a temp dir in which each of `releases` is committed and tagged (`tag` of its version), oldest
 * first; its working tree then holds `working`. Returns the working tree's contract path.
 */
export function repository(releases: readonly Fixture[], working: Fixture, tag: (version: string) => string = (v) => `contract-v${v}`): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'repo-'));
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'ignore' });
  };
  git('init', '-q');
  for (const release of releases) {
    write(release, dir);
    git('add', '-A');
    git('commit', '-q', '-m', `contract ${String(release.doc.info.version)}`);
    git('tag', tag(String(release.doc.info.version)));
  }
  return write(working, dir);
}
