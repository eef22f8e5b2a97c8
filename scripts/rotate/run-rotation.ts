import fs from 'node:fs';
import type { Management, ManagementClient } from 'auth0';
import { SettingsError } from '../../actions/lib/errors';
import type { FetchLike } from '../../actions/lib/fauna-client';
import type { SettingName } from '../../actions/lib/settings';
import { readAdminConnection } from '../../fauna/admin-connection';
import { checkBundles, checkoutHead, type CheckedBundle } from '../deploy/bundles';
import { deployOneAction } from '../deploy/deploy-action';
import { DeployRefusedError, failureText } from '../deploy/deploy-refused';
import {
  DEPLOY_CREDENTIAL,
  isSettingName,
  readAuth0Credentials,
  readDeploySettings,
  type Auth0Credentials,
  type DeploySettings,
  type EnvBag,
} from '../deploy/environment';
import { LOGIN_PREFLIGHT, REVOKE_PREFLIGHT, runPreflight } from '../deploy/fauna-preflight';
import { buildImportFile } from '../deploy/import-file';
import { deployWithDeployCli, type ActionDeployer } from '../deploy/import';
import { ROTATE_SCOPES, compareScopes } from '../deploy/scopes';
import { DEFAULT_SMOKE_EVENT, claimName, formatResult, revokeEvent, runSmoke, smokeEvent } from '../deploy/smoke';
import { LOGIN_ACTION, REPO_ROOT, REVOKE_ACTION, keywordsIn, readTenantFile, selectDeployable, type ActionSpec } from '../deploy/tenant-file';
import { connectManagementApi, listActions } from '../deploy/tenant-state';
import { envFilePermissionWarning } from '../environment';
import { KeyFileError, discardKeyFile, openKeyFile, readKeyFile, writeKeyFile, type KeyFileEntry, type OpenKeyFile } from '../key-file';
import { RotationError } from './errors';
import { RotationFauna, roleLabel, type KeyVariable, type NewKeySpec } from './fauna-keys';
import { KEY_FILE_HEADING, deriveSlots, describeSlot, type KeyFileContents, type KeySlot, type NewKey } from './key-slots';
import { USAGE, parseRotateOptions, type RotateOptions } from './options';
import { keyVariableOf, tenantProblems } from './tenant-checks';
import { runMaskedCommand } from '../masked-command';

/**
 * npm run rotate:keys: new Action keys with the same roles, deployed through deploy:tenant's own
 * path, proven, and the old keys deleted only once nothing can still run with them. Every step
 * is derived from what Fauna and the tenant hold (the keys' `data` tags, the deployed versions)
 * and the key file, so running it again after any failure resumes where it stopped.
 */

/** The largest FAUNA_TIMEOUT_MS an Action accepts (actions/lib/settings.ts): the old version's value cannot be read back. */
export const LONGEST_FAUNA_BUDGET_MS = 9_000;
const POLL_INTERVAL_MS = 5_000;

