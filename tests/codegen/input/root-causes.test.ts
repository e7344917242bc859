/**
 * One root cause, one diagnostic. Each fixture has its problems written in its header comment, and a full run (the
 * pipeline as the CLI runs it) reports exactly those, errors and warnings together: a broken YAML indentation is the
 * parser's first error and nothing else (no "declares no messages" per channel, no excerpt of the file, nothing the
 * parser reads after it); a misspelt message `$ref` is one error at the `$ref`, without a warning about the channel it
 * leaves empty; a schema file that is not valid JSON is one error in that file, though two messages refer to it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../../codegen/generate.js';
import { CodegenError, formatDiagnostic } from '../../../codegen/input/diagnostics.js';
import { runCodegenCli } from '../../helpers/codegen-cli.js';

/** Every diagnostic of a full run on `input`, as the CLI prints it (relative to the repository). */
async function everything(input: string): Promise<string[]> {
  try {
    const result = await generate({ input, output: path.join('/tmp', 'root-causes-never-written'), runtime: '../src/contract/index.js' });
    return result.warnings.map((d) => formatDiagnostic(d));
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    return error.diagnostics.map((d) => formatDiagnostic(d));
  }
}

describe('one root cause, one diagnostic', () => {
  it.each([
    [
      'a broken YAML indentation',
      'tests/fixtures/root-causes/bad-indentation.yaml',
      ['tests/fixtures/root-causes/bad-indentation.yaml:10:4: Bad indentation of a mapping entry'],
    ],
    [
      'an unclosed flow sequence',
      'tests/fixtures/specs/yaml-error.yaml',
      ['tests/fixtures/specs/yaml-error.yaml:5:1: Invalid mixed usage of block and flow styles'],
    ],
    [
      'a misspelt message $ref',
      'tests/fixtures/root-causes/bad-message-ref.yaml',
      [
        'tests/fixtures/root-causes/bad-message-ref.yaml:12:15: cannot resolve $ref "#/components/messages/OrderCreatd": /components/messages/OrderCreatd does not exist in bad-message-ref.yaml',
      ],
    ],
    [
      'a schema file that is not valid JSON, used by two messages',
      'tests/fixtures/root-causes/bad-json-schema.yaml',
      ['tests/fixtures/root-causes/schemas/broken-order.json:3:3: Comma expected'],
    ],
    [
      'three independent problems',
      'tests/fixtures/specs/three-problems.yaml',
      [
        'tests/fixtures/specs/schemas/scale-event.json:7:26: "type" property must be equal to one of the allowed values: "array", "boolean", "integer", "null", "number", "object", "string". Did you mean "integer"?',
        'tests/fixtures/specs/three-problems.yaml:11:14: channel "clusterEvents": address parameter {kind} is not declared: add a "parameters" map with it (and an enum, x-format or x-pattern saying which values it takes)',
        'tests/fixtures/specs/three-problems.yaml:55:24: message "InferenceRequest", example "hello": payload/requestId must match format "uuid"',
      ],
    ],
  ])('%s: exactly its root problems', async (_what, input, expected) => {
    expect(await everything(input)).toEqual(expected);
  });

  it('the CLI prints the one diagnostic on one line: no excerpt of the file, no warning', async () => {
    const { code, stdout, stderr } = await runCodegenCli([
      '--input',
      'tests/fixtures/root-causes/bad-indentation.yaml',
      '--output',
      path.join('/tmp', 'root-causes-never-written'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'tests/fixtures/root-causes/bad-indentation.yaml:10:4: Bad indentation of a mapping entry\ncodegen: stopped, nothing written (1 problem(s))\n',
    );
  }, 60_000);
});
