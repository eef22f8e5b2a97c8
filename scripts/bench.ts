/**
 * `npm run bench`: sizes, cold load (on this Node and on Auth0's Node 22), per-login cost and
 * round trips of the built Action bundles, the cap on live logins (login against the previous
 * query; 10,000 logins of one user, then a revocation), each next to a baseline measured in the
 * same run; what an app's browser bundle pays for the helper and the driver, beside
 * auth0-spa-js; the latency the server-side mode adds (one hop through examples/server); and
 * logins through the built Action while rotate:keys replaces its keys (failed logins: must be 0),
 * beside the same rotation deleting the old keys with no wait.
 * Writes the figures to bench/results.json and renders from them both bench/RESULTS.md and the
 * table in docs/benchmarks.md, so the two always show the same run. Figures only: nothing here
 * fails on a timing. `npm run bench -- --render` re-renders both from results.json, measuring
 * nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listActionBundles, REPO_ROOT } from './bench/action-bundles';
import { measureAppBundle } from './bench/app-bundle';
import { compareServerHop } from './bench/server-hop';
import { measureBundleSize } from './bench/bundle-size';
import { AuthFaunaError } from '../actions/lib/errors';
import { compareColdLoad, CURRENT_RUNTIME, type Runtime } from './bench/cold-load';
import { faunaWithSchema } from './bench/fauna-in-process';
import { measureCapAndRevoke } from './bench/cap-and-revoke';
import { measureLoginCost } from './bench/login-cost';
import { buildNaiveBundle } from './bench/naive-build';
import { LOGIN_BUNDLE, renderReadmeSummary, renderResults, withReadmeSummary, type Auth0RuntimeColdLoad, type BenchFigures, type BundleFigures } from './bench/results-table';
import { compareRoundTrips } from './bench/round-trips';
import { sameRequestAsNaive } from './bench/wire-equivalence';
import { ensureNode22 } from './runtime/node22';
import { DEFAULT_ROTATION_SOAK, runRotationSoak } from './bench/rotation-soak';

const COLD_LOAD_PROCESSES = 30;
const LOGINS = 1_000;
const WARMUP_LOGINS = 200;
const ROUND_TRIP_LOGINS = 20;
const ROUND_TRIP_MS = 30;
const SERVER_HOP_REQUESTS = 200;
/** One user's logins through the Action, then a revocation (issue 17: revocation that cannot be outrun). */
const ONE_USER_LOGINS = 10_000;
/** Logins per flow, one user at the cap, `login` against the previous query. */
const STEADY_LOGINS = 1_000;

const step = (what: string) => process.stderr.write(`bench: ${what}\n`);

const FIGURES_FILE = path.join(REPO_ROOT, 'bench', 'results.json');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
const SUMMARY_FILE = path.join(REPO_ROOT, 'docs/benchmarks.md');

