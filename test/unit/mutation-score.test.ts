import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { formatScores, scoreFolders, survivors, type PassReport } from '../../scripts/mutation-score';

const mutant = (id: string, status: string, line = 1) => ({ id, mutatorName: 'StringLiteral', replacement: '""', status, location: { start: { line, column: 3 } } });

const code: PassReport = {
  pass: 'code',
  report: {
    files: {
      'actions/lib/settings.ts': { mutants: [mutant('1', 'Killed'), mutant('2', 'Timeout'), mutant('3', 'Survived', 42), mutant('4', 'Ignored')] },
      'actions/fauna-login/index.ts': { mutants: [mutant('5', 'NoCoverage', 7), mutant('6', 'Killed')] },
      'fauna/plan.ts': { mutants: [mutant('7', 'Ignored'), mutant('8', 'CompileError')] },
      'scripts/deploy/smoke.ts': { mutants: [mutant('9', 'Killed')] },
    },
  },
};
// The security pass's reporter writes absolute paths; they count under the same folders.
const security: PassReport = {
  pass: 'security',
  report: {
    files: {
      [path.resolve(__dirname, '../../fauna/roles.ts')]: { mutants: [mutant('1', 'Killed'), mutant('2', 'Survived', 9), mutant('3', 'Killed')] },
    },
  },
};

describe('the mutation score per folder', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not, and leaves the rest out', () => {
    const rows = scoreFolders([code]);
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

  it('adds up both passes per folder, and gives each pass its own row', () => {
    const rows = scoreFolders([code, security]);
    expect(rows.map((r) => [r.folder, r.score])).toEqual([
      ['actions/', 60],
      ['fauna/', (100 * 2) / 3],
      ['scripts/deploy/', 100],
      ['code pass', (100 * 4) / 6],
      ['security pass', (100 * 2) / 3],
      ['total', (100 * 6) / 9],
    ]);
    expect(rows[1]).toMatchObject({ killed: 2, survived: 1, notRun: 2 });
  });

  it('lists the survivors of a folder with file, line and status, from every pass', () => {
    expect(survivors([code, security], 'actions/')).toEqual([
      'actions/lib/settings.ts:42:3 Survived StringLiteral: ""',
      'actions/fauna-login/index.ts:7:3 NoCoverage StringLiteral: ""',
    ]);
    expect(survivors([code, security], 'fauna/')).toEqual(['fauna/roles.ts:9:3 Survived StringLiteral: ""']);
    expect(survivors([code, security], 'scripts/deploy/')).toEqual([]);
  });
});

describe('scripts/mutation-score.ts', () => {
  const script = path.resolve(__dirname, '../../scripts/mutation-score.ts');
  const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
  const run = (args: string[]) => spawnSync(tsx, [script, ...args], { encoding: 'utf8' });

  it('scores the reports it is given and names a missing one, exiting 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-score-'));
    try {
      const file = path.join(dir, 'code.json');
      fs.writeFileSync(file, JSON.stringify(code.report));
      const ok = run(['--report', file, '--survivors', 'actions/']);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/^total\s+66\.7%/m);
      expect(ok.stdout).toContain('2 surviving mutant(s) under actions/:');

      const missing = run(['--report', file, '--report', path.join(dir, 'security.json')]);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('ERR_MUTATION_REPORT:');
      expect(missing.stderr).toContain('security.json does not exist; run npm run mutation first');

      const half = path.join(dir, 'half.json');
      fs.writeFileSync(half, '{"files": {');
      const unreadable = run(['--report', half]);
      expect(unreadable.status).toBe(1);
      expect(unreadable.stderr).toContain('ERR_MUTATION_REPORT: ');
      expect(unreadable.stderr).toContain('half.json is not JSON');

      const everywhere = run(['--report', file, '--survivors', '.']);
      expect(everywhere.stdout).toContain('2 surviving mutant(s) under .:');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a missing option value and shows the usage, exiting 2', () => {
    const bad = run(['--survivors']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^ERR_MUTATION_ARGS: .*--survivors/);
    expect(bad.stderr).toContain('usage: tsx scripts/mutation-score.ts');
  });
});
