// ESLint flat config: typescript-eslint's strict, type-checked rules, zero warnings (see `npm run lint`), and the import
// rules between the repository's folders (lint/import-rules.js).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importRules } from './lint/import-rules.js';

export default tseslint.config(
  {
    ignores: ['dist/**', 'coverage/**', 'docs/site/**', 'node_modules/**', 'tests/fixtures/**', 'tests/package/**', '**/*.js', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  importRules,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The stylistic preset prefers `x!` where the strict preset forbids it; keep the strict rule.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Tests use non-null assertions after explicit expectations, and empty callbacks as handlers.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
);
