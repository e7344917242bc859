/**
 * The one prettier setup of the generated TypeScript, shared by the formatting worker (format-worker.ts) and the
 * main-thread fallback (format.ts). Only prettier's standalone build with the typescript and estree plugins is
 * loaded (the ones the `typescript` parser uses; same printer, same bytes as `prettier.format`). Options are fixed,
 * so output never depends on a config file or editor.
 */

/** Prettier options, fixed so output never depends on a config file or editor. */
export const PRETTIER_OPTIONS = {
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  quoteProps: 'as-needed',
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
  proseWrap: 'preserve',
  parser: 'typescript',
} as const;

/** Formats TypeScript source with {@link PRETTIER_OPTIONS}. */
export type Formatter = (code: string) => Promise<string>;

/** Loads prettier's standalone build and its typescript and estree plugins (about 0.8 s of one core in a fresh process). */
export async function loadPrettier(): Promise<Formatter> {
  const [prettier, typescript, estree] = await Promise.all([
    import('prettier/standalone'),
    import('prettier/plugins/typescript'),
    import('prettier/plugins/estree'),
  ]);
  const options = { ...PRETTIER_OPTIONS, plugins: [typescript, estree] };
  return (code) => prettier.format(code, options);
}
