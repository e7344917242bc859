/**
 * The import rules between folders (lint/import-rules.js, enforced by eslint-plugin-boundaries): ESLint lints small
 * virtual files placed in each folder, and every forbidden import must be reported by `boundaries/dependencies` while
 * every allowed one passes. Linting uses lint/import-rules.js as the whole config (parser + import rules, no type
 * information), so it is fast; a separate check proves eslint.config.js applies exactly the same rule and settings.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const RULE = 'boundaries/dependencies';
const TIMEOUT = 60_000;

interface Case {
  /** Where the virtual file sits, relative to the repository root. */
  readonly file: string;
  /** Its source: one import (or export/import()) statement. */
  readonly code: string;
}

/** Each case gets its own virtual file name, so no result the plugin caches per file can leak between cases. */
let probes = 0;
function probePath(file: string): string {
  probes += 1;
  return path.join(root, file.endsWith('/') ? `${file}lint-probe-${String(probes)}.ts` : file);
}

/** The relative specifiers in `code` that point into the repository, as the .ts files they resolve to. */
function localTargets(filePath: string, code: string): string[] {
  return [...code.matchAll(/['"](\.{1,2}\/[^'"]+)\.js['"]/g)].map((m) => path.resolve(path.dirname(filePath), `${m[1] ?? ''}.ts`));
}

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'lint/import-rules.js') });
});

async function lint({ file, code }: Case): Promise<ESLint.LintResult> {
  const filePath = probePath(file);
  // A target that no longer exists would not resolve, and an unresolved import proves nothing either way.
  for (const target of localTargets(filePath, code)) expect(existsSync(target), `${target} must exist for this case`).toBe(true);
  const [result] = await eslint.lintText(code, { filePath });
  if (result === undefined) throw new Error(`no lint result for ${filePath}`);
  expect(result.messages.filter((m) => m.fatal === true)).toEqual([]);
  return result;
}

const forbidden = (file: string, code: string): Case => ({ file, code });
const allowed = forbidden;

const FORBIDDEN: Record<string, Case[]> = {
  'generated/ imports only the contract face': [
    forbidden('generated/', "import { defineChannel } from '../src/contract/define-channel.js';"),
    forbidden('generated/', "import { NatsClient } from '../src/client/client.js';"),
    forbidden('generated/', "import { DistributedError } from '../src/base/errors.js';"),
    forbidden('generated/', "import type { InferenceRequest } from '../src/cluster/streaming.js';"),
    forbidden('generated/', "import { generate } from '../codegen/generate.js';"),
    forbidden('generated/', "import '../bench/run.js';"),
    forbidden('generated/', "export * from '../src/index.js';"),
  ],
  'src/client/ reaches the server only through embedded.ts and the server face': [
    forbidden('src/client/', "import { EmbeddedNatsServer } from '../server/index.js';"),
    forbidden('src/client/', "import type { EmbeddedServerOptions } from '../server/index.js';"),
    forbidden('src/client/', "import { EmbeddedNatsServer } from '../server/embedded-server.js';"),
    forbidden('src/client/embedded.ts', "import { EmbeddedNatsServer } from '../server/embedded-server.js';"),
    forbidden('src/client/', "import type { InferenceRequest } from '../cluster/streaming.js';"),
    forbidden('src/client/', "import { channels } from '../../generated/index.js';"),
    forbidden('src/client/', "import { generate } from '../../codegen/generate.js';"),
  ],
  'src/server/ imports nothing from client, cluster, generated or codegen': [
    forbidden('src/server/', "import { NatsClient } from '../client/client.js';"),
    forbidden('src/server/', "import { startEmbeddedServer } from '../client/embedded.js';"),
    forbidden('src/server/index.ts', "import type { NatsClientOptions } from '../client/types.js';"),
    forbidden('src/server/', "import { loadClusterConfig } from '../cluster/config.js';"),
    forbidden('src/server/', "import { channels } from '../../generated/index.js';"),
    forbidden('src/server/', "const codegen = await import('../../codegen/generate.js');"),
  ],
  'only src/index.ts and src/cluster/ import generated/': [
    forbidden('src/contract/', "import { channels } from '../../generated/index.js';"),
    forbidden('src/config/', "import type { ClusterConfig } from '../../generated/index.js';"),
    forbidden('src/metrics/', "export * from '../../generated/index.js';"),
    forbidden('src/base/', "import { channels } from '../../generated/channels.js';"),
    forbidden('src/', "import { channels } from '../generated/index.js';"),
    forbidden('src/new-folder/', "import { channels } from '../../generated/index.js';"),
  ],
  'src/base/ imports nothing from other src/ folders': [
    forbidden('src/base/', "import type { Subscription } from '../client/types.js';"),
    forbidden('src/base/', "import { loadConfig } from '../config/loader.js';"),
    forbidden('src/base/', "import { defineChannel } from '../contract/index.js';"),
    forbidden('src/base/', "export * from '../index.js';"),
  ],
  'codegen/ imports only types from src/': [
    forbidden('codegen/docs/', "import { isJsonSchema } from '../../src/config/json-schema.js';"),
    // verbatimModuleSyntax keeps this import at run time, so it is a value import.
    forbidden('codegen/docs/', "import { type JsonSchema } from '../../src/config/json-schema.js';"),
    forbidden('codegen/', "export { DistributedError } from '../src/base/errors.js';"),
    forbidden('codegen/', "const runtime = await import('../src/index.js');"),
    forbidden('codegen/', "import '../src/contract/index.js';"),
  ],
  'only src/client/ uses nats.js, and only v3': [
    forbidden('src/client/', "import { connect } from 'nats';"),
    forbidden('src/cluster/', "import type { Msg } from '@nats-io/nats-core';"),
    forbidden('src/server/', "import { connect } from '@nats-io/transport-node';"),
    forbidden('src/index.ts', "export type { NatsConnection } from '@nats-io/nats-core';"),
  ],
  'the runtime never imports codegen/': [
    forbidden('src/cluster/', "import { generate } from '../../codegen/generate.js';"),
    forbidden('src/contract/', "import type { ContractModel } from '../../codegen/model/model.js';"),
    forbidden('src/index.ts', "export * from '../codegen/generate.js';"),
    forbidden('src/config/', "import type { CodegenError } from '../../codegen/input/load.js';"),
  ],
};

