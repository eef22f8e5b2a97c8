import { bundleHeaderPattern } from '../../scripts/deploy/bundles';
import { runScript, type ScriptRun } from './support/run-script';
import { CREDENTIALS, FAUNA_KEY, REVOKE_KEY, SETTINGS_ENV, bundle, only, secretsPrinted } from './support/deploy-env';

// One real auth0-deploy-cli import (~30-50 s) against a tenant with no Actions at all.
describe('npm run deploy:tenant on an empty tenant', () => {
  let run: ScriptRun;

  beforeAll(async () => {
    run = await runScript('deploy-tenant', ['--skip-build'], {
      env: { ...CREDENTIALS, ...SETTINGS_ENV, FAUNA_SECRET_TTL: '3600', ALLOWED_CLIENT_IDS: 'client-a, client-b' },
    });
  }, 180_000);

  it('succeeds', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('creates fauna-login with the built bundle (version header included) and every secret with its value', () => {
    const creates = only(run.requests, 'POST', /^\/api\/v2\/actions\/actions$/);
    const login = creates.find((r) => (r.body as { name: string }).name === 'fauna-login')?.body as Record<string, unknown>;
    expect(login).toMatchObject({ runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }], dependencies: [] });
    expect(login.code).toBe(bundle('fauna-login'));
    // Any build stamp the bundle tests accept, `-dirty` included: the tree may hold uncommitted work.
    expect(String(login.code).split('\n', 1)[0]).toMatch(bundleHeaderPattern('fauna-login'));
    expect(login.secrets).toEqual([
      { name: 'FAUNA_SECRET', value: FAUNA_KEY },
      { name: 'FAUNA_ENDPOINT', value: 'https://fauna.example.com:8443' },
      { name: 'FAUNA_TIMEOUT_MS', value: '5000' },
      { name: 'CLAIM_NAMESPACE', value: 'https://app.example.com/' },
      { name: 'FAUNA_SECRET_TTL', value: '3600' },
      { name: 'ALLOWED_CLIENT_IDS', value: 'client-a, client-b' },
      { name: 'ON_FAUNA_ERROR', value: 'deny' },
    ]);
    expect(creates).toHaveLength(2);
    const revoke = creates.find((r) => (r.body as { name: string }).name === 'revoke-fauna-secrets')?.body as Record<string, unknown>;
    expect(revoke).toMatchObject({ runtime: 'node22', supported_triggers: [{ id: 'post-change-password', version: 'v2' }] });
    expect(revoke.code).toBe(bundle('revoke-fauna-secrets'));
    // Its own key: FAUNA_REVOKE_SECRET, sent as the revoke Action's FAUNA_SECRET.
    expect(revoke.secrets).toEqual([
      { name: 'FAUNA_SECRET', value: REVOKE_KEY },
      { name: 'FAUNA_ENDPOINT', value: 'https://fauna.example.com:8443' },
      { name: 'FAUNA_TIMEOUT_MS', value: '5000' },
    ]);
  });

  it('deploys each created Action, then binds it', () => {
    const ids = run.finalState.actions.map((a) => a.id);
    const deploys = only(run.requests, 'POST', /\/deploy$/).map((r) => r.path);
    expect(deploys.sort()).toEqual(ids.map((id) => `/api/v2/actions/actions/${id}/deploy`).sort());
    const lastDeploy = Math.max(...deploys.map((p) => run.requests.findIndex((r) => r.path === p)));
    const bindings = run.requests.findIndex((r) => r.method === 'PATCH' && r.path.endsWith('/bindings'));
    expect(bindings).toBeGreaterThan(lastDeploy);
    expect(only(run.requests, 'PATCH', /\/triggers\/post-login\/bindings$/).map((r) => r.body)).toEqual([
      { bindings: [{ ref: { type: 'action_name', value: 'fauna-login' }, display_name: 'fauna-login' }] },
    ]);
    expect(run.finalState.bindings['post-login']).toEqual(['fauna-login']);
    expect(run.finalState.bindings['post-change-password']).toEqual(['revoke-fauna-secrets']);
    expect(run.finalState.actions.every((a) => a.deployed_version?.deployed === true)).toBe(true);
  });

  it('touches nothing but Actions and bindings, deletes nothing, and prints no secret', () => {
    expect(run.requests.filter((r) => r.method === 'DELETE' || r.unmatched)).toEqual([]);
    expect(run.requests.every((r) => r.path === '/oauth/token' || r.path.startsWith('/api/v2/actions/'))).toBe(true);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
    expect(run.stdout).toMatch(/post-login: \(none\) -> fauna-login/);
    expect(run.stdout).toMatch(/Bindings now on post-login: fauna-login/);
  });
});
