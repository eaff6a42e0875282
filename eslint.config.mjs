import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.infra/**', 'coverage/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.name='process'][property.name='env']",
        message: 'Read configuration through the typed config of the app (config/*.config.ts), not process.env.',
      }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { fetch: 'readonly', URL: 'readonly' } },
  },
  {
    // the coverage dashboard's scripts run in the browser, as classic scripts
    files: ['apps/payment/src/reporting/dashboard/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', sessionStorage: 'readonly', location: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', atob: 'readonly', TextDecoder: 'readonly' },
    },
  },
  {
    // Bounded contexts stay apart: an app may use libs/, never another app.
    files: ['apps/beneficiary/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/payment/**', '**/apps/notification/**', '../../payment/*', '../../notification/*'] }] },
  },
  {
    files: ['apps/payment/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/beneficiary/**', '**/apps/notification/**', '../../beneficiary/*', '../../notification/*'] }] },
  },
  {
    files: ['apps/notification/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/beneficiary/**', '**/apps/payment/**', '../../beneficiary/*', '../../payment/*'] }] },
  },
  {
    // The contracts are read by banks' engineers and other services: framework-free.
    files: ['libs/contracts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'typeorm/*', '@app/platform', '@app/platform/*'] }] },
  },
  {
    files: ['stand-ins/**/main.ts', '**/config/*.config.ts', 'libs/platform/src/config/**/*.ts', '**/*.spec.ts', '**/*.cli.ts', 'test/**/*.ts', 'apps/*/test/**/*.ts', 'scripts/**/*.ts', 'jest.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'apps/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
