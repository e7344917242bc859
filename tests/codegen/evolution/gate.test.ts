/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- the fixtures are plain JSON, edited freely by each case */
// The breaking-change gate (codegen/evolution): one case per rule, each change applied to a small contract in a
// temp dir. Every breaking change exits 1 without a major bump of info.version and 0 with one; every safe change
// exits 0. Plus the CLI on this repository: `--against HEAD` on a clean contract exits 0, quickly.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareAgainst, type Breaks } from '../../../codegen/evolution/index.js';
import { isMajorBump } from '../../../codegen/evolution/report.js';

import { base, hb, version, write, type Fixture } from './fixture.js';

const root = path.resolve(import.meta.dirname, '../../..');

type Mutation = (f: Fixture) => void;

/** [rule, change, expected kind, who it breaks] */
const BREAKING: [string, Mutation, string, Breaks][] = [
  [
    'a field becomes required',
    (f) => {
      f.heartbeat.required.push('note');
    },
    'field-became-required',
    'writers',
  ],
  [
    'a new required field',
    (f) => {
      hb(f).gpu = { type: 'integer' };
      f.heartbeat.required.push('gpu');
    },
    'required-field-added',
    'writers',
  ],
  [
    'a required field is removed',
    (f) => {
      delete hb(f).load;
      f.heartbeat.required = ['workerId', 'status'];
    },
    'required-field-removed',
    'readers',
  ],
  [
    'a required field becomes optional',
    (f) => {
      f.heartbeat.required = ['workerId', 'status'];
    },
    'field-became-optional',
    'readers',
  ],
  [
    'a type narrows (number → integer)',
    (f) => {
      hb(f).temperature.type = 'integer';
    },
    'type-narrowed',
    'writers',
  ],
  [
    'a type widens (number → number|null)',
    (f) => {
      hb(f).temperature.type = ['number', 'null'];
    },
    'type-widened',
    'readers',
  ],
  [
    'a type changes (string → integer)',
    (f) => {
      hb(f).note = { type: 'integer' };
    },
    'type-changed',
    'both',
  ],
  [
    'a minimum rises',
    (f) => {
      hb(f).load.minimum = 1;
    },
    'bound-narrowed',
    'writers',
  ],
  [
    'a maximum rises',
    (f) => {
      hb(f).load.maximum = 200;
    },
    'bound-widened',
    'readers',
  ],
  [
    'a bound is added',
    (f) => {
      f.request.properties.maxTokens.maximum = 4096;
    },
    'bound-narrowed',
    'writers',
  ],
  [
    'a bound is removed',
    (f) => {
      delete hb(f).load.maximum;
    },
    'bound-widened',
    'readers',
  ],
  [
    'a maxLength falls',
    (f) => {
      hb(f).note.maxLength = 10;
    },
    'bound-narrowed',
    'writers',
  ],
  [
    'a pattern is added',
    (f) => {
      f.request.properties.prompt.pattern = '^[a-z]';
    },
    'pattern-added',
    'writers',
  ],
  [
    'a pattern changes',
    (f) => {
      hb(f).workerId.pattern = '^x';
    },
    'pattern-changed',
    'both',
  ],
  [
    'a pattern is removed',
    (f) => {
      delete hb(f).workerId.pattern;
    },
    'pattern-removed',
    'readers',
  ],
  [
    'a format is added',
    (f) => {
      hb(f).workerId.format = 'uuid';
    },
    'format-added',
    'writers',
  ],
  [
    'an enum value is removed',
    (f) => {
      hb(f).status.enum = ['online'];
    },
    'enum-value-removed',
    'writers',
  ],
  [
    'an enum value is added',
    (f) => {
      hb(f).status.enum = ['online', 'busy', 'draining'];
    },
    'enum-value-added',
    'readers',
  ],
  [
    'a channel is removed',
    (f) => {
      delete f.doc.channels.heartbeat;
      delete f.doc.operations.sendHeartbeat;
    },
    'channel-removed',
    'both',
  ],
  [
    'a channel is renamed',
    (f) => {
      f.doc.channels.beat = f.doc.channels.heartbeat;
      delete f.doc.channels.heartbeat;
    },
    'channel-removed',
    'both',
  ],
  [
    'an address changes',
    (f) => {
      f.doc.channels.heartbeat.address = 'workers.heartbeat';
    },
    'address-changed',
    'both',
  ],
  [
    'a parameter schema changes',
    (f) => {
      f.doc.channels.inference.parameters.workerId.enum = ['a', 'b'];
    },
    'parameter-changed',
    'both',
  ],
  [
    'a message is renamed',
    (f) => {
      f.doc.components.messages.Heartbeat.name = 'Beat';
    },
    'message-renamed',
    'both',
  ],
  [
    'a message is removed',
    (f) => {
      f.doc.components.messages.Pulse = f.doc.components.messages.Heartbeat;
      delete f.doc.components.messages.Heartbeat;
      f.doc.channels.heartbeat.messages.hb = { $ref: '#/components/messages/Pulse' };
    },
    'message-removed',
    'both',
  ],
  [
    'an operation is removed',
    (f) => {
      delete f.doc.operations.sendHeartbeat;
    },
    'operation-removed',
    'both',
  ],
  [
    'a reply is removed',
    (f) => {
      delete f.doc.operations.requestInference.reply;
    },
    'reply-removed',
    'both',
  ],
  [
    'a reply changes',
    (f) => {
      f.doc.operations.requestInference.reply.channel = { $ref: '#/channels/heartbeat' };
    },
    'reply-changed',
    'both',
  ],
  [
    'a message is added to a channel',
    (f) => {
      f.doc.channels.heartbeat.messages.req = { $ref: '#/components/messages/Request' };
    },
    'channel-message-added',
    'readers',
  ],
  [
    'a nested reply payload narrows',
    (f) => {
      f.doc.components.messages.Ack.payload.properties.ok = { const: true };
    },
    'const-added',
    'writers',
  ],
];

