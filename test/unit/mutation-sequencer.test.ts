import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// mutation/test-sequencer.js is plain CommonJS that jest loads by path.
const TestsByNameSequencer = require('../../mutation/test-sequencer.js') as new (options: {
  contexts: unknown[];
  globalConfig: { rootDir: string; cacheDirectory: string; testNamePattern?: string };
}) => {
  sort(tests: { path: string; context: unknown }[]): { path: string }[];
  cacheResults(tests: unknown[], results: { testResults: FileResult[] }): void;
};

/** The parts of jest's per-file result that the sequencers read. */
interface FileResult {
  testFilePath: string;
  testResults: { fullName: string }[];
  perfStats: { runtime: number };
  numFailingTests: number;
}
const fileResult = (testFilePath: string, ...names: string[]): FileResult => ({
  testFilePath,
  testResults: names.map((fullName) => ({ fullName })),
  perfStats: { runtime: 5 },
  numFailingTests: 0,
});

/**
 * The mutation run's sequencer: after a run without a name pattern it knows which file holds
 * which test, and a run with a pattern then gets only the files with a matching test. A file it
 * dropped wrongly would let a mutant survive that its test kills, so each rule is pinned here.
 */
describe("the mutation run's test sequencer", () => {
  let cacheDirectory: string;
  const rootDir = '/sandbox-a';
  // What jest's default sequencer reads from a test's context: its timing cache and file sizes.
  const context = () => ({ config: { cache: false, cacheDirectory, id: 'unit' }, hasteFS: { getSize: () => 1 } });
  const test = (file: string) => ({ path: file, context: context(), duration: undefined });
  const files = ['/sandbox-a/test/a.test.ts', '/sandbox-a/test/b.test.ts', '/sandbox-a/test/c.test.ts'];
  const sequencer = (testNamePattern?: string, root = rootDir) =>
    new TestsByNameSequencer({ contexts: [], globalConfig: { rootDir: root, cacheDirectory, testNamePattern } });
  const paths = (list: { path: string }[]) => list.map((t) => t.path).sort();

  beforeEach(() => {
    cacheDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'sequencer-'));
    // The initial run (no pattern) records the names. A fresh instance: jest's own timing cache,
    // which the base class writes for the contexts it sorted, needs a real jest context.
    sequencer().cacheResults([], {
      testResults: [fileResult(files[0], 'login mints a secret', 'login denies (Fauna down)'), fileResult(files[1], 'revocation pages through logins')],
    });
  });
  afterEach(() => fs.rmSync(cacheDirectory, { recursive: true, force: true }));

  it('runs every file when the run names no test', () => {
    expect(paths(sequencer().sort(files.map(test)))).toEqual(files);
  });

  it("keeps only the files holding a test the mutant's pattern names, matched as jest-circus matches", () => {
    // Stryker escapes each test id and joins them with |; jest-circus tests the full name with 'i'.
    expect(paths(sequencer('(login denies \\(Fauna down\\))').sort(files.map(test)))).toEqual([files[0], files[2]]);
    expect(paths(sequencer('(REVOCATION pages)').sort(files.map(test)))).toEqual([files[1], files[2]]);
    expect(paths(sequencer('(login mints a secret)|(revocation pages through logins)').sort(files.map(test)))).toEqual(files);
  });

  it('keeps a file it has no record of, so a missing record costs time, never a test', () => {
    // c.test.ts had no results in the initial run: it is kept for every pattern.
    expect(paths(sequencer('(nothing matches this)').sort(files.map(test)))).toEqual([files[2]]);
  });

  it('keeps every file when the run has no record at all (another sandbox, or none yet)', () => {
    expect(paths(sequencer('(login mints a secret)', '/sandbox-b').sort(files.map(test)))).toEqual(files);
  });

  it('does not let a run with a pattern overwrite the record', () => {
    sequencer('(login mints a secret)').cacheResults([], { testResults: [fileResult(files[0])] });
    expect(paths(sequencer('(login mints a secret)').sort(files.map(test)))).toEqual([files[0], files[2]]);
  });
});
