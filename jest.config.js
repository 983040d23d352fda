import { availableParallelism } from 'node:os';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/test',
    '<rootDir>/algorithms',
    '<rootDir>/transport',
    '<rootDir>/metrics-clients',
    '<rootDir>/controller',
    '<rootDir>/simulator',
    '<rootDir>/transport',
    '<rootDir>/app',
  ],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/e2e/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 60000,
  // Many suites wait on child processes and servers more than they compute: two workers even on
  // two cores (jest's default would be one) took npm test from 318 s to 175 s.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
