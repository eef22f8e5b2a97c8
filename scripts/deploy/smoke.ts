import path from 'node:path';
import type { ManagementClient, Management } from 'auth0';
import { SECRET_CLAIM } from '../../actions/fauna-login/claims';
import { readSettings } from '../../actions/lib/settings';
import { sha256 } from './bundles';
import type { EnvBag } from './environment';
import { hasUndeployedDraft } from './plan';
import { REPO_ROOT, type ActionSpec, type BindingSpec, type TriggerId, type TriggerBindings } from './tenant-file';
import { listActions, listBindings } from './tenant-state';

export interface SmokeResult {
  readonly check: string;
  readonly ok: boolean;
  /** Why it failed, or a short note; never a secret or the test run's payload. */
  readonly detail?: string;
}

export interface SmokeExpectations {
  readonly actions: readonly ActionSpec[];
  readonly triggers: TriggerBindings;
  /** sha256 of this checkout's build of each Action (dist/), to compare with the deployed code; absent when not built. */
  readonly builds?: Readonly<Record<string, string | undefined>>;
  /** The login Action run through the Management API's test endpoint, and its event. */
  readonly testRun?: { readonly action: string; readonly event: Record<string, unknown>; readonly claimName: string };
  /** Then the revoke Action for the same user: it ends the smoke login the first run made. */
  readonly revokeRun?: { readonly action: string; readonly event: Record<string, unknown> };
}

/** The build header rollup puts on line 1 (package version, commit), when the code has one. */
function header(code: string | undefined): string {
  const first = code?.split('\n', 1)[0] ?? '';
  return first.startsWith('// auth0-fauna ') ? `, ${first.slice(3)}` : '';
}

/**
 * Auth0's test endpoint runs an Action's DRAFT, not its deployed version: a test run proves
 * something about what runs only when the draft is the deployed version.
 */
function draftCheck(name: string, action: Management.Action): SmokeResult {
  const deployed = action.deployed_version;
  if (!deployed?.deployed) return { check: `${name}: draft is the deployed version`, ok: false, detail: 'nothing is deployed' };
  const same = !hasUndeployedDraft(action);
  return {
    check: `${name}: draft is the deployed version`,
    ok: same,
    detail: same
      ? `version ${deployed.number ?? '?'}`
      : `the draft differs from deployed version ${deployed.number ?? '?'} (undeployed changes), and the test endpoint runs the draft: deploy it (npm run deploy:tenant) or discard it first`,
  };
}

/** The deployed code against this checkout's build, by sha256. */
function digestCheck(name: string, action: Management.Action, build: string | undefined): SmokeResult {
  const check = `${name}: deployed code is this checkout's build`;
  const code = action.deployed_version?.code;
  if (code === undefined) return { check, ok: false, detail: 'no deployed code to compare' };
  if (build === undefined) return { check, ok: false, detail: `dist/actions/${name}.js is not built here; run npm run build to compare` };
  const deployed = sha256(code);
  return deployed === build
    ? { check, ok: true, detail: `sha256 ${deployed}` }
    : { check, ok: false, detail: `deployed sha256 ${deployed}${header(code)}; this checkout builds ${build}` };
}

function actionChecks(spec: ActionSpec, action: Management.Action | undefined): SmokeResult[] {
  const name = spec.name;
  if (!action) return [{ check: `${name}: exists`, ok: false, detail: 'not in the tenant; run npm run deploy:tenant' }];
  const deployed = action.deployed_version;
  return [
    { check: `${name}: exists`, ok: true, detail: `id ${action.id}` },
    {
      check: `${name}: built`,
      ok: action.status === 'built',
      detail: action.status === 'built' ? undefined : `status is ${action.status ?? 'unknown'}`,
    },
    {
      check: `${name}: deployed`,
      ok: deployed?.deployed === true && action.all_changes_deployed === true,
      detail: !deployed?.deployed
        ? 'no deployed version'
        : action.all_changes_deployed
          ? `version ${deployed.number ?? '?'}${header(deployed.code)}`
          : 'the latest changes are not deployed',
    },
    {
      check: `${name}: runtime ${spec.runtime}`,
      ok: action.runtime === spec.runtime && deployed?.runtime === spec.runtime,
      detail:
        action.runtime === spec.runtime && deployed?.runtime === spec.runtime
          ? undefined
          : `runtime ${action.runtime ?? 'unset'}, deployed version on ${deployed?.runtime ?? 'none'}`,
    },
  ];
}

