import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TenantSeed } from './support/fake-tenant';
import { runScript } from './support/run-script';
import { CREDENTIALS, FAUNA_KEY, REPO_ROOT, SETTINGS_ENV, secretsPrinted } from './support/deploy-env';

// These runs stop before deploy-cli: seconds each, no import.
jest.setTimeout(60_000);

describe('npm run deploy:tenant refuses before any request to Auth0', () => {
  it('names every missing or invalid variable, with the same rules as the Action, and sends nothing', async () => {
    const run = await runScript('deploy-tenant', ['--skip-build'], {
      env: {
        AUTH0_DOMAIN: CREDENTIALS.AUTH0_DOMAIN,
        AUTH0_CLIENT_ID: CREDENTIALS.AUTH0_CLIENT_ID,
        FAUNA_SECRET: FAUNA_KEY,
        FAUNA_ENDPOINT: 'https://fauna.example.com/some/path',
        FAUNA_TIMEOUT_MS: '20000',
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_SETTINGS: Refusing to deploy/);
    for (const name of ['AUTH0_CLIENT_SECRET is missing', 'CLAIM_NAMESPACE is missing', 'FAUNA_ENDPOINT must be scheme, host and optional port only', 'FAUNA_TIMEOUT_MS must be a whole number']) {
      expect(run.stderr).toContain(name);
    }
    expect(run.requests).toEqual([]);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });

  it('refuses without ALLOWED_CLIENT_IDS, or with an http FAUNA_ENDPOINT, naming it, before any request', async () => {
    const { ALLOWED_CLIENT_IDS: _unset, ...withoutList } = SETTINGS_ENV;
    const noList = await runScript('deploy-tenant', ['--skip-build'], { env: { ...CREDENTIALS, ...withoutList } });
    expect(noList.code).toBe(1);
    expect(noList.stderr).toMatch(/^ERR_DEPLOY_SETTINGS: Refusing to deploy/);
    expect(noList.stderr).toContain('ALLOWED_CLIENT_IDS is missing');
    expect(noList.requests).toEqual([]);

    const cleartext = await runScript('deploy-tenant', ['--skip-build'], { env: { ...CREDENTIALS, ...SETTINGS_ENV, FAUNA_ENDPOINT: 'http://127.0.0.1:8443' } });
    expect(cleartext.code).toBe(1);
    expect(cleartext.stderr).toContain('FAUNA_ENDPOINT must use https to deploy');
    expect(cleartext.requests).toEqual([]);
    expect(secretsPrinted(noList.stdout + noList.stderr + cleartext.stdout + cleartext.stderr)).toEqual([]);
  });

  it('refuses a tenant file keyword that no setting resolves, naming it, and sends nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-file-'));
    try {
      const edited = fs
        .readFileSync(path.join(REPO_ROOT, 'tenant.yaml'), 'utf8')
        .replace("      - name: ON_FAUNA_ERROR\n", "      - name: FAUNA_REGION\n        value: '##FAUNA_REGION##'\n      - name: ON_FAUNA_ERROR\n");
      expect(edited).toContain('##FAUNA_REGION##');
      const file = path.join(dir, 'tenant.yaml');
      fs.writeFileSync(file, edited);
      const run = await runScript('deploy-tenant', ['--skip-build', '--tenant-file', file], { env: { ...CREDENTIALS, ...SETTINGS_ENV } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^ERR_DEPLOY_TENANT_FILE: Refusing to deploy; nothing was sent to Auth0/);
      expect(run.stderr).toMatch(/keyword FAUNA_REGION, which is not a setting this deploy provides/);
      expect(run.requests).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run deploy:tenant -- --dry-run', () => {
  const seed: TenantSeed = {
    actions: [
      { name: 'audit-login', supported_triggers: [{ id: 'post-login', version: 'v3' }] },
      { name: 'fauna-login', supported_triggers: [{ id: 'post-login', version: 'v3' }], runtime: 'node18', code: '// old' },
    ],
    bindings: { 'post-login': [{ action_name: 'audit-login' }] },
  };

  it('reads the tenant, shows actions, secret names and bindings before -> after, and writes nothing', async () => {
    const run = await runScript('deploy-tenant', ['--dry-run', '--skip-build'], { env: { ...CREDENTIALS, ...SETTINGS_ENV }, seed });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token')).toEqual([]);
    expect(run.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v2/actions/actions', '/api/v2/actions/triggers/post-login/bindings']),
    );
    const id = run.finalState.actions.find((a) => a.name === 'fauna-login')?.id;
    expect(id).toMatch(/^act_/);
    expect(run.stdout).toContain(`fauna-login: update in place (id ${id}; code changes; runtime node18 -> node22), then deploy a new version`);
    expect(run.stdout).toContain(
      'secrets sent, values hidden: FAUNA_SECRET, FAUNA_ENDPOINT, FAUNA_TIMEOUT_MS, CLAIM_NAMESPACE, FAUNA_SECRET_TTL, ALLOWED_CLIENT_IDS, ON_FAUNA_ERROR',
    );
    expect(run.stdout).toContain('post-login: audit-login -> audit-login, fauna-login');
    expect(run.stdout).toContain('kept: audit-login; added at the end: fauna-login');
    expect(run.stdout).toContain('Dry run: nothing was written to the tenant.');
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
    expect(run.stdout).not.toContain(SETTINGS_ENV.FAUNA_ENDPOINT);
  });
});

describe('npm run deploy:tenant refuses a tenant binding it cannot name', () => {
  // deploy-cli rebinds by Action name: a binding read back without one would be dropped.
  const seed: TenantSeed = {
    actions: [
      { name: 'audit-login', supported_triggers: [{ id: 'post-login', version: 'v3' }] },
      { name: 'geo-block', supported_triggers: [{ id: 'post-login', version: 'v3' }] },
    ],
    bindings: { 'post-login': [{ action_name: 'audit-login' }, { action_name: 'geo-block', unnamed: true }] },
  };

  it('names the binding, exits 1, and writes nothing to the tenant', async () => {
    const run = await runScript('deploy-tenant', ['--skip-build'], { env: { ...CREDENTIALS, ...SETTINGS_ENV }, seed });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_BINDINGS: Refusing to deploy: importing would unbind Actions:\n/);
    expect(run.stderr).toMatch(/post-login binding #2 \(bnd_\d+\) has no Action name, so it could not be kept/);
    // It read the tenant, and wrote nothing: no create, update, deploy or rebind.
    expect(run.requests.some((r) => r.method === 'GET' && r.path === '/api/v2/actions/triggers/post-login/bindings')).toBe(true);
    expect(run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token')).toEqual([]);
    expect(run.finalState.bindings['post-login']).toEqual(['audit-login', 'geo-block']);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });
});
