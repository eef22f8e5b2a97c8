import type { AppBundleFigures } from './app-bundle';
import type { BundleSize } from './bundle-size';
import type { CapAndRevokeReport } from './cap-and-revoke';
import type { ColdLoadComparison } from './cold-load';
import type { LoginCostReport } from './login-cost';
import type { RoundTripReport } from './round-trips';
import type { ServerHopReport } from './server-hop';
import type { RotationSoakReport, RotationSoakRun } from './rotation-soak';

export interface BundleFigures {
  readonly name: string;
  readonly size: BundleSize;
  readonly naiveSize: BundleSize;
  readonly coldLoad: ColdLoadComparison;
}

export interface MachineFacts {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  readonly date: string;
  /** os.loadavg()[0] when the run started and when it ended: other work on the machine skews figures. */
  readonly loadAverage?: { readonly start: number; readonly end: number };
}

/**
 * The login bundle's cold load on Auth0's runtime (Node 22), measured interleaved with the
 * bench's own Node in the same run; or why it could not be (e.g. not Linux x64).
 */
export type Auth0RuntimeColdLoad = { readonly measured: ColdLoadComparison } | { readonly unavailable: string };

export interface BenchFigures {
  readonly machine: MachineFacts;
  readonly bundles: readonly BundleFigures[];
  readonly loginCost: LoginCostReport;
  readonly roundTrips: RoundTripReport;
  readonly capAndRevoke: CapAndRevokeReport;
  readonly sameRequestAsNaive: boolean;
  readonly coldLoadProcesses: number;
  readonly auth0RuntimeColdLoad: Auth0RuntimeColdLoad;
  /** What an app's browser bundle pays for the helper and the driver, beside auth0-spa-js. */
  readonly appBundle: AppBundleFigures;
  /** The same notes query straight to Fauna (browser mode) and through the server-side example. */
  readonly serverHop: ServerHopReport;
  /** Logins through the built Action while rotate:keys replaces its keys, and the no-wait baseline. */
  readonly rotationSoak: RotationSoakReport;
}

export const LOGIN_BUNDLE = 'fauna-login';
export const LOGIN_BUNDLE_MAX_BYTES = 50_000;

