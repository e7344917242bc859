// Parity: for every message payload schema of the contract (and the cluster config schema), the Zod emitted by
// codegen/zod and ajv + ajv-formats (corrected to the JSON Schema Test Suite) give the same verdict, and the same
// output (defaults filled in), on every example and on hundreds of generated valid and invalid payloads; and so does
// the schema the committed generated/ code validates that message with. The messages are whatever asyncapi.yaml
// declares, so a new message is covered without a change here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { channels } from '../../generated/channels.js';
import { ClusterConfigSchema } from '../../generated/config.js';
import { buildZod, oracleFor, verdicts } from '../helpers/zod-harness.js';
import { loadContract, payloadsFor, resolveRefs } from '../helpers/parity-payloads.js';
import { jsonEqual } from '../../src/contract/formats.js';

const root = path.resolve(import.meta.dirname, '../..');
const asyncapiFile = path.join(root, 'asyncapi.yaml');
const configSchemaFile = path.join(root, 'schemas/cluster-config.schema.json');
const configFile = path.join(root, 'config/cluster.yaml');

interface Subject {
  readonly name: string;
  readonly schema: Record<string, unknown>;
  readonly examples: readonly unknown[];
  /** Whether every example must be valid (message examples must; a config file may hold ${VAR} placeholders). */
  readonly examplesValid: boolean;
}

function subjects(): Subject[] {
  const list: Subject[] = loadContract(asyncapiFile).map((message) => ({ ...message, examplesValid: true }));
  if (fs.existsSync(configSchemaFile)) {
    const schema = resolveRefs(JSON.parse(fs.readFileSync(configSchemaFile, 'utf8')), configSchemaFile) as Record<string, unknown>;
    const examples = fs.existsSync(configFile) ? [parseYaml(fs.readFileSync(configFile, 'utf8')) as unknown] : [];
    list.push({ name: 'ClusterConfig', schema, examples, examplesValid: false });
  }
  return list;
}

/** A stable start value per subject, so each one gets its own but reproducible payloads. */
function startOf(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

/** The schema generated/ validates `name` with: its channel's, for a message (or reply); ClusterConfigSchema for the config. */
function generatedSchemaOf(name: string): z.ZodType | undefined {
  if (name === 'ClusterConfig') return ClusterConfigSchema;
  for (const channel of Object.values(channels)) {
    if (channel.messageName === name) return channel.schema;
    if ('replyName' in channel && channel.replyName === name) return channel.replySchema;
  }
  return undefined;
}

const all = subjects();

describe('parity of emitted Zod with ajv + ajv-formats', () => {
  it('covers every message of the contract, and every message or reply a generated channel carries', () => {
    const names = all.map((s) => s.name);
    expect(names.filter((name) => name !== 'ClusterConfig').length).toBeGreaterThan(0);
    const carried = Object.values(channels).flatMap((c) => [c.messageName, ...('replyName' in c ? [c.replyName] : [])]);
    expect(names).toEqual(expect.arrayContaining(carried));
    for (const name of names) expect(generatedSchemaOf(name), `generated/ has a schema for ${name}`).toBeDefined();
  });

  describe.each(all)('$name', ({ name, schema, examples, examplesValid }) => {
    const zod = buildZod(schema).schema;
    const validate = oracleFor(schema);

    it('agrees on every example', () => {
      if (examplesValid) expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const v = verdicts(validate, zod, example);
        expect(v.zod, `verdict on example ${JSON.stringify(example)}`).toBe(v.ajv);
        if (examplesValid) expect(v.ajv, `example is valid: ${JSON.stringify(validate.errors)}`).toBe(true);
        if (v.ajv) expect(v.zodOutput).toEqual(v.ajvOutput);
      }
    });

    it('agrees on at least 200 generated payloads, valid and invalid', () => {
      const payloads = payloadsFor(schema, examples, startOf(name), 200);
      expect(payloads.length).toBeGreaterThanOrEqual(200);
      const disagreements: string[] = [];
      let valid = 0;
      for (const payload of payloads) {
        const v = verdicts(validate, zod, payload.value);
        if (v.ajv) valid++;
        if (v.zod !== v.ajv) disagreements.push(`${payload.what}: ajv ${v.ajv}, zod ${v.zod}: ${JSON.stringify(payload.value)}`);
        else if (v.ajv && !jsonEqual(v.zodOutput, v.ajvOutput)) {
          // zod rebuilds objects in shape order; only the content has to match
          disagreements.push(`${payload.what}: outputs differ: ${JSON.stringify(v.zodOutput)} vs ${JSON.stringify(v.ajvOutput)}`);
        }
      }
      expect(disagreements.slice(0, 10)).toEqual([]);
      expect(valid, 'some payloads are valid').toBeGreaterThanOrEqual(5);
      expect(payloads.length - valid, 'some payloads are invalid').toBeGreaterThanOrEqual(100);
    });

    it('the schema generated/ holds gives the same verdicts and output', () => {
      const generated = generatedSchemaOf(name);
      if (generated === undefined) throw new Error(`generated/ has no schema for ${name}`);
      const disagreements: string[] = [];
      for (const payload of [...examples.map((value) => ({ what: 'example', value })), ...payloadsFor(schema, examples, startOf(name), 200)]) {
        const v = verdicts(validate, generated, payload.value);
        if (v.zod !== v.ajv) disagreements.push(`${payload.what}: ajv ${v.ajv}, generated ${v.zod}: ${JSON.stringify(payload.value)}`);
        else if (v.ajv && !jsonEqual(v.zodOutput, v.ajvOutput)) disagreements.push(`${payload.what}: outputs differ: ${JSON.stringify(v.zodOutput)} vs ${JSON.stringify(v.ajvOutput)}`);
      }
      expect(disagreements.slice(0, 10)).toEqual([]);
    });
  });
});
