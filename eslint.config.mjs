// Lint rules for the whole repository (run by `npm test` through `npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test/services/unleash-server/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    // Adapters and external modules are loaded lazily with require(), so a run never loads SDKs it does not use.
    files: ['**/*.js', '**/*.cjs', 'src/adapter-host/registry.ts', 'src/adapter-host/external.ts', 'src/adapter-host/typescript-loader.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
