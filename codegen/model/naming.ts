/**
 * Identifier naming for generated code. Spec names can be anything (`turnOn/Off`, `<anonymous>`, `2fa`,
 * `user-signed-up`), so every name goes through one sanitizer and one registry that keeps them unique.
 */

/** Global type and value names a generated export must not shadow. */
const RESERVED = new Set([
  'Array',
  'BigInt',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'Infinity',
  'JSON',
  'Map',
  'Math',
  'NaN',
  'Number',
  'Object',
  'Partial',
  'Promise',
  'Readonly',
  'Record',
  'RegExp',
  'Required',
  'Set',
  'String',
  'Symbol',
  'Uint8Array',
]);

/**
 * PascalCase identifier from arbitrary text: words are split at anything that is not a letter or digit, and at
 * lower-to-upper case changes; each word keeps its inner case (`inferenceAck` → `InferenceAck`). Falls back to
 * `Unnamed`; a leading digit gets a `N` prefix.
 */
export function pascalCase(text: string): string {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  let name = words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('');
  name = name.replace(/[^A-Za-z0-9_$]/g, '');
  if (name === '') name = 'Unnamed';
  if (/^[0-9]/.test(name)) name = `N${name}`;
  if (RESERVED.has(name)) name = `${name}Type`;
  return name;
}

/** True when `key` can be written as an unquoted property name. */
export function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key);
}

/** Hands out unique names: the second `Foo` becomes `Foo2`, and so on, in the order they are asked for. */
export class Namer {
  private readonly used = new Set<string>();

  /** Reserves `names` so nothing else gets them. */
  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.used.add(name);
  }

  /**
   * A unique stem built from `base` such that every `stem + suffix` is still free; all of them are then taken.
   * Schemas ask with `['', 'Schema']` (the type and its schema constant).
   */
  take(base: string, suffixes: readonly string[] = ['']): string {
    const stem = pascalCase(base);
    let candidate = stem;
    for (let n = 2; suffixes.some((s) => this.used.has(candidate + s)); n++) candidate = `${stem}${String(n)}`;
    for (const s of suffixes) this.used.add(candidate + s);
    return candidate;
  }
}
