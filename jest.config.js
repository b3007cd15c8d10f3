// Two projects: `unit` (pure logic, test/unit: no server needed, `npm test -- test/unit` runs only these)
// and `integration` (real Temporal dev server, databases, provider fakes), whose global setup
// (test/setup/global-setup.ts) starts what the integration tests share. Jest runs a project's global
// setup only when at least one of its tests is selected.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  // jose 6 and oauth4webapi 3 ship only ES modules; jest (unlike Node 20.19+) cannot require them, so they are compiled here.
  '^.+/node_modules/(jose|oauth4webapi)/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const shared = { testEnvironment: 'node', transform, transformIgnorePatterns: ['/node_modules/(?!(jose|oauth4webapi)/)'] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/unit/'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
  testTimeout: 120_000,
  // Integration suites each start servers; two workers fit the 2-core machines this runs on.
  maxWorkers: 2,
};
