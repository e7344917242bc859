/**
 * A generated type that cannot say everything its schema checks (a condition, a pattern-keyed map) says so in its
 * doc comment, naming where; an exact type gets no such note.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../../codegen/generate.js';

const work = mkdtempSync(path.join(tmpdir(), 'type-notes-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A one-channel contract whose message payload is `payload`. */
function contract(name: string, payload: unknown): string {
  const file = path.join(work, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      asyncapi: '3.0.0',
      info: { title: name, version: '1.0.0' },
      channels: { ping: { address: 'ping', messages: { ping: { name: 'Ping', payload, examples: [] } } } },
      operations: { sendPing: { action: 'send', channel: { $ref: '#/channels/ping' } } },
    }),
  );
  return file;
}

async function schemasOf(name: string, payload: unknown): Promise<string> {
  const { files } = await generate({ input: contract(name, payload), output: path.join(work, name, 'generated') });
  return files.find((f) => f.path.endsWith('schemas.ts'))?.content ?? '';
}

describe('type notes', () => {
  it("a conditional and a pattern-keyed map are named in the type's doc comment", async () => {
    const code = await schemasOf('conditional', {
      type: 'object',
      description: 'A ping.',
      properties: { kind: { type: 'string' }, size: { type: 'number' }, tags: { type: 'object', patternProperties: { '^x-': { type: 'string' } } } },
      if: { properties: { kind: { const: 'big' } } },
      then: { required: ['size'] },
    });
    const comment = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\nexport type Ping\b/.exec(code)?.[1] ?? '';
    expect(comment).toContain('A ping.');
    expect(comment).toContain('The type is wider than the schema here');
    expect(comment).toMatch(/\/: .*if/);
    expect(comment).toMatch(/\/properties\/tags: /);
  });

  it('an exact type has no note', async () => {
    const code = await schemasOf('exact', { type: 'object', description: 'A ping.', properties: { n: { type: 'number' } }, required: ['n'] });
    expect(code).toContain('A ping.');
    expect(code).not.toContain('wider than the schema');
  });
});
