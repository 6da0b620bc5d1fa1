// @ts-check
// ESLint for this codebase: typescript-eslint's type-aware rules where they catch real bugs
// (promises nobody awaits, unused code), formatting left to Prettier.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '.local/', 'coverage/', 'bench/results/', 'test/artifacts/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Sanitisers here match control characters on purpose (mail headers, logs, ids).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // One clock: production code reads time from an injected Clock (domain time, IW_CLOCK) or the
    // wall clock (REAL_CLOCK, SystemClock); only libs/clock reads the system time itself.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/clock/**', '**/*.spec.ts', 'libs/*/test/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time comes from a Clock (libs/clock): CLOCK or REAL_CLOCK' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'time comes from a Clock (libs/clock): new Date(clock.now())',
        },
      ],
    },
  },
  {
    // Tests and benchmarks read JSON answers (typed \`any\`) and assert on them with expect.
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Fakes implement async interfaces without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // The bench and fault suite load infra's plain CommonJS at run time.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Plain CommonJS (infra, bin, jest configs): no type information; infra is type-checked
    // by `tsc -p infra` (checkJs) instead.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
);
