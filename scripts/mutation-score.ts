/**
 * npm run mutation (after both StrykerJS passes): the mutation score per folder and per pass from
 * the JSON reports, and with `--survivors <folder>` every mutant the tests let live there (`.`:
 * everywhere), one line each.
 *
 *   tsx scripts/mutation-score.ts [--report <json> ...] [--survivors actions/]
 *
 * Without --report: the code pass (stryker.config.mjs) and the security pass
 * (mutation/security.stryker.config.mjs); each file is mutated by exactly one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runScript } from './environment';

const REPO_ROOT = path.resolve(__dirname, '..');
export const PASS_REPORTS = [
  { pass: 'code', file: 'reports/mutation/mutation.json' },
  { pass: 'security', file: 'reports/mutation/security.json' },
] as const;
export const FOLDERS = ['actions/', 'fauna/', 'scripts/deploy/'] as const;

/** The fields used from the mutation-testing-report-schema (what Stryker's json reporter writes). */
interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}
export interface Report {
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

/** A pass's report: its name and what its json reporter wrote. */
export interface PassReport {
  readonly pass: string;
  readonly report: Report;
}

type FileMutants = readonly (readonly [file: string, mutants: readonly ReportMutant[]])[];

/** Report paths are absolute or relative to the repository: both become repository-relative. */
function filesOf(reports: readonly PassReport[]): FileMutants {
  return reports.flatMap(({ report }) =>
    Object.entries(report.files).map(([file, { mutants }]) => [path.relative(REPO_ROOT, path.resolve(REPO_ROOT, file)), mutants] as const),
  );
}

function score(folder: string, mutants: readonly ReportMutant[]): FolderScore {
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
}

/** One row per folder over every pass, one per pass, then the total. */
export function scoreFolders(reports: readonly PassReport[], folders: readonly string[] = FOLDERS): FolderScore[] {
  const files = filesOf(reports);
  const under = (folder: string) => files.filter(([file]) => file.startsWith(folder)).flatMap(([, m]) => m);
  return [
    ...folders.map((folder) => score(folder, under(folder))),
    ...(reports.length > 1 ? reports.map((r) => score(`${r.pass} pass`, filesOf([r]).flatMap(([, m]) => m))) : []),
    score('total', files.flatMap(([, m]) => m)),
  ];
}

export function survivors(reports: readonly PassReport[], folder: string): string[] {
  return filesOf(reports)
    .filter(([file]) => folder === '.' || file.startsWith(folder))
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

function readReport(file: string): Report | string {
  const shown = path.relative(process.cwd(), file);
  if (!fs.existsSync(file)) return `ERR_MUTATION_REPORT: ${shown} does not exist; run npm run mutation first`;
  let report: Report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  } catch {
    return `ERR_MUTATION_REPORT: ${shown} is not JSON; a run that was stopped leaves it half-written: run npm run mutation again`;
  }
  if (typeof report !== 'object' || report === null || typeof report.files !== 'object' || report.files === null) {
    return `ERR_MUTATION_REPORT: ${shown} is not a StrykerJS JSON report (no "files")`;
  }
  return report;
}

const USAGE = 'usage: tsx scripts/mutation-score.ts [--report <json> ...] [--survivors <folder>, e.g. actions/ or . for all]';

async function main(argv: readonly string[]): Promise<number> {
  let values: { report?: string[]; survivors?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { report: { type: 'string', multiple: true }, survivors: { type: 'string' } },
    }));
  } catch (err) {
    console.error(`ERR_MUTATION_ARGS: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const wanted =
    values.report === undefined
      ? PASS_REPORTS.map(({ pass, file }) => ({ pass, file: path.join(REPO_ROOT, file) }))
      : values.report.map((file) => ({ pass: path.basename(file, '.json'), file: path.resolve(file) }));
  const reports: PassReport[] = [];
  for (const { pass, file } of wanted) {
    const report = readReport(file);
    if (typeof report === 'string') {
      console.error(report);
      return 1;
    }
    reports.push({ pass, report });
  }
  for (const line of formatScores(scoreFolders(reports))) console.log(line);
  console.log('score = (killed + timeout) / (killed + timeout + survived + no coverage); "not run": static (code pass) or not compiling');
  if (values.survivors !== undefined) {
    const list = survivors(reports, values.survivors);
    console.log(`\n${list.length} surviving mutant(s) under ${values.survivors}:`);
    for (const line of list) console.log(`  ${line}`);
  }
  return 0;
}

if (require.main === module) runScript('mutation score', () => main(process.argv.slice(2)));
