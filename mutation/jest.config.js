/**
 * The jest run StrykerJS uses: the suites that exercise actions/, fauna/ and scripts/deploy/ in
 * process. Left out: suites that only drive a child process (the deploy-cli imports, simulate),
 * read the built dist/ bundles, or measure the in-process Fauna; a mutant in the source cannot
 * change what they see, and they would only slow every run.
 */
const base = require('../jest.config');

// dist/ is built from the original sources, the sandbox's are instrumented: see assertFreshBundle.
process.env.AUTH0_FAUNA_MUTATION_SANDBOX = '1';

module.exports = {
  ...base,
  rootDir: '..',
  testMatch: [
    '<rootDir>/test/unit/fauna-login.test.ts',
    '<rootDir>/test/unit/fauna-retry.test.ts',
    '<rootDir>/test/unit/login-query.test.ts',
    '<rootDir>/test/unit/settings.test.ts',
    '<rootDir>/test/unit/login-path-details.test.ts',
    '<rootDir>/test/fauna/**/*.test.ts',
    '<rootDir>/test/revoke/revoke-user-secrets.test.ts',
    '<rootDir>/test/revoke/revoke-user-script.test.ts',
    '<rootDir>/test/scenario/login-scenarios.test.ts',
    '<rootDir>/test/deploy/deploy-checks.test.ts',
    '<rootDir>/test/deploy/smoke-judge.test.ts',
    '<rootDir>/test/deploy/smoke-tenant.test.ts',
    '<rootDir>/test/deploy/deploy-in-process.test.ts',
  ],
};
