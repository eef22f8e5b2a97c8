/**
 * `npm run bench`: sizes, cold load, per-login cost and round trips of the built Action bundles,
 * each next to a baseline measured in the same run. Prints the results and writes them to
 * bench/RESULTS.md. Figures only: nothing here fails on a timing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listActionBundles, REPO_ROOT } from './bench/action-bundles';
import { measureBundleSize } from './bench/bundle-size';
import { compareColdLoad } from './bench/cold-load';
import { faunaWithSchema } from './bench/fauna-in-process';
import { measureLoginCost } from './bench/login-cost';
import { buildNaiveBundle } from './bench/naive-build';
import { LOGIN_BUNDLE, renderResults, type BundleFigures } from './bench/results-table';
import { compareRoundTrips } from './bench/round-trips';
import { sameRequestAsNaive } from './bench/wire-equivalence';

const COLD_LOAD_PROCESSES = 30;
const LOGINS = 1_000;
const WARMUP_LOGINS = 200;
const ROUND_TRIP_LOGINS = 20;
const ROUND_TRIP_MS = 30;

const step = (what: string) => process.stderr.write(`bench: ${what}\n`);

async function main(): Promise<void> {
  const actions = listActionBundles();
  const missing = actions.filter((a) => !fs.existsSync(a.file));
  if (missing.length > 0) throw new Error(`not built: ${missing.map((a) => a.file).join(', ')}; run \`npm run bench\` (it builds first)`);
  const loginAction = actions.find((a) => a.name === LOGIN_BUNDLE);
  if (loginAction === undefined) throw new Error(`rollup.config.js builds no ${LOGIN_BUNDLE} bundle`);

  const naiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-naive-'));
  try {
    const bundles: BundleFigures[] = [];
    const naiveFiles = new Map<string, string>();
    for (const action of actions) {
      step(`naive build of ${action.name}`);
      const naiveFile = await buildNaiveBundle(action, naiveDir);
      naiveFiles.set(action.name, naiveFile);
      step(`cold load of ${action.name}, ${COLD_LOAD_PROCESSES} + ${COLD_LOAD_PROCESSES} fresh processes`);
      bundles.push({
        name: action.name,
        size: measureBundleSize(action.file),
        naiveSize: measureBundleSize(naiveFile),
        coldLoad: compareColdLoad(action.file, naiveFile, COLD_LOAD_PROCESSES),
      });
    }

    step(`per-login cost: ${WARMUP_LOGINS} warm-up, ${LOGINS} new + ${LOGINS} returning logins`);
    const loginCost = await measureLoginCost(await faunaWithSchema(), { logins: LOGINS, warmup: WARMUP_LOGINS });
    step(`round trips: ${ROUND_TRIP_LOGINS} logins per flow at ${ROUND_TRIP_MS} ms`);
    const roundTrips = await compareRoundTrips(await faunaWithSchema(), { logins: ROUND_TRIP_LOGINS, roundTripMs: ROUND_TRIP_MS });
    step('wire equivalence with the naive bundle');
    const sameRequest = await sameRequestAsNaive(await faunaWithSchema(), naiveFiles.get(LOGIN_BUNDLE) ?? '');

    const cpus = os.cpus();
    const markdown = renderResults({
      machine: {
        node: process.version,
        cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
        cores: cpus.length,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        date: new Date().toISOString().slice(0, 10),
      },
      bundles,
      loginCost,
      roundTrips,
      sameRequestAsNaive: sameRequest,
      coldLoadProcesses: COLD_LOAD_PROCESSES,
    });
    const resultsFile = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, markdown);
    process.stdout.write(`${markdown}\nWritten to ${path.relative(process.cwd(), resultsFile)}\n`);
  } finally {
    fs.rmSync(naiveDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
