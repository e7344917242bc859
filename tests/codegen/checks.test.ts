/**
 * What codegen reports about a contract beyond what the parser does, and that one run reports all of it: examples
 * checked against their schemas, undeclared address parameters, channels without an address, messages without an
 * example or description, channel ids that collide as keys; follow-on errors left out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/generate.js';
import { CodegenError, formatDiagnostic, type Diagnostic } from '../../codegen/input/diagnostics.js';
import { channelKey } from '../../codegen/model/model.js';

const FIXTURES = 'tests/fixtures/specs';
const work = mkdtempSync(path.join(tmpdir(), 'codegen-checks-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs the pipeline on a fixture: the diagnostics as the CLI prints them, and whether it produced files. */
async function run(name: string): Promise<{ errors: string[]; warnings: string[]; files: string[] }> {
  const print = (list: readonly Diagnostic[], severity: Diagnostic['severity']): string[] =>
    list.filter((d) => d.severity === severity).map((d) => formatDiagnostic(d));
  try {
    const result = await generate({ input: path.join(FIXTURES, name), output: path.join(work, name, 'generated'), runtime: '../src/contract/index.js' });
    return { errors: [], warnings: print(result.warnings, 'warning'), files: result.files.map((f) => f.content) };
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    return { errors: print(error.diagnostics, 'error'), warnings: print(error.diagnostics, 'warning'), files: [] };
  }
}

describe('one run reports every problem', () => {
  it('a bad type in a schema file, an undeclared parameter and an example that breaks its schema: exactly those three', async () => {
    const { errors, warnings } = await run('three-problems.yaml');
    expect(errors).toEqual([
      'tests/fixtures/specs/schemas/scale-event.json:7:26: "type" property must be equal to one of the allowed values: "array", "boolean", "integer", "null", "number", "object", "string". Did you mean "integer"?',
      'tests/fixtures/specs/three-problems.yaml:11:14: channel "clusterEvents": address parameter {kind} is not declared: add a "parameters" map with it (and an enum, x-format or x-pattern saying which values it takes)',
      'tests/fixtures/specs/three-problems.yaml:55:24: message "InferenceRequest", example "hello": payload/requestId must match format "uuid"',
    ]);
    // Not the emitter's "unsupported construct type" for the same misspelt type, nor anything about ScaleEvent's example.
    expect(warnings).toEqual([]);
  });

  it('does not report again, from the model, what the parser reported', async () => {
    const spec = path.join(work, 'all-of.yaml');
    writeFileSync(
      spec,
      'asyncapi: 3.0.0\ninfo: { title: T, version: 1.0.0 }\nchannels:\n  c:\n    address: c\n    messages:\n      m:\n        summary: S.\n        payload: { allOf: [3] }\n        examples: [{ payload: {} }]\n',
    );
    const error = await generate({ input: spec, output: path.join(work, 'all-of/generated') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenError);
    // Not also the model's "expected a schema object, found 3" at the same place.
    expect((error as CodegenError).diagnostics.map((d) => d.message)).toEqual(['Item at index 0 must be object,boolean']);
  });

  it('lists the files a failed run read, so --watch can watch them', async () => {
    const error = await generate({ input: path.join(FIXTURES, 'three-problems.yaml'), output: path.join(work, 'read/generated') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).sourceFiles).toEqual(
      expect.arrayContaining([path.resolve(FIXTURES, 'three-problems.yaml'), path.resolve(FIXTURES, 'schemas/scale-event.json')]),
    );
  });
});

describe('examples', () => {
  it('are checked against the payload and headers schemas, each failure at the offending value', async () => {
    const { errors } = await run('examples.yaml');
    expect(errors).toEqual([
      // The closest variant of the union (done) says what is wrong, not every variant.
      'tests/fixtures/specs/examples.yaml:45:41: message "Event", example "badTotal": payload/total must be >= 0',
      'tests/fixtures/specs/examples.yaml:47:31: message "Event", example "strayKey": headers/traceId must match pattern "^[0-9a-f]{8}$"',
      'tests/fixtures/specs/examples.yaml:48:53: message "Event", example "strayKey": payload/extra is not allowed (additionalProperties: false)',
    ]);
  });
});

describe('examples in --watch', () => {
  it('are checked in every run of one process against the schema as it is then, an edit in between or not', async () => {
    const spec = path.join(work, 'rerun.yaml');
    const write = (type: string): void => {
      writeFileSync(
        spec,
        `asyncapi: 3.0.0\ninfo: { title: T, version: 1.0.0 }\nchannels:\n  c:\n    address: c\n    messages:\n      m:\n        summary: S.\n        payload: { $id: "https://example.com/m.json", type: object, properties: { n: { type: ${type} } } }\n        examples: [{ name: bad, payload: { n: "x" } }]\n`,
      );
    };
    const errors = async (): Promise<string[]> => {
      const result = await generate({ input: spec, output: path.join(work, 'rerun/generated') }).catch((e: unknown) => e);
      return result instanceof CodegenError ? result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message) : [];
    };
    const broken = ['message "m", example "bad": payload/n must be integer'];
    write('integer');
    expect(await errors()).toEqual(broken);
    expect(await errors()).toEqual(broken);
    // The fix is seen, and so is the same schema again.
    write('string');
    expect(await errors()).toEqual([]);
    write('integer');
    expect(await errors()).toEqual(broken);
  });
});

