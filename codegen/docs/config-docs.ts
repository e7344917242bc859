/**
 * Renders docs/configuration.md from the cluster configuration JSON Schema: how the file is read, the rules
 * between keys, and one table row per key (dotted path, type, default, constraint, description). Output depends
 * only on the schema (in its key order), so `codegen --check` can tell when the page has drifted. The schema is read
 * as codegen reads every schema (keyword values unchecked): a keyword of an unexpected shape is left out of the page.
 */
import { configRules } from '../model/config-rules.js';
import { isSchemaObject, type SchemaObject } from '../zod/json-schema.js';
import { code, heading, table } from './markdown.js';

/**
 * Prose that the schema cannot carry: interpolation and the error format. The rules between keys are the schema's
 * own (`x-rules`, rendered by {@link rulesSection}), so the page and the runtime's checks read one list.
 */
const READING = `## How the file is read

- YAML 1.2 (\`yes\`/\`no\` are strings; write \`true\`/\`false\`). Duplicate keys are an error.
- **Environment variables**: in any string value, \`\${VAR}\` is replaced by the variable's value and
  \`\${VAR:-default}\` by the default when VAR is unset or empty. \`$\${...}\` is a literal \`\${...}\`. An unset
  variable without a default is an error that names it. Keys are never interpolated.
- A value that is exactly one reference takes the type the schema expects there: \`port: \${PORT}\` with
  \`PORT=4223\` is the number 4223, \`enabled: \${JS}\` with \`JS=true\` is a boolean, and an empty value for a key
  that accepts \`null\` is \`null\`. A reference inside longer text (\`nats://\${HOST}:4222\`) stays text.
- Every default below is applied, so a file with only \`cluster.mode\` and \`cluster.nats.mode\` is complete.
- \`null\` means "not set": keys set to \`null\` are left out of the loaded configuration.
- Unknown keys are errors (\`additionalProperties: false\` everywhere), with a suggestion for likely typos.
- The loaded configuration is deeply frozen.

## Errors

All problems are reported at once in one \`ConfigValidationError\` (code \`CONFIG_VALIDATION\`). Each names the
file, line and column, the key path, what was expected and what was found:

\`\`\`
Invalid configuration (2 problems):
  config/cluster.yaml:21:13: cluster.nats.embedded.port: expected an integer from 1024 to 65535, found 80
  config/cluster.yaml:22:7: cluster.nats.embedded.prot: expected a known key (did you mean 'port'?), found unknown key 'prot'
Fix the file and start again.
\`\`\`

Values of \`password\`, \`token\` and everything under \`tls\` are shown as \`[REDACTED]\`; user info in URLs is removed.
`;

/** Deliberate choices, after the rules. */
const CHOICES = `## Choices worth knowing

- \`cluster.worker.port\` defaults to **8082**, not 8080: 8080 is the controller's port, and in dual mode the controller
  and the worker run side by side, so their defaults must differ.
- \`cluster.nats.max_reconnect_attempts\` accepts \`-1\` (reconnect forever) and \`0\` (never), as the client does.
- For external and secured clusters there are also \`servers\`, \`token\`, \`tls\`, \`embedded.host\` and \`request_timeout_ms\`.
- \`cluster.controller.bind_address\` (the controller's HTTP API) and the embedded NATS server (\`embedded.host\`) both
  bind \`127.0.0.1\` by default, so a node serves only its own machine until a file says otherwise; \`0.0.0.0\` lets
  other machines call the API (set \`api_key\` then).
`;

/**
 * Renders the configuration reference page (Markdown) for `schema`. Deterministic: same schema, same text.
 * The codegen CLI puts its generated-file header (with the source hash) in front and writes docs/configuration.md.
 */
export function renderConfigDocs(schema: object): string {
  const root = node(schema);
  const rows: string[][] = [];
  collectRows(root, '', rows);
  const title = text(root.title);
  return [
    heading(1, title === undefined ? 'Configuration' : `Configuration (${title})`),
    '',
    text(root.description) ?? '',
    '',
    'The default file is `config/cluster.yaml`; its first line points editors at the schema, so they complete and check keys.',
    '',
    READING,
    rulesSection(root),
    CHOICES,
    heading(2, 'Keys'),
    '',
    table(['Key', 'Type', 'Default', 'Constraint', 'Description'], rows),
    '',
  ].join('\n');
}

