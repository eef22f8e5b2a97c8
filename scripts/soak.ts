/**
 * `npm run soak`: many logins through the built login bundle against an in-process Fauna that
 * injects faults, several users at a time. Prints outcomes per fault, the slowest login against
 * the budget, heap before and after, and the must-be-0 counts; exits 1 when one is not 0 or an
 * outcome breaks the ON_FAUNA_ERROR policy, 2 on a bad option.
 *
 *   npm run soak -- --logins 500 --concurrency 8 --policy continue --rate-503 0.1
 *
 * `npm run soak -- --rotation`: logins through the built Action while rotate:keys replaces its
 * keys (scripts/bench/rotation-soak.ts), then the no-wait baseline; exits 1 unless rotate:keys
 * failed no login.
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, checkFaultRates, type FaultKind } from './bench/fault-injection';
import { formatSoakReport } from './bench/soak-report';
import { DEFAULT_SOAK_OPTIONS, runSoak, soakProblems, type SoakOptions } from './bench/soak-run';
import { DEFAULT_ROTATION_SOAK, formatRotationSoakReport, rotationSoakProblems, runRotationSoak } from './bench/rotation-soak';

const rateOption = (kind: FaultKind) => `rate-${kind}`;

function usage(): string {
  const d = DEFAULT_SOAK_OPTIONS;
  return [
    'usage: npm run soak -- [options]',
    `  --logins N           logins to run (${d.logins})`,
    `  --concurrency N      logins in flight at once (${d.concurrency})`,
    `  --users N            distinct users the logins pick from (${d.users})`,
    `  --policy deny|continue   ON_FAUNA_ERROR given to the Action (${d.policy})`,
    `  --timeout-ms N       FAUNA_TIMEOUT_MS given to the Action, 100..9000 (${d.timeoutMs})`,
    `  --seed N             seed of the fault and user draws (${d.seed})`,
    `  --commit-window-ms N hold Fauna commits this long while first logins race; 0 = off (${d.commitWindowMs})`,
    `  --rotation           instead: logins while rotate:keys replaces the keys (${DEFAULT_ROTATION_SOAK.concurrency} in flight), then the no-wait baseline`,
    ...FAULT_KINDS.map((k) => `  --${rateOption(k).padEnd(19)}share of requests that meet this fault (${d.rates[k]})`),
  ].join('\n');
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      logins: { type: 'string' },
      concurrency: { type: 'string' },
      users: { type: 'string' },
      policy: { type: 'string' },
      'timeout-ms': { type: 'string' },
      seed: { type: 'string' },
      'commit-window-ms': { type: 'string' },
      help: { type: 'boolean' },
      ...Object.fromEntries(FAULT_KINDS.map((k) => [rateOption(k), { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${usage()}\n`);
    process.exit(0);
  }
  const d = DEFAULT_SOAK_OPTIONS;
  const policy = values.policy ?? d.policy;
  if (policy !== 'deny' && policy !== 'continue') throw new RangeError('--policy must be deny or continue');
  const rates = { ...d.rates };
  for (const kind of FAULT_KINDS) {
    const raw = (values as Record<string, string | boolean | undefined>)[rateOption(kind)];
    if (typeof raw === 'string') {
      const rate = Number(raw);
      if (!Number.isFinite(rate)) throw new RangeError(`--${rateOption(kind)} must be a number from 0 to 1`);
      rates[kind] = rate;
    }
  }
  checkFaultRates(rates);
  return {
    logins: wholeNumber('logins', values.logins, d.logins, 1, 10_000_000),
    concurrency: wholeNumber('concurrency', values.concurrency, d.concurrency, 1, 10_000),
    users: wholeNumber('users', values.users, d.users, 1, 10_000_000),
    policy,
    timeoutMs: wholeNumber('timeout-ms', values['timeout-ms'], d.timeoutMs, 100, 9000),
    seed: wholeNumber('seed', values.seed, d.seed, 0, 2 ** 32 - 1),
    commitWindowMs: wholeNumber('commit-window-ms', values['commit-window-ms'], d.commitWindowMs, 0, 1000),
    rates,
  };
}

async function main(): Promise<void> {
  if (process.argv.slice(2).includes('--rotation')) {
    if (process.argv.length > 3) {
      process.stderr.write(`soak: --rotation takes no other option\n${usage()}\n`);
      process.exitCode = 2;
      return;
    }
    const report = await runRotationSoak();
    process.stdout.write(`${formatRotationSoakReport(report)}\n`);
    process.exitCode = rotationSoakProblems(report).length === 0 ? 0 : 1;
    return;
  }
  let options: SoakOptions;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  const report = await runSoak(options);
  process.stdout.write(`${formatSoakReport(report)}\n`);
  process.exitCode = soakProblems(report).length === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
