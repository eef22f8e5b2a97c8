import type { Management, ManagementClient } from 'auth0';
import { DeployRefusedError } from './deploy-refused';
import type { BindingSpec, TriggerId } from './tenant-file';
import { listBindings } from './tenant-state';

export interface MergedBindings {
  /** The list to write: every current binding in its order, then ours that were missing. */
  readonly merged: readonly BindingSpec[];
  /** Other Actions' bindings carried over unchanged. */
  readonly kept: readonly string[];
  /** Ours, already bound: left where the admin put them. */
  readonly alreadyBound: readonly string[];
  /** Ours, appended at the end. */
  readonly added: readonly string[];
}

/**
 * The Management API replaces a trigger's bindings with the list it is given, so the list must
 * contain everything that should stay bound: the tenant's current bindings first, untouched and
 * in order, then each of ours that is not bound yet.
 */
export function mergeBindings(current: readonly BindingSpec[], ours: readonly BindingSpec[]): MergedBindings {
  const ourNames = new Set(ours.map((b) => b.action_name));
  const currentNames = new Set(current.map((b) => b.action_name));
  const missing = ours.filter((b) => !currentNames.has(b.action_name));
  return {
    merged: [...current, ...missing],
    kept: current.filter((b) => !ourNames.has(b.action_name)).map((b) => b.action_name),
    alreadyBound: current.filter((b) => ourNames.has(b.action_name)).map((b) => b.action_name),
    added: missing.map((b) => b.action_name),
  };
}

/**
 * After a write, a trigger's bindings as read back must be exactly the plan's, in order: an
 * Action missing, added, moved, or that can no longer be named means the tenant differs from
 * what was meant. Returns the difference to report, or undefined when they agree.
 */
export function readBackDifference(
  trigger: string,
  planned: readonly BindingSpec[],
  readBack: { readonly specs: readonly BindingSpec[]; readonly problems: readonly string[] },
): string | undefined {
  const expected = planned.map((b) => b.action_name);
  const found = readBack.specs.map((b) => b.action_name);
  const same = readBack.problems.length === 0 && found.length === expected.length && found.every((name, i) => name === expected[i]);
  if (same) return undefined;
  const unnamed = readBack.problems.length > 0 ? ` and ${readBack.problems.length} binding(s) without an Action name` : '';
  return `${trigger}: expected ${expected.join(', ') || '(none)'}, read back ${found.join(', ') || '(none)'}${unnamed}`;
}

/**
 * How a current binding is written back: by its Action's id (exact even when the Action has no
 * name in the answer), else by name. A binding with neither cannot be written back, so writing
 * the trigger would unbind it: such bindings are named, and the caller refuses.
 */
function writtenBack(binding: Management.ActionBinding): Management.ActionBindingWithRef | undefined {
  const id = binding.action?.id;
  const name = binding.action?.name;
  const display = binding.display_name || name || id;
  if (id) return { ref: { type: 'action_id', value: id }, display_name: display };
  if (name) return { ref: { type: 'action_name', value: name }, display_name: display };
  return undefined;
}

/** The current bindings that could not be written back (neither Action id nor name), by position and id. */
export function unwritableBindings(trigger: TriggerId, bindings: readonly Management.ActionBinding[]): string[] {
  return bindings.flatMap((binding, index) =>
    writtenBack(binding) === undefined
      ? [`${trigger} binding #${index + 1} (${binding.id ?? 'no id'}) names no Action (neither id nor name), so rewriting ${trigger} would unbind it`]
      : [],
  );
}

function label(binding: Management.ActionBinding): string {
  return binding.action?.name ?? binding.action?.id ?? '?';
}

export interface BoundAction {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

export interface BindOutcome {
  readonly trigger: TriggerId;
  /** The trigger's bindings (Action names) just before, and as read back after. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** False when the Action was already bound: nothing was written. */
  readonly wrote: boolean;
}

/**
 * Binds one Action to a trigger, keeping every other binding in its place: re-reads the list
 * just before writing (so a change made since the plan is kept), appends the Action when it is
 * not bound yet, writes, and reads back. The API replaces the whole list with no precondition,
 * so a change landing between that read and the write is lost: a best effort, and the read-back
 * reports any difference as ERR_DEPLOY_BINDINGS. rotate:keys and deploy:tenant share it.
 */
export async function bindAction(client: ManagementClient, trigger: TriggerId, action: BoundAction): Promise<BindOutcome> {
  const current = await listBindings(client, trigger);
  const before = current.map(label);
  if (current.some((b) => b.action?.id === action.id)) return { trigger, before, after: before, wrote: false };
  const unwritable = unwritableBindings(trigger, current);
  if (unwritable.length > 0) {
    throw new DeployRefusedError('ERR_DEPLOY_BINDINGS', `Refusing to write the ${trigger} bindings`, unwritable);
  }
  const kept = current.map(writtenBack).filter((b): b is Management.ActionBindingWithRef => b !== undefined);
  await client.actions.triggers.bindings.updateMany(trigger, {
    bindings: [...kept, { ref: { type: 'action_id', value: action.id }, display_name: action.displayName }],
  });
  const readBack = await listBindings(client, trigger);
  const after = readBack.map(label);
  const expected = [...current.map((b) => b.action?.id ?? b.action?.name), action.id];
  const found = readBack.map((b) => b.action?.id ?? b.action?.name);
  if (found.length !== expected.length || found.some((id, i) => id !== expected[i])) {
    throw new DeployRefusedError('ERR_DEPLOY_BINDINGS', `The ${trigger} bindings read back differ from what was written`, [
      `${trigger}: wrote ${[...before, action.name].join(', ')}, read back ${after.join(', ') || '(none)'} (another admin or deploy may have changed them at the same moment)`,
    ]);
  }
  return { trigger, before, after, wrote: true };
}
