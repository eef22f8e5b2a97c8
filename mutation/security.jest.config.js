/**
 * The jest run of the security pass (mutation/security.stryker.config.mjs): the security model,
 * the checks `npm run verify:fauna` runs on a server, against the in-process Fauna set up by
 * setup:fauna's own code; and the example app's use of the schema (the checks follow whatever
 * fauna/app-data.ts declares, the app does not). Not test/fauna/schema.test.ts: it compares the
 * roles' FQL and would "kill" any edit, while the question here is whether a check notices what
 * the edit allows.
 */
const code = require('./jest.config');

module.exports = {
  ...code,
  testMatch: ['<rootDir>/test/security/security-model.test.ts', '<rootDir>/test/security/example-app-schema.test.ts'],
  // One beforeAll runs setup:fauna and signs users in (~1 s), then the checks.
  testTimeout: 5000,
};
