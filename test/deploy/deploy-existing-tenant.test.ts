import type { TenantSeed } from './support/fake-tenant';
import { runScript, type ScriptRun } from './support/run-script';
import { CREDENTIALS, FAUNA_KEY, FAUNA_ENDPOINT, SETTINGS_ENV, bundle, only, secretsPrinted } from './support/deploy-env';

const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

// The tenant an admin really has: our Actions from an older deploy (node18, an old setting, and
// revocation never bound), and other Actions bound before, between and after ours. Two real
// auth0-deploy-cli imports.
const seed: TenantSeed = {
  actions: [
    { name: 'audit-login', supported_triggers: postLogin },
    { name: 'fauna-login', supported_triggers: postLogin, runtime: 'node18', code: '// old build', secrets: ['FAUNA_SECRET', 'OLD_SETTING'] },
    { name: 'geo-block', supported_triggers: postLogin },
    { name: 'password-notify', supported_triggers: postChangePassword },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, code: '// old build' },
    { name: 'm2m-claims', supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }] },
  ],
  bindings: {
    'post-login': [{ action_name: 'audit-login', display_name: 'Audit' }, { action_name: 'fauna-login', display_name: 'Fauna' }, { action_name: 'geo-block' }],
    'post-change-password': [{ action_name: 'password-notify' }],
    'credentials-exchange': [{ action_name: 'm2m-claims' }],
  },
};

describe('npm run deploy:tenant on a tenant with other Actions bound', () => {
  let run: ScriptRun;
  let ids: Record<string, string>;

  beforeAll(async () => {
    // Credentials from the environment, Action settings from .env (written mode 600).
    const dotEnv = Object.entries(SETTINGS_ENV).map(([k, v]) => `${k}="${v}"`).join('\n');
    run = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty', '--reset', 'OLD_SETTING'], { env: { ...CREDENTIALS }, seed, dotEnv });
    ids = Object.fromEntries(run.finalState.actions.map((a) => [a.name, a.id]));
  }, 420_000);

  it('succeeds, with no warning about .env', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('updates our Actions in place: same ids, new bundle, node22, no create; the reset secret is gone', () => {
    expect(only(run.requests, 'POST', /^\/api\/v2\/actions\/actions$/)).toEqual([]);
    const patches = only(run.requests, 'PATCH', /^\/api\/v2\/actions\/actions\/act_/);
    expect(patches.map((r) => r.path)).toEqual(['revoke-fauna-secrets', 'fauna-login'].map((n) => `/api/v2/actions/actions/${ids[n]}`));
    const login = patches[1]?.body as Record<string, unknown>;
    expect(login).toMatchObject({ name: 'fauna-login', runtime: 'node22', supported_triggers: postLogin });
    expect(login.code).toBe(bundle('fauna-login'));
    expect((login.secrets as { name: string; value: string }[]).find((s) => s.name === 'FAUNA_SECRET')?.value).toBe(FAUNA_KEY);
    expect(run.finalState.actions.find((a) => a.name === 'fauna-login')?.secrets.map((s) => s.name)).toEqual([
      'FAUNA_SECRET',
      'FAUNA_ENDPOINT',
      'CLAIM_NAMESPACE',
      'ALLOWED_CLIENT_IDS',
    ]);
    expect(run.stdout).toContain('fauna-login: secret OLD_SETTING will be dropped (--reset); the Action then applies its default');
    expect(only(run.requests, 'POST', /\/deploy$/)).toHaveLength(2);
  });

  it('binds revocation after the Action already there, leaves ours on post-login where it was, and writes no other trigger', () => {
    expect(only(run.requests, 'PATCH', /\/bindings$/).map((r) => [r.path, r.body])).toEqual([
      [
        '/api/v2/actions/triggers/post-change-password/bindings',
        {
          bindings: [
            { ref: { type: 'action_id', value: ids['password-notify'] }, display_name: 'password-notify' },
            { ref: { type: 'action_id', value: ids['revoke-fauna-secrets'] }, display_name: 'revoke-fauna-secrets' },
          ],
        },
      ],
    ]);
    expect(run.finalState.bindings).toEqual({
      'post-login': ['audit-login', 'fauna-login', 'geo-block'],
      'post-change-password': ['password-notify', 'revoke-fauna-secrets'],
      'credentials-exchange': ['m2m-claims'],
    });
    expect(run.stdout).toContain('kept: audit-login, geo-block; already bound, left in place: fauna-login');
    expect(run.stdout).toContain('fauna-login stays bound to post-login where it is (not written).');
  });

  it('deletes nothing, leaves the other Actions alone, and prints no secret', () => {
    expect(run.requests.filter((r) => r.method === 'DELETE' || r.unmatched)).toEqual([]);
    expect(run.finalState.actions.map((a) => a.name).sort()).toEqual(seed.actions?.map((a) => a.name).sort());
    expect(run.stdout).toMatch(/Other Actions, left as they are \(never deleted\): audit-login, geo-block, password-notify, m2m-claims/);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
    expect(run.stdout).not.toContain(FAUNA_ENDPOINT.replace('https://', '//x'));
  });
});

// A write that deploy-cli itself makes is refused (fauna-login's create), its message quoting part
// of a key: the deploy stops, masks it, reads the tenant back and names the command to finish.
describe('npm run deploy:tenant when auth0-deploy-cli\'s write fails', () => {
  let run: ScriptRun;

  beforeAll(async () => {
    run = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty'], {
      env: { ...CREDENTIALS, ...SETTINGS_ENV },
      seed: {
        failures: [
          { method: 'POST', path: '^/api/v2/actions/actions$', bodyIncludes: '"name":"fauna-login"', status: 400, message: `Payload validation error near '${FAUNA_KEY.slice(-20)}'` },
        ],
      },
    });
  }, 420_000);

  it('exits 1 naming the step, with the quoted key masked', () => {
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_WRITE: The deploy stopped while deploying fauna-login:\n {2}- /);
    expect(run.stderr + run.stdout).toContain("Payload validation error near '****'");
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });

  it('reads the tenant back: revocation deployed but, like fauna-login, not bound; no binding written', () => {
    expect(run.stdout).toContain('revoke-fauna-secrets: deployed version 1 (this build); NOT bound to post-change-password');
    expect(run.stdout).toContain('fauna-login: not in the tenant');
    expect(run.stdout).toContain('To finish: npm run deploy:tenant -- --skip-build --allow-dirty\n');
    expect(only(run.requests, 'PATCH', /\/bindings$/)).toEqual([]);
    expect(run.finalState.bindings).toEqual({});
  });
});
