/**
 * `npm run verify:fauna`
 *
 * Proves the security model on your own Fauna server: checks that setup:fauna's schema is in
 * place (and finalized), signs in throwaway users with the exact call the login Action sends, runs the security
 * checks (scripts/verify/checks.ts, the same ones `npm test` runs) with their secrets and the
 * Actions' keys, prints PASS/FAIL per check, and removes everything it created with the admin key,
 * also when a check fails or the run is interrupted (Ctrl-C).
 *
 * Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET, and when set FAUNA_SECRET (the login Action's key)
 * and FAUNA_REVOKE_SECRET (the revoke Action's key), from the environment or `.env`; a key not
 * given is replaced by a temporary one with the same role, removed at the end.
 *
 * Exit code: 0 every check passed, 1 a check failed or the run could not be done, 2 bad usage,
 * 130 interrupted.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { query as q } from 'faunadb';
import { AuthFaunaError } from '../actions/lib/errors';
import { MIN_LOGIN_TTL_SECONDS } from '../actions/lib/login-contract';
import { buildLoginQuery, isLoginQueryResult } from '../actions/fauna-login/login-query';
import type { FetchLike } from '../actions/lib/fauna-client';
import { redact } from '../actions/lib/log';
import { ADMIN_KEY_HINTS, adminConnectionOrReport, type AdminScriptDependencies } from '../fauna/admin-connection';
import { SCHEMA } from '../fauna/definitions';
import { buildReadStateQuery, decodeState, planChanges, type PlanEntry } from '../fauna/plan';
import { desiredSchema, rolesAwaitingFinalize } from '../fauna/upgrade';
import { CheckSetupFailure, describeAttempt, pageRefs, runCheck, type CheckContext, type CheckResult, type SecurityCheck } from './verify/check-kit';
import { SECURITY_CHECKS } from './verify/checks';
import { THROWAWAY_ID_PREFIX, createCheckSession, type CheckSession, type RemovedCounts } from './verify/session';
import { readEnvironment, runScript } from './environment';

export const USAGE = `Usage: npm run verify:fauna

Runs the security checks against FAUNA_ENDPOINT with throwaway users, prints PASS/FAIL per
check and removes what it created. Reads FAUNA_ENDPOINT, FAUNA_ADMIN_SECRET (an admin key) and,
when set, FAUNA_SECRET (the login Action's key) and FAUNA_REVOKE_SECRET (the revoke Action's key)
from the environment or .env. Exit code 0 all passed, 1 a check failed, 130 interrupted.`;

export interface VerifyDependencies extends AdminScriptDependencies {
  /** Aborted by SIGINT/SIGTERM: the run stops after the current check and cleans up. */
  readonly signal?: AbortSignal;
  /** How time passes for the expiry and logout checks; default a real wait. */
  readonly sleep?: (seconds: number) => Promise<void>;
  /** Only these checks (the tests use the full list). */
  readonly checks?: readonly SecurityCheck[];
}

export const EXIT_INTERRUPTED = 130;
/** The client_id the throwaway logins record, so they are recognisable in the data. */
export const VERIFY_CLIENT_ID = 'auth0-fauna-verify';
/** Throwaway logins expire by themselves after this even if the cleanup could not run. */
const LOGIN_TTL_SECONDS = 600;
/** The expiry check's login: the shortest ttl login accepts (the check then waits it out, 61 s). */
const SHORT_TTL_SECONDS = MIN_LOGIN_TTL_SECONDS;
/** The core caches token records: a token removed by Logout may authenticate a little longer. */
const LOGOUT_GRACE_SECONDS = 60;

/** Signs a user in with the login Action's own call of `login` and the login key. */
async function signInWithLoginCall(auth0UserId: string, login: { readonly ttlSeconds: number; readonly sessionId?: string }, ctx: CheckContext): Promise<string> {
  const answer = await ctx.attempt(ctx.keys.login, buildLoginQuery({ auth0UserId, clientId: VERIFY_CLIENT_ID, ...login }));
  if (!answer.ok) throw new Error(`login with the login key was refused: ${describeAttempt(answer)}`);
  if (!isLoginQueryResult(answer.value)) throw new Error('login answered without a secret');
  return answer.value.secret;
}