const SAFE: [string, Mutation][] = [
  [
    'an optional field is added',
    (f) => {
      hb(f).gpuTemperature = { type: 'number' };
    },
  ],
  [
    'an optional field is added to a request',
    (f) => {
      f.request.properties.stop = { type: 'array', items: { type: 'string' } };
    },
  ],
  [
    'an optional field is removed',
    (f) => {
      delete hb(f).note;
    },
  ],
  [
    'a channel is added',
    (f) => {
      f.doc.channels.status = { address: 'worker.status', messages: { hb: { $ref: '#/components/messages/Heartbeat' } } };
    },
  ],
  [
    'an operation is added',
    (f) => {
      f.doc.operations.receiveHeartbeat = { action: 'receive', channel: { $ref: '#/channels/heartbeat' } };
    },
  ],
  [
    'a message is added',
    (f) => {
      f.doc.components.messages.Extra = { name: 'Extra', payload: { type: 'object' } };
    },
  ],
  [
    'descriptions change',
    (f) => {
      f.doc.channels.heartbeat.description = 'Other words.';
      hb(f).note.description = 'Other.';
      f.doc.channels.inference.parameters.workerId.description = 'Id.';
    },
  ],
  [
    'additionalProperties false is dropped',
    (f) => {
      delete f.heartbeat.additionalProperties;
    },
  ],
];

function run(mutate: Mutation, version: string): ReturnType<typeof compareAgainst> {
  const before = write(base());
  const next = base();
  mutate(next);
  next.doc.info.version = version;
  return compareAgainst(write(next), before);
}

describe('breaking changes: exit 1 without a major bump, 0 with one', () => {
  it.each(BREAKING)('%s', (_rule, mutate, kind, breaks) => {
    const minor = run(mutate, '1.3.0');
    expect(minor.result.changes, minor.report).toContainEqual(expect.objectContaining({ kind, breaks }));
    expect(minor.result.status, minor.report).toBe(1);
    expect(minor.report).toContain(kind);
    expect(minor.report).toMatch(/raise info\.version from 1\.2\.0/);
    const major = run(mutate, '2.0.0');
    expect(major.result.status, major.report).toBe(0);
  });
});

