import type { BundleSize } from './bundle-size';
import type { ColdLoadComparison } from './cold-load';
import type { LoginCostReport } from './login-cost';
import type { RoundTripReport } from './round-trips';

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
}

export interface BenchFigures {
  readonly machine: MachineFacts;
  readonly bundles: readonly BundleFigures[];
  readonly loginCost: LoginCostReport;
  readonly roundTrips: RoundTripReport;
  readonly sameRequestAsNaive: boolean;
  readonly coldLoadProcesses: number;
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
    {
      target: 'same FQL request as the naive bundle (size work changes nothing on the wire)',
      measured: f.sameRequestAsNaive ? 'identical request body' : 'bodies differ',
      met: f.sameRequestAsNaive,
    },
  );
  return targets;
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
  return `# Bench results

Written by \`npm run bench\` (scripts/bench.ts); rerun it to measure your machine. Every figure
stands next to a baseline measured in the same run.

- Machine: ${machine.cpu} (${machine.cores} cores as os.cpus() reports them), ${machine.platform}
- Node ${machine.node}; measured ${machine.date}

## Targets

${targets}

## Bundles

Naive = the same entry bundled with the driver as it comes (rollup node-resolve + commonjs +
typescript + json; no stubs, no minify), built in the same run. Cold load = time from just before
\`require(bundle)\` to just after it in a fresh \`node\` process (Node's own start-up excluded),
${f.coldLoadProcesses} processes per bundle, built and naive alternating.

${bundles}

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
`;
}
