// Import rules between the repository's folders, enforced by eslint-plugin-boundaries.
//
// eslint.config.js spreads `importRules` into the project's lint config. This file is also a complete ESLint flat
// config on its own (the default export: the TypeScript parser plus these rules and nothing else), which
// tests/lint/import-rules.test.ts loads with `overrideConfigFile` to check the rules quickly, without type-checked
// rules; the same test checks that eslint.config.js applies exactly these settings.
//
// Each file of src/, generated/ and codegen/ belongs to one element type: the first folder below that holds it (paths
// relative to the repository root); the few files with a role of their own (src/index.ts, the faces, the client's
// embedded seam) are picked out by their path inside that folder. Files elsewhere (tests, bench, scripts) may import
// anything, but generated/ may not import them. Imports are allowed by default; the policies list what is forbidden,
// in order, and a later matching policy overrides an earlier one. Imports are resolved the way TypeScript resolves
// them (`./x.js` -> `./x.ts`), so a rule holds however the relative path is spelled. Static imports (type-only ones
// included), re-exports, `import()` and `require()` all count; only codegen/'s rule tells `import type` apart.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folders of src/, each an element type. `src` catches the rest: src/index.ts and any folder not listed yet. */
const SRC = {
  base: 'base',
  client: 'client',
  server: 'server',
  contract: 'contract',
  config: 'config',
  metrics: 'metrics',
  observability: 'observability', // trace context and spans through the optional @opentelemetry/api
  cluster: 'cluster', // knows workers and inference; may import generated/
  other: 'src',
};
const GENERATED = 'generated';
const CODEGEN = 'codegen';

const srcTypes = Object.values(SRC);
const except = (types, ...excluded) => types.filter((type) => !excluded.includes(type));
const folder = (type, pattern) => ({ type, pattern, partialMatch: false });

/** Each pattern is a folder relative to the repository root; a file belongs to the first folder that holds it. */
export const elements = [
  folder(SRC.base, 'src/base'),
  folder(SRC.client, 'src/client'),
  folder(SRC.server, 'src/server'),
  folder(SRC.contract, 'src/contract'),
  folder(SRC.config, 'src/config'),
  folder(SRC.metrics, 'src/metrics'),
  folder(SRC.observability, 'src/observability'),
  folder(SRC.cluster, 'src/cluster'),
  folder(SRC.other, 'src'),
  folder(GENERATED, 'generated'),
  folder(CODEGEN, 'codegen'),
];

/** Single files with a role of their own, selected by their path inside their element's folder. */
const packageFace = { type: SRC.other, fileInternalPath: 'index.ts' }; // src/index.ts: joins runtime and generated code
const serverFace = { type: SRC.server, fileInternalPath: 'index.ts' }; // src/server/index.ts
const contractFace = { type: SRC.contract, fileInternalPath: 'index.ts' }; // src/contract/index.ts
const clientEmbedded = { type: SRC.client, fileInternalPath: 'embedded.ts' }; // the client's one way to the server

const fromElements = (...selectors) => ({ element: selectors });
const types = (...names) => ({ type: names });
const toElements = (...selectors) => ({ to: { element: selectors } });

export const policies = [
  {
    from: fromElements(types(GENERATED)),
    disallow: { to: { module: { origin: 'local' } } },
    message: 'generated/ may import only src/contract/index.ts (and npm packages such as zod).',
  },
  {
    from: fromElements(types(GENERATED)),
    allow: toElements(contractFace),
  },
  {
    from: fromElements(types(SRC.client)),
    disallow: toElements(types(SRC.server, SRC.cluster, GENERATED, CODEGEN)),
    message:
      'src/client/ may not import src/server/, src/cluster/, generated/ or codegen/; only src/client/embedded.ts reaches the server, through src/server/index.ts.',
  },
  {
    from: fromElements(clientEmbedded),
    allow: toElements(serverFace),
  },
  {
    from: fromElements(types(SRC.server)),
    disallow: toElements(types(SRC.client, SRC.cluster, GENERATED, CODEGEN)),
    message: 'src/server/ may not import src/client/, src/cluster/, generated/ or codegen/.',
  },
  {
    from: fromElements(types(...except(srcTypes, SRC.cluster))),
    disallow: toElements(types(GENERATED)),
    message: 'Only src/index.ts and src/cluster/ may import generated/.',
  },
  {
    from: fromElements(packageFace),
    allow: toElements(types(GENERATED)),
  },
  {
    from: fromElements(types(SRC.base)),
    disallow: toElements(types(...except(srcTypes, SRC.base))),
    message: 'src/base/ may not import from other src/ folders.',
  },
  {
    from: fromElements(types(SRC.observability)),
    disallow: toElements(types(...except(srcTypes, SRC.base, SRC.observability), GENERATED, CODEGEN)),
    message: 'src/observability/ may import only src/base/: the contract face and the cluster layer call it, never the other way round.',
  },
  {
    from: fromElements(types(...except(srcTypes, SRC.observability))),
    disallow: { to: { module: { origin: 'external', source: '@opentelemetry/*' } } },
    message: 'Only src/observability/ may load @opentelemetry/* (an optional peer, loaded only once an SDK is registered); use its helpers.',
  },
  {
    from: fromElements(types(CODEGEN)),
    disallow: { ...toElements(types(...srcTypes)), dependency: { kind: 'value' } },
    message: 'codegen/ may import only types from src/ (`import type`), never values: the generator must not load runtime code.',
  },
  {
    from: fromElements(types(...except(srcTypes, SRC.client))),
    disallow: { to: { module: { origin: 'external', source: ['@nats-io/*', 'nats'] } } },
    message: 'Only src/client/ talks to nats.js; other folders use the client (src/client/index.ts).',
  },
  {
    from: fromElements(types(SRC.client)),
    disallow: { to: { module: { origin: 'external', source: 'nats' } } },
    message:
      'The runtime is built on nats.js v3 (@nats-io/nats-core, @nats-io/transport-node); the v2 `nats` package is a dev dependency of the benchmark only.',
  },
  {
    from: fromElements(types(...srcTypes)),
    disallow: toElements(types(CODEGEN)),
    message: 'The runtime (src/) may not import codegen/, which is build-time only.',
  },
];

/** The flat-config block that eslint.config.js includes. */
export const importRules = {
  name: 'project/import-rules',
  files: ['**/*.ts'],
  plugins: { boundaries },
  settings: {
    'boundaries/root-path': root,
    'boundaries/elements': elements,
    'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
    'import/resolver': {
      typescript: { project: path.join(root, 'tsconfig.json') },
    },
  },
  rules: {
    'boundaries/dependencies': ['error', { default: 'allow', checkUnknownLocals: true, checkAllOrigins: true, policies }],
  },
};

/** Standalone config: only the parser and the import rules (no type information needed, so it lints fast). */
export default [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    // Other rules are off here, so their eslint-disable comments are expected to be unused.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  importRules,
];
