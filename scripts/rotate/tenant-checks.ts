import type { Management } from 'auth0';
import { sha256, type CheckedBundle } from '../deploy/bundles';
import { checkSecrets } from '../deploy/secrets-check';
import { keywordsIn, type ActionSpec } from '../deploy/tenant-file';
import { KEY_VARIABLES, type KeyVariable } from './fauna-keys';

/**
 * What the tenant must hold before a rotation deploys anything. Secrets belong to an Action's
 * version, so new keys reach the Actions only as a new deployed version, built from the draft:
 * the rotation must change nothing but the key. So each Action must run exactly the bundle this
 * checkout built (its deployed code's sha256), and its draft must be its deployed version (same
 * code, runtime and dependencies; a draft whose only change is its FAUNA_SECRET is a rotation
 * that stopped mid-deploy, finished by this one). Every other secret passes deploy:tenant's own
 * check: none dropped, none edited in the tenant since the deployed version.
 */

/** The Action secret that holds the Fauna key, in both Actions. */
export const KEY_SECRET = 'FAUNA_SECRET';

/** Which key variable fills the Action's FAUNA_SECRET (tenant.yaml: `##FAUNA_SECRET##` or `##FAUNA_REVOKE_SECRET##`). */
export function keyVariableOf(action: ActionSpec): KeyVariable | undefined {
  const secret = action.secrets.find((s) => s.name === KEY_SECRET);
  const variable = secret ? keywordsIn(secret.value)[0] : undefined;
  return KEY_VARIABLES.find((v) => v === variable);
}

function draftDifferences(action: Management.Action): string[] {
  const deployed = action.deployed_version;
  if (deployed === undefined) return [];
  const differs: string[] = [];
  if (action.code !== deployed.code) differs.push('code');
  if (action.runtime !== deployed.runtime) differs.push('runtime');
  if (JSON.stringify(action.dependencies ?? []) !== JSON.stringify(deployed.dependencies ?? [])) differs.push('dependencies');
  return differs;
}

/**
 * A draft whose secrets were all written at one instant after the deployed version, of an Action
 * this rotation started importing (recorded on the new key just before): that is the import's
 * own write (an import sends the whole list), which a deploy failing after it left undeployed.
 */
function ownUndeployedImport(action: Management.Action | undefined, started: ReadonlySet<string>): boolean {
  if (!action?.name || !started.has(action.name)) return false;
  const times = new Set((action.secrets ?? []).map((s) => s.updated_at));
  return times.size === 1;
}

export interface TenantCheck {
  /** The tenant's state forbids a rotation now (missing, other build, draft changes). */
  readonly tenant: string[];
  /** Deploying would drop or overwrite another secret the tenant holds. */
  readonly secrets: string[];
  readonly notes: string[];
}

/** Why the rotation may not deploy these Actions; both lists empty when it may. */
export function tenantProblems(
  actions: readonly ActionSpec[],
  bundles: ReadonlyMap<string, CheckedBundle>,
  existing: readonly Management.Action[],
  sent: Readonly<Record<string, readonly string[]>>,
  startedImports: ReadonlySet<string> = new Set(),
): TenantCheck {
  const problems: string[] = [];
  const secrets: string[] = [];
  const notes: string[] = [];
  for (const spec of actions) {
    const action = existing.find((a) => a.name === spec.name);
    if (!action) {
      problems.push(`${spec.name} is not in the tenant: deploy it first (npm run deploy:tenant); a rotation only replaces keys`);
      continue;
    }
    const code = action.deployed_version?.code;
    if (code === undefined) {
      problems.push(`${spec.name} has no deployed version: deploy it first (npm run deploy:tenant)`);
      continue;
    }
    const build = bundles.get(spec.name);
    if (build && sha256(code) !== build.sha256) {
      problems.push(
        `${spec.name} runs code with sha256 ${sha256(code)}, but this checkout's ${build.file.replace(/.*\/dist\//, 'dist/')} is ${build.sha256}: a rotation changes only keys. Check out and build the commit that was deployed, or deploy this build first (npm run deploy:tenant)`,
      );
    }
    const differs = draftDifferences(action);
    if (differs.length > 0) {
      problems.push(
        `${spec.name}'s draft differs from its deployed version ${action.deployed_version?.number ?? '?'} (${differs.join(', ')}): a rotation would deploy those changes too. Deploy them (npm run deploy:tenant) or discard them in the Dashboard first`,
      );
    }
    // The key is this rotation's to overwrite; so is a whole list this rotation's own import wrote.
    const own = ownUndeployedImport(action, startedImports);
    if (own) notes.push(`${spec.name}: its draft holds the secrets this rotation's earlier import wrote, not deployed yet; deploying them now`);
    const overwrite = new Set(own ? spec.secrets.map((s) => s.name) : [KEY_SECRET]);
    const check = checkSecrets([spec], sent, existing, { reset: new Set(), overwrite });
    secrets.push(...check.problems.map((p) => `${p} (with npm run deploy:tenant, before rotating: rotate:keys changes nothing but the keys)`));
  }
  return { tenant: problems, secrets, notes };
}
