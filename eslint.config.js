import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      '.bench-dist/',
      'coverage/',
      'node_modules/',
      '*.config.*',
      '.dependency-cruiser.cjs',
      'bin/',
      'tmp/',
      'test/e2e/*.js',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers (who may import whom) are enforced by dependency-cruiser (.dependency-cruiser.cjs), which
  // also sees dynamic import() and type-only imports; eslint keeps algorithms/ free of I/O and clocks.
  {
    files: ['algorithms/**/*.ts'],
    ignores: ['algorithms/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'algorithms/ is pure: no I/O' }] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'algorithms/ takes now as an argument' },
        { object: 'performance', property: 'now', message: 'algorithms/ takes now as an argument' },
      ],
    },
  },
);
