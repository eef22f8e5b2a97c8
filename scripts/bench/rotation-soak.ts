import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRotation } from '../rotate/run-rotation';
import { requestsLikeDeployCli } from '../../test/deploy/support/sdk-deployer';
import { REPO_ROOT } from '../../test/deploy/support/deploy-env';
import { ActionRuntime } from './auth0-runtime';
import { seededRandom } from './fault-injection';
import { captureConsole } from './login-through-bundle';
import { summarize, type Summary } from './percentiles';
import { ROTATION_CLIENTS, ROTATION_NAMESPACE, rotationWorld } from './rotation-world';
import { countTextsWithSecrets } from './soak-run';

/**
 * Logins through the built login Action while `rotate:keys` replaces its keys: the real rotation
 * (scripts/rotate/run-rotation.ts) against the fake tenant and the in-process Fauna, and an Auth0
 * runtime (./auth0-runtime.ts) that runs each deployed version in instances of its own with that
 * version's secrets: logins keep running on the old version, with the old key, while the new
 * version is deployed, and start on it for `propagationMs` after. Every login must get its
 * secret. The baseline, in the same run, is the same rotation deleting the old keys as soon as
 * the new ones are proven (no wait): what the wait is for.
 *
 * The times are scaled down from a real tenant's (seconds, not a minute): FAUNA_TIMEOUT_MS is
 * `timeoutMs` and the wait `timeoutMs + marginMs`, as the command waits the longest budget plus
 * its margin; `propagationMs` stands for Auth0 routing new executions to the new version.
 */
export interface RotationSoakOptions {
  readonly concurrency: number;
  readonly users: number;
  /** FAUNA_TIMEOUT_MS of both Actions. */
  readonly timeoutMs: number;
  /** The wait's margin beyond timeoutMs (rotate:keys' --margin-seconds, scaled). */
  readonly marginMs: number;
  /** How long after a deploy executions may still start on the previous version. */
  readonly propagationMs: number;
  /** Each Fauna answer is delayed by a draw from this range (ms), so logins overlap the switch. */
  readonly faunaLatencyMs: readonly [number, number];
  /** Logins before the rotation starts, and after it ends. */
  readonly warmupLogins: number;
  readonly tailLogins: number;
  readonly seed: number;
}

export const DEFAULT_ROTATION_SOAK: RotationSoakOptions = {
  concurrency: 16,
  users: 200,
  timeoutMs: 1000,
  marginMs: 2000,
  propagationMs: 1500,
  faunaLatencyMs: [5, 40],
  warmupLogins: 300,
  tailLogins: 300,
  seed: 3,
};

export type RotationVariant = 'rotate:keys' | 'no wait';

export interface RotationSoakRun {
  readonly variant: RotationVariant;
  /** rotate:keys' exit code. */
  readonly exitCode: number;
  readonly rotationMs: number;
  /** How long it waited before deleting (0 for the baseline). */
  readonly waitMs: number;
  readonly logins: number;
  readonly loginsDuringRotation: number;
  /** Logins that got no secret (denied, continued without one, or threw). Must be 0 for rotate:keys. */
  readonly failedLogins: number;
  /** Logins run on the old version (old key) and on the new one (new key). */
  readonly onOldVersion: number;
  readonly onNewVersion: number;
  /** Old-version logins still running when the new version was deployed. */
  readonly inFlightAtDeploy: number;
  /** Old-version logins that started after the new version was deployed (its propagation). */
  readonly startedOnOldAfterDeploy: number;
  /** Old-version logins still running, or starting, when the old keys were deleted: the ones a delete can fail. */
  readonly onOldKeyAtDelete: number;
  readonly loginMs: Summary;
  readonly mustBeZero: {
    /** Output lines (the rotation's, the Actions' logs) holding an old or new key or a minted secret. */
    readonly secretsInOutput: number;
    /** Claims whose secret the in-process Fauna never minted. */
    readonly claimsWithUnknownSecret: number;
  };
}

export interface RotationSoakReport {
  readonly options: RotationSoakOptions;
  readonly runs: readonly RotationSoakRun[];
}

