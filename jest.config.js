/**
 * Jest: @swc/jest transforms TypeScript without type-checking (`tsc --noEmit` does that in
 * `npm test`). Three projects, all run by `npm test`:
 *  - `unit`: constructs, stacks, handlers, data path, tooling; no network, no external tools;
 *  - `security`: the policy gate (checkov, a pinned Python tool), the IAM matrix, the hostile-input
 *    corpus and the large-input memory checks;
 *  - `integration`: handlers against the local AWS emulator started once in globalSetup.
 */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = {
  testEnvironment: 'node',
  transform,
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
};
module.exports = {
  testTimeout: 60000,
  // jest's default on 2 cores is one worker; the test files are independent and mostly CPU-light
  // between synths, so two workers nearly halve the wall time there.
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/integration/', '<rootDir>/__tests__/security/'],
    },
    {
      ...common,
      displayName: 'security',
      testMatch: ['<rootDir>/__tests__/security/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/integration/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/integration/global-teardown.ts',
    },
  ],
};