function bindingCheck(trigger: TriggerId, ours: BindingSpec, bound: readonly Management.ActionBinding[]): SmokeResult {
  const names = bound.map((b) => b.action?.name ?? '?');
  const ok = names.includes(ours.action_name);
  return {
    check: `${ours.action_name}: bound to ${trigger}`,
    ok,
    detail: `${trigger} runs: ${names.join(', ') || '(nothing)'}`,
  };
}

/**
 * The Management API's Action test run answers `{payload: {...}}`, and every Auth0 client types
 * that payload as an open object (auth0 SDK v7 `TestActionResultPayload = Record<string, unknown>`,
 * go-auth0 `TestActionResultPayload = map[string]any`; auth0-cli prints it raw). A captured run in
 * auth0-cli's history shows `logs` and `stats`. What the Action did is read from `commands`: one
 * `{name, target, key, value}` per api call (`SetCustomClaim` on `idToken` or `accessToken`), and
 * a failed run reports `error`. Anything else is a shape this check cannot judge: it fails,
 * naming the fields it received, never their values (the payload holds the minted secret).
 */
interface TestRunCommand {
  readonly name: string;
  readonly target?: unknown;
  readonly key?: unknown;
  readonly value?: unknown;
}

const SET_CUSTOM_CLAIM = 'SetCustomClaim';
const KNOWN_COMMANDS: ReadonlySet<string> = new Set([SET_CUSTOM_CLAIM]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldNames(value: unknown): string {
  return isRecord(value) ? Object.keys(value).sort().join(', ') || '(none)' : Array.isArray(value) ? '(a list)' : `(${typeof value})`;
}

function errorOf(payload: Record<string, unknown>): string | undefined {
  const error = payload.error;
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  const msg = isRecord(error) ? (error.msg ?? error.message) : undefined;
  return typeof msg === 'string' ? msg : 'the test run reported an error';
}

function commandsOf(payload: Record<string, unknown>): TestRunCommand[] | undefined {
  const commands = payload.commands;
  if (!Array.isArray(commands)) return undefined;
  return commands.every((c): c is TestRunCommand => isRecord(c) && typeof c.name === 'string') ? commands : undefined;
}

/** A claim the run set, by name and token; never its value. */
function describeClaim(command: TestRunCommand): string {
  return `${typeof command.key === 'string' ? command.key : '(unnamed claim)'} on ${typeof command.target === 'string' ? command.target : '(no target)'}`;
}

/**
 * Judges the Management API's test run of the login Action. Passes only when the run reported
 * no error, asked for no denial, issued only commands this check knows, and set an ID-token
 * claim named exactly `claimName` with a non-empty string value. The payload is never printed.
 */
export function judgeTestRun(action: string, body: Management.TestActionResponseContent, claimName: string): SmokeResult {
  const check = `${action}: test run on Auth0`;
  const fail = (detail: string): SmokeResult => ({ check, ok: false, detail });
  const payload: unknown = isRecord(body) ? body.payload : undefined;
  if (!isRecord(payload)) return fail(`the test endpoint answered without a payload object (received: ${fieldNames(body)})`);
  const error = errorOf(payload);
  if (error !== undefined) return fail(`the Action failed: ${error.slice(0, 200)}`);
  const commands = commandsOf(payload);
  if (!commands) {
    return fail(`the test endpoint answered in a shape this check does not know (payload fields: ${fieldNames(payload)}); run the Action's test in the Dashboard`);
  }
  const names = commands.map((c) => c.name);
  const denials = names.filter((name) => /deny/i.test(name));
  if (denials.length > 0) return fail(`the Action denied the login (${denials.join(', ')}); see its logs`);
  const unknown = [...new Set(names.filter((name) => !KNOWN_COMMANDS.has(name)))];
  if (unknown.length > 0) return fail(`the run issued commands this check does not know: ${unknown.join(', ')}`);
  const claims = commands.filter((c) => c.name === SET_CUSTOM_CLAIM);
  const secretClaim = claims.find((c) => c.target === 'idToken' && c.key === claimName);
  if (secretClaim && typeof secretClaim.value === 'string' && secretClaim.value !== '') {
    return { check, ok: true, detail: `set ${claimName} on the ID token (value not shown)` };
  }
  if (secretClaim) return fail(`it set ${claimName} on the ID token without a secret in it`);
  const elsewhere = claims.filter((c) => c.key === claimName).map(describeClaim);
  if (elsewhere.length > 0) return fail(`it set ${elsewhere.join(', ')}, but ${claimName} belongs on idToken only`);
  const set = claims.map(describeClaim);
  return fail(
    `it did not set ${claimName} on the ID token (claims set: ${set.join(', ') || 'none'}; login skipped, continued without Fauna, or a wrong CLAIM_NAMESPACE: see the Action's logs)`,
  );
}

const REVOKE_LINE = /\[revoke-fauna-secrets\] (?:revoked (\d+) Fauna secret|no Fauna user)/;
const ERROR_CODE = /\bERR_[A-Z_]+\b/;

/**
 * Judges the test run of the revoke Action for the smoke user. The post-change-password Action
 * never throws or denies: what it did is in its log lines (actions/revoke-fauna-secrets), which
 * the test endpoint returns as `payload.logs`. Passes when the run reported no error and logged
 * its revocation line with no error code. Counts are shown; no value is.
 */
export function judgeRevokeRun(action: string, body: Management.TestActionResponseContent): SmokeResult {
  const check = `${action}: test run on Auth0 (ends the smoke login)`;
  const fail = (detail: string): SmokeResult => ({ check, ok: false, detail });
  const payload: unknown = isRecord(body) ? body.payload : undefined;
  if (!isRecord(payload)) return fail(`the test endpoint answered without a payload object (received: ${fieldNames(body)})`);
  const error = errorOf(payload);
  if (error !== undefined) return fail(`the Action failed: ${error.slice(0, 200)}`);
  const logs = typeof payload.logs === 'string' ? payload.logs : '';
  const code = ERROR_CODE.exec(logs);
  if (code) return fail(`the Action logged ${code[0]}; see its logs`);
  const line = REVOKE_LINE.exec(logs);
  if (!line) return fail(`its logs hold no revocation line (payload fields: ${fieldNames(payload)}); see the Action's logs`);
  return { check, ok: true, detail: line[1] === undefined ? 'no Fauna user for the smoke user: nothing to end' : `ended ${line[1]} smoke secret(s)` };
}

async function testRun(
  client: ManagementClient,
  check: string,
  id: string,
  event: Record<string, unknown>,
  judge: (body: Management.TestActionResponseContent) => SmokeResult,
): Promise<SmokeResult> {
  try {
    return judge(await client.actions.test(id, { payload: event }));
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    return { check, ok: false, detail: `the test endpoint refused (HTTP ${status ?? '?'})` };
  }
}

/**
 * The smoke checks, in order: each Action exists, is built, has its draft equal to its deployed
 * version (the test endpoint runs the draft), runs on its runtime, runs this checkout's build
 * (sha256); each is bound; then, only when every draft is what is deployed, the login Action is
 * test-run for the smoke user and the revoke Action after it (which ends that login).
 */
export async function runSmoke(client: ManagementClient, expect: SmokeExpectations): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const existing = await listActions(client);
  let draftsDeployed = true;
  for (const spec of expect.actions) {
    const action = existing.find((a) => a.name === spec.name);
    results.push(...actionChecks(spec, action));
    if (!action) {
      draftsDeployed = false;
      continue;
    }
    const draft = draftCheck(spec.name, action);
    draftsDeployed &&= draft.ok;
    results.push(draft);
    if (expect.builds !== undefined) results.push(digestCheck(spec.name, action, expect.builds[spec.name]));
  }
  for (const [trigger, ours] of Object.entries(expect.triggers) as [TriggerId, readonly BindingSpec[]][]) {
    const bound = await listBindings(client, trigger);
    for (const binding of ours) results.push(bindingCheck(trigger, binding, bound));
  }
  type Judge = (body: Management.TestActionResponseContent) => SmokeResult;
  const runs: { action: string; event: Record<string, unknown>; check: string; judge: Judge }[] = [];
  const login = expect.testRun;
  if (login) runs.push({ ...login, check: `${login.action}: test run on Auth0`, judge: (body) => judgeTestRun(login.action, body, login.claimName) });
  const revoke = expect.revokeRun;
  if (revoke) runs.push({ ...revoke, check: `${revoke.action}: test run on Auth0 (ends the smoke login)`, judge: (body) => judgeRevokeRun(revoke.action, body) });
  for (const run of runs) {
    const action = existing.find((a) => a.name === run.action);
    if (!action?.id) results.push({ check: run.check, ok: false, detail: 'no such Action to test' });
    else if (!draftsDeployed) results.push({ check: run.check, ok: false, detail: 'not run: a draft differs from what is deployed (see above), and the test endpoint would run the draft' });
    else results.push(await testRun(client, run.check, action.id, run.event, run.judge));
  }
  return results;
}

