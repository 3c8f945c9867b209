// Unit tests (*.spec.ts beside the code, the console's apps/console/src/lib included), e2e, isolation
// and browser suites (test/e2e, test/isolation, test/console: *.e2e-spec.ts).
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  // Types are checked once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testRegex: '(\\.spec|\\.e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: { '^@tenantry/(.*)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
};