export interface Target {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function evaluateTargets(f: BenchFigures): Target[] {
  const login = f.bundles.find((b) => b.name === LOGIN_BUNDLE);
  const { newUser, returningUser } = f.loginCost;
  const targets: Target[] = [];
  if (login !== undefined) {
    targets.push({
      target: `${LOGIN_BUNDLE} bundle <= ${int(LOGIN_BUNDLE_MAX_BYTES)} bytes`,
      measured: `${int(login.size.raw)} bytes`,
      met: login.size.raw <= LOGIN_BUNDLE_MAX_BYTES,
    });
  }
  for (const b of f.bundles) {
    targets.push({
      target: `${b.name} cold load <= half of the naive bundle's (median)`,
      measured: `${ms(b.coldLoad.built.median)} ms vs ${ms(b.coldLoad.naive.median)} ms = ${pct(b.coldLoad.ratio)}`,
      met: b.coldLoad.ratio <= 0.5,
    });
  }
  targets.push(
    {
      target: 'one Fauna request per login',
      measured: `new ${newUser.requestsPerLogin}, returning ${returningUser.requestsPerLogin}`,
      met: newUser.requestsPerLogin === 1 && returningUser.requestsPerLogin === 1,
    },
    {
      target: 'no user-document write for a returning, unchanged user',
      measured: `${returningUser.userWritesPerLogin} user writes per login`,
      met: returningUser.userWritesPerLogin === 0,
    },
    {
      target: 'our code < 1 ms CPU per login (median)',
      measured: `new ${ms(newUser.ownCpuUs.median / 1000)} ms, returning ${ms(returningUser.ownCpuUs.median / 1000)} ms`,
      met: newUser.ownCpuUs.median < 1000 && returningUser.ownCpuUs.median < 1000,
    },
    ...capTargets(f.capAndRevoke),
    rotationTarget(f.rotationSoak),
    {
      target: 'same FQL request as the naive bundle (size work changes nothing on the wire)',
      measured: f.sameRequestAsNaive ? 'identical request body' : 'bodies differ',
      met: f.sameRequestAsNaive,
    },
  );
  return targets;
}

function capTargets(c: CapAndRevokeReport): Target[] {
  const m = c.manyLogins;
  return [
    {
      target: `one Fauna request per login with the cap (user at ${c.cap} live logins)`,
      measured: `${c.steadyState.withCap.requestsPerLogin} (previous query: ${c.steadyState.previousQuery.requestsPerLogin})`,
      met: c.steadyState.withCap.requestsPerLogin === 1,
    },
    {
      target: `after ${int(m.logins)} logins of one user: at most ${c.cap} live logins`,
      measured: `${m.liveAfter} live; ${m.evicted.refused} of ${m.evicted.checked} sampled ended secrets 401, ${m.evicted.tokensLeft} of their tokens left`,
      met: m.liveAfter <= c.cap && m.evicted.refused === m.evicted.checked && m.evicted.tokensLeft === 0,
    },
    {
      target: 'revoking that user takes at most 2 requests',
      measured: `${m.revoke.requests} request(s), ${m.revoke.logins} logins and ${m.revoke.secrets} secrets ended in ${ms(m.revoke.wallMs)} ms`,
      met: m.revoke.requests <= 2,
    },
    {
      target: 'every revoked secret answers 401 at once (sample and the newest cap)',
      measured: `${m.afterRevoke.refused} of ${m.afterRevoke.checked} (the newest ${c.cap} all worked before: ${m.newestLiveBefore})`,
      met: m.afterRevoke.refused === m.afterRevoke.checked && m.newestLiveBefore === c.cap,
    },
  ];
}

function rotationRun(r: RotationSoakReport, variant: RotationSoakRun['variant']): RotationSoakRun {
  const run = r.runs.find((x) => x.variant === variant);
  if (run === undefined) throw new Error(`the rotation soak figures hold no "${variant}" run`);
  return run;
}

function rotationTarget(r: RotationSoakReport): Target {
  const ours = rotationRun(r, 'rotate:keys');
  const naive = rotationRun(r, 'no wait');
  return {
    target: 'no failed login while rotate:keys replaces the keys under load',
    measured: `${ours.failedLogins} of ${int(ours.logins)} failed (${int(ours.loginsDuringRotation)} during the rotation); deleting with no wait: ${int(naive.failedLogins)} of ${int(naive.logins)}`,
    met: ours.failedLogins === 0,
  };
}

/** The rotation soak's section of bench/RESULTS.md. */
function renderRotation(r: RotationSoakReport): string {
  const o = r.options;
  const rows = r.runs.map((run) => [
    run.variant === 'rotate:keys' ? '`rotate:keys`' : 'baseline: delete the old keys as soon as the new ones are proven',
    `${int(run.waitMs)}`,
    int(run.logins),
    int(run.loginsDuringRotation),
    `**${int(run.failedLogins)}**`,
    `${int(run.onOldVersion)} / ${int(run.onNewVersion)}`,
    int(run.inFlightAtDeploy),
    int(run.startedOnOldAfterDeploy),
    int(run.onOldKeyAtDelete),
    `${ms(run.loginMs.median)} / ${ms(run.loginMs.p99)}`,
  ]);
  const runs = table(
    ['rotation', 'wait before deleting (ms)', 'logins', 'during the rotation', 'failed', 'on the old / new version', 'old-version logins in flight at the deploy', 'old-version logins started after it', 'old-version logins running at the delete', 'login median / p99 (ms)'],
    rows,
  );
  return `## Key rotation under load (\`npm run soak -- --rotation\`)

${o.concurrency} logins at a time (${o.users} users) run through the built \`fauna-login\` while
\`rotate:keys\` (scripts/rotate/) replaces both keys: against the fake tenant and the in-process
Fauna, each Fauna answer delayed ${o.faunaLatencyMs[0]}-${o.faunaLatencyMs[1]} ms. Each deployed version runs in its own instances with
its own secrets (scripts/bench/auth0-runtime.ts): a login runs to its end on the version it
started on, and new logins start on a new version only ${int(o.propagationMs)} ms after its deploy. Times are
scaled down from a tenant's: the Actions' \`FAUNA_TIMEOUT_MS\` is ${int(o.timeoutMs)} ms and the wait
${int(o.timeoutMs)} + ${int(o.marginMs)} ms, as the command waits the longest budget plus its margin. A failed login is one
that got no Fauna secret (\`ON_FAUNA_ERROR=deny\`: denied). The baseline, in the same run, is
the same rotation without the wait.

${runs}`;
}

/** The cap's section of bench/RESULTS.md. */
function renderCap(c: CapAndRevokeReport): string {
  const { withCap, previousQuery } = c.steadyState;
  const m = c.manyLogins;
  const flow = (label: string, cost: CapAndRevokeReport['steadyState']['withCap']) => [
    label,
    String(cost.requestsPerLogin),
    String(cost.writesPerLogin),
    `${ms(cost.wallMs.median)} / ${ms(cost.wallMs.p90)} / ${ms(cost.wallMs.p99)}`,
  ];
  const steady = table(
    ['one user at the cap, per login', 'Fauna requests', 'documents written', 'wall median / p90 / p99 (ms)'],
    [flow(`\`login\`: upsert, end the earliest login over ${c.cap}, mint`, withCap), flow('previous query: upsert, mint (no cap)', previousQuery)],
  );
  const many = table(
    ['measure', 'figure'],
    [
      [`logins of one user through the built Action, wall median / p99 (ms)`, `${int(m.logins)}: ${ms(m.wallMs.median)} / ${ms(m.wallMs.p99)}`],
      ['live logins after them', String(m.liveAfter)],
      ['ended by the cap, sampled: refused (401) / tokens left', `${m.evicted.refused} of ${m.evicted.checked} / ${m.evicted.tokensLeft}`],
      [`the newest ${c.cap} working before the revocation`, String(m.newestLiveBefore)],
      ['revocation (revokeUserSecrets, as the password-change Action runs it)', `${m.revoke.requests} request(s), ${m.revoke.logins} logins and ${m.revoke.secrets} secrets, ${ms(m.revoke.wallMs)} ms`],
      [`after it: refused (401), of the sample and the newest ${c.cap}`, `${m.afterRevoke.refused} of ${m.afterRevoke.checked}`],
    ],
  );
  return `## The cap on live logins (${c.cap} per user)

One user logs in ${int(withCap.logins)} times per flow after ${c.cap} logins that fill the cap, each flow on
its own in-process Fauna, interleaved login by login, through the driver with a server key:
\`login\` (the function; each login also ends the earliest-expiring login and its token) against
the previous version's query (scripts/bench/direct-login-query.ts: no cap, every login kept).
Wall time is the driver plus the in-process Fauna evaluating the request.

${steady}

Then one user logs in ${int(m.logins)} times through the built Action (an all-day session, or a stolen
one that keeps renewing), and the password-change path revokes:

${many}`;
}

/** The results as Markdown: written to bench/RESULTS.md and printed as is. */
export function renderResults(f: BenchFigures): string {
  const { machine, loginCost, roundTrips } = f;
  const bundles = table(
    ['bundle', 'bytes', 'gzip', 'naive bytes', 'naive gzip', 'size vs naive', `cold load median / p90 (ms)`, 'naive median / p90 (ms)', 'cold load vs naive'],
    f.bundles.map((b) => [
      `\`${b.name}.js\``,
      int(b.size.raw),
      int(b.size.gzip),
      int(b.naiveSize.raw),
      int(b.naiveSize.gzip),
      pct(b.size.raw / b.naiveSize.raw),
      `${ms(b.coldLoad.built.median)} / ${ms(b.coldLoad.built.p90)}`,
      `${ms(b.coldLoad.naive.median)} / ${ms(b.coldLoad.naive.p90)}`,
      pct(b.coldLoad.ratio),
    ]),
  );
  const cost = (pick: (c: LoginCostReport['newUser']) => string) => [pick(loginCost.newUser), pick(loginCost.returningUser)];
  const perLogin = table(
    ['per login', 'new user', 'returning user, unchanged'],
    [
      ['our code, CPU median (ms)', ...cost((c) => ms(c.ownCpuUs.median / 1000))],
      ['our code, CPU p99 (ms)', ...cost((c) => ms(c.ownCpuUs.p99 / 1000))],
      ['logins/s on one core (our code)', ...cost((c) => int(c.loginsPerSecondOneCore))],
      ['Fauna requests', ...cost((c) => String(c.requestsPerLogin))],
      ['documents written (user + auth0_jwt + token)', ...cost((c) => String(c.writesPerLogin))],
      ['of which user-document writes', ...cost((c) => String(c.userWritesPerLogin))],
    ],
  );
  const flowRow = (label: string, flow: RoundTripReport['action']) => [
    label,
    String(flow.newUser.requestsPerLogin),
    `${ms(flow.newUser.wallMs.median)} / ${ms(flow.newUser.wallMs.p90)}`,
    String(flow.returningUser.requestsPerLogin),
    `${ms(flow.returningUser.wallMs.median)} / ${ms(flow.returningUser.wallMs.p90)}`,
  ];
  const saved = (key: 'newUser' | 'returningUser') => {
    const ours = roundTrips.action[key].wallMs.median;
    const theirs = roundTrips.separateQueries[key].wallMs.median;
    return `${ms(theirs - ours)} ms (${pct((theirs - ours) / theirs)})`;
  };
  const rt = table(
    ['flow', 'new user: requests', 'new user: median / p90 (ms)', 'returning: requests', 'returning: median / p90 (ms)'],
    [
      flowRow('this Action: one transaction', roundTrips.action),
      flowRow('baseline: separate queries (find, create user, create auth0_jwt, create token)', roundTrips.separateQueries),
      ['saved by one transaction (median)', '', saved('newUser'), '', saved('returningUser')],
    ],
  );
  const targets = table(
    ['target', 'measured', 'met'],
    evaluateTargets(f).map((t) => [t.target, t.measured, t.met ? 'met' : '**not met**']),
  );
  const loginOnBenchNode = f.bundles.find((b) => b.name === LOGIN_BUNDLE)?.coldLoad;
  const runtimeSection =
    'unavailable' in f.auth0RuntimeColdLoad || loginOnBenchNode === undefined
      ? `Not measured in this run: ${'unavailable' in f.auth0RuntimeColdLoad ? f.auth0RuntimeColdLoad.unavailable : `no ${LOGIN_BUNDLE} bundle`}`
      : table(
          ['runtime', `\`${LOGIN_BUNDLE}.js\` median / p90 (ms)`, 'naive median / p90 (ms)', 'cold load vs naive', 'then loading fetch, median / p90 (ms)'],
          [loginOnBenchNode, f.auth0RuntimeColdLoad.measured].map((c) => [
            `Node ${c.node}`,
            `${ms(c.built.median)} / ${ms(c.built.p90)}`,
            `${ms(c.naive.median)} / ${ms(c.naive.p90)}`,
            pct(c.ratio),
            `${ms(c.fetchLoad.median)} / ${ms(c.fetchLoad.p90)}`,
          ]),
        );
  const appBundle = table(
    ['an app bundle of', 'minified bytes', 'gzip'],
    f.appBundle.rows.map((r) => [r.label, int(r.size.raw), int(r.size.gzip)]),
  );
  const shares = table(
    ['package', 'minified bytes in the bundle of all three'],
    Object.entries(f.appBundle.shareOfAll)
      .sort(([, a], [, b]) => b - a)
      .map(([name, bytes]) => [name, int(bytes)]),
  );
  const hop = f.serverHop;
  const hopTable = table(
    ['the notes query, from the browser side', 'median / p90 (ms)'],
    [
      ['browser mode: FaunaSession.query straight to Fauna', `${ms(hop.direct.median)} / ${ms(hop.direct.p90)}`],
      ['server mode: GET /api/notes to examples/server, which queries Fauna', `${ms(hop.throughServer.median)} / ${ms(hop.throughServer.p90)}`],
      ['added by the server (median)', ms(hop.throughServer.median - hop.direct.median)],
    ],
  );
  const load = machine.loadAverage === undefined ? '' : `; load average (1 min) ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`;
  return `# Bench results

Written by \`npm run bench\` (scripts/bench.ts) with bench/results.json, the figures both this file
and the table in docs/benchmarks.md are rendered from; rerun it to measure your machine. Every
figure stands next to a baseline measured in the same run.

- Machine: ${machine.cpu} (${machine.cores} cores as os.cpus() reports them), ${machine.platform}${load}
- Node ${machine.node}; measured ${machine.date}

## Targets

${targets}

## Bundles

Naive = the same entry bundled with the driver as it comes (rollup node-resolve + commonjs +
typescript + json; no stubs, no minify), built in the same run. Cold load = time from just before
\`require(bundle)\` to just after it in a fresh \`node\` process (Node's own start-up excluded),
${f.coldLoadProcesses} processes per bundle, built and naive alternating.

${bundles}

### The login bundle on Auth0's runtime

Auth0 runs the Actions on Node 22 (\`node22\`); these tools run on the machine's Node. The same
\`${LOGIN_BUNDLE}.js\`, cold-loaded on both in the same run, the runtimes taking turns (the first
row is the one in the table above). "Then loading fetch": right after that load, the time Node
takes to load its fetch implementation (undici, loaded on first use), which the Action's first
query pays once per instance before its \`FAUNA_TIMEOUT_MS\` clock starts.

${runtimeSection}

## Per login (\`fauna-login\`, Fauna answered in-process)

${loginCost.newUser.logins} logins of new users, then the same users again unchanged, one at a
time through the built bundle against the in-process Fauna (fauna-in-process/) holding
the project's schema. "Our code" = \`process.cpuUsage()\` around the Action call minus the
in-process Fauna's own CPU, read around each of its fetch calls: the Action, the driver and the
Response plumbing a real fetch would also need. Logins/s = 1 / mean of that CPU time.

${perLogin}

## One transaction against separate queries (${roundTrips.roundTripMs} ms per Fauna round trip)

Each Fauna request waits ${roundTrips.roundTripMs} ms before it is answered. The baseline does the
same work the way published examples do, one query per step, with the same driver and fetch; its
steps are also not atomic. ${roundTrips.action.newUser.wallMs.n} logins per cell, interleaved.

${rt}

## What an app's bundle pays (the helper and the driver, beside auth0-spa-js)

Each entry imports the packages as an app does (\`auth0-fauna-client\` by its package name, so
its built ES module), bundled for the browser by ${f.appBundle.bundler}; gzip of the whole
output. The split by package comes from the esbuild metafile of the last bundle.

${appBundle}

${shares}

## Server-side mode: the extra hop

\`npm run dev -- --server\` started in the bench's process (dev login, in-process Fauna, both
example apps, loopback). The same notes query made ${hop.requests} times each way, interleaved
(after 20 warm-up rounds): straight to Fauna with the user's secret, as the single-page app does;
and as \`GET /api/notes\` with the session cookie to the server-side example, which decrypts its
session, builds the helper's session from it and runs the query.

${hopTable}

${renderCap(f.capAndRevoke)}

${renderRotation(f.rotationSoak)}
`;
}

/** docs/benchmarks.md holds the summary between these two lines; `npm run bench` rewrites what is between. */
export const README_BENCH_START = '<!-- npm run bench writes the figures below; edit scripts/bench/results-table.ts instead -->';
export const README_BENCH_END = '<!-- end of npm run bench figures -->';

/** The summary's row: the helper and the driver in an app's bundle, next to auth0-spa-js alone. */
function appBundleRow(a: AppBundleFigures): string[] {
  const row = (label: string) => {
    const found = a.rows.find((r) => r.label === label);
    if (found === undefined) throw new Error(`the app bundle figures hold no "${label}" row`);
    return `${int(found.size.raw)} bytes (${int(found.size.gzip)} gzip)`;
  };
  return [
    'app bundle: auth0-fauna-client + faunadb, minified',
    `${row('auth0-fauna-client + faunadb')}; the helper alone ${row('auth0-fauna-client, faunadb external')}; with its React entry ${row('auth0-fauna-client/react (the helper with it), faunadb, React, auth0-react external')}`,
    `auth0-spa-js alone ${row('auth0-spa-js (baseline)')}; @auth0/auth0-react alone ${row('@auth0/auth0-react (baseline), React external')}`,
    '',
  ];
}

/** The benchmark summary of docs/benchmarks.md: a few rows of the same figures as bench/RESULTS.md. */
export function renderReadmeSummary(f: BenchFigures): string {
  const { machine, loginCost, roundTrips } = f;
  const login = f.bundles.find((b) => b.name === LOGIN_BUNDLE);
  if (login === undefined) throw new Error(`the figures hold no ${LOGIN_BUNDLE} bundle`);
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const cpu = (c: LoginCostReport['newUser']) => `${ms(c.ownCpuUs.median / 1000)} ms (${ms(c.ownCpuUs.p99 / 1000)} ms)`;
  const wall = (flow: RoundTripReport['action']) => `${ms(flow.newUser.wallMs.median)} ms new, ${ms(flow.returningUser.wallMs.median)} ms returning`;
  const saved = (key: 'newUser' | 'returningUser') => (roundTrips.separateQueries[key].wallMs.median - roundTrips.action[key].wallMs.median).toFixed(0);
  const onAuth0Runtime =
    'measured' in f.auth0RuntimeColdLoad
      ? [
          `cold load on Node ${f.auth0RuntimeColdLoad.measured.node} (Auth0's runtime), median`,
          `${ms(f.auth0RuntimeColdLoad.measured.built.median)} ms`,
          `${ms(f.auth0RuntimeColdLoad.measured.naive.median)} ms naive (${pct(f.auth0RuntimeColdLoad.measured.ratio)}); Node ${login.coldLoad.node}: ${ms(login.coldLoad.built.median)} ms`,
          `<= half: ${met(f.auth0RuntimeColdLoad.measured.ratio <= 0.5)}`,
        ]
      : ["cold load on Auth0's runtime (Node 22)", 'not measured', f.auth0RuntimeColdLoad.unavailable, ''];
  const rows = table(
    ['measure', 'this project', 'baseline (same run)', 'target'],
    [
      [
        `\`${LOGIN_BUNDLE}.js\` size`,
        `${int(login.size.raw)} bytes (${int(login.size.gzip)} gzip)`,
        `${int(login.naiveSize.raw)} bytes naive rollup (${int(login.naiveSize.gzip)} gzip)`,
        `<= ${int(LOGIN_BUNDLE_MAX_BYTES)} bytes: ${met(login.size.raw <= LOGIN_BUNDLE_MAX_BYTES)}`,
      ],
      [
        `cold load in a fresh Node ${login.coldLoad.node}, median`,
        `${ms(login.coldLoad.built.median)} ms`,
        `${ms(login.coldLoad.naive.median)} ms naive (${pct(login.coldLoad.ratio)})`,
        `<= half: ${met(login.coldLoad.ratio <= 0.5)}`,
      ],
      onAuth0Runtime,
      [
        'Fauna requests per login',
        String(loginCost.newUser.requestsPerLogin),
        `${roundTrips.separateQueries.newUser.requestsPerLogin} new user / ${roundTrips.separateQueries.returningUser.requestsPerLogin} returning, separate queries`,
        `1: ${met(loginCost.newUser.requestsPerLogin === 1 && loginCost.returningUser.requestsPerLogin === 1)}`,
      ],
      ['user-document writes, returning unchanged user', String(loginCost.returningUser.userWritesPerLogin), '', `0: ${met(loginCost.returningUser.userWritesPerLogin === 0)}`],
      [
        'CPU of our code per login, median (p99)',
        `${cpu(loginCost.newUser)} new, ${cpu(loginCost.returningUser)} returning`,
        '',
        `< 1 ms: ${met(loginCost.newUser.ownCpuUs.median < 1000 && loginCost.returningUser.ownCpuUs.median < 1000)}`,
      ],
      appBundleRow(f.appBundle),
      [
        'server-side mode: notes query through examples/server, median',
        `${ms(f.serverHop.throughServer.median)} ms (+${ms(f.serverHop.throughServer.median - f.serverHop.direct.median)} ms)`,
        `${ms(f.serverHop.direct.median)} ms straight to Fauna (browser mode)`,
        '',
      ],
      [
        `login of a user at the cap (${f.capAndRevoke.cap} live logins), wall median`,
        `${ms(f.capAndRevoke.steadyState.withCap.wallMs.median)} ms, ${f.capAndRevoke.steadyState.withCap.requestsPerLogin} request`,
        `${ms(f.capAndRevoke.steadyState.previousQuery.wallMs.median)} ms previous query (no cap), ${f.capAndRevoke.steadyState.previousQuery.requestsPerLogin} request`,
        `1 request: ${met(f.capAndRevoke.steadyState.withCap.requestsPerLogin === 1)}`,
      ],
      [
        `${int(f.capAndRevoke.manyLogins.logins)} logins of one user, then revoke`,
        `${f.capAndRevoke.manyLogins.liveAfter} live logins; revoked in ${f.capAndRevoke.manyLogins.revoke.requests} request(s); ${f.capAndRevoke.manyLogins.afterRevoke.refused} of ${f.capAndRevoke.manyLogins.afterRevoke.checked} secrets 401`,
        '',
        `<= ${f.capAndRevoke.cap} live, <= 2 requests, all 401: ${met(
          f.capAndRevoke.manyLogins.liveAfter <= f.capAndRevoke.cap &&
            f.capAndRevoke.manyLogins.revoke.requests <= 2 &&
            f.capAndRevoke.manyLogins.afterRevoke.refused === f.capAndRevoke.manyLogins.afterRevoke.checked,
        )}`,
      ],
      [
        'logins failed while `rotate:keys` replaces the keys under load',
        `${rotationRun(f.rotationSoak, 'rotate:keys').failedLogins} of ${int(rotationRun(f.rotationSoak, 'rotate:keys').logins)}`,
        `${int(rotationRun(f.rotationSoak, 'no wait').failedLogins)} of ${int(rotationRun(f.rotationSoak, 'no wait').logins)} deleting the old keys with no wait`,
        `0: ${met(rotationRun(f.rotationSoak, 'rotate:keys').failedLogins === 0)}`,
      ],
      [
        `login with ${roundTrips.roundTripMs} ms per Fauna round trip, median`,
        wall(roundTrips.action),
        `${ms(roundTrips.separateQueries.newUser.wallMs.median)} ms / ${ms(roundTrips.separateQueries.returningUser.wallMs.median)} ms separate queries`,
        `${saved('newUser')} ms / ${saved('returningUser')} ms saved`,
      ],
    ],
  );
  const load = machine.loadAverage === undefined ? '' : ` (load average ${machine.loadAverage.start.toFixed(1)} at start, ${machine.loadAverage.end.toFixed(1)} at end)`;
  return `Figures of one run of \`npm run bench\` (the same run as bench/RESULTS.md) on ${machine.cpu}, ${machine.cores} cores, ${machine.date}${load}:

${rows}`;
}

/** `readme` with the text between the two marker lines replaced by `summary`. */
export function withReadmeSummary(readme: string, summary: string): string {
  const start = readme.indexOf(README_BENCH_START);
  const end = readme.indexOf(README_BENCH_END);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md lacks the benchmark markers; put "${README_BENCH_START}" and "${README_BENCH_END}" on their own lines around the table`);
  return `${readme.slice(0, start + README_BENCH_START.length)}\n${summary}\n${readme.slice(end)}`;
}
