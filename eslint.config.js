import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', '.bench-dist/', 'coverage/', 'node_modules/', '*.config.*', 'bin/', 'tmp/', 'test/e2e/*.js'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['algorithms/**/*.ts'],
    ignores: ['algorithms/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(metrics-clients|controller|simulator)(/|$)',
              message: 'algorithms/ imports nothing outside itself',
            },
            { regex: '^node:', message: 'algorithms/ is pure: no I/O' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'algorithms/ takes now as an argument' },
        { object: 'performance', property: 'now', message: 'algorithms/ takes now as an argument' },
      ],
    },
  },
  {
    files: ['metrics-clients/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(controller|simulator)(/|$)',
              message: 'metrics-clients/ may import only algorithms/',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['controller/**/*.ts'],
    ignores: ['controller/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+simulator(/|$)', message: 'controller/ never knows about the simulator' }] },
      ],
    },
  },
);
