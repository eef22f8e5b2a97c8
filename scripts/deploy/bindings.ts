import type { BindingSpec } from './tenant-file';

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
 * auth0-deploy-cli replaces a trigger's bindings with the list it is given, so the list must
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
 * After the import, a trigger's bindings as read back must be exactly the plan's, in order: an
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
