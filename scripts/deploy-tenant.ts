/**
 * npm run deploy:tenant [-- --dry-run] [-- --skip-build]
 *
 * Builds the Actions, checks everything it can before any call to Auth0 (credentials, settings
 * with the Actions' own parser, tenant.yaml keywords, bundles), reads the tenant's current
 * Actions and trigger bindings with the `auth0` SDK, then imports with auth0-deploy-cli so that
 * every Action already bound to our triggers stays bound, in its order.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SettingName } from '../actions/lib/settings';
import { mergeBindings, readBackDifference } from './deploy/bindings';
import { checkBundle, type CheckedBundle } from './deploy/bundles';
import { DeployRefusedError } from './deploy/deploy-refused';
import {
  isSettingName,
  maskSecrets,
  readAuth0Credentials,
  readDeploySettings,
  readEnvironment,
  secretValues,
  type EnvBag,
} from './deploy/environment';
import { buildImportFile } from './deploy/import-file';
import { runImport } from './deploy/import';
import { describePlan, planActions, type BindingChange } from './deploy/plan';
import {
  REPO_ROOT,
  TENANT_FILE,
  keywordsIn,
  readTenantFile,
  selectDeployable,
  type BindingSpec,
  type TriggerId,
} from './deploy/tenant-file';
import { createManagementClient, listActions, listBindings, toBindingSpecs } from './deploy/tenant-state';

const USAGE = `Usage: npm run deploy:tenant -- [--dry-run] [--skip-build] [--tenant-file <file>]
  --dry-run             show what would change (read-only calls to Auth0), write nothing
  --skip-build          use dist/ as it is (for CI right after npm run build)
  --tenant-file <file>  another tenant file (its code: paths still resolve against the repository root)`;

interface Options {
  readonly dryRun: boolean;
  readonly skipBuild: boolean;
  readonly tenantFile: string;
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const options = { dryRun: false, skipBuild: false, tenantFile: TENANT_FILE };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--skip-build') options.skipBuild = true;
    else if (arg === '--tenant-file' && argv[i + 1]) options.tenantFile = path.resolve(argv[(i += 1)] ?? '');
    else return undefined;
  }
  return options;
}

function build(): void {
  console.log('Building the Actions (npm run build)...');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  } catch {
    throw new DeployRefusedError('ERR_DEPLOY_BUILD', 'Refusing to deploy: the build failed', [
      'npm run build exited with an error (see above); fix it and run again',
    ]);
  }
}

async function deployTenant(options: Options, env: EnvBag): Promise<void> {
  const tenantFile = readTenantFile(options.tenantFile);
  const { actions, triggers: ourTriggers, skipped } = selectDeployable(tenantFile, REPO_ROOT);
  for (const name of skipped) {
    console.log(`Skipping Action ${name}: actions/${name}/index.ts is not in this checkout.`);
  }

  // 1. Credentials and settings, validated by the Actions' own parser.
  const settingNames = [
    ...new Set(actions.flatMap((a) => a.secrets.flatMap((s) => keywordsIn(s.value))).filter(isSettingName)),
  ] as SettingName[];
  const credentials = readAuth0Credentials(env);
  const settings = readDeploySettings(env, settingNames);
  if (!credentials.credentials || !settings.settings) {
    throw new DeployRefusedError(
      'ERR_DEPLOY_SETTINGS',
      'Refusing to deploy: fix these variables (in the environment or .env); nothing was sent to Auth0',
      [...credentials.problems, ...settings.problems],
    );
  }
  const auth0 = credentials.credentials;
  const values = settings.settings;
  if (values.defaulted.length > 0) console.log(`Using the documented default for: ${values.defaulted.join(', ')}`);
  const loginKey = values.values.get('FAUNA_SECRET');
  if (loginKey !== undefined && loginKey === values.values.get('FAUNA_REVOKE_SECRET')) {
    console.log(
      "Note: FAUNA_SECRET and FAUNA_REVOKE_SECRET are the same key, so both Actions share it (the weaker choice: see \"The Actions' keys\" in docs/security-model.md).",
    );
  }
  if (values.omitted.length > 0) console.log(`Not set, so not sent (the Actions treat them as unset): ${values.omitted.join(', ')}`);

  // 2. Build, then 3. the bundles and the tenant file, still before any call to Auth0.
  if (!options.skipBuild) build();
  const bundles = new Map<string, CheckedBundle>();
  const bundleProblems: string[] = [];
  for (const action of actions) {
    const checked = checkBundle(REPO_ROOT, action, settingNames);
    bundleProblems.push(...checked.problems);
    if (checked.bundle) bundles.set(action.name, checked.bundle);
  }
  if (bundleProblems.length > 0) {
    throw new DeployRefusedError('ERR_DEPLOY_BUNDLE', 'Refusing to deploy; nothing was sent to Auth0', bundleProblems);
  }
  const precheck = buildImportFile(actions, ourTriggers, values);
  if (!precheck.file) {
    throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', 'Refusing to deploy; nothing was sent to Auth0', precheck.problems);
  }
  for (const bundle of bundles.values()) console.log(`${bundle.action}: ${bundle.bytes} bytes, "${bundle.header}"`);

  // 4. Read the tenant (read-only): its Actions and the current bindings of our triggers.
  console.log(`Reading Actions and trigger bindings from ${auth0.domain}...`);
  const client = createManagementClient(auth0);
  const existing = await listActions(client);
  const bindingChanges: BindingChange[] = [];
  const bindingProblems: string[] = [];
  for (const [trigger, ours] of Object.entries(ourTriggers) as [TriggerId, readonly BindingSpec[]][]) {
    const current = toBindingSpecs(trigger, await listBindings(client, trigger));
    bindingProblems.push(...current.problems);
    bindingChanges.push({ trigger, before: current.specs, ...mergeBindings(current.specs, ours) });
  }
  if (bindingProblems.length > 0) {
    throw new DeployRefusedError('ERR_DEPLOY_BINDINGS', 'Refusing to deploy: importing would unbind Actions', bindingProblems);
  }
  const merged = Object.fromEntries(bindingChanges.map((b) => [b.trigger, b.merged]));
  const importFile = buildImportFile(actions, merged, values);
  if (!importFile.file) {
    throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', 'Refusing to deploy; nothing was written', importFile.problems);
  }
  const declared = new Set(tenantFile.actions.map((a) => a.name));
  const plan = {
    domain: auth0.domain,
    actions: planActions(actions, bundles, existing, importFile.file.secretNames),
    bindings: bindingChanges,
    skipped,
    untouched: existing.map((a) => a.name ?? '').filter((n) => n !== '' && !declared.has(n)),
  };
  console.log(`${options.dryRun ? 'Dry run: would apply' : 'Applying'} to ${auth0.domain}:`);
  for (const line of describePlan(plan)) console.log(line);
  if (options.dryRun) {
    console.log('Dry run: nothing was written to the tenant.');
    return;
  }

  // 5. Import with auth0-deploy-cli from a generated tenant file (keywords in place, no values).
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-deploy-'));
  try {
    const inputFile = path.join(workDir, 'tenant.yaml');
    fs.writeFileSync(inputFile, importFile.file.text);
    console.log('Importing with auth0-deploy-cli (AUTH0_ALLOW_DELETE=false, only actions and triggers)...');
    console.log('deploy-cli lists the other Actions as "should be deleted": with deletes off, they are not.');
    await runImport({ credentials: auth0, inputFile, basePath: REPO_ROOT, mappings: importFile.file.mappings });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  // 6. Read the bindings back: every binding we meant to keep must be there, in order.
  const lost: string[] = [];
  for (const change of bindingChanges) {
    const now = toBindingSpecs(change.trigger, await listBindings(client, change.trigger));
    console.log(`Bindings now on ${change.trigger}: ${now.specs.map((b) => b.action_name).join(', ') || '(none)'}`);
    const difference = readBackDifference(change.trigger, change.merged, now);
    if (difference !== undefined) lost.push(difference);
  }
  if (lost.length > 0) {
    throw new DeployRefusedError('ERR_DEPLOY_BINDINGS', 'The import finished but the bindings differ from the plan', lost);
  }
  console.log('Deployed. Run npm run smoke:tenant to check the tenant.');
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv);
  if (!options) {
    console.error(USAGE);
    return argv.includes('--help') ? 0 : 2;
  }
  const env = readEnvironment(process.cwd(), process.env);
  try {
    await deployTenant(options, env);
    return 0;
  } catch (err) {
    if (err instanceof DeployRefusedError) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    // deploy-cli and SDK errors quote Auth0's answer; mask our secrets in case one is echoed.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`Deploy failed: ${maskSecrets(message, secretValues(env))}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
