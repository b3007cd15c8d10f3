// One jest run covers unit tests (pure logic) and integration tests (real Temporal dev server, database,
// provider fakes). test/setup/global-setup.ts prepares what the integration tests share.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
    // jose 6 ships only ES modules; jest (unlike Node 20.19+) cannot require them, so it is compiled here.
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 120_000,
  // Integration suites each start servers; two workers fit the 2-core machines this runs on.
  maxWorkers: 2,
};
