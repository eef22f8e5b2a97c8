import { formatScores, scoreFolders, survivors } from '../../scripts/mutation-score';

const mutant = (id: string, status: string, line = 1) => ({ id, mutatorName: 'StringLiteral', replacement: '""', status, location: { start: { line, column: 3 } } });

const report = {
  files: {
    'actions/lib/settings.ts': { mutants: [mutant('1', 'Killed'), mutant('2', 'Timeout'), mutant('3', 'Survived', 42), mutant('4', 'Ignored')] },
    'actions/fauna-login/index.ts': { mutants: [mutant('5', 'NoCoverage', 7), mutant('6', 'Killed')] },
    'fauna/roles.ts': { mutants: [mutant('7', 'Ignored'), mutant('8', 'CompileError')] },
    'scripts/deploy/smoke.ts': { mutants: [mutant('9', 'Killed')] },
  },
};

describe('the mutation score per folder', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not, and leaves the rest out', () => {
    const rows = scoreFolders(report);
    expect(rows.map((r) => [r.folder, r.score])).toEqual([
      ['actions/', 60],
      ['fauna/', undefined],
      ['scripts/deploy/', 100],
      ['total', (100 * 4) / 6],
    ]);
    expect(rows[0]).toMatchObject({ killed: 2, timedOut: 1, survived: 1, noCoverage: 1, notRun: 1 });
    expect(rows[1]).toMatchObject({ notRun: 2 });
    expect(formatScores(rows)[1]).toMatch(/^actions\/\s+60\.0%\s+2\s+1\s+1\s+1\s+1$/);
    expect(formatScores(rows)[2]).toMatch(/^fauna\/\s+n\/a/);
  });

  it('lists the survivors of a folder with file, line and status', () => {
    expect(survivors(report, 'actions/')).toEqual([
      'actions/lib/settings.ts:42:3 Survived StringLiteral: ""',
      'actions/fauna-login/index.ts:7:3 NoCoverage StringLiteral: ""',
    ]);
    expect(survivors(report, 'scripts/deploy/')).toEqual([]);
  });
});
