/**
 * The import rules of src/observability/ (lint/import-rules.js): it imports only src/base/, and it is the only folder
 * that may load `@opentelemetry/*` (an optional peer: anything else loading it would make it a hard dependency).
 * Linted as tests/lint/import-rules.test.ts does: small virtual files, the import rules alone.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const TIMEOUT = 60_000;
let eslint: ESLint;
let probes = 0;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'lint/import-rules.js') });
});

/** The rule ids reported for `code` in a new file of `where` (a folder ending in `/`), or as the file `where`. */
async function ruleIds(where: string, code: string): Promise<(string | null)[]> {
  probes += 1;
  const filePath = path.join(root, where.endsWith('/') ? `${where}lint-probe-${String(probes)}.ts` : where);
  const [result] = await eslint.lintText(code, { filePath });
  expect(result?.messages.filter((m) => m.fatal === true)).toEqual([]);
  return result?.messages.map((m) => m.ruleId) ?? [];
}

describe('src/observability/ in the import rules', () => {
  it.each([
    ['src/observability/', "import { NatsClient } from '../client/index.js';"],
    ['src/observability/', "import { defineChannel } from '../contract/index.js';"],
    ['src/observability/', "import { Controller } from '../cluster/controller.js';"],
    ['src/observability/', "import { channels } from '../../generated/index.js';"],
    ['src/contract/', "import { trace } from '@opentelemetry/api';"],
    ['src/cluster/', "const api = await import('@opentelemetry/api');"],
    ['src/client/', "import type { Span } from '@opentelemetry/api';"],
    ['src/', "export { trace } from '@opentelemetry/api';"],
  ])(
    '%s: %s is refused',
    async (folder, code) => {
      expect(await ruleIds(folder, code)).toEqual(['boundaries/dependencies']);
    },
    TIMEOUT,
  );

  it.each([
    ['src/observability/', "import { DistributedError } from '../base/errors.js';"],
    ['src/observability/', "import type { Span } from '@opentelemetry/api';"],
    ['src/observability/', "import { tracingActive } from './otel.js';"],
    ['src/contract/', "import { startSend } from '../observability/messaging.js';"],
    ['src/cluster/', "import { startSpan } from '../observability/index.js';"],
    ['src/index.ts', "export { setChannelTracing } from './observability/index.js';"],
  ])(
    '%s: %s is allowed',
    async (folder, code) => {
      expect(await ruleIds(folder, code)).toEqual([]);
    },
    TIMEOUT,
  );
});