/** "Rules between keys": the schema's `x-rules`, one bullet each, in the order the runtime checks them. */
function rulesSection(schema: SchemaObject): string {
  const bullets = configRules(schema).rules.map((rule) => `- ${rule.text}`);
  return [
    heading(2, 'Rules between keys'),
    '',
    'Checked once every key is valid on its own:',
    '',
    ...bullets,
    '',
    'Controller settings are used in controller and dual mode, worker settings in worker and dual mode. A section for',
    'the other role is not an error: it is not used.',
    '',
  ].join('\n');
}

/** The schema object at a keyword, or an empty schema for a boolean schema or anything else. */
function node(value: unknown): SchemaObject {
  return isSchemaObject(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** One row per key, depth first in schema order; array items add `[]` to the path. */
function collectRows(schema: SchemaObject, prefix: string, rows: string[][]): void {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  for (const [key, value] of Object.entries(node(schema.properties))) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const child = node(value);
    rows.push(row(path, child, required.has(key)));
    collectRows(child, path, rows);
    if (child.items !== undefined) collectRows(node(child.items), `${path}[]`, rows);
  }
}

function row(path: string, schema: SchemaObject, required: boolean): string[] {
  const { type, constraint } = describeKey(schema, required);
  return [code(path), type, defaultOf(schema), constraint, text(schema.description) ?? ''];
}

/**
 * The Type and Constraint cells of a key. The runtime says what a key accepts in its own words
 * (src/config/describe.ts, `describeExpected`: "an integer from 1024 to 65535", where this cell says "1024–65535"):
 * a table cell and a sentence in an error are different texts, and the generator may not import runtime values,
 * so the two stay two functions, and tests/config/describe-parity.test.ts holds them to one table of schemas: both
 * read the same keywords, with the same values, and the cluster schema uses no keyword outside that table.
 */
export function describeKey(schema: SchemaObject, required: boolean): { type: string; constraint: string } {
  return { type: typeOf(schema), constraint: constraintOf(schema, required) };
}

function typeOf(schema: SchemaObject): string {
  const types: unknown[] = schema.type === undefined ? [] : [schema.type].flat();
  return types
    .filter((type) => typeof type === 'string')
    .map((type) => (type === 'array' && schema.items !== undefined ? `array of ${typeOf(node(schema.items))}` : type))
    .join(' or ');
}

function defaultOf(schema: SchemaObject): string {
  if (schema.default !== undefined) return code(JSON.stringify(schema.default));
  return '—';
}

function constraintOf(schema: SchemaObject, required: boolean): string {
  const parts: string[] = [];
  if (required) parts.push('required');
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => code(String(v))).join(', ')}`);
  const [min, max] = [numberOf(schema.minimum), numberOf(schema.maximum)];
  if (min !== undefined && max !== undefined) parts.push(`${min}–${max}`);
  else if (min !== undefined) parts.push(`≥ ${min}`);
  else if (max !== undefined) parts.push(`≤ ${max}`);
  const format = text(schema.format);
  if (format !== undefined) parts.push(`format ${format}`);
  if (Array.isArray(schema.anyOf)) {
    parts.push(
      schema.anyOf
        .map((branch) => text(node(branch).format))
        .map((f) => (f === undefined ? 'other' : `format ${f}`))
        .join(' or '),
    );
  }
  const pattern = text(schema.pattern);
  if (pattern !== undefined) parts.push(`pattern ${code(pattern)}`);
  const minLength = numberOf(schema.minLength);
  if (minLength !== undefined) parts.push(minLength === 1 ? 'non-empty' : `at least ${minLength} characters`);
  const minItems = numberOf(schema.minItems);
  if (minItems !== undefined) parts.push(`at least ${minItems} item${minItems === 1 ? '' : 's'}`);
  if (schema.additionalProperties === false) parts.push('no other keys');
  return parts.join('; ');
}