export function formatResult(result: SmokeResult): string {
  return `${result.ok ? 'PASS' : 'FAIL'}  ${result.check}${result.detail ? ` (${result.detail})` : ''}`;
}

/** The post-login event the test runs start from (smoke:tenant's `--event` replaces it). */
export const DEFAULT_SMOKE_EVENT = path.join(REPO_ROOT, 'scripts/fixtures/post-login-event.json');

/** The user the smoke test run logs in as: easy to recognise (and delete) in Fauna. */
export const SMOKE_USER_ID = 'auth0|auth0-fauna-smoke-test';

/**
 * The post-change-password event for the revoke Action's test run: the smoke user, with the
 * sample event's connection and tenant, and no `secrets` (the Action's own apply).
 */
export function revokeEvent(loginEvent: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const user = (loginEvent.user as Record<string, unknown> | undefined) ?? {};
  return {
    user: { user_id: SMOKE_USER_ID, ...(typeof user.email === 'string' ? { email: user.email } : {}) },
    ...(loginEvent.connection !== undefined ? { connection: loginEvent.connection } : {}),
    ...(loginEvent.tenant !== undefined ? { tenant: loginEvent.tenant } : {}),
    ...(loginEvent.request !== undefined ? { request: loginEvent.request } : {}),
  };
}

/**
 * The sample event, adjusted so the run is recognisable and allowed: a fixed smoke-test user, a
 * client from ALLOWED_CLIENT_IDS when that is set, and no `secrets` (the Action's own apply).
 */
export function smokeEvent(event: Readonly<Record<string, unknown>>, env: EnvBag): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...event };
  delete payload.secrets;
  payload.user = { ...((event.user as Record<string, unknown> | undefined) ?? {}), user_id: SMOKE_USER_ID };
  const allowed = env.ALLOWED_CLIENT_IDS?.split(',').map((id) => id.trim()).find((id) => id !== '');
  if (allowed) payload.client = { ...((event.client as Record<string, unknown> | undefined) ?? {}), client_id: allowed };
  return payload;
}

/** `<namespace>fauna_secret` when CLAIM_NAMESPACE is set and valid, else the claim's own name. */
export function claimName(env: EnvBag): string {
  try {
    return `${readSettings(env, ['CLAIM_NAMESPACE']).CLAIM_NAMESPACE}${SECRET_CLAIM}`;
  } catch {
    return SECRET_CLAIM;
  }
}
