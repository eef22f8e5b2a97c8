import { bundleHeaderPattern, sha256 } from '../../scripts/deploy/bundles';
import { runScript, type ScriptRun } from './support/run-script';
import { CREDENTIALS, FAUNA_ENDPOINT, FAUNA_KEY, REVOKE_KEY, SETTINGS_ENV, bundle, only, secretsPrinted } from './support/deploy-env';

// npm run deploy:tenant for real: two auth0-deploy-cli imports (~15-30 s each) against a tenant with
// no Actions at all, with deploy-cli's debug logging asked for in the shell.
describe('npm run deploy:tenant on an empty tenant, with real auth0-deploy-cli imports', () => {
  let run: ScriptRun;

  beforeAll(async () => {
    run = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty'], {
      env: { ...CREDENTIALS, ...SETTINGS_ENV, FAUNA_SECRET_TTL: '3600', AUTH0_LOG: 'debug', AUTH0_DEBUG: 'true' },
    });
  }, 420_000);

  it('succeeds', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('imports revoke-fauna-secrets completely (create, deploy) before fauna-login, one Action per import', () => {
    const writes = run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token');
    const names = Object.fromEntries(run.finalState.actions.map((a) => [a.id, a.name]));
    expect(writes.map((r) => `${r.method} ${r.path.replace(/act_\d+/, (id) => names[id] ?? id)}`)).toEqual([
      'POST /api/v2/actions/actions',
      'POST /api/v2/actions/actions/revoke-fauna-secrets/deploy',
      'POST /api/v2/actions/actions',
      'POST /api/v2/actions/actions/fauna-login/deploy',
      'PATCH /api/v2/actions/triggers/post-change-password/bindings',
      'PATCH /api/v2/actions/triggers/post-login/bindings',
    ]);
    // Each import asks for its own token: two deploy-cli imports, and our own token first.
    expect(only(run.requests, 'POST', /^\/oauth\/token$/)).toHaveLength(3);
  });

  it('creates each Action with its built bundle and exactly the secrets this environment sets', () => {
    const creates = only(run.requests, 'POST', /^\/api\/v2\/actions\/actions$/).map((r) => r.body as Record<string, unknown>);
    const [revoke, login] = creates;
    expect(login).toMatchObject({ name: 'fauna-login', runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }], dependencies: [] });
    expect(login?.code).toBe(bundle('fauna-login'));
    expect(String(login?.code).split('\n', 1)[0]).toMatch(bundleHeaderPattern('fauna-login'));
    expect(login?.secrets).toEqual([
      { name: 'FAUNA_SECRET', value: FAUNA_KEY },
      { name: 'FAUNA_ENDPOINT', value: FAUNA_ENDPOINT },
      { name: 'CLAIM_NAMESPACE', value: 'https://app.example.com/' },
      { name: 'FAUNA_SECRET_TTL', value: '3600' },
      { name: 'ALLOWED_CLIENT_IDS', value: 'client-a, client-b' },
    ]);
    expect(revoke).toMatchObject({ name: 'revoke-fauna-secrets', runtime: 'node22', supported_triggers: [{ id: 'post-change-password', version: 'v2' }] });
    expect(revoke?.code).toBe(bundle('revoke-fauna-secrets'));
    expect(revoke?.secrets).toEqual([
      { name: 'FAUNA_SECRET', value: REVOKE_KEY },
      { name: 'FAUNA_ENDPOINT', value: FAUNA_ENDPOINT },
    ]);
  });

  it('binds by Action id, revocation first, and the tenant ends with both bound and deployed', () => {
    const ids = Object.fromEntries(run.finalState.actions.map((a) => [a.name, a.id]));
    expect(only(run.requests, 'PATCH', /\/bindings$/).map((r) => r.body)).toEqual([
      { bindings: [{ ref: { type: 'action_id', value: ids['revoke-fauna-secrets'] }, display_name: 'revoke-fauna-secrets' }] },
      { bindings: [{ ref: { type: 'action_id', value: ids['fauna-login'] }, display_name: 'fauna-login' }] },
    ]);
    expect(run.finalState.bindings).toEqual({ 'post-login': ['fauna-login'], 'post-change-password': ['revoke-fauna-secrets'] });
    expect(run.finalState.actions.every((a) => a.deployed_version?.deployed === true)).toBe(true);
  });

  it('prints each bundle\'s sha256 and what is deployed and bound, touches nothing else, and prints no secret although debug logging was asked for', () => {
    expect(run.stdout).toContain(`fauna-login: ${Buffer.byteLength(bundle('fauna-login'))} bytes, sha256 ${sha256(bundle('fauna-login'))}`);
    expect(run.stdout).toContain('fauna-login: deployed version 1 (this build); bound to post-login');
    expect(run.requests.filter((r) => r.method === 'DELETE' || r.unmatched)).toEqual([]);
    expect(run.requests.every((r) => r.path === '/oauth/token' || r.path.startsWith('/api/v2/actions/'))).toBe(true);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
    // deploy-cli logged at info level only: AUTH0_LOG=debug was cleared before it loaded.
    // (winston colours the level: `- \u001b[34mdebug\u001b[39m: Loading YAML from …`)
    expect(run.stdout).not.toMatch(/ - (\u001b\[\d+m)?debug(\u001b\[\d+m)?: /);
    expect(run.stdout).toMatch(/ - (\u001b\[\d+m)?info(\u001b\[\d+m)?: /);
  });
});