/** RESULTS.md and docs/benchmarks.md's table, both from `figures`; prints the former. */
function writeReports(figures: BenchFigures): void {
  const markdown = renderResults(figures);
  fs.writeFileSync(RESULTS_FILE, markdown);
  // Read just before writing: other work may be editing the rest of the file.
  fs.writeFileSync(SUMMARY_FILE, withReadmeSummary(fs.readFileSync(SUMMARY_FILE, 'utf8'), renderReadmeSummary(figures)));
  process.stdout.write(`${markdown}\nWritten to ${[FIGURES_FILE, RESULTS_FILE, SUMMARY_FILE].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}

/** Auth0's runtime for the cold-load comparison, or why this machine cannot run it. */
function auth0Runtime(): Runtime | { readonly unavailable: string } {
  try {
    const node22 = ensureNode22();
    return { version: node22.version, binary: node22.binary };
  } catch (err) {
    if (err instanceof AuthFaunaError) return { unavailable: err.message };
    throw err;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--render')) {
    writeReports(JSON.parse(fs.readFileSync(FIGURES_FILE, 'utf8')) as BenchFigures);
    return;
  }
  const loadAtStart = os.loadavg()[0];
  const actions = listActionBundles();
  const missing = actions.filter((a) => !fs.existsSync(a.file));
  if (missing.length > 0) throw new Error(`not built: ${missing.map((a) => a.file).join(', ')}; run \`npm run bench\` (it builds first)`);
  const loginAction = actions.find((a) => a.name === LOGIN_BUNDLE);
  if (loginAction === undefined) throw new Error(`rollup.config.js builds no ${LOGIN_BUNDLE} bundle`);

  const node22 = auth0Runtime();
  let auth0RuntimeColdLoad: Auth0RuntimeColdLoad = 'unavailable' in node22 ? node22 : { unavailable: 'not run' };
  const naiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-naive-'));
  try {
    const bundles: BundleFigures[] = [];
    const naiveFiles = new Map<string, string>();
    for (const action of actions) {
      step(`naive build of ${action.name}`);
      const naiveFile = await buildNaiveBundle(action, naiveDir);
      naiveFiles.set(action.name, naiveFile);
      // The login bundle also on Node 22, interleaved with this Node's loads of it.
      const runtimes = action.name === LOGIN_BUNDLE && !('unavailable' in node22) ? [CURRENT_RUNTIME, node22] : [CURRENT_RUNTIME];
      step(`cold load of ${action.name} on ${runtimes.map((r) => `Node ${r.version}`).join(' and ')}, ${COLD_LOAD_PROCESSES} + ${COLD_LOAD_PROCESSES} fresh processes each`);
      const [here, onNode22] = compareColdLoad(action.file, naiveFile, COLD_LOAD_PROCESSES, runtimes);
      if (onNode22 !== undefined) auth0RuntimeColdLoad = { measured: onNode22 };
      bundles.push({
        name: action.name,
        size: measureBundleSize(action.file),
        naiveSize: measureBundleSize(naiveFile),
        coldLoad: here,
      });
    }

    step(`per-login cost: ${WARMUP_LOGINS} warm-up, ${LOGINS} new + ${LOGINS} returning logins`);
    const loginCost = await measureLoginCost(await faunaWithSchema(), { logins: LOGINS, warmup: WARMUP_LOGINS });
    step(`round trips: ${ROUND_TRIP_LOGINS} logins per flow at ${ROUND_TRIP_MS} ms`);
    const roundTrips = await compareRoundTrips(await faunaWithSchema(), { logins: ROUND_TRIP_LOGINS, roundTripMs: ROUND_TRIP_MS });
    step(`the cap: ${STEADY_LOGINS} logins of one user at the cap, login against the previous query; then ${ONE_USER_LOGINS} logins of one user and a revocation`);
    const capAndRevoke = await measureCapAndRevoke(
      { withCap: await faunaWithSchema(), previous: await faunaWithSchema(), many: await faunaWithSchema() },
      { steadyLogins: STEADY_LOGINS, logins: ONE_USER_LOGINS },
    );
    step('wire equivalence with the naive bundle');
    const sameRequest = await sameRequestAsNaive(await faunaWithSchema(), naiveFiles.get(LOGIN_BUNDLE) ?? '');
    step("an app's bundle: auth0-fauna-client and faunadb beside auth0-spa-js (esbuild, minified, gzip)");
    const appBundle = await measureAppBundle();
    step(`server-side mode: ${SERVER_HOP_REQUESTS} notes queries straight to Fauna and ${SERVER_HOP_REQUESTS} through examples/server, interleaved`);
    const serverHop = await compareServerHop({ requests: SERVER_HOP_REQUESTS });
    step(`key rotation under load: ${DEFAULT_ROTATION_SOAK.concurrency} logins at a time while rotate:keys replaces the keys, then the no-wait baseline`);
    const rotationSoak = await runRotationSoak(DEFAULT_ROTATION_SOAK);

    const cpus = os.cpus();
    const figures: BenchFigures = {
      machine: {
        node: process.version,
        cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
        cores: cpus.length,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        date: new Date().toISOString().slice(0, 10),
        loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
      },
      bundles,
      loginCost,
      roundTrips,
      capAndRevoke,
      sameRequestAsNaive: sameRequest,
      coldLoadProcesses: COLD_LOAD_PROCESSES,
      auth0RuntimeColdLoad,
      appBundle,
      serverHop,
      rotationSoak,
    };
    fs.mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
    fs.writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
    writeReports(figures);
  } finally {
    fs.rmSync(naiveDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
