import type { TenantSeed } from './support/fake-tenant';
import { deployInProcess } from './support/deploy-in-process';
import { CREDENTIALS, LOGIN_SECRET_NAMES, REVOKE_SECRET_NAMES, SETTINGS_ENV } from './support/deploy-env';

/**
 * No silent resets. The import replaces an Action's whole secrets list and the API never returns a
 * value, so the deploy compares names and `updated_at` before any write: a secret the tenant has
 * that this environment would not send stops it (`--reset NAME` drops it on purpose), and a
 * secret edited in the tenant after the deployed version stops it (`--overwrite NAME`).
 */
const ARGS = ['--skip-build', '--allow-dirty'];
const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

function tenant(login: string[], revoke: string[] = REVOKE_SECRET_NAMES, edited: string[] = []): TenantSeed {
  return {
    actions: [
      { name: 'fauna-login', supported_triggers: postLogin, secrets: login, secretsEditedAfterDeploy: edited },
      { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, secrets: revoke },
    ],
    bindings: { 'post-login': [{ action_name: 'fauna-login' }], 'post-change-password': [{ action_name: 'revoke-fauna-secrets' }] },
  };
}

describe('a secret the tenant has and this environment does not set', () => {
  const seed = tenant([...LOGIN_SECRET_NAMES, 'FAUNA_SECRET_TTL'], [...REVOKE_SECRET_NAMES, 'FAUNA_TIMEOUT_MS']);

  it('stops the deploy before any write, naming each Action, secret and variable', async () => {
    const run = await deployInProcess(ARGS, { seed });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'ERR_DEPLOY_SECRETS: Refusing to deploy: the import would silently change secrets the tenant holds:\n' +
        '  - revoke-fauna-secrets has the secret FAUNA_TIMEOUT_MS in the tenant, but this environment does not set FAUNA_TIMEOUT_MS: the import would drop it. Set FAUNA_TIMEOUT_MS to the value you want, or pass --reset FAUNA_TIMEOUT_MS to drop it\n' +
        '  - fauna-login has the secret FAUNA_SECRET_TTL in the tenant, but this environment does not set FAUNA_SECRET_TTL: the import would drop it. Set FAUNA_SECRET_TTL to the value you want, or pass --reset FAUNA_SECRET_TTL to drop it',
    );
    expect(run.tenant.writes()).toEqual([]);
  });

  it('goes ahead when the variables are set, sending them', async () => {
    const env = { ...CREDENTIALS, ...SETTINGS_ENV, FAUNA_SECRET_TTL: '900', FAUNA_TIMEOUT_MS: '3000' };
    const run = await deployInProcess(ARGS, { seed, env });
    expect(run.code).toBe(0);
    const patch = run.tenant.requests.find((r) => r.method === 'PATCH' && r.path === `/api/v2/actions/actions/${run.tenant.byName('fauna-login')?.id}`);
    expect((patch?.body as { secrets: { name: string; value: string }[] }).secrets).toContainEqual({ name: 'FAUNA_SECRET_TTL', value: '900' });
  });

  it('drops exactly the secrets named with --reset, each Action that has them, and says so', async () => {
    const run = await deployInProcess([...ARGS, '--reset', 'FAUNA_SECRET_TTL', '--reset', 'FAUNA_TIMEOUT_MS'], { seed });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fauna-login: secret FAUNA_SECRET_TTL will be dropped (--reset); the Action then applies its default');
    expect(run.stdout).toContain('revoke-fauna-secrets: secret FAUNA_TIMEOUT_MS will be dropped (--reset); the Action then applies its default');
    expect(run.tenant.byName('fauna-login')?.secrets.map((s) => s.name)).toEqual(LOGIN_SECRET_NAMES);
    expect(run.tenant.byName('revoke-fauna-secrets')?.secrets.map((s) => s.name)).toEqual(REVOKE_SECRET_NAMES);
  });

  it('names a secret tenant.yaml does not send at all, which only --reset drops', async () => {
    const run = await deployInProcess(ARGS, { seed: tenant([...LOGIN_SECRET_NAMES, 'OLD_SETTING']) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('fauna-login has the secret OLD_SETTING in the tenant, which tenant.yaml does not send: the import would drop it. Pass --reset OLD_SETTING to drop it');
    expect((await deployInProcess([...ARGS, '--reset', 'OLD_SETTING'], { seed: tenant([...LOGIN_SECRET_NAMES, 'OLD_SETTING']) })).code).toBe(0);
  });

  it('refuses --reset of a secret this environment sets, and notes one no Action has', async () => {
    const set = await deployInProcess([...ARGS, '--reset', 'CLAIM_NAMESPACE'], { seed: tenant(LOGIN_SECRET_NAMES) });
    expect(set.code).toBe(1);
    expect(set.stderr).toContain('--reset CLAIM_NAMESPACE, but this deploy sends CLAIM_NAMESPACE (its variable is set): unset it, or drop --reset CLAIM_NAMESPACE');
    const unknown = await deployInProcess([...ARGS, '--reset', 'NOT_THERE'], { seed: tenant(LOGIN_SECRET_NAMES) });
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain('--reset NOT_THERE: no Action of this deploy has that secret in the tenant; nothing to drop');
  });
});

describe('a secret changed in the tenant after the deployed version (a Dashboard edit)', () => {
  const seed = tenant(LOGIN_SECRET_NAMES, REVOKE_SECRET_NAMES, ['ALLOWED_CLIENT_IDS']);

  it('stops the deploy before any write, naming it, when it was edited', async () => {
    const run = await deployInProcess(ARGS, { seed });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^ERR_DEPLOY_SECRETS: Refusing to deploy: the import would silently change secrets the tenant holds:\n {2}- fauna-login: the secret ALLOWED_CLIENT_IDS was changed in the tenant at \S+Z, after the deployed version 1 got it \(a Dashboard edit\): this deploy would overwrite it with this environment's value\. Put the value you want in the environment and pass --overwrite ALLOWED_CLIENT_IDS$/,
    );
    expect(run.tenant.writes()).toEqual([]);
  });

  it('overwrites it with --overwrite NAME, and the next deploy, of the tenant it left, no longer flags it', async () => {
    const run = await deployInProcess([...ARGS, '--overwrite', 'ALLOWED_CLIENT_IDS'], { seed });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fauna-login: secret ALLOWED_CLIENT_IDS, changed in the tenant after the deployed version, will be overwritten (--overwrite)');
    // The deploy's own secret writes come before the version it deploys: nothing to flag.
    const again = await deployInProcess(ARGS, { tenant: run.tenant });
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.tenant.byName('fauna-login')?.deployed_version?.number).toBe(3);
  });
});

describe('a dry run', () => {
  it('lists every refusal the real deploy would meet, writes nothing, and exits 1', async () => {
    const seed = tenant([...LOGIN_SECRET_NAMES, 'FAUNA_SECRET_TTL'], REVOKE_SECRET_NAMES, ['CLAIM_NAMESPACE']);
    const run = await deployInProcess([...ARGS, '--dry-run'], { seed });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('would drop it');
    expect(run.stderr).toContain('--overwrite CLAIM_NAMESPACE');
    expect(run.stdout).toContain('secrets in the tenant that this deploy does not send: FAUNA_SECRET_TTL');
    expect(run.tenant.writes()).toEqual([]);
  });
});