describe('conventions', () => {
  it('a message without an example or a description is a located warning that does not stop the run', async () => {
    const { errors, warnings } = await run('valid.yaml');
    expect(errors).toEqual([]);
    expect(warnings).toContain(
      'tests/fixtures/specs/valid.yaml:62:7: warning: message "Ping" needs a description (or summary) saying what it carries and an example (codegen checks each against the payload schema) [message-docs]',
    );
    // A rule that reads each message on its own runs beside the errors of other parts.
    const { warnings: others } = await run('examples.yaml');
    expect(others).toEqual([
      'tests/fixtures/specs/examples.yaml:50:7: warning: message "Note" needs a description (or summary) saying what it carries and an example (codegen checks each against the payload schema) [message-docs]',
    ]);
  });

  it('the project contract follows them: no warning at all', async () => {
    const result = await generate({ input: 'asyncapi.yaml', output: path.join(work, 'project/generated'), runtime: '../src/contract/index.js' });
    expect(result.warnings.map((d) => formatDiagnostic(d))).toEqual([]);
  });
});

describe('channels', () => {
  it('a channel without an address gets a warning naming it, unless it is the channel of an operation reply', async () => {
    const { errors, warnings } = await run('channel-shapes.yaml');
    expect(errors).toEqual([]);
    // The fixture keeps no contract rule (tests/codegen/rules/ has those); what is left is about the channels.
    expect(warnings.filter((w) => !/ \[[a-z-]+\]$/.test(w))).toEqual([
      'tests/fixtures/specs/channel-shapes.yaml:25:5: warning: channel "auditTrail" has no address; it gets no typed functions (give it an address, or name it as the channel of an operation\'s reply)',
    ]);
  });

  it('are keyed in camelCase, keeping the id as written', async () => {
    const { files } = await run('channel-shapes.yaml');
    const channels = files.find((f) => f.includes('export const channels')) ?? '';
    expect(channels).toContain("orderLifecycle: defineChannel({\n    id: 'order-lifecycle',");
    expect(channels).not.toContain("'order-lifecycle': defineChannel");
  });

  it('two ids with the same key are an error at the second', async () => {
    const { errors } = await run('key-collision.yaml');
    expect(errors).toEqual([
      'tests/fixtures/specs/key-collision.yaml:13:5: channel "orderLifecycle": its key in the generated channels, "orderLifecycle", is already the key of channel "order-lifecycle"; rename one of the two channels',
    ]);
  });

  it.each([
    ['workerInference', 'workerInference'],
    ['order-lifecycle', 'orderLifecycle'],
    ['UserSignedUp', 'userSignedUp'],
    ['user/signed.up', 'userSignedUp'],
    ['2fa-codes', 'n2faCodes'],
    ['---', 'unnamed'],
  ])('channelKey(%j) is %j', (id, key) => {
    expect(channelKey(id)).toBe(key);
  });
});
