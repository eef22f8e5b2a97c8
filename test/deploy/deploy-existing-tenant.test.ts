import type { TenantSeed } from './support/fake-tenant';
import { runScript, type ScriptRun } from './support/run-script';
import { CREDENTIALS, FAUNA_KEY, SETTINGS_ENV, bundle, only, secretsPrinted } from './support/deploy-env';

const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

// The tenant an admin really has: our Actions from an older deploy (node18), and other Actions
// bound before, between and after ours.
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
    // Credentials from the environment, Action settings from .env.
    const dotEnv = Object.entries(SETTINGS_ENV).map(([k, v]) => `${k}="${v}"`).join('\n');
    run = await runScript('deploy-tenant', ['--skip-build'], { env: { ...CREDENTIALS }, seed, dotEnv });
    ids = Object.fromEntries(run.finalState.actions.map((a) => [a.name, a.id]));
  }, 180_000);

  it('succeeds', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('updates our Actions in place: same ids, new bundle, node22, no create', () => {
    expect(only(run.requests, 'POST', /^\/api\/v2\/actions\/actions$/)).toEqual([]);
    const patch = only(run.requests, 'PATCH', /^\/api\/v2\/actions\/actions\/act_/);
    const login = patch.find((r) => r.path === `/api/v2/actions/actions/${ids['fauna-login']}`)?.body as Record<string, unknown>;
    expect(login).toMatchObject({ name: 'fauna-login', runtime: 'node22', supported_triggers: postLogin });
    expect(login.code).toBe(bundle('fauna-login'));
    expect((login.secrets as { name: string; value: string }[]).find((s) => s.name === 'FAUNA_SECRET')?.value).toBe(FAUNA_KEY);
    expect(patch.map((r) => r.path).sort()).toEqual(
      ['fauna-login', 'revoke-fauna-secrets'].map((n) => `/api/v2/actions/actions/${ids[n]}`).sort(),
    );
    expect(only(run.requests, 'POST', /\/deploy$/)).toHaveLength(2);
  });

  it('keeps every other binding in its order, ours where it was', () => {
    expect(only(run.requests, 'PATCH', /\/triggers\/post-login\/bindings$/).map((r) => r.body)).toEqual([
      {
        bindings: [
          { ref: { type: 'action_name', value: 'audit-login' }, display_name: 'Audit' },
          { ref: { type: 'action_name', value: 'fauna-login' }, display_name: 'Fauna' },
          { ref: { type: 'action_name', value: 'geo-block' }, display_name: 'geo-block' },
        ],
      },
    ]);
    expect(run.finalState.bindings).toEqual({
      'post-login': ['audit-login', 'fauna-login', 'geo-block'],
      'post-change-password': ['password-notify', 'revoke-fauna-secrets'],
      'credentials-exchange': ['m2m-claims'],
    });
    // A trigger we do not bind is never written.
    expect(only(run.requests, 'PATCH', /credentials-exchange/)).toEqual([]);
    expect(run.stdout).toMatch(/kept: audit-login, geo-block; already bound, left in place: fauna-login/);
  });

  it('deletes nothing, leaves the other Actions alone, and prints no secret', () => {
    expect(run.requests.filter((r) => r.method === 'DELETE' || r.unmatched)).toEqual([]);
    expect(run.finalState.actions.map((a) => a.name).sort()).toEqual(seed.actions?.map((a) => a.name).sort());
    expect(run.stdout).toMatch(/Other Actions, left as they are \(never deleted\): audit-login, geo-block, password-notify, m2m-claims/);
    expect(run.stdout).toMatch(/secrets in the tenant that this deploy does not send: OLD_SETTING/);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });
});