describe('safe changes: exit 0 with any version', () => {
  it.each(SAFE)('%s', (_rule, mutate) => {
    const { result, report } = run(mutate, '1.2.1');
    expect(result.breaking, report).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('no change at all', () => {
    const { result } = run(() => undefined, '1.2.0');
    expect(result.changes).toEqual([]);
    expect(result.status).toBe(0);
  });
});

describe('report', () => {
  it('locates a schema change in its file with a JSON pointer, and names the module that decided', () => {
    const { report } = run((f) => {
      hb(f).status.enum = ['online'];
    }, '1.2.0');
    expect(report).toContain(
      'schemas/heartbeat.json#/properties/status/enum: enum-value-removed, breaks writers [schemas]: value(s) "busy" removed: writers on the old contract still send them; upgrade writers first [not allowed by FULL]',
    );
    const structural = run((f) => {
      f.doc.channels.heartbeat.address = 'x.y';
    }, '1.2.0').report;
    expect(structural).toContain('asyncapi.yaml#/channels/heartbeat/address: address-changed, breaks readers and writers [structure]');
  });

  it('reports a change of a schema several messages share once, at the shared file', () => {
    const shared = (f: Fixture): void => {
      f.doc.components.messages.Request.payload = { $ref: './schemas/heartbeat.json' };
    };
    const before = write(version('1.2.0', shared));
    const after = write(
      version('2.0.0', (f) => {
        shared(f);
        hb(f).status.enum.push('draining');
      }),
    );
    const { result } = compareAgainst(after, before);
    expect(result.changes.map((c) => `${c.location} ${c.kind}`)).toEqual(['schemas/heartbeat.json#/properties/status/enum enum-value-added']);
  });

  it.each([
    ['1.2.0', '2.0.0', true],
    ['1.2.0', '1.9.9', false],
    ['0.1.0', '0.2.0', true],
    ['0.1.0', '0.1.5', false],
    ['2.0.0', '1.0.0', false],
  ])('%s → %s is a major bump: %s', (before, after, expected) => {
    expect(isMajorBump(before, after)).toBe(expected);
  });
});

describe('the CLI on this repository', () => {
  const cli = (args: string[]): { status: number | null; out: string; ms: number } => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: performance.now() - started };
  };

  const clean = (): boolean => execFileSync('git', ['status', '--porcelain', '--', 'asyncapi.yaml', 'schemas'], { cwd: root, encoding: 'utf8' }).trim() === '';

  it('--against HEAD on the committed contract exits 0 in under 3 s (the CLI, tsx start-up included)', () => {
    if (!clean()) return; // someone is editing the contract: the comparison would (rightly) report it
    const { status, out, ms } = cli(['--against', 'HEAD']);
    expect(status, out).toBe(0);
    expect(out).toContain('no breaking change');
    // Measured alone on this 2-core machine: about 1.9 s through npm, most of it tsx start-up (the CLI loads the
    // generator, and @asyncapi/parser with it, only when it generates).
    expect(ms).toBeLessThan(3000);
  });

  it('the comparison itself (git reads, parsing, diff) takes well under a second', () => {
    if (!clean()) return;
    const started = performance.now();
    const { result } = compareAgainst(path.join(root, 'asyncapi.yaml'), 'HEAD');
    const ms = performance.now() - started;
    expect(result.changes).toEqual([]);
    expect(ms).toBeLessThan(1500);
  });

  it('--against <file> exits 1 on a breaking change, and 2 when the ref does not exist', () => {
    const before = write(base());
    const next = base();
    next.heartbeat.required.push('note');
    const after = write(next);
    expect(cli(['--input', after, '--against', before]).status).toBe(1);
    expect(cli(['--against', 'no-such-ref-anywhere']).status).toBe(2);
  });
});
