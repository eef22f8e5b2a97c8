// npm run mutation, first pass: StrykerJS over the code (README, "Mutation testing"); the
// schema's declarations have their own pass, mutation/security.stryker.config.mjs.
import { CODE_MUTATE } from './mutation/mutate.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: CODE_MUTATE,
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'mutation/jest.config.js', enableFindRelatedTests: false },
  // A mutant that does not type-check is a compile error, not a test run: see the plugin's file
  // for why it replaces @stryker-mutator/typescript-checker (same verdicts, ~12x faster here).
  plugins: ['@stryker-mutator/jest-runner', './mutation/incremental-typescript-checker.mjs'],
  checkers: ['incremental-typescript'],
  // Only the mutated sources get // @ts-nocheck; the default would stamp it on dist/ bundles too.
  disableTypeChecks: '{actions,fauna,scripts/deploy}/**/*.ts',
  tsconfigFile: 'mutation/tsconfig.json',
  coverageAnalysis: 'perTest',
  // Module-level code (the schema definitions, the settings table) is mutated but not run by
  // default: each such mutant needs the whole suite, which would take this machine over an hour.
  // `npx stryker run --ignoreStatic false` includes them.
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['json', 'html', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ['reports', 'coverage', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  // For the hangs jest's own testTimeout (mutation/jest.config.js) cannot end: a loop of
  // promises that never yields to timers.
  timeoutMS: 3000,
  // jest keeps every run's modules (auth0-deploy-cli, the auth0 SDK) in the worker: past a few
  // GB each run slows to a crawl, so start a fresh worker now and then.
  maxTestRunnerReuse: 100,
  cleanTempDir: 'always',
};
