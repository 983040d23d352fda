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
};
