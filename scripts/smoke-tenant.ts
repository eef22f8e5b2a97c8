/**
 * npm run smoke:tenant [-- --event <file.json>]
 *
 * Checks, with the `auth0` SDK, that each Action of tenant.yaml (those whose source is in this
 * checkout) exists, is built and deployed on its runtime, and is bound to its trigger; then runs
 * fauna-login once through the Management API's test endpoint. One PASS/FAIL line per check;
 * exits 1 on any failure. The test run is real: it mints one short-lived Fauna secret for the
 * user `auth0|auth0-fauna-smoke-test` (and creates that user's document on first run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeployRefusedError } from './deploy/deploy-refused';
import { maskSecrets, readAuth0Credentials, readEnvironment, secretValues } from './deploy/environment';
import { claimName, formatResult, runSmoke, smokeEvent } from './deploy/smoke';
import { REPO_ROOT, readTenantFile, selectDeployable } from './deploy/tenant-file';
import { createManagementClient } from './deploy/tenant-state';

const LOGIN_ACTION = 'fauna-login';
const DEFAULT_EVENT = path.join(REPO_ROOT, 'scripts/fixtures/post-login-event.json');

function eventFile(argv: readonly string[]): string | undefined {
  if (argv.length === 0) return DEFAULT_EVENT;
  if (argv.length === 2 && argv[0] === '--event' && argv[1]) return path.resolve(argv[1]);
  return undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const file = eventFile(argv);
  if (!file) {
    console.error('Usage: npm run smoke:tenant [-- --event <post-login-event.json>]');
    return 2;
  }
  const env = readEnvironment(process.cwd(), process.env);
  try {
    const { credentials, problems } = readAuth0Credentials(env);
    if (!credentials) {
      throw new DeployRefusedError('ERR_DEPLOY_SETTINGS', 'Cannot check the tenant: fix these variables', problems);
    }
    const { actions, triggers } = selectDeployable(readTenantFile(), REPO_ROOT);
    const login = actions.some((a) => a.name === LOGIN_ACTION);
    console.log(`Checking ${credentials.domain}...`);
    const results = await runSmoke(createManagementClient(credentials), {
      actions,
      triggers,
      testRun: login ? { action: LOGIN_ACTION, event: smokeEvent(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>, env), claimName: claimName(env) } : undefined,
    });
    for (const result of results) console.log(maskSecrets(formatResult(result), secretValues(env)));
    const failed = results.filter((r) => !r.ok).length;
    console.log(failed === 0 ? `All ${results.length} checks passed.` : `${failed} of ${results.length} checks failed.`);
    return failed === 0 ? 0 : 1;
  } catch (err) {
    const message = err instanceof DeployRefusedError ? `${err.code}: ${err.message}` : `Smoke check failed: ${(err as Error).message}`;
    console.error(maskSecrets(message, secretValues(env)));
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
