import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

// The mutation run's checker plugin (mutation/incremental-typescript-checker.mjs) is an ES
// module that StrykerJS loads; jest here is CommonJS, so a child node drives it over a small
// project and prints each mutant's verdict.
const PLUGIN = pathToFileURL(path.resolve(__dirname, '../../mutation/incremental-typescript-checker.mjs')).href;

const SOURCES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', skipLibCheck: true, types: [], noUnusedLocals: true },
    include: ['*.ts'],
  }),
  // Line 0 holds an exported literal type, line 2 a function body.
  'limit.ts': ['export const LIMIT = 3;', 'export function double(n: number): number {', '  return n * 2;', '}', ''].join('\n'),
  // Re-exports without using: a changed LIMIT breaks no line of this file, only its importer.
  'reexport.ts': "export { LIMIT as REEXPORTED } from './limit';\n",
  'user.ts': "import { REEXPORTED } from './reexport';\nexport const three: 3 = REEXPORTED;\n",
};

interface Verdict {
  status: string;
  reason?: string;
}

function runChecker(files: Record<string, string>, mutants: object[]): { verdicts?: Record<string, Verdict>; error?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incremental-checker-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const script = `
      import { strykerPlugins } from ${JSON.stringify(PLUGIN)};
      const [plugin] = strykerPlugins;
      const quiet = { info() {}, debug() {}, warn() {} };
      const checker = new plugin.injectableClass(quiet, { tsconfigFile: 'tsconfig.json' });
      try {
        await checker.init();
        const mutants = JSON.parse(process.argv[1]).map((m) => ({ ...m, fileName: process.cwd() + '/' + m.fileName }));
        console.log(JSON.stringify({ verdicts: await checker.check(mutants) }));
      } catch (err) {
        console.log(JSON.stringify({ error: err.message }));
      }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(mutants)], { cwd: dir, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`checker process failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = (line: number, start: number, end: number) => ({ start: { line, column: start }, end: { line, column: end } });

describe('the mutation run\'s TypeScript checker', () => {
  it('passes a mutant that type-checks, and refuses one that does not, with the compiler\'s message', () => {
    const { verdicts } = runChecker(SOURCES, [
      { id: 'divides', fileName: 'limit.ts', location: at(2, 9, 14), replacement: 'n / 2', mutatorName: 'ArithmeticOperator' },
      { id: 'string', fileName: 'limit.ts', location: at(2, 9, 14), replacement: '"n"', mutatorName: 'StringLiteral' },
    ]);
    expect(verdicts?.divides).toEqual({ status: 'passed' });
    expect(verdicts?.string.status).toBe('compileError');
    expect(verdicts?.string.reason).toMatch(/limit\.ts.*TS2322/);
  });

  it('checks every file that imports a mutated file\'s changed declarations, directly or not', () => {
    const { verdicts } = runChecker(SOURCES, [{ id: 'four', fileName: 'limit.ts', location: at(0, 21, 22), replacement: '4', mutatorName: 'NumberLiteral' }]);
    expect(verdicts?.four.status).toBe('compileError');
    expect(verdicts?.four.reason).toMatch(/user\.ts.*TS2322/);
  });

  it('sees each mutant against the original file: a refused mutant does not stay in the next one\'s program', () => {
    const { verdicts } = runChecker(SOURCES, [
      { id: 'string', fileName: 'limit.ts', location: at(2, 9, 14), replacement: '"n"', mutatorName: 'StringLiteral' },
      { id: 'plus', fileName: 'limit.ts', location: at(2, 9, 14), replacement: 'n + 2', mutatorName: 'ArithmeticOperator' },
    ]);
    expect(verdicts).toEqual({ string: expect.objectContaining({ status: 'compileError' }), plus: { status: 'passed' } });
  });

  it('relaxes what a mutant may leave behind: an unused local is not a compile error', () => {
    const { verdicts } = runChecker(SOURCES, [
      { id: 'unused', fileName: 'limit.ts', location: at(2, 2, 15), replacement: 'const unused = n; return 0;', mutatorName: 'BlockStatement' },
    ]);
    expect(verdicts?.unused).toEqual({ status: 'passed' });
  });

  it('passes a mutant in a file outside the typed project', () => {
    const { verdicts } = runChecker(SOURCES, [{ id: 'elsewhere', fileName: 'elsewhere.js', location: at(0, 0, 1), replacement: 'x', mutatorName: 'StringLiteral' }]);
    expect(verdicts?.elsewhere).toEqual({ status: 'passed' });
  });

  it('refuses to start when the unmutated sources do not type-check, naming the error', () => {
    const { error } = runChecker({ ...SOURCES, 'user.ts': 'export const three: 3 = 4;\n' }, []);
    expect(error).toMatch(/^ERR_MUTATION_DRY_RUN_TYPES: .*tsconfig\.json/);
    expect(error).toMatch(/user\.ts.*TS2322/);
  });
});