interface LoginRecord {
  readonly version: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ok: boolean;
  readonly secret?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function oneRotation(options: RotationSoakOptions, variant: RotationVariant): Promise<RotationSoakRun> {
  const random = seededRandom(options.seed);
  const runtime = new ActionRuntime({ propagationMs: options.propagationMs });
  const world = await rotationWorld({ timeoutMs: options.timeoutMs, hooks: { onDeploy: runtime.deployed } });
  const [low, high] = options.faunaLatencyMs;
  let deletedAt = Number.POSITIVE_INFINITY;
  const fauna: typeof globalThis.fetch = async (input, init) => {
    await sleep(low + random() * (high - low));
    const deletes = typeof init?.body === 'string' && init.body.includes('"delete"') && new Headers(init.headers).get('authorization') === `Bearer ${world.env.FAUNA_ADMIN_SECRET}`;
    if (deletes) deletedAt = Math.min(deletedAt, performance.now());
    return world.fauna.fetch(input, init);
  };
  const lines: string[] = [];
  const restoreConsole = captureConsole((line) => lines.push(line));
  const savedFetch = globalThis.fetch;
  // The Actions and the rotation reach the tenant and Fauna through the global fetch, as on a machine.
  globalThis.fetch = world.tenant.fetchFor(fauna);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-soak-'));
  const records: LoginRecord[] = [];
  let stop = false;
  let rotating: { from: number; to: number } | undefined;
  try {
    const worker = async (n: number) => {
      for (let i = n; !stop; i += options.concurrency) {
        const user = Math.floor(random() * options.users);
        const startedAt = performance.now();
        const result = await runtime.login({
          user: { user_id: `auth0|rotation-user-${user}`, email: `user${user}@example.com`, email_verified: true, name: `User ${user}` },
          client: { client_id: ROTATION_CLIENTS[i % ROTATION_CLIENTS.length] ?? '', name: 'Rotation soak' },
          transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile', 'email'] },
        });
        const secret = result.idTokenClaims[`${ROTATION_NAMESPACE}fauna_secret`];
        records.push({ version: result.version, startedAt, endedAt: performance.now(), ok: !result.threw && result.denials.length === 0 && typeof secret === 'string', ...(typeof secret === 'string' ? { secret } : {}) });
      }
    };
    const workers = Array.from({ length: options.concurrency }, (_, n) => worker(n));
    while (records.length < options.warmupLogins) await sleep(10);
    const out: string[] = [];
    const waitMs = variant === 'rotate:keys' ? options.timeoutMs + options.marginMs : 0;
    const started = performance.now();
    const exitCode = await runRotation(['--key-file', path.join(dir, '.env.rotation'), '--allow-dirty', '--refusal-timeout-seconds', '30'], {
      env: world.env,
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      root: REPO_ROOT,
      deployAction: requestsLikeDeployCli,
      faunaFetch: fauna,
      waitMs,
      pollIntervalMs: 100,
    });
    rotating = { from: started, to: performance.now() };
    // Then until every execution starts on the new version (its propagation over), and a tail more.
    const after = records.length;
    const latest = runtime.history('fauna-login').at(-1)?.effectiveAt ?? 0;
    while (records.length < after + options.tailLogins || performance.now() < latest + options.timeoutMs) await sleep(10);
    stop = true;
    await Promise.all(workers);
    lines.push(...out);
    const oldVersion = 1;
    const deployedAt = runtime.history('fauna-login')[1]?.deployedAt ?? Number.POSITIVE_INFINITY;
    const keys = [world.oldKeys.login, world.oldKeys.revoke, ...Object.values(world.tenant.deployedSecretValues('fauna-login') ?? {}), ...Object.values(world.tenant.deployedSecretValues('revoke-fauna-secrets') ?? {})];
    const minted = new Set(world.fauna.tokens().map((t) => t.secret));
    const claims = records.flatMap((r) => (r.secret ? [r.secret] : []));
    const onOld = records.filter((r) => r.version === oldVersion);
    if (exitCode !== 0 && variant === 'rotate:keys') throw new Error(`rotate:keys exited ${exitCode}:\n${out.join('\n')}`);
    return {
      variant,
      exitCode,
      rotationMs: rotating.to - rotating.from,
      waitMs,
      logins: records.length,
      loginsDuringRotation: records.filter((r) => r.endedAt >= (rotating?.from ?? 0) && r.startedAt <= (rotating?.to ?? 0)).length,
      failedLogins: records.filter((r) => !r.ok).length,
      onOldVersion: onOld.length,
      onNewVersion: records.length - onOld.length,
      inFlightAtDeploy: onOld.filter((r) => r.startedAt < deployedAt && r.endedAt > deployedAt).length,
      startedOnOldAfterDeploy: onOld.filter((r) => r.startedAt >= deployedAt).length,
      onOldKeyAtDelete: onOld.filter((r) => r.endedAt > deletedAt).length,
      loginMs: summarize(records.map((r) => r.endedAt - r.startedAt)),
      mustBeZero: {
        secretsInOutput: countTextsWithSecrets(lines, [...keys.filter((k) => k.startsWith('fn')), ...claims]),
        claimsWithUnknownSecret: claims.filter((secret) => !minted.has(secret)).length,
      },
    };
  } finally {
    stop = true;
    globalThis.fetch = savedFetch;
    restoreConsole();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** rotate:keys under load, then the no-wait baseline, in one run. */
export async function runRotationSoak(options: RotationSoakOptions = DEFAULT_ROTATION_SOAK): Promise<RotationSoakReport> {
  const runs: RotationSoakRun[] = [];
  for (const variant of ['rotate:keys', 'no wait'] as const) runs.push(await oneRotation(options, variant));
  return { options, runs };
}

/** What broke: rotate:keys failing a login, or any must-be-0 of either run. */
export function rotationSoakProblems(report: RotationSoakReport): string[] {
  const problems: string[] = [];
  for (const run of report.runs) {
    if (run.variant === 'rotate:keys' && run.failedLogins !== 0) problems.push(`rotate:keys: ${run.failedLogins} failed login(s) (must be 0)`);
    for (const [name, count] of Object.entries(run.mustBeZero)) if (count !== 0) problems.push(`${run.variant}: ${name}: ${count} (must be 0)`);
  }
  // The baseline shows the harness can see a failure: with no wait, logins still on the old key fail.
  const baseline = report.runs.find((r) => r.variant === 'no wait');
  if (baseline && baseline.failedLogins === 0) problems.push('the no-wait baseline failed no login: the soak did not overlap the switch, so its 0 proves nothing');
  return problems;
}

export function formatRotationSoakReport(report: RotationSoakReport): string {
  const o = report.options;
  const lines = [
    `rotation soak: ${o.concurrency} logins in flight, ${o.users} users, FAUNA_TIMEOUT_MS ${o.timeoutMs}, Fauna latency ${o.faunaLatencyMs[0]}-${o.faunaLatencyMs[1]} ms, new versions reach every execution ${o.propagationMs} ms after their deploy`,
    'variant       wait ms  logins  during  failed  on old  on new  in flight at deploy  old after deploy  old at delete  login p50/p99 ms',
  ];
  for (const r of report.runs) {
    lines.push(
      [
        r.variant.padEnd(12),
        String(r.waitMs).padStart(8),
        String(r.logins).padStart(7),
        String(r.loginsDuringRotation).padStart(7),
        String(r.failedLogins).padStart(7),
        String(r.onOldVersion).padStart(7),
        String(r.onNewVersion).padStart(7),
        String(r.inFlightAtDeploy).padStart(20),
        String(r.startedOnOldAfterDeploy).padStart(17),
        String(r.onOldKeyAtDelete).padStart(14),
        `${r.loginMs.median.toFixed(1)}/${r.loginMs.p99.toFixed(1)}`.padStart(17),
      ].join(' '),
    );
  }
  const problems = rotationSoakProblems(report);
  lines.push(problems.length === 0 ? 'rotation soak passed: 0 failed logins during rotate:keys' : `rotation soak FAILED: ${problems.join('; ')}`);
  return lines.join('\n');
}
