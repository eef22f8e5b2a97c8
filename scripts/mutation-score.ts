/**
 * npm run mutation (after StrykerJS): the mutation score per folder from the JSON report, and
 * with `--survivors [folder]` every mutant the tests let live there, one line each.
 *
 *   tsx scripts/mutation-score.ts [--report reports/mutation/mutation.json] [--survivors actions/]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runScript } from './environment';

const REPO_ROOT = path.resolve(__dirname, '..');
const DEFAULT_REPORT = path.join(REPO_ROOT, 'reports/mutation/mutation.json');
export const FOLDERS = ['actions/', 'fauna/', 'scripts/deploy/'] as const;

/** The fields used from the mutation-testing-report-schema (what Stryker's json reporter writes). */
interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}
interface Report {
  readonly files: Readonly<Record<string, { readonly mutants: readonly ReportMutant[] }>>;
}

export interface FolderScore {
  readonly folder: string;
  readonly killed: number;
  readonly timedOut: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Static mutants not run (ignoreStatic) and mutants the TypeScript checker rejected. */
  readonly notRun: number;
  /** Detected (killed or timed out) of those that could be detected, in percent; undefined when none. */
  readonly score: number | undefined;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function scoreFolders(report: Report, folders: readonly string[] = FOLDERS): FolderScore[] {
  const entries = Object.entries(report.files).map(([file, { mutants }]) => [path.relative(REPO_ROOT, path.resolve(REPO_ROOT, file)), mutants] as const);
  const score = (folder: string, mutants: readonly ReportMutant[]): FolderScore => {
    const count = (status: string) => mutants.filter((m) => m.status === status).length;
    const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
    const valid = detected + mutants.filter((m) => UNDETECTED.has(m.status)).length;
    return {
      folder,
      killed: count('Killed'),
      timedOut: count('Timeout'),
      survived: count('Survived'),
      noCoverage: count('NoCoverage'),
      notRun: mutants.length - valid,
      score: valid === 0 ? undefined : (100 * detected) / valid,
    };
  };
  const rows = folders.map((folder) => score(folder, entries.filter(([file]) => file.startsWith(folder)).flatMap(([, m]) => m)));
  return [...rows, score('total', entries.flatMap(([, m]) => m))];
}

export function survivors(report: Report, folder: string): string[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => [path.relative(REPO_ROOT, path.resolve(REPO_ROOT, file)), mutants] as const)
    .filter(([file]) => file.startsWith(folder))
    .flatMap(([file, mutants]) =>
      mutants
        .filter((m) => UNDETECTED.has(m.status))
        .map((m) => `${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100)}`),
    );
}

export function formatScores(rows: readonly FolderScore[]): string[] {
  const pad = (text: string, width: number) => text.padStart(width);
  const lines = [`${'folder'.padEnd(16)}${pad('score', 8)}${pad('killed', 8)}${pad('timeout', 9)}${pad('survived', 10)}${pad('no cov.', 9)}${pad('not run', 9)}`];
  for (const r of rows) {
    const score = r.score === undefined ? 'n/a' : `${r.score.toFixed(1)}%`;
    lines.push(`${r.folder.padEnd(16)}${pad(score, 8)}${pad(String(r.killed), 8)}${pad(String(r.timedOut), 9)}${pad(String(r.survived), 10)}${pad(String(r.noCoverage), 9)}${pad(String(r.notRun), 9)}`);
  }
  return lines;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { report: { type: 'string' }, survivors: { type: 'string' } } });
  const file = path.resolve(values.report ?? DEFAULT_REPORT);
  if (!fs.existsSync(file)) {
    console.error(`ERR_MUTATION_REPORT: ${path.relative(process.cwd(), file)} does not exist; run npm run mutation first`);
    return 1;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  if (typeof report.files !== 'object' || report.files === null) {
    console.error(`ERR_MUTATION_REPORT: ${path.relative(process.cwd(), file)} is not a StrykerJS JSON report (no "files")`);
    return 1;
  }
  for (const line of formatScores(scoreFolders(report))) console.log(line);
  console.log('score = (killed + timeout) / (killed + timeout + survived + no coverage); "not run": static or not compiling');
  if (values.survivors !== undefined) {
    const list = survivors(report, values.survivors);
    console.log(`\n${list.length} surviving mutant(s) under ${values.survivors}:`);
    for (const line of list) console.log(`  ${line}`);
  }
  return 0;
}

if (require.main === module) runScript('mutation score', () => main(process.argv.slice(2)));
