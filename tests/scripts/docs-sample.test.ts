/**
 * The examples the docs page shows for messages that declare none: sampled by codegen/docs/sample.ts so that they pass
 * the schema (the page's own sampler showed 0 for `exclusiveMinimum: 0`), marked as not part of the contract, and
 * only on the page: the Markdown reference and messages with their own examples are untouched.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../codegen/docs/load-spec.js';
import { renderMarkdown } from '../../codegen/docs/render-markdown.js';
import { writeSite } from '../../codegen/docs/render-html.js';
import { SAMPLE_NAME, sampleFor, validSample } from '../../codegen/docs/sample.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docs-sample-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sampleFor', () => {
  it.each([
    [{ type: 'integer', exclusiveMinimum: 0 }, 1],
    [{ type: 'number', exclusiveMinimum: 0 }, 1],
    [{ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, 0.5],
    [{ type: 'integer', exclusiveMaximum: 0 }, -1],
    [{ type: 'integer', minimum: 5, maximum: 10 }, 5],
    [{ type: 'number', minimum: 0.3, multipleOf: 0.5 }, 0.5],
    [{ type: 'number', minimum: 0, exclusiveMinimum: true }, 1],
    [{ type: 'string', format: 'uuid' }, '3fa85f64-5717-4562-b3fc-2c963f66afa6'],
    [{ type: 'string', minLength: 8 }, 'stringxx'],
    [{ type: 'string', enum: ['scale', 'drain'] }, 'scale'],
    [{ type: 'integer', examples: [42], minimum: 0 }, 42],
    [{ type: ['null', 'boolean'] }, true],
  ])('%j gives %j', (schema, value) => {
    expect(sampleFor(schema)).toEqual(value);
  });

  it('fills objects (every property), arrays, unions and allOf', () => {
    const schema = {
      type: 'object',
      required: ['at', 'kind'],
      properties: {
        at: { type: 'integer', exclusiveMinimum: 0 },
        kind: { oneOf: [{ const: 'scale' }, { const: 'drain' }] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        more: { allOf: [{ type: 'object', properties: { a: { type: 'boolean' } } }, { properties: { b: { type: 'null' } } }] },
      },
    };
    expect(sampleFor(schema)).toEqual({ at: 1, kind: 'scale', tags: ['string', 'string'], more: { a: true, b: null } });
  });

  it('is kept only when the schema accepts it', () => {
    expect(validSample({ type: 'object', required: ['at'], properties: { at: { type: 'integer', exclusiveMinimum: 0 } } })).toEqual({ value: { at: 1 } });
    // A pattern is not reversed: no sample rather than a wrong one.
    expect(validSample({ type: 'string', pattern: '^[A-Z]{3}$' })).toBeUndefined();
  });
});

describe('the docs page', () => {
  it('shows a valid, labelled sample for a message without examples, and leaves the Markdown and declared examples alone', async () => {
    const file = path.join(dir, 'events.yaml');
    await writeFile(
      file,
      `asyncapi: 3.0.0
info: { title: Events, version: 1.0.0 }
channels:
  events:
    address: cluster.events
    messages:
      scaled: { $ref: '#/components/messages/Scaled' }
      drained: { $ref: '#/components/messages/Drained' }
components:
  messages:
    Scaled:
      name: Scaled
      payload:
        type: object
        required: [at]
        properties:
          at: { type: integer, exclusiveMinimum: 0 }
    Drained:
      name: Drained
      payload:
        type: object
        properties:
          at: { type: integer, exclusiveMinimum: 0 }
      examples:
        - name: declared
          payload: { at: 1732665600000 }
`,
    );
    const spec = await loadSpec(file);
    const markdownBefore = renderMarkdown(spec.document);
    await writeSite(spec, path.join(dir, 'site'));
    const html = await readFile(path.join(dir, 'site/index.html'), 'utf8');
    const embedded = /<script id="asyncapi-document" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    // The stringified document holds each message in full once, where it is first met (components refer to it).
    type Messages = Record<string, { examples?: { name: string; payload: unknown }[] }>;
    const { messages } = (JSON.parse(embedded) as { channels: { events: { messages: Messages } } }).channels.events;
    expect(messages.scaled?.examples).toEqual([expect.objectContaining({ name: SAMPLE_NAME, payload: { at: 1 } })]);
    expect(messages.drained?.examples).toEqual([{ name: 'declared', payload: { at: 1732665600000 } }]);
    expect(renderMarkdown(spec.document)).toBe(markdownBefore);
    expect(markdownBefore).not.toContain(SAMPLE_NAME);
  });
});
