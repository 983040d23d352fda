/**
 * Jest config of the end-to-end suites (`npm run test:e2e`): real kube-apiserver, etcd,
 * kube-controller-manager (and Prometheus + prometheus-adapter) started by test/e2e/bed/.
 * One bed per suite file; suites run one after the other (--runInBand): they are heavy.
 * global-setup.js builds or reuses the cached binaries (test/e2e/stack/build.sh).
 * @type {import('jest').Config}
 */
export default {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/test/e2e/suites/**/*.e2e.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  globalSetup: '<rootDir>/test/e2e/global-setup.js',
  globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
  maxWorkers: 1,
  testTimeout: 30 * 60 * 1000,
  // the suites print their own progress and BENCH lines
  verbose: true,
};
