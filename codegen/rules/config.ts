/**
 * The project's settings for the contract rules: the `"mlx-codegen"` key of the nearest package.json above the
 * contract, `{ "rules": { "<rule>": "off" | "warning" | "error" } }`. A rule the settings do not name keeps its
 * default (rule.ts: its default severity, where it applies by default). An unknown rule or severity is an error at its place in package.json, so a misspelt setting
 * never switches a rule off silently.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { diagnosticAt, type Diagnostic } from '../input/diagnostics.js';
import { childPointer, type SourceSet } from '../input/sources.js';
import type { ContractRule, RuleSeverity } from './rule.js';

/** The package.json key that holds the settings. */
export const SETTINGS_KEY = 'mlx-codegen';

const SEVERITIES: readonly RuleSeverity[] = ['off', 'warning', 'error'];

/** The severity the settings give each rule they name, and the problems of the settings. */
export interface RuleSettings {
  readonly severity: ReadonlyMap<string, RuleSeverity>;
  readonly diagnostics: Diagnostic[];
  /** The package.json the settings came from, when there is one. */
  readonly file: string | undefined;
}

/** The nearest package.json at or above `dir`, or undefined. */
export function nearestPackageJson(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const file = path.join(at, 'package.json');
    if (existsSync(file)) return file;
    if (path.dirname(at) === at) return undefined;
  }
}

/** Reads the settings for `rules` that apply to the contract at `mainFile`. */
export function readRuleSettings(sources: SourceSet, mainFile: string, rules: readonly ContractRule[]): RuleSettings {
  const severity = new Map<string, RuleSeverity>();
  const known = new Set(rules.map((rule) => rule.name));
  const diagnostics: Diagnostic[] = [];
  const file = nearestPackageJson(path.dirname(mainFile));
  if (file === undefined) return { severity, diagnostics, file };
  const base = childPointer('', SETTINGS_KEY);
  const settings = sources.valueAt({ file, pointer: base });
  if (settings === undefined) return { severity, diagnostics, file };
  const problem = (pointer: string, message: string): void => {
    diagnostics.push(diagnosticAt(sources, { file, pointer }, `"${SETTINGS_KEY}" settings: ${message}`));
  };
  const configured = typeof settings === 'object' && settings !== null && !Array.isArray(settings) ? (settings as Record<string, unknown>).rules : undefined;
  if (configured === undefined) return { severity, diagnostics, file };
  const rulesPointer = childPointer(base, 'rules');
  if (typeof configured !== 'object' || configured === null || Array.isArray(configured)) {
    problem(rulesPointer, `"rules" must map rule names to ${SEVERITIES.join(', ')}`);
    return { severity, diagnostics, file };
  }
  for (const [name, value] of Object.entries(configured)) {
    const at = childPointer(rulesPointer, name);
    if (!known.has(name)) problem(at, `unknown rule "${name}"; the rules are ${rules.map((r) => r.name).join(', ')}`);
    else if (typeof value !== 'string' || !(SEVERITIES as readonly string[]).includes(value))
      problem(at, `rule "${name}": ${JSON.stringify(value)} is not a severity; use ${SEVERITIES.join(', ')}`);
    else severity.set(name, value as RuleSeverity);
  }
  return { severity, diagnostics, file };
}