/**
 * A key given as FAUNA_SECRET or FAUNA_REVOKE_SECRET that the server does not know, or that is an
 * admin or server key, would fail checks for a reason they do not name: say so once, before any.
 * Listing the collections is what an admin or server key may do and an Action's key may not.
 */
async function refuseUnfitKeys(ctx: CheckContext, given: Record<'FAUNA_SECRET' | 'FAUNA_REVOKE_SECRET', string | undefined>): Promise<void> {
  for (const [name, key] of Object.entries(given)) {
    if (key === undefined) continue;
    const probe = await ctx.attempt(key, q.Paginate(q.Collections(), { size: 1 }));
    if (!probe.ok && probe.status === 401) {
      throw new CheckSetupFailure(`${name} is not a valid key for FAUNA_ENDPOINT (401 unauthorized): set it to the key the Action uses, or leave it out for a temporary one`);
    }
    if (probe.ok && pageRefs(probe.value).length > 0) {
      throw new CheckSetupFailure(
        `${name} is an admin or server key, which may do everything the checks prove an Action's key cannot: give the Action's own key ` +
          '(npm run setup:fauna -- --create-action-key / --create-revoke-key), or leave it out for a temporary one',
      );
    }
  }
}

function removedLine(counts: RemovedCounts): string {
  const parts = Object.entries(counts).map(([kind, n]) => `${n} ${kind}`);
  return parts.length === 0 ? 'nothing to remove' : parts.join(', ');
}

function resultLine(result: CheckResult): string {
  const line = `${result.pass ? 'PASS' : 'FAIL'}  ${result.id.padEnd(42)} ${result.proves}`;
  return result.pass ? line : `${line}\n      -> ${result.reason}`;
}

