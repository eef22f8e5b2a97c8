import type { Management } from 'auth0';
import type { MergedBindings } from './bindings';
import { sha256, type CheckedBundle } from './bundles';
import type { ActionSpec, BindingSpec, TriggerId } from './tenant-file';

export interface ActionChange {
  readonly name: string;
  readonly kind: 'create' | 'update';
  /** The tenant's id for an update. */
  readonly id?: string;
  readonly trigger: string;
  readonly runtime: string;
  /**
   * What an update changes besides the secrets, against the DEPLOYED version (what runs), e.g.
   * `code differs from deployed version 3`, `runtime node18 -> node22`.
   */
  readonly changes: readonly string[];
  /** The tenant holds changes made since its deployed version (a draft): this deploy replaces them. */
  readonly undeployedDraft: boolean;
  readonly deploy: boolean;
  readonly secretsSent: readonly string[];
  /** Secret names the Action has in the tenant that this deploy does not send (dropped with --reset). */
  readonly secretsNotSent: readonly string[];
}

export interface BindingChange extends MergedBindings {
  readonly trigger: TriggerId;
  readonly before: readonly BindingSpec[];
}

export interface DeployPlan {
  readonly domain: string;
  readonly actions: readonly ActionChange[];
  readonly bindings: readonly BindingChange[];
  readonly skipped: readonly string[];
  /** Actions in the tenant that tenant.yaml does not declare: never touched. */
  readonly untouched: readonly string[];
  /** Our Actions deployed but deliberately left unbound (--keep-unbound). */
  readonly leftUnbound?: readonly string[];
}

function triggerLabel(triggers: readonly { readonly id?: string; readonly version?: string }[] | undefined): string {
  return (triggers ?? []).map((t) => `${t.id} ${t.version}`).join(', ');
}

/** Whether the tenant's draft differs from its deployed version (the Dashboard's "undeployed changes"). */
export function hasUndeployedDraft(action: Management.Action): boolean {
  const deployed = action.deployed_version;
  if (deployed === undefined) return action.code !== undefined;
  return action.all_changes_deployed === false || action.code !== deployed.code || action.runtime !== deployed.runtime;
}

export function planActions(
  actions: readonly ActionSpec[],
  bundles: ReadonlyMap<string, CheckedBundle>,
  existing: readonly Management.Action[],
  secretNames: Readonly<Record<string, readonly string[]>>,
): ActionChange[] {
  return actions.map((action) => {
    const current = existing.find((a) => a.name === action.name);
    const sent = secretNames[action.name] ?? [];
    const base = {
      name: action.name,
      trigger: triggerLabel(action.supported_triggers),
      runtime: action.runtime,
      deploy: action.deployed,
      secretsSent: sent,
    };
    if (!current) return { ...base, kind: 'create', changes: [], undeployedDraft: false, secretsNotSent: [] };
    const deployed = current.deployed_version;
    const bundle = bundles.get(action.name);
    const changes: string[] = [];
    if (deployed?.code === undefined) changes.push('nothing deployed yet');
    else {
      const same = bundle !== undefined && sha256(deployed.code) === bundle.sha256;
      changes.push(same ? `code same as deployed version ${deployed.number ?? '?'}` : `code differs from deployed version ${deployed.number ?? '?'}`);
    }
    const runningRuntime = deployed?.runtime ?? current.runtime;
    if (runningRuntime !== action.runtime) changes.push(`runtime ${runningRuntime ?? 'unset'} -> ${action.runtime}`);
    const currentTriggers = triggerLabel(deployed?.supported_triggers ?? current.supported_triggers);
    if (currentTriggers !== base.trigger) changes.push(`trigger ${currentTriggers || 'none'} -> ${base.trigger}`);
    const notSent = (current.secrets ?? []).map((s) => s.name ?? '').filter((n) => n !== '' && !sent.includes(n));
    return { ...base, kind: 'update', id: current.id, changes, undeployedDraft: hasUndeployedDraft(current), secretsNotSent: notSent };
  });
}

function names(list: readonly BindingSpec[]): string {
  return list.length === 0 ? '(none)' : list.map((b) => b.action_name).join(', ');
}

/** Human-readable lines; secret values never appear (only names). */
export function describePlan(plan: DeployPlan): string[] {
  const lines: string[] = ['Actions (in this order):'];
  for (const a of plan.actions) {
    const then = a.deploy ? ', then deploy a new version' : '';
    lines.push(
      a.kind === 'create'
        ? `  ${a.name}: create (${a.trigger}, ${a.runtime})${then}`
        : `  ${a.name}: update in place (id ${a.id}; ${a.changes.join('; ')})${then}`,
    );
    if (a.undeployedDraft) lines.push('    the tenant holds undeployed changes (a draft) to this Action: this deploy replaces them');
    lines.push(`    secrets sent, values hidden: ${a.secretsSent.join(', ') || '(none)'}`);
    if (a.secretsNotSent.length > 0) {
      lines.push(`    secrets in the tenant that this deploy does not send: ${a.secretsNotSent.join(', ')}`);
    }
  }
  for (const name of plan.skipped) lines.push(`  ${name}: skipped (actions/${name}/index.ts is not in this checkout)`);
  lines.push('Trigger bindings (before -> after), written in this order after both Actions are deployed:');
  for (const b of plan.bindings) {
    lines.push(`  ${b.trigger}: ${names(b.before)} -> ${names(b.merged)}`);
    const notes = [
      b.kept.length > 0 ? `kept: ${b.kept.join(', ')}` : '',
      b.alreadyBound.length > 0 ? `already bound, left in place: ${b.alreadyBound.join(', ')}` : '',
      b.added.length > 0 ? `added at the end: ${b.added.join(', ')}` : '',
    ].filter((n) => n !== '');
    lines.push(`    ${notes.join('; ') || 'unchanged'}`);
  }
  for (const name of plan.leftUnbound ?? []) lines.push(`  ${name}: left unbound (--keep-unbound)`);
  lines.push(
    plan.untouched.length > 0
      ? `Other Actions, left as they are (never deleted): ${plan.untouched.join(', ')}`
      : 'No other Actions in the tenant.',
  );
  return lines;
}
