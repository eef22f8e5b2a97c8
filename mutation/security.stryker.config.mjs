// npm run mutation, second pass: the schema's rules against the security model (README,
// "Mutation testing"). The roles, functions, indexes and collections are declarations that run
// once, when fauna/definitions.ts loads, so every mutant here is "static": it is run (unlike in
// the first pass) against the whole security suite, which is small enough for that.
import code from '../stryker.config.mjs';
import { SECURITY_MUTATE } from './mutate.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...code,
  mutate: SECURITY_MUTATE,
  jest: { ...code.jest, configFile: 'mutation/security.jest.config.js' },
  ignoreStatic: false,
  incrementalFile: 'reports/mutation/security-incremental.json',
  jsonReporter: { fileName: 'reports/mutation/security.json' },
  htmlReporter: { fileName: 'reports/mutation/security.html' },
};
