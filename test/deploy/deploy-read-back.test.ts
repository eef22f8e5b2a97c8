import type { TenantSeed } from './support/fake-tenant';
import { runScript, type ScriptRun } from './support/run-script';
import { CREDENTIALS, SETTINGS_ENV, only, secretsPrinted } from './support/deploy-env';

const postLogin = [{ id: 'post-login', version: 'v3' }];

// One real auth0-deploy-cli import against a tenant that accepts the new bindings and then holds
// something else (another admin's change, a partial write): the deploy must not call it done.
describe('npm run deploy:tenant when the bindings read back differ from the plan', () => {
  const seed: TenantSeed = {
    actions: [{ name: 'audit-login', supported_triggers: postLogin }],
    bindings: { 'post-login': [{ action_name: 'audit-login' }] },
    surprises: { bindingsAfterWrite: { 'post-login': ['fauna-login'] } },
  };
  let run: ScriptRun;

  beforeAll(async () => {
    run = await runScript('deploy-tenant', ['--skip-build'], { env: { ...CREDENTIALS, ...SETTINGS_ENV }, seed });
  }, 180_000);

  it('wrote the planned bindings, read them back, and exits 1 with ERR_DEPLOY_BINDINGS naming the difference', () => {
    expect(only(run.requests, 'PATCH', /\/triggers\/post-login\/bindings$/).map((r) => r.body)).toEqual([
      {
        bindings: [
          { ref: { type: 'action_name', value: 'audit-login' }, display_name: 'audit-login' },
          { ref: { type: 'action_name', value: 'fauna-login' }, display_name: 'fauna-login' },
        ],
      },
    ]);
    const patchAt = run.requests.findIndex((r) => r.method === 'PATCH' && r.path.endsWith('/post-login/bindings'));
    expect(run.requests.slice(patchAt + 1).some((r) => r.method === 'GET' && r.path === '/api/v2/actions/triggers/post-login/bindings')).toBe(true);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'ERR_DEPLOY_BINDINGS: The import finished but the bindings differ from the plan:\n' +
        '  - post-login: expected audit-login, fauna-login, read back fauna-login',
    );
    expect(run.stdout).toContain('Bindings now on post-login: fauna-login');
    expect(run.stdout).not.toContain('Deployed.');
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });
});
