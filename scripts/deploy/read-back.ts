import type { ManagementClient } from 'auth0';
import { sha256 } from './bundles';
import { hasUndeployedDraft } from './plan';
import { LOGIN_ACTION, LOGIN_TRIGGER, REVOKE_ACTION, REVOKE_TRIGGER, type TriggerId } from './tenant-file';
import { listActions, listBindings } from './tenant-state';

/** One of our Actions as the tenant holds it now. */
export interface ActionState {
  readonly name: string;
  readonly trigger: TriggerId;
  readonly exists: boolean;
  readonly id?: string;
  /** The deployed version's number, when one is deployed. */
  readonly deployedVersion?: number;
  readonly deployedSha256?: string;
  /** Whether the deployed code is the bundle this run built (undefined when there is no bundle to compare). */
  readonly isThisBuild?: boolean;
  readonly undeployedDraft: boolean;
  readonly bound: boolean;
}

export interface TenantState {
  readonly actions: readonly ActionState[];
  /** Each trigger's bindings, by Action name (or id when unnamed), in order. */
  readonly bindings: Readonly<Partial<Record<TriggerId, readonly string[]>>>;
}

export interface Watched {
  readonly name: string;
  readonly trigger: TriggerId;
  /** sha256 of the bundle this run sends, to say whether what runs is this build. */
  readonly sha256?: string;
}

/** Reads our Actions and their triggers' bindings back (read:actions only). Shared with rotate:keys. */
export async function readTenantState(client: ManagementClient, watched: readonly Watched[]): Promise<TenantState> {
  const existing = await listActions(client);
  const bindings: Partial<Record<TriggerId, string[]>> = {};
  for (const trigger of new Set(watched.map((w) => w.trigger))) {
    bindings[trigger] = (await listBindings(client, trigger)).map((b) => b.action?.name ?? b.action?.id ?? '?');
  }
  const actions = watched.map((w): ActionState => {
    const action = existing.find((a) => a.name === w.name);
    const bound = (bindings[w.trigger] ?? []).includes(w.name);
    if (!action) return { name: w.name, trigger: w.trigger, exists: false, undeployedDraft: false, bound };
    const code = action.deployed_version?.code;
    const deployedSha256 = code === undefined ? undefined : sha256(code);
    return {
      name: w.name,
      trigger: w.trigger,
      exists: true,
      id: action.id,
      deployedVersion: action.deployed_version?.number,
      deployedSha256,
      isThisBuild: w.sha256 === undefined || deployedSha256 === undefined ? undefined : deployedSha256 === w.sha256,
      undeployedDraft: hasUndeployedDraft(action),
      bound,
    };
  });
  return { actions, bindings };
}

export interface ReportOptions {
  /** fauna-login is meant to stay unbound (--keep-unbound). */
  readonly keepUnbound: boolean;
  /** revoke-fauna-secrets is not required (--without-revocation). */
  readonly withoutRevocation: boolean;
  /** The options to repeat when running the deploy again (no --bind, --keep-unbound or --dry-run). */
  readonly rerunArgs: readonly string[];
}

function describeAction(state: ActionState): string {
  if (!state.exists) return `${state.name}: not in the tenant`;
  const version =
    state.deployedVersion === undefined
      ? 'no deployed version'
      : `deployed version ${state.deployedVersion}${state.isThisBuild === undefined ? '' : state.isThisBuild ? ' (this build)' : ' (NOT this build)'}`;
  const draft = state.undeployedDraft ? '; undeployed changes in its draft' : '';
  return `${state.name}: ${version}${draft}; ${state.bound ? `bound to ${state.trigger}` : `NOT bound to ${state.trigger}`}`;
}

function command(args: readonly string[]): string {
  return args.length === 0 ? 'npm run deploy:tenant' : `npm run deploy:tenant -- ${args.join(' ')}`;
}

/**
 * The tenant as read back and what that means for logins and password changes: printed after any
 * failure (with nextSteps) and after success.
 */
export function describeTenantState(state: TenantState, options: ReportOptions): string[] {
  const lines = ['What the tenant holds now (read back):'];
  for (const action of state.actions) lines.push(`  ${describeAction(action)}`);
  for (const [trigger, names] of Object.entries(state.bindings)) lines.push(`  ${trigger} runs: ${names?.join(', ') || '(nothing)'}`);
  const login = state.actions.find((a) => a.name === LOGIN_ACTION);
  const revoke = state.actions.find((a) => a.name === REVOKE_ACTION);
  const loginBound = login?.bound === true;
  const revokeBound = revoke?.bound === true;
  lines.push('What that means:');
  if (loginBound && !revokeBound && !options.withoutRevocation) {
    lines.push(
      `  HALF-SECURED: ${LOGIN_ACTION} mints a Fauna secret at every login, but ${REVOKE_ACTION} is not bound to ${REVOKE_TRIGGER}, so a password change revokes nothing.`,
    );
  } else if (loginBound) {
    lines.push(`  Logins mint Fauna secrets (${LOGIN_ACTION} is bound)${revokeBound ? ' and a password change revokes them.' : '; revocation was left out (--without-revocation).'}`);
  } else {
    lines.push(`  ${LOGIN_ACTION} is not bound to ${LOGIN_TRIGGER}: logins get no Fauna secret, so the app cannot reach Fauna${revokeBound ? '; revocation is bound.' : '.'}`);
  }
  if (login?.isThisBuild === false && loginBound) lines.push(`  ${LOGIN_ACTION} still runs its previous version, not this build.`);
  return lines;
}

/** What to run to finish the deploy, and how to undo by hand. */
export function nextSteps(state: TenantState, options: ReportOptions): string[] {
  const login = state.actions.find((a) => a.name === LOGIN_ACTION);
  const loginBound = login?.bound === true;
  const lines: string[] = [];
  const rerun = options.rerunArgs;
  const finish =
    login?.exists === true && !loginBound && !options.keepUnbound
      ? `${command([...rerun, '--bind'])}  (${LOGIN_ACTION} exists unbound now, which a plain deploy takes for the kill switch)`
      : command(options.keepUnbound ? [...rerun, '--keep-unbound'] : rerun);
  lines.push(`To finish: ${finish}`);
  lines.push(
    `To take Fauna out of logins now: Dashboard > Actions > Triggers > ${LOGIN_TRIGGER}, remove ${LOGIN_ACTION}. To go back to an earlier version: Dashboard > Actions > Library > the Action > Version History.`,
  );
  return lines;
}
