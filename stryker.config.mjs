// npm run mutation: StrykerJS over the production code (README, "Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['actions/**/*.ts', '!actions/**/*.d.ts', 'fauna/**/*.ts', 'scripts/deploy/**/*.ts'],
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'mutation/jest.config.js', enableFindRelatedTests: false },
  checkers: ['typescript'],
  // Only the mutated sources get // @ts-nocheck; the default would stamp it on dist/ bundles too.
  disableTypeChecks: '{actions,fauna,scripts/deploy}/**/*.ts',
  tsconfigFile: 'mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
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
  // A shared 2-core machine: give a slow but healthy test run room before calling it a timeout.
  timeoutMS: 10000,
  // jest keeps every run's modules (auth0-deploy-cli, the auth0 SDK) in the worker: past a few
  // GB each run slows to a crawl, so start a fresh worker now and then.
  maxTestRunnerReuse: 40,
  cleanTempDir: 'always',
};