const ALLOWED: Record<string, Case[]> = {
  'generated/': [
    allowed('generated/', "import { defineChannel } from '../src/contract/index.js';"),
    allowed('generated/', "import { z } from 'zod';"),
    allowed('generated/', "export * from './schemas.js';"),
  ],
  'src/client/': [
    allowed('src/client/embedded.ts', "import { EmbeddedNatsServer, type EmbeddedServerOptions } from '../server/index.js';"),
    allowed('src/client/', "import { DistributedError } from '../base/errors.js';"),
    allowed('src/client/', "import type { Subscription } from './types.js';"),
    allowed('src/client/', "import { connect } from '@nats-io/transport-node';"),
    allowed('src/client/', "import type { Msg } from '@nats-io/nats-core';"),
  ],
  'src/server/': [
    allowed('src/server/', "import { DistributedError } from '../base/errors.js';"),
    allowed('src/server/index.ts', "export * from './embedded-server.js';"),
  ],
  'src/index.ts and src/cluster/ with generated/': [
    allowed('src/index.ts', "import { channels } from '../generated/index.js';"),
    allowed('src/index.ts', "export * from '../generated/index.js';"),
    allowed('src/cluster/', "import { channels, type InferenceRequest } from '../../generated/index.js';"),
    allowed('src/cluster/', "import type { EmbeddedServerOptions } from '../server/index.js';"),
  ],
  'src/base/': [allowed('src/base/', "import { SubjectError } from './errors.js';"), allowed('src/base/', "import { pino } from 'pino';")],
  'codegen/': [
    allowed('codegen/docs/', "import type { JsonSchema } from '../../src/config/json-schema.js';"),
    allowed('codegen/', "export type { ContractInfo } from '../src/index.js';"),
    allowed('codegen/', "import { generate } from './generate.js';"),
    allowed('codegen/', "import { format } from 'prettier/standalone';"),
  ],
  'code outside the rules': [
    allowed('tests/lint/', "import { generate } from '../../codegen/generate.js';"),
    allowed('tests/lint/', "import { EmbeddedNatsServer } from '../../src/server/embedded-server.js';"),
  ],
};

describe('forbidden imports fail lint', () => {
  for (const [rule, cases] of Object.entries(FORBIDDEN)) {
    describe(rule, () => {
      for (const c of cases) {
        it(
          `${c.file}: ${c.code}`,
          async () => {
            const result = await lint(c);
            expect(result.messages.map((m) => [m.ruleId, m.severity])).toEqual([[RULE, 2]]);
          },
          TIMEOUT,
        );
      }
    });
  }
});

describe('allowed imports pass lint', () => {
  for (const [where, cases] of Object.entries(ALLOWED)) {
    describe(where, () => {
      for (const c of cases) {
        it(
          `${c.file}: ${c.code}`,
          async () => {
            const result = await lint(c);
            expect(result.messages).toEqual([]);
          },
          TIMEOUT,
        );
      }
    });
  }
});

describe('eslint.config.js', () => {
  it(
    'applies the same import rule and settings as lint/import-rules.js, everywhere the rules speak of',
    async () => {
      const project = new ESLint({ cwd: root });
      for (const file of ['src/index.ts', 'src/client/client.ts', 'src/server/index.ts', 'generated/index.ts', 'codegen/generate.ts']) {
        const [mine, theirs] = await Promise.all([
          project.calculateConfigForFile(path.join(root, file)) as Promise<Record<string, Record<string, unknown>>>,
          eslint.calculateConfigForFile(path.join(root, file)) as Promise<Record<string, Record<string, unknown>>>,
        ]);
        expect(mine.rules?.[RULE], file).toEqual(theirs.rules?.[RULE]);
        expect((theirs.rules?.[RULE] as unknown[])[0], file).toBe(2);
        for (const [key, value] of Object.entries(theirs.settings ?? {})) expect(mine.settings?.[key], `${file}: ${key}`).toEqual(value);
      }
    },
    TIMEOUT,
  );
});
