import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodegenError, formatDiagnostic } from '../../../codegen/input/diagnostics.js';
import { loadContract } from '../../../codegen/input/load.js';

const FIXTURES = path.resolve('tests/fixtures/specs');
const spec = (name: string): string => path.join(FIXTURES, name);

/** The diagnostics a broken spec produces, printed as the CLI prints them (relative to the repository). */
async function problems(name: string): Promise<string[]> {
  try {
    await loadContract(spec(name));
  } catch (error) {
    if (error instanceof CodegenError) return error.diagnostics.map((d) => formatDiagnostic(d, process.cwd()));
    throw error;
  }
  throw new Error(`${name} loaded without problems`);
}

describe('loadContract diagnostics', () => {
  it('reports a YAML syntax error at its line and column', async () => {
    const lines = await problems('yaml-error.yaml');
    expect(lines).toContain('tests/fixtures/specs/yaml-error.yaml:5:1: Invalid mixed usage of block and flow styles');
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('reports an unknown action once, at the action', async () => {
    expect(await problems('unknown-action.yaml')).toEqual([
      'tests/fixtures/specs/unknown-action.yaml:17:13: "action" property must be equal to one of the allowed values: "send", "receive". Did you mean "send"?',
    ]);
  });

  it('reports a parameter the address uses but does not define', async () => {
    expect(await problems('missing-parameter.yaml')).toEqual([
      'tests/fixtures/specs/missing-parameter.yaml:8:16: Not all channel\'s parameters are described with "parameters" object. Missed: other.',
    ]);
  });

  it('reports a $ref to a missing file at the $ref, once', async () => {
    expect(await problems('bad-ref.yaml')).toEqual(['tests/fixtures/specs/bad-ref.yaml:12:17: cannot resolve $ref "./schemas/nope.json": file not found']);
  });

  it('points into the referenced schema file, once although two properties refer to it', async () => {
    expect(await problems('bad-schema-in-ref.yaml')).toEqual([
      'tests/fixtures/specs/schemas/bad-type.json:4:20: "type" property must be equal to one of the allowed values: "array", "boolean", "integer", "null", "number", "object", "string". Did you mean "string"?',
    ]);
  });

  it('reports an unreadable spec file', async () => {
    expect(await problems('does-not-exist.yaml')).toEqual(['tests/fixtures/specs/does-not-exist.yaml:1:1: cannot read the spec: ENOENT']);
  });

  it('loads a valid spec and returns its document', async () => {
    const loaded = await loadContract(spec('valid.yaml'));
    expect(
      loaded.document
        .channels()
        .all()
        .map((c) => c.id()),
    ).toEqual(['ping', 'pingReply', 'events', 'quiet']);
    expect(loaded.file).toBe(spec('valid.yaml'));
  });
});
