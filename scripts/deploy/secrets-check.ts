import type { Management } from 'auth0';
import { keywordsIn, type ActionSpec } from './tenant-file';

/**
 * An import replaces an Action's whole `secrets` list, and the Management API returns secrets as
 * names and `updated_at`, never values. So before any write, each Action's secrets in the tenant
 * are compared with what this deploy sends:
 * - a secret the tenant has and this deploy would not send would be dropped (the Action falls
 *   back to its default, or loses a setting): refused, naming it, unless `--reset NAME`;
 * - a secret whose draft was changed after the deployed version (a Dashboard edit not yet
 *   deployed, or one made and deployed from the Dashboard: the draft's `updated_at` is later
 *   than the deployed version's copy) would be overwritten by this environment's value: refused
 *   unless `--overwrite NAME`.
 */
export interface SecretsCheckOptions {
  /** `--reset NAME`: drop these secrets (the Action then uses its default). */
  readonly reset: ReadonlySet<string>;
  /** `--overwrite NAME`: replace these secrets although the tenant's were edited after the deployed version. */
  readonly overwrite: ReadonlySet<string>;
}

export interface SecretsCheck {
  /** Why the deploy must stop; empty when it may go on. */
  readonly problems: readonly string[];
  /** What the admin asked for and will happen (drops by --reset, overwrites by --overwrite), and unused flags. */
  readonly notes: readonly string[];
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When the deployed version got its copy of a secret (the version's own time when it lists none). */
function deployedAt(version: Management.ActionDeployedVersion | undefined, name: string): number | undefined {
  if (version === undefined) return undefined;
  const copy = version.secrets?.find((s) => s.name === name);
  return time(copy?.updated_at) ?? time(version.created_at);
}

export function checkSecrets(
  actions: readonly ActionSpec[],
  sent: Readonly<Record<string, readonly string[]>>,
  existing: readonly Management.Action[],
  options: SecretsCheckOptions,
): SecretsCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const usedReset = new Set<string>();
  const usedOverwrite = new Set<string>();
  for (const action of actions) {
    const current = existing.find((a) => a.name === action.name);
    if (!current) continue;
    const sending = new Set(sent[action.name] ?? []);
    for (const secret of current.secrets ?? []) {
      const name = secret.name;
      if (!name) continue;
      const declared = action.secrets.find((s) => s.name === name);
      if (!sending.has(name)) {
        if (options.reset.has(name)) {
          usedReset.add(name);
          notes.push(`${action.name}: secret ${name} will be dropped (--reset); the Action then applies its default`);
          continue;
        }
        const variable = declared ? keywordsIn(declared.value)[0] : undefined;
        problems.push(
          variable
            ? `${action.name} has the secret ${name} in the tenant, but this environment does not set ${variable}: the import would drop it. Set ${variable} to the value you want, or pass --reset ${name} to drop it`
            : `${action.name} has the secret ${name} in the tenant, which tenant.yaml does not send: the import would drop it. Pass --reset ${name} to drop it`,
        );
        continue;
      }
      const edited = time(secret.updated_at);
      const deployed = deployedAt(current.deployed_version, name);
      if (edited !== undefined && deployed !== undefined && edited > deployed) {
        if (options.overwrite.has(name)) {
          usedOverwrite.add(name);
          notes.push(`${action.name}: secret ${name}, changed in the tenant after the deployed version, will be overwritten (--overwrite)`);
          continue;
        }
        problems.push(
          `${action.name}: the secret ${name} was changed in the tenant at ${secret.updated_at}, after the deployed version ${current.deployed_version?.number ?? '?'} got it (a Dashboard edit): this deploy would overwrite it with this environment's value. Put the value you want in the environment and pass --overwrite ${name}`,
        );
      }
    }
  }
  for (const name of options.reset) {
    if (usedReset.has(name)) continue;
    if (actions.some((a) => (sent[a.name] ?? []).includes(name))) {
      problems.push(`--reset ${name}, but this deploy sends ${name} (its variable is set): unset it, or drop --reset ${name}`);
    } else {
      notes.push(`--reset ${name}: no Action of this deploy has that secret in the tenant; nothing to drop`);
    }
  }
  for (const name of options.overwrite) {
    if (!usedOverwrite.has(name)) notes.push(`--overwrite ${name}: no secret of that name was changed after its deployed version; nothing to confirm`);
  }
  return { problems, notes };
}
