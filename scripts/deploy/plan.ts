import type { Management } from 'auth0';
import type { MergedBindings } from './bindings';
import type { CheckedBundle } from './bundles';
import type { ActionSpec, BindingSpec, TriggerId } from './tenant-file';

export interface ActionChange {
  readonly name: string;
  readonly kind: 'create' | 'update';
  /** The tenant's id for an update. */
  readonly id?: string;
  readonly trigger: string;
  readonly runtime: string;
  /** What an update changes besides the secrets, e.g. `code changes`, `runtime node18 -> node22`. */
  readonly changes: readonly string[];
  readonly deploy: boolean;
  readonly secretsSent: readonly string[];
  /** Secret names the Action has in the tenant that this deploy does not send. */
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
}

function triggerLabel(action: ActionSpec): string {
  return action.supported_triggers.map((t) => `${t.id} ${t.version}`).join(', ');
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
      trigger: triggerLabel(action),
      runtime: action.runtime,
      deploy: action.deployed,
      secretsSent: sent,
    };
    if (!current) return { ...base, kind: 'create', changes: [], secretsNotSent: [] };
    const changes: string[] = [];
    changes.push(current.code === bundles.get(action.name)?.code ? 'code unchanged' : 'code changes');
    if (current.runtime !== action.runtime) changes.push(`runtime ${current.runtime ?? 'unset'} -> ${action.runtime}`);
    const currentTriggers = (current.supported_triggers ?? []).map((t) => `${t.id} ${t.version}`).join(', ');
    if (currentTriggers !== base.trigger) changes.push(`trigger ${currentTriggers || 'none'} -> ${base.trigger}`);
    const notSent = (current.secrets ?? []).map((s) => s.name ?? '').filter((n) => n !== '' && !sent.includes(n));
    return { ...base, kind: 'update', id: current.id, changes, secretsNotSent: notSent };
  });
}

function names(list: readonly BindingSpec[]): string {
  return list.length === 0 ? '(none)' : list.map((b) => b.action_name).join(', ');
}

/** Human-readable lines; secret values never appear (only names). */
export function describePlan(plan: DeployPlan): string[] {
  const lines: string[] = ['Actions:'];
  for (const a of plan.actions) {
    const then = a.deploy ? ', then deploy a new version' : '';
    lines.push(
      a.kind === 'create'
        ? `  ${a.name}: create (${a.trigger}, ${a.runtime})${then}`
        : `  ${a.name}: update in place (id ${a.id}; ${a.changes.join('; ')})${then}`,
    );
    lines.push(`    secrets sent, values hidden: ${a.secretsSent.join(', ') || '(none)'}`);
    if (a.secretsNotSent.length > 0) {
      lines.push(`    secrets in the tenant that this deploy does not send: ${a.secretsNotSent.join(', ')}`);
    }
  }
  for (const name of plan.skipped) lines.push(`  ${name}: skipped (actions/${name}/index.ts is not in this checkout)`);
  lines.push('Trigger bindings (before -> after):');
  for (const b of plan.bindings) {
    lines.push(`  ${b.trigger}: ${names(b.before)} -> ${names(b.merged)}`);
    const notes = [
      b.kept.length > 0 ? `kept: ${b.kept.join(', ')}` : '',
      b.alreadyBound.length > 0 ? `already bound, left in place: ${b.alreadyBound.join(', ')}` : '',
      b.added.length > 0 ? `added at the end: ${b.added.join(', ')}` : '',
    ].filter((n) => n !== '');
    lines.push(`    ${notes.join('; ')}`);
  }
  lines.push(
    plan.untouched.length > 0
      ? `Other Actions, left as they are (never deleted): ${plan.untouched.join(', ')}`
      : 'No other Actions in the tenant.',
  );
  return lines;
}