export async function runVerify(argv: readonly string[], deps: VerifyDependencies): Promise<number> {
  try {
    const { values } = parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    if (values.help === true) {
      deps.out(USAGE);
      return 0;
    }
  } catch (e) {
    deps.err(`ERR_USAGE: ${(e as Error).message}`);
    deps.err(USAGE);
    return 2;
  }

  const connection = adminConnectionOrReport(deps.env, deps.err);
  if (connection === undefined) return 1;
  const optionalKey = (name: string) => {
    const value = deps.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const keySource = (name: string) => (optionalKey(name) === undefined ? 'temporary, with the same role' : name);
  const fetchImpl: FetchLike = deps.fetch ?? globalThis.fetch;
  const signal = deps.signal;
  const interrupted = () => signal?.aborted === true;
  const session: CheckSession = createCheckSession({
    endpoint: connection.faunaEndpoint,
    fetch: fetchImpl,
    adminKey: connection.faunaSecret,
    loginKey: optionalKey('FAUNA_SECRET'),
    revokeKey: optionalKey('FAUNA_REVOKE_SECRET'),
    signIn: signInWithLoginCall,
    defaultTtlSeconds: LOGIN_TTL_SECONDS,
    shortTtlSeconds: SHORT_TTL_SECONDS,
    logoutGraceSeconds: LOGOUT_GRACE_SECONDS,
    sleep: deps.sleep ?? ((seconds) => delay(seconds * 1000, undefined, { signal })),
    budgetMs: deps.budgetMs,
  });
  // Every line goes through this: no key or minted secret is ever printed.
  const say = (line: string) => deps.out(redact(line, session.credentials()));
  const complain = (line: string) => deps.err(redact(line, session.credentials()));

  const state = await session.attempt(connection.faunaSecret, buildReadStateQuery(SCHEMA));
  if (!state.ok) {
    complain(`ERR_VERIFY_SETUP: reading the schema with FAUNA_ADMIN_SECRET failed: ${describeAttempt(state)}`);
    const hint = state.status === 401 ? ADMIN_KEY_HINTS.ERR_FAUNA_UNAUTHORIZED : state.status === 403 ? ADMIN_KEY_HINTS.ERR_FAUNA_PERMISSION_DENIED : undefined;
    if (hint !== undefined) complain(hint);
    return 1;
  }
  let pending: PlanEntry[];
  let awaitingFinalize: string[];
  try {
    const observed = decodeState(state.value, SCHEMA);
    pending = planChanges(desiredSchema(SCHEMA, observed, { finalize: false }), observed).filter((entry) => entry.action !== 'unchanged');
    awaitingFinalize = rolesAwaitingFinalize(observed);
  } catch (e) {
    if (!(e instanceof AuthFaunaError)) throw e;
    complain(`${e.code}: ${e.message}`);
    return 1;
  }
  if (pending.length > 0) {
    complain(`ERR_SCHEMA_OUT_OF_DATE: the Fauna schema at ${connection.faunaEndpoint} is not the one this checkout defines:`);
    for (const entry of pending) complain(`  ${entry.action.padEnd(9)} ${entry.definition.kind.padEnd(10)} ${entry.definition.name} (${entry.reason})`);
    complain('Run `npm run setup:fauna` first, then verify again. Nothing was created.');
    return 1;
  }
  if (awaitingFinalize.length > 0) {
    complain(
      `ERR_SCHEMA_NOT_FINALIZED: ${awaitingFinalize.join(', ')} still hold the previous version's direct privileges (the upgrade's expand step), ` +
        "so a leaked key can do more than the checks allow. Once this version's Actions are deployed, run " +
        '`npm run setup:fauna -- --finalize`, then verify again. Nothing was created.',
    );
    return 1;
  }

  const checks = deps.checks ?? SECURITY_CHECKS;
  let failed = 0;
  let ran = 0;
  let cleanedUp = false;
  let setupFailed = false;
  try {
    say(`verify:fauna at ${connection.faunaEndpoint}: schema in place (${SCHEMA.length} objects).`);
    const ctx = await session.prepare();
    await refuseUnfitKeys(ctx, { FAUNA_SECRET: optionalKey('FAUNA_SECRET'), FAUNA_REVOKE_SECRET: optionalKey('FAUNA_REVOKE_SECRET') });
    say(`Throwaway users: ${THROWAWAY_ID_PREFIX}${session.runId}-<name>; login key: ${keySource('FAUNA_SECRET')}; revoke key: ${keySource('FAUNA_REVOKE_SECRET')}.`);
    if (ctx.keys.login === ctx.keys.revoke) {
      say(
        'Note: FAUNA_SECRET and FAUNA_REVOKE_SECRET are one key (the shared key). It holds both roles, so the checks that a ' +
          'leaked login key cannot call revoke_user, and a leaked revoke key cannot call login, fail: that is its documented ' +
          'weakness. Separate keys: npm run setup:fauna -- --create-action-key --create-revoke-key',
      );
    }
    for (const check of checks) {
      if (interrupted()) break;
      const result = await runCheck(check, ctx);
      if (interrupted()) break; // a check cut short by the interrupt proves nothing
      ran += 1;
      if (!result.pass) failed += 1;
      say(resultLine(result));
    }
  } catch (e) {
    if (!(e instanceof CheckSetupFailure)) throw e;
    complain(`ERR_VERIFY_SETUP: ${e.message}`);
    setupFailed = true;
  } finally {
    try {
      say(`Removed what the run created: ${removedLine(await session.cleanup())}.`);
      cleanedUp = true;
    } catch (e) {
      complain(`ERR_CLEANUP_INCOMPLETE: ${e instanceof CheckSetupFailure ? e.message : 'unexpected failure'}`);
      complain(
        `Remove what is left with the admin key: users whose auth0_id starts with ${THROWAWAY_ID_PREFIX}${session.runId}, ` +
          `their auth0_jwt documents and tokens, keys described "auth0-fauna verify ${session.runId}". ` +
          `Throwaway logins expire by themselves within ${LOGIN_TTL_SECONDS} s.`,
      );
    }
  }
  if (interrupted()) {
    complain(`Interrupted after ${ran} of ${checks.length} check(s); ${cleanedUp ? 'nothing the run created is left' : 'see above for what is left'}.`);
    return EXIT_INTERRUPTED;
  }
  if (failed > 0) {
    complain(`ERR_SECURITY_CHECK_FAILED: ${failed} of ${checks.length} check(s) failed: the security model does not hold on this server (see FAIL above).`);
    return 1;
  }
  if (setupFailed || !cleanedUp) return 1;
  say(`All ${checks.length} checks passed.`);
  return 0;
}

if (require.main === module) {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  // Once: a second Ctrl-C during the cleanup ends the process at once.
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  runScript('verify:fauna', () =>
    runVerify(process.argv.slice(2), {
      env: readEnvironment(process.cwd(), process.env, { faunaEnvFile: true }),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      signal: controller.signal,
    }).finally(() => {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }),
  );
}
