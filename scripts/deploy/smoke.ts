import type { ManagementClient, Management } from 'auth0';
import { SECRET_CLAIM } from '../../actions/fauna-login/claims';
import { readSettings } from '../../actions/lib/settings';
import type { EnvBag } from './environment';
import type { ActionSpec, BindingSpec, TriggerId, TriggerBindings } from './tenant-file';
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
  /** The Action run through the Management API's test endpoint, and its event. */
  readonly testRun?: { readonly action: string; readonly event: Record<string, unknown>; readonly claimName: string };
}

/** The build header rollup puts on line 1 (package version, commit), when the code has one. */
function header(code: string | undefined): string {
  const first = code?.split('\n', 1)[0] ?? '';
  return first.startsWith('// auth0-fauna ') ? `, ${first.slice(3)}` : '';
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

function errorOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const error = (payload as { error?: unknown }).error;
  if (!error) return undefined;
  if (typeof error === 'string') return error;
  const msg = (error as { msg?: unknown; message?: unknown }).msg ?? (error as { message?: unknown }).message;
  return typeof msg === 'string' ? msg : 'the test run reported an error';
}

/**
 * Judges the Management API's test run of the login Action: no error reported and the secret
 * claim set (a denial or a Fauna failure sets no claim). The payload itself is never printed:
 * it holds the minted secret.
 */
export function judgeTestRun(action: string, body: Management.TestActionResponseContent, claimName: string): SmokeResult {
  const check = `${action}: test run on Auth0`;
  const payload = body.payload;
  if (payload === undefined) return { check, ok: false, detail: 'the test endpoint returned no payload' };
  const error = errorOf(payload);
  if (error !== undefined) return { check, ok: false, detail: `the Action failed: ${error.slice(0, 200)}` };
  if (!JSON.stringify(payload).includes(claimName)) {
    return { check, ok: false, detail: `it did not set ${claimName} (login denied or Fauna unreachable: see the Action's logs)` };
  }
  return { check, ok: true, detail: `set ${claimName} (value not shown)` };
}

export async function runSmoke(client: ManagementClient, expect: SmokeExpectations): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const existing = await listActions(client);
  for (const spec of expect.actions) results.push(...actionChecks(spec, existing.find((a) => a.name === spec.name)));
  for (const [trigger, ours] of Object.entries(expect.triggers) as [TriggerId, readonly BindingSpec[]][]) {
    const bound = await listBindings(client, trigger);
    for (const binding of ours) results.push(bindingCheck(trigger, binding, bound));
  }
  if (expect.testRun) {
    const { action: name, event, claimName } = expect.testRun;
    const action = existing.find((a) => a.name === name);
    if (!action?.id) {
      results.push({ check: `${name}: test run on Auth0`, ok: false, detail: 'no such Action to test' });
    } else {
      try {
        const body = await client.actions.test(action.id, { payload: event });
        results.push(judgeTestRun(name, body, claimName));
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        results.push({ check: `${name}: test run on Auth0`, ok: false, detail: `the test endpoint refused (HTTP ${status ?? '?'})` });
      }
    }
  }
  return results;
}

export function formatResult(result: SmokeResult): string {
  return `${result.ok ? 'PASS' : 'FAIL'}  ${result.check}${result.detail ? ` (${result.detail})` : ''}`;
}

/** The user the smoke test run logs in as: easy to recognise (and delete) in Fauna. */
export const SMOKE_USER_ID = 'auth0|auth0-fauna-smoke-test';

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
