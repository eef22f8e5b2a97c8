/**
 * The test sequencer of the mutation run: it hands jest only the test files that hold a test the
 * mutant's run asks for.
 *
 * StrykerJS 9.6's jest runner narrows a mutant's run to the tests that cover it by name only
 * (`testNamePattern`); jest still loads every test file, with its whole module graph (the
 * driver, the in-process Fauna, the auth0 SDK), to find the names. That load, not the tests,
 * was most of each mutant's time. A sequencer sees the run's `globalConfig` and may return a
 * subset of the files (jest's own sharding does), so:
 * - a run without a name pattern (Stryker's initial run, a plain `jest -c mutation/jest.config.js`)
 *   runs everything and records, per test file, the full names of its tests (`cacheResults`);
 * - a run with a pattern keeps only the files with a recorded name that the pattern matches, the
 *   same way jest-circus matches (`new RegExp(pattern, 'i')` over the full name). A file with no
 *   record is kept, so a missing record costs time, never a test.
 * The record lives in jest's cache directory, one per rootDir (each Stryker sandbox has its own),
 * so that every test runner process of the run, including those started later, reads it.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

function recordFile(globalConfig) {
  const key = crypto.createHash('sha256').update(globalConfig.rootDir).digest('hex').slice(0, 16);
  return path.join(globalConfig.cacheDirectory ?? require('node:os').tmpdir(), `auth0-fauna-test-names-${key}.json`);
}

function readRecord(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

class TestsByNameSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
    this.record = recordFile(options.globalConfig);
  }

  sort(tests) {
    const names = this.pattern ? readRecord(this.record) : undefined;
    if (names === undefined) return super.sort(tests);
    const wanted = new RegExp(this.pattern, 'i');
    return super.sort(tests.filter((test) => !Array.isArray(names[test.path]) || names[test.path].some((name) => wanted.test(name))));
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (this.pattern) return;
    const names = {};
    for (const file of results.testResults) names[file.testFilePath] = file.testResults.map((test) => test.fullName);
    fs.mkdirSync(path.dirname(this.record), { recursive: true });
    fs.writeFileSync(this.record, JSON.stringify(names));
  }
}

module.exports = TestsByNameSequencer;