export interface RotationDependencies {
  readonly env: EnvBag;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** The checkout: tenant.yaml's code: paths and actions/ (default the repository root). */
  readonly root?: string;
  readonly gitHead?: () => string | undefined;
  readonly deployAction?: ActionDeployer;
  readonly faunaFetch?: FetchLike;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Harnesses only (tests, the soak's baselines): the wait before deleting, instead of 9 s + the margin. */
  readonly waitMs?: number;
  readonly pollIntervalMs?: number;
  readonly rotationId?: () => string;
}

interface Context {
  readonly options: RotateOptions;
  readonly deps: RotationDependencies;
  readonly root: string;
  /** Every value to mask: the environment's secrets, then each new key's as it is known. */
  readonly secrets: string[];
  readonly say: (line: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Everything checked before the first write. */
interface Checked {
  readonly credentials: Auth0Credentials;
  readonly settings: DeploySettings;
  readonly names: readonly SettingName[];
  readonly endpoint: string;
  /** Revocation first, as deploy:tenant deploys them. */
  readonly actions: readonly ActionSpec[];
  readonly bundles: ReadonlyMap<string, CheckedBundle>;
  readonly fauna: RotationFauna;
  readonly client: ManagementClient;
  readonly keyFile: KeyFileContents | undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function defaultRotationId(now: number): string {
  return `r${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

function command(ctx: Context): string {
  return `npm run rotate:keys -- ${ctx.options.rerunArgs.join(' ')}`;
}

function slotOf(slots: readonly KeySlot[], variable: KeyVariable | undefined): KeySlot | undefined {
  return slots.find((s) => variable !== undefined && s.variables.includes(variable));
}

// ---- checks, before any write -------------------------------------------------------------------

function readInputs(ctx: Context): { credentials: Auth0Credentials; settings: DeploySettings; names: SettingName[]; endpoint: string; adminSecret: string; actions: ActionSpec[] } {
  const { actions: deployable, skipped } = selectDeployable(readTenantFile(), ctx.root);
  if (skipped.length > 0) {
    throw new RotationError('ERR_ROTATE_TENANT', 'Refusing to rotate: tenant.yaml declares Actions this checkout lacks', [
      `${skipped.join(', ')}: not in actions/; a rotation must give every Action its new key before the old one is deleted`,
    ]);
  }
  const order = (a: ActionSpec) => (a.name === REVOKE_ACTION ? 0 : a.name === LOGIN_ACTION ? 1 : 2);
  const actions = deployable.filter((a) => keyVariableOf(a) !== undefined).sort((a, b) => order(a) - order(b));
  const names = [...new Set(actions.flatMap((a) => a.secrets.flatMap((s) => keywordsIn(s.value))).filter(isSettingName))] as SettingName[];
  const credentials = readAuth0Credentials(ctx.deps.env);
  const settings = readDeploySettings(ctx.deps.env, names);
  const problems = [...credentials.problems, ...settings.problems];
  let admin: { faunaEndpoint: string; faunaSecret: string } | undefined;
  try {
    admin = readAdminConnection(ctx.deps.env);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    problems.push(...err.problems.filter((p) => p.setting === 'FAUNA_ADMIN_SECRET').map((p) => `${p.message} (rotate:keys creates and deletes keys)`));
  }
  const endpoint = settings.settings?.values.get('FAUNA_ENDPOINT');
  if (problems.length > 0 || !credentials.credentials || !settings.settings || !admin || endpoint === undefined) {
    throw new RotationError('ERR_ROTATE_SETTINGS', 'Refusing to rotate: fix these variables (in the environment or .env); nothing was changed', problems.length > 0 ? problems : ['FAUNA_ENDPOINT is missing']);
  }
  return { credentials: credentials.credentials, settings: settings.settings, names, endpoint, adminSecret: admin.faunaSecret, actions };
}

function checkBuiltBundles(ctx: Context, actions: readonly ActionSpec[], names: readonly string[]): ReadonlyMap<string, CheckedBundle> {
  const { bundles, problems, provenance } = checkBundles(ctx.root, actions, names, (ctx.deps.gitHead ?? (() => checkoutHead(ctx.root)))());
  if (problems.length > 0) throw new RotationError('ERR_ROTATE_TENANT', 'Refusing to rotate: the bundles to deploy are not usable; nothing was changed', problems);
  for (const bundle of bundles.values()) ctx.say(`${bundle.action}: ${bundle.bytes} bytes, sha256 ${bundle.sha256}, "${bundle.header}"`);
  if (provenance.length > 0) {
    if (!ctx.options.allowDirty) throw new RotationError('ERR_ROTATE_PROVENANCE', 'Refusing to rotate with a build that is not this commit', provenance);
    for (const p of provenance) ctx.say(`Going on anyway (--allow-dirty): ${p}`);
  }
  return bundles;
}

function readExistingKeyFile(ctx: Context): KeyFileContents | undefined {
  const file = ctx.options.keyFile;
  if (file === undefined || !fs.existsSync(file)) return undefined;
  const open = envFilePermissionWarning(file);
  if (open !== undefined) ctx.deps.err(open);
  const read = readKeyFile(file);
  for (const value of Object.values(read.values)) ctx.secrets.push(value);
  return { path: ctx.options.keyFileArg ?? file, ...read };
}

async function checkEverything(ctx: Context): Promise<{ checked: Checked; slots: KeySlot[]; existing: Management.Action[] }> {
  const inputs = readInputs(ctx);
  const bundles = checkBuiltBundles(ctx, inputs.actions, inputs.names);
  const fauna = new RotationFauna({ endpoint: inputs.endpoint, adminSecret: inputs.adminSecret, fetch: ctx.deps.faunaFetch ?? globalThis.fetch });
  const keyFile = readExistingKeyFile(ctx);
  ctx.say(`Reading the keys at ${inputs.endpoint}${keyFile ? ` and ${keyFile.path}` : ''}...`);
  const slots = await deriveSlots(fauna, ctx.deps.env, keyFile);
  for (const slot of slots) if (slot.new) ctx.secrets.push(slot.new.secret);
  for (const action of inputs.actions) {
    if (!slotOf(slots, keyVariableOf(action))) {
      throw new RotationError('ERR_ROTATE_SETTINGS', `Refusing to rotate: ${action.name}'s key variable is not set`, [`set ${keyVariableOf(action)} to the key ${action.name} runs with now`]);
    }
  }
  for (const slot of slots) for (const line of describeSlot(slot)) ctx.say(line);

  ctx.say(`Reading Actions from ${inputs.credentials.domain}...`);
  const { client, scopes } = await connectManagementApi(inputs.credentials, DEPLOY_CREDENTIAL);
  const scopeReport = compareScopes(scopes, ROTATE_SCOPES, 'rotate:keys');
  for (const line of scopeReport.lines) ctx.say(line);
  if (scopeReport.missing.length > 0) {
    throw new RotationError(
      'ERR_ROTATE_SCOPES',
      `Refusing to rotate: the Management API application (${DEPLOY_CREDENTIAL.clientId}) lacks scopes`,
      scopeReport.missing.map((use) => `${use.scope}: ${use.usedFor}; grant it in Applications > APIs > Auth0 Management API > Machine to Machine Applications`),
    );
  }
  const existing = await listActions(client);
  const file = buildImportFile(inputs.actions, undefined, inputs.settings);
  if (!file.file) throw new RotationError('ERR_ROTATE_SETTINGS', 'Refusing to rotate: the settings cannot pass through tenant.yaml', file.problems);
  const started = new Set(slots.flatMap((slot) => slot.new?.doc.rotation?.deploying ?? []));
  const problems = tenantProblems(inputs.actions, bundles, existing, file.file.secretNames, started);
  for (const note of problems.notes) ctx.say(note);
  if (problems.tenant.length > 0) throw new RotationError('ERR_ROTATE_TENANT', 'Refusing to rotate: the tenant must run this build, with no undeployed changes; nothing was changed', problems.tenant);
  if (problems.secrets.length > 0) throw new RotationError('ERR_ROTATE_SECRETS', 'Refusing to rotate: deploying would change other secrets the tenant holds; nothing was changed', problems.secrets);
  return { checked: { ...inputs, bundles, fauna, client, keyFile }, slots, existing };
}

// ---- the plan ---------------------------------------------------------------------------------

function waitMs(ctx: Context): number {
  return ctx.deps.waitMs ?? LONGEST_FAUNA_BUDGET_MS + ctx.options.marginSeconds * 1000;
}

function deployedHoldsNew(slot: KeySlot | undefined, action: Management.Action | undefined): boolean {
  const version = action?.deployed_version?.number;
  return slot?.new !== undefined && version !== undefined && slot.new.doc.rotation?.deployed[action?.name ?? ''] === version;
}

function describePlan(ctx: Context, checked: Checked, slots: readonly KeySlot[], existing: readonly Management.Action[]): string[] {
  const lines = ['Plan:'];
  const creating = slots.filter((s) => !s.new);
  lines.push(
    creating.length === 0
      ? '  1. new keys: already made (above)'
      : `  1. create ${creating.map((s) => `a key for ${s.variables.join(' and ')} (role ${s.old.doc ? roleLabel(s.old.doc) : '?'})`).join(', ')}; their secrets go to ${ctx.options.keyFileArg ?? '(--key-file)'} (mode 600), never to this output`,
  );
  lines.push('  2. the Fauna preflight with each new key (it may call its function): nothing is deployed otherwise');
  const deploys = checked.actions.map((a) => {
    const slot = slotOf(slots, keyVariableOf(a));
    const current = existing.find((e) => e.name === a.name);
    return deployedHoldsNew(slot, current)
      ? `${a.name} (done: deployed version ${current?.deployed_version?.number} holds the new key)`
      : `${a.name} with ${keyVariableOf(a)}'s new key (one auth0-deploy-cli import, the same code: sha256 ${checked.bundles.get(a.name)?.sha256})`;
  });
  lines.push(`  3. deploy ${deploys.join(', then ')}`);
  lines.push(`  4. test-run the deployed Actions with the new keys (as smoke:tenant: fauna-login as the smoke user, then revoke-fauna-secrets)`);
  const seconds = Math.round(waitMs(ctx) / 1000);
  lines.push(`  5. wait ${seconds} s for executions still running on the old versions (the Actions' longest Fauna budget, ${LONGEST_FAUNA_BUDGET_MS / 1000} s, plus a ${ctx.options.marginSeconds} s margin)`);
  const doomed = slots.flatMap((s) => [...(s.old.doc ? [s.old.id] : []), ...s.abandoned.map((k) => k.id)]);
  lines.push(`  6. read the tenant again (no deploy since may have put an old key back), then delete key(s) ${doomed.join(', ') || '(none left)'}`);
  lines.push(`  7. wait until Fauna refuses each old key (401), up to ${ctx.options.refusalTimeoutSeconds} s (its key cache)`);
  return lines;
}

// ---- the steps --------------------------------------------------------------------------------

function keyFileEntries(created: readonly { slot: KeySlot; id: string; secret: string }[], actions: readonly ActionSpec[]): KeyFileEntry[] {
  return created.flatMap(({ slot, id, secret }) =>
    slot.variables.map((name) => ({
      name,
      value: secret,
      comment: `key ${id}, role ${slot.old.doc ? roleLabel(slot.old.doc) : '?'}, replaces key ${slot.old.id}; for ${actions.filter((a) => slot.variables.includes(keyVariableOf(a) as KeyVariable)).map((a) => a.name).join(', ') || 'the Actions'}`,
    })),
  );
}

/** Step 1: the missing new keys, their secrets straight into the key file (opened before they exist). */
async function createKeys(ctx: Context, checked: Checked, slots: KeySlot[], file: OpenKeyFile | undefined): Promise<KeySlot[]> {
  const missing = slots.filter((s) => !s.new);
  if (missing.length === 0 || file === undefined) return slots;
  const rotationId = (ctx.deps.rotationId ?? (() => defaultRotationId(ctx.now())))();
  let created: { id: string; secret: string }[];
  try {
    const specs: NewKeySpec[] = missing.map((slot) => ({
      role: slot.old.doc?.role,
      replaces: slot.old.id,
      variables: slot.variables,
      usedBy: checked.actions.filter((a) => slot.variables.includes(keyVariableOf(a) as KeyVariable)).map((a) => a.name).join(' and '),
    }));
    created = await checked.fauna.create(rotationId, specs);
  } catch (err) {
    discardKeyFile(file);
    throw err;
  }
  for (const key of created) ctx.secrets.push(key.secret);
  const pairs = missing.map((slot, i) => ({ slot, id: created[i]?.id ?? '?', secret: created[i]?.secret ?? '' }));
  try {
    writeKeyFile(
      file,
      keyFileEntries(pairs, checked.actions),
      `${KEY_FILE_HEADING} at ${new Date(ctx.now()).toISOString()} (rotation ${rotationId}). Keep it private; once the rotation is done, put these values in .env or your secret store, then delete this file.`,
    );
  } catch (err) {
    throw new RotationError('ERR_ROTATE_KEY_FILE', `The new key(s) ${created.map((k) => k.id).join(', ')} were created but their secrets could not be saved`, [
      `${err instanceof KeyFileError ? err.message : failureText(err)}; they are useless without their secret: run again with a new --key-file (a new rotation deletes them with the old keys)`,
    ]);
  }
  for (const { slot, id } of pairs) ctx.say(`Created key ${id} for ${slot.variables.join(' and ')} (role ${slot.old.doc ? roleLabel(slot.old.doc) : '?'}, rotation ${rotationId}); its secret is in ${ctx.options.keyFileArg} (mode 600), not shown here.`);
  const next: KeySlot[] = [];
  for (const slot of slots) {
    const made = pairs.find((p) => p.slot === slot);
    if (!made) {
      next.push(slot);
      continue;
    }
    const doc = await checked.fauna.key(made.id);
    if (!doc) throw new RotationError('ERR_ROTATE_FAUNA', `The new key ${made.id} cannot be read back`, ['run again: the rotation resumes from its key file']);
    const key: NewKey = { id: made.id, secret: made.secret, doc, source: 'key file' };
    next.push({ ...slot, new: key });
  }
  return next;
}

/** Step 2: each new key may call its Action's function, before any Action gets it. */
async function preflightNewKeys(ctx: Context, checked: Checked, slots: readonly KeySlot[]): Promise<void> {
  const problems: string[] = [];
  for (const slot of slots) {
    for (const variable of slot.variables) {
      const check = variable === 'FAUNA_SECRET' ? LOGIN_PREFLIGHT : REVOKE_PREFLIGHT;
      const result = await runPreflight(check, { endpoint: checked.endpoint, secret: slot.new?.secret ?? '', fetch: ctx.deps.faunaFetch });
      if (result.ok) ctx.say(`New key ${slot.new?.id} (${variable}): ${result.detail}`);
      else problems.push(`new key ${slot.new?.id} (${variable}): ${result.problem.replace(/\bFAUNA_(REVOKE_)?SECRET \(([^)]*)'s key\)/, `the new key for $2`)}`);
    }
  }
  if (problems.length > 0) throw new RotationError('ERR_ROTATE_NEW_KEY', 'A new key failed the Fauna preflight; nothing was deployed', problems);
}

/** Step 3: each Action's new version with its new key, through deploy:tenant's own path. */
async function deployNewKeys(ctx: Context, checked: Checked, slots: KeySlot[]): Promise<{ slots: KeySlot[]; deployed: number }> {
  const withNewKeys: Record<string, string | undefined> = { ...ctx.deps.env };
  for (const slot of slots) for (const variable of slot.variables) withNewKeys[variable] = slot.new?.secret;
  const settings = readDeploySettings(withNewKeys, checked.names);
  if (!settings.settings) throw new RotationError('ERR_ROTATE_SETTINGS', 'The new keys do not pass the Actions\' own settings check', settings.problems);
  let deployed = 0;
  let current = slots;
  for (const action of checked.actions) {
    const variable = keyVariableOf(action);
    const slot = slotOf(current, variable);
    if (!slot?.new) continue;
    const inTenant = (await listActions(checked.client)).find((a) => a.name === action.name);
    if (deployedHoldsNew(slot, inTenant)) {
      ctx.say(`${action.name}: deployed version ${inTenant?.deployed_version?.number} already holds the new key (recorded on key ${slot.new.id}); not deployed again.`);
      continue;
    }
    if (!slot.new.doc.rotation?.deploying.includes(action.name)) await checked.fauna.recordDeploying(slot.new.id, action.name);
    ctx.say(`Deploying ${action.name} with ${variable}'s new key (one auth0-deploy-cli import; only its secrets change)...`);
    const result = await deployOneAction({
      client: checked.client,
      credentials: checked.credentials,
      action,
      bundle: checked.bundles.get(action.name),
      settings: settings.settings,
      basePath: ctx.root,
      secrets: ctx.secrets,
      deployer: ctx.deps.deployAction ?? deployWithDeployCli,
    });
    deployed += 1;
    ctx.say(`${action.name}: deployed version ${result.version ?? '?'}, sha256 ${result.sha256 ?? '(none)'}, holding key ${slot.new.id}.`);
    if (result.version === undefined) throw new RotationError('ERR_ROTATE_DEPLOY', `${action.name}'s new version has no number to record`, ['run again: it deploys once more and records it']);
    await checked.fauna.recordDeployed(slot.new.id, action.name, result.version);
    const doc = await checked.fauna.key(slot.new.id);
    if (!doc) throw new RotationError('ERR_ROTATE_FAUNA', `The new key ${slot.new.id} is gone`, ['someone deleted it during the rotation: the Actions holding it fail their logins; run again with a new --key-file at once']);
    const updated: KeySlot = { ...slot, new: { ...slot.new, doc } };
    current = current.map((s) => (s === slot ? updated : s));
  }
  return { slots: current, deployed };
}

/** Step 4: the deployed Actions, run on Auth0 with the new keys (the draft is the deployed version). */
async function proveDeployed(ctx: Context, checked: Checked): Promise<void> {
  const event = JSON.parse(fs.readFileSync(ctx.options.event ?? DEFAULT_SMOKE_EVENT, 'utf8')) as Record<string, unknown>;
  const names = new Set(checked.actions.map((a) => a.name));
  const results = await runSmoke(checked.client, {
    actions: checked.actions,
    triggers: {},
    builds: Object.fromEntries([...checked.bundles].map(([name, bundle]) => [name, bundle.sha256])),
    testRun: names.has(LOGIN_ACTION) ? { action: LOGIN_ACTION, event: smokeEvent(event, ctx.deps.env), claimName: claimName(ctx.deps.env) } : undefined,
    revokeRun: names.has(REVOKE_ACTION) ? { action: REVOKE_ACTION, event: revokeEvent(event) } : undefined,
  });
  for (const result of results) ctx.say(formatResult(result));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    throw new RotationError('ERR_ROTATE_PROOF', 'The deployed Actions did not pass their test run with the new keys; no key was deleted', failed.map((r) => `${r.check}: ${r.detail ?? 'failed'}`));
  }
}

/** Step 6: nothing deployed since may hold an old key; re-read just before deleting. */
async function checkNotRedeployed(checked: Checked, slots: readonly KeySlot[]): Promise<void> {
  const existing = await listActions(checked.client);
  const problems: string[] = [];
  for (const action of checked.actions) {
    const slot = slotOf(slots, keyVariableOf(action));
    if (!slot?.new) continue;
    const doc = await checked.fauna.key(slot.new.id);
    const recorded = doc?.rotation?.deployed[action.name];
    const now = existing.find((a) => a.name === action.name)?.deployed_version?.number;
    if (recorded === undefined || now !== recorded) {
      problems.push(
        `${action.name} now runs version ${now ?? '(none)'}, not version ${recorded ?? '?'} that this rotation deployed with the new key: a deploy since (deploy:tenant from an environment that still holds the old keys?) may have put an old key back. Put the new values from the key file into that environment, then run rotate:keys again: it deploys the new key again`,
      );
    }
  }
  if (problems.length > 0) throw new RotationError('ERR_ROTATE_REDEPLOYED', 'Not deleting the old keys: an Action was deployed again during the wait', problems);
}

/** Step 7: until Fauna refuses each old secret we hold (its key cache may keep one for a while). */
async function awaitRefusal(ctx: Context, checked: Checked, slots: readonly KeySlot[]): Promise<void> {
  const started = ctx.now();
  const deadline = started + ctx.options.refusalTimeoutSeconds * 1000;
  const interval = ctx.deps.pollIntervalMs ?? POLL_INTERVAL_MS;
  for (const slot of slots) {
    const label = `${slot.variables.join(' and ')}'s old key ${slot.old.id}`;
    if (slot.old.secret === undefined) {
      const still = await checked.fauna.key(slot.old.id);
      ctx.say(still ? `${label} still exists` : `${label} is deleted (its secret is not in this environment to check for 401)`);
      continue;
    }
    for (;;) {
      if (!(await checked.fauna.accepts(slot.old.secret))) {
        const waited = Math.round((ctx.now() - started) / 1000);
        ctx.say(`Fauna refuses ${label} (401)${waited > 0 ? `, after ${waited} s` : ''}.`);
        break;
      }
      if (ctx.now() >= deadline) {
        throw new RotationError('ERR_ROTATE_STILL_ACCEPTED', `Fauna still accepts ${label} ${ctx.options.refusalTimeoutSeconds} s after it was deleted`, [
          `the key is deleted, but a node's key cache still holds it (the core refreshes it every cache_key_ttl_seconds, 60 s by default). Run ${command(ctx)} again later to check, or restart the Fauna nodes to clear their caches`,
        ]);
      }
      await ctx.sleep(Math.min(interval, Math.max(0, deadline - ctx.now())));
    }
  }
}

// ---- reports ----------------------------------------------------------------------------------

/** What Fauna and the tenant hold now, what that means, and what to run: after a failure, and at the end. */
async function describeState(ctx: Context, checked: Checked, slots: readonly KeySlot[]): Promise<string[]> {
  const lines = ['What Fauna and the tenant hold now (read back):'];
  const existing = await listActions(checked.client);
  const live = new Map<string, boolean>();
  for (const slot of slots) {
    const ids = [slot.old.id, ...(slot.new ? [slot.new.id] : [])];
    for (const id of ids) live.set(id, (await checked.fauna.key(id)) !== undefined);
    const newDoc = slot.new ? await checked.fauna.key(slot.new.id) : undefined;
    const updated: KeySlot = slot.new && newDoc ? { ...slot, new: { ...slot.new, doc: newDoc } } : slot;
    lines.push(
      `  ${slot.variables.join(' and ')}: old key ${slot.old.id} ${live.get(slot.old.id) ? 'live' : 'deleted'}; ${slot.new ? `new key ${slot.new.id} ${live.get(slot.new.id) ? 'live' : 'DELETED'} (its secret in the ${slot.new.source})` : 'no new key yet'}`,
    );
    for (const action of checked.actions.filter((a) => slot.variables.includes(keyVariableOf(a) as KeyVariable))) {
      const inTenant = existing.find((a) => a.name === action.name);
      const holdsNew = deployedHoldsNew(updated, inTenant);
      const version = inTenant?.deployed_version?.number;
      lines.push(`  ${action.name}: deployed version ${version ?? '(none)'}, ${holdsNew ? 'holding the new key' : `holding the old key (not a version this rotation deployed)`}`);
      if (!holdsNew && !live.get(slot.old.id)) {
        lines.push(`  BROKEN: ${action.name} holds a deleted key, so it fails every run: run ${command(ctx)} now (it deploys the new key)`);
      }
    }
  }
  const oldLive = slots.every((s) => live.get(s.old.id));
  lines.push('What that means:');
  lines.push(oldLive ? '  The old keys are live: whatever each Action holds works; logins are not affected.' : '  The old keys are deleted; the Actions run the new keys.');
  return lines;
}

async function stopped(ctx: Context, checked: Checked, slots: readonly KeySlot[], step: string, err: unknown): Promise<never> {
  ctx.say(`The rotation stopped while ${step}.`);
  try {
    for (const line of await describeState(ctx, checked, slots)) ctx.say(line);
  } catch (readErr) {
    ctx.say(`Could not read Fauna and the tenant back (${readErr instanceof RotationError ? readErr.message.split('\n')[0] : failureText(readErr)}): check Actions > Library in the Dashboard and the keys with npm run setup:fauna -- --dry-run --create-action-key.`);
  }
  ctx.say(`To go on (it resumes from what Fauna and the tenant hold): ${command(ctx)}`);
  const nothingDeployed = slots.every((s) => s.new === undefined || Object.keys(s.new.doc.rotation?.deployed ?? {}).length === 0);
  if (nothingDeployed && slots.some((s) => s.new)) {
    ctx.say(`To give up instead: delete the new key(s) ${slots.flatMap((s) => (s.new ? [s.new.id] : [])).join(', ')} (docs/deploy-and-operate.md, "Delete old Fauna keys") and ${ctx.options.keyFileArg}; nothing else changed.`);
  } else if (step.startsWith('test-running')) {
    ctx.say('To go back to the old keys at once (they are live): npm run deploy:tenant, with .env still holding them.');
  }
  if (err instanceof RotationError) throw err;
  if (err instanceof DeployRefusedError) throw new RotationError('ERR_ROTATE_DEPLOY', `The rotation stopped while ${step}`, [`${err.code}: ${err.problems.join('; ')}`]);
  throw new RotationError(step.startsWith('deploying') ? 'ERR_ROTATE_DEPLOY' : 'ERR_ROTATE_FAUNA', `The rotation stopped while ${step}`, [failureText(err)]);
}

// ---- the run ----------------------------------------------------------------------------------

async function rotate(ctx: Context): Promise<number> {
  const { checked, slots: found, existing } = await checkEverything(ctx);
  for (const line of describePlan(ctx, checked, found, existing)) ctx.say(line);
  if (ctx.options.dryRun) {
    ctx.say('Dry run: nothing was created, deployed or deleted.');
    return 0;
  }
  let slots = found;
  // Created before any key exists: a path that cannot be written costs no key (ERR_KEY_FILE_*).
  const file = slots.some((s) => !s.new) ? openKeyFile(ctx.options.keyFile as string) : undefined;
  let step = 'creating the new keys';
  try {
    slots = await createKeys(ctx, checked, slots, file);
    step = 'checking the new keys with the Fauna preflight';
    await preflightNewKeys(ctx, checked, slots);
    step = 'deploying the Actions with the new keys';
    const deployed = await deployNewKeys(ctx, checked, slots);
    slots = deployed.slots;
    const doomed = slots.flatMap((s) => [...(s.old.doc ? [s.old.id] : []), ...s.abandoned.map((k) => k.id)]);
    if (doomed.length > 0 || deployed.deployed > 0) {
      step = 'test-running the deployed Actions with the new keys';
      await proveDeployed(ctx, checked);
    }
    if (doomed.length > 0) {
      const wait = waitMs(ctx);
      step = 'waiting for executions still on the old versions';
      ctx.say(`Waiting ${Math.round(wait / 1000)} s, until ${new Date(ctx.now() + wait).toISOString()}, for executions still running on the old versions; Ctrl-C is safe (run again to resume).`);
      await ctx.sleep(wait);
      step = 'reading the tenant again before deleting';
      await checkNotRedeployed(checked, slots);
      step = `deleting key(s) ${doomed.join(', ')}`;
      const deleted = await checked.fauna.delete(doomed);
      ctx.say(`Deleted key(s) ${deleted.join(', ') || '(none: already gone)'}.`);
    }
    step = 'waiting for Fauna to refuse the old keys';
    ctx.say(`Waiting for Fauna to refuse the old keys (401), up to ${ctx.options.refusalTimeoutSeconds} s: the core caches keys for a while.`);
    await awaitRefusal(ctx, checked, slots);
  } catch (err) {
    return stopped(ctx, checked, slots, step, err);
  }
  for (const line of await describeState(ctx, checked, slots)) ctx.say(line);
  ctx.say(`Rotated. The new secrets are in ${ctx.options.keyFileArg ?? 'the environment'} (mode 600): ${slots.map((s) => `${s.variables.join(' and ')} = key ${s.new?.id}`).join(', ')}.`);
  ctx.say(
    'Now put them in .env and every secret store that deploys (CI), then delete that file. Until then npm run deploy:tenant refuses (its Fauna preflight gets 401 for the old keys), so it cannot deploy them back; revoke:user needs the new FAUNA_REVOKE_SECRET too.',
  );
  return 0;
}

/** npm run rotate:keys; resolves to the exit code (0 rotated or a clean dry run, 1 refused or stopped, 2 bad usage). */
export async function runRotation(argv: readonly string[], deps: RotationDependencies): Promise<number> {
  return runMaskedCommand({
    argv,
    parse: parseRotateOptions,
    usage: USAGE,
    io: deps,
    run: (options, output) =>
      rotate({ options, deps, root: deps.root ?? REPO_ROOT, ...output, now: deps.now ?? Date.now, sleep: deps.sleep ?? realSleep }),
    failureLine: (err) => {
      if (err instanceof RotationError || err instanceof DeployRefusedError) return `${err.code}: ${err.message}`;
      if (err instanceof KeyFileError) return `${err.code}: ${err.message}. Nothing was created.`;
      return `Rotation failed: ${failureText(err)}`;
    },
  });
}
