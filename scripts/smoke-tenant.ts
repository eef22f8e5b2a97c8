/**
 * npm run smoke:tenant [-- --event <file.json>] [-- --without-revocation]
 *
 * Checks, with the `auth0` SDK, that each Action of tenant.yaml exists, is built, has its draft
 * equal to its deployed version (Auth0's test endpoint runs the draft), runs on its runtime and
 * runs this checkout's build (sha256 of dist/), and is bound to its trigger; then test-runs
 * fauna-login for the user `auth0|auth0-fauna-smoke-test` (it mints one short-lived Fauna secret,
 * and creates that user's document on first run) and revoke-fauna-secrets for the same user,
 * which ends that login. One PASS/FAIL line per check; exits 1 on any failure.
 *
 * The credential (AUTH0_CLIENT_ID/SECRET) needs read:actions and create:actions, the scope that
 * also lets it deploy code: it is as strong as the deploy's (docs/deploy-and-operate.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sha256 } from './deploy/bundles';
import { DeployRefusedError } from './deploy/deploy-refused';
import { DEPLOY_CREDENTIAL, maskSecrets, readAuth0Credentials, readEnvironment, secretValues, type EnvBag } from './deploy/environment';
import { SMOKE_SCOPES, compareScopes } from './deploy/scopes';
import { DEFAULT_SMOKE_EVENT, claimName, formatResult, revokeEvent, runSmoke, smokeEvent } from './deploy/smoke';
import { LOGIN_ACTION, REPO_ROOT, REVOKE_ACTION, readTenantFile, type BindingSpec, type TriggerId } from './deploy/tenant-file';
import { connectManagementApi } from './deploy/tenant-state';

const USAGE = 'Usage: npm run smoke:tenant [-- --event <post-login-event.json>] [-- --without-revocation]';

/** This checkout's build of each Action, by sha256; undefined where dist/ has none. */
function localBuilds(names: readonly string[], code: (name: string) => string): Record<string, string | undefined> {
  const builds: Record<string, string | undefined> = {};
  for (const name of names) {
    const file = path.join(REPO_ROOT, code(name));
    builds[name] = fs.existsSync(file) ? sha256(fs.readFileSync(file, 'utf8')) : undefined;
  }
  return builds;
}

async function smoke(argv: readonly string[], env: EnvBag): Promise<number> {
  let values: { event?: string; 'without-revocation'?: boolean };
  try {
    values = parseArgs({ args: [...argv], options: { event: { type: 'string' }, 'without-revocation': { type: 'boolean' } }, strict: true }).values;
  } catch {
    console.error(USAGE);
    return 2;
  }
  const { credentials, problems } = readAuth0Credentials(env);
  if (!credentials) throw new DeployRefusedError('ERR_DEPLOY_SETTINGS', 'Cannot check the tenant: fix these variables', problems);
  const file = readTenantFile();
  const withoutRevocation = values['without-revocation'] === true;
  if (withoutRevocation) console.log(`WARNING --without-revocation: ${REVOKE_ACTION} is not checked; a password change revokes nothing unless it is bound.`);
  const actions = file.actions.filter((a) => !withoutRevocation || a.name !== REVOKE_ACTION);
  const names = new Set(actions.map((a) => a.name));
  const triggers: Partial<Record<TriggerId, readonly BindingSpec[]>> = {};
  for (const [trigger, list] of Object.entries(file.triggers) as [TriggerId, readonly BindingSpec[]][]) {
    const ours = list.filter((b) => names.has(b.action_name));
    if (ours.length > 0) triggers[trigger] = ours;
  }
  const loginEvent = JSON.parse(fs.readFileSync(values.event ? path.resolve(values.event) : DEFAULT_SMOKE_EVENT, 'utf8')) as Record<string, unknown>;
  console.log(`Checking ${credentials.domain}...`);
  const { client, scopes } = await connectManagementApi(credentials, DEPLOY_CREDENTIAL);
  for (const line of compareScopes(scopes, SMOKE_SCOPES, 'smoke:tenant').lines) console.log(line);
  const results = await runSmoke(client, {
    actions,
    triggers,
    builds: localBuilds([...names], (name) => actions.find((a) => a.name === name)?.code ?? ''),
    testRun: names.has(LOGIN_ACTION) ? { action: LOGIN_ACTION, event: smokeEvent(loginEvent, env), claimName: claimName(env) } : undefined,
    revokeRun: names.has(REVOKE_ACTION) ? { action: REVOKE_ACTION, event: revokeEvent(loginEvent) } : undefined,
  });
  for (const result of results) console.log(maskSecrets(formatResult(result), secretValues(env)));
  const failed = results.filter((r) => !r.ok).length;
  console.log(failed === 0 ? `All ${results.length} checks passed.` : `${failed} of ${results.length} checks failed.`);
  return failed === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const env = readEnvironment();
  try {
    return await smoke(argv, env);
  } catch (err) {
    const message = err instanceof DeployRefusedError ? `${err.code}: ${err.message}` : `Smoke check failed: ${(err as Error).message}`;
    console.error(maskSecrets(message, secretValues(env)));
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
