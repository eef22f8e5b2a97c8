/**
 * The jest run of the code pass (stryker.config.mjs): the suites that exercise actions/, fauna/
 * and scripts/deploy/ in process. Left out by name: suites that only drive a child process (the
 * deploy-cli imports, simulate, the scripts' CLIs), read the built dist/ bundles, or test the
 * repository's documents and the mutation tooling; a mutant in those sources cannot change what
 * they see, and they would only slow Stryker's initial run. A new in-process suite in these
 * folders is picked up as it is.
 */
const base = require('../jest.config');

// dist/ is built from the original sources, the sandbox's are instrumented: see assertFreshBundle.
process.env.AUTH0_FAUNA_MUTATION_SANDBOX = '1';

const OUT_OF_PROCESS = [
  'test/unit/bench-results.test.ts',
  'test/unit/incremental-typescript-checker.test.ts',
  'test/unit/mutation-score.test.ts',
  'test/unit/mutation-sequencer.test.ts',
  'test/unit/node22-runtime.test.ts',
  'test/unit/readme.test.ts',
  'test/revoke/revoke-bundle.test.ts',
  'test/scenario/simulate.test.ts',
  'test/deploy/deploy-empty-tenant.test.ts',
  'test/deploy/deploy-existing-tenant.test.ts',
  'test/deploy/deploy-read-back.test.ts',
  'test/deploy/deploy-refusals.test.ts',
  'test/deploy/smoke-tenant-cli.test.ts',
];

module.exports = {
  ...base,
  rootDir: '..',
  testMatch: ['unit', 'fauna', 'revoke', 'scenario', 'deploy'].map((folder) => `<rootDir>/test/${folder}/*.test.ts`),
  testPathIgnorePatterns: ['/node_modules/', ...OUT_OF_PROCESS.map((file) => `<rootDir>/${file}`)],
  // Only the test files that hold the tests a mutant's run names (see the file).
  testSequencer: '<rootDir>/mutation/test-sequencer.js',
  // The slowest test here takes ~0.2 s; a mutant that makes one hang fails in 2 s (killed)
  // instead of running into Stryker's timeout, which also restarts the test runner process.
  testTimeout: 2000,
};
