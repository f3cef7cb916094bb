/**
 * Jest: @swc/jest transforms TypeScript without type-checking (`tsc --noEmit` does that in
 * `npm test`). Two projects: `unit` (no network) and `integration` (talks to the local AWS
 * emulator started once in globalSetup).
 */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = {
  testEnvironment: 'node',
  transform,
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
};
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/integration/'],
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
