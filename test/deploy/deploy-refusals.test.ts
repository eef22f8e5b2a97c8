import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TenantSeed } from './support/fake-tenant';
import { runScript } from './support/run-script';
import { CREDENTIALS, FAUNA_KEY, REPO_ROOT, REVOKE_KEY, SETTINGS_ENV, secretsPrinted } from './support/deploy-env';

// The script as an admin runs it, in a child process; these runs stop before any import.
jest.setTimeout(60_000);

describe('npm run deploy:tenant refuses before any request to Auth0', () => {
  it('names every missing or invalid variable, with the same rules as the Action, and sends nothing', async () => {
    const run = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty'], {
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
    for (const name of ['AUTH0_CLIENT_SECRET is missing', 'CLAIM_NAMESPACE is missing', 'FAUNA_REVOKE_SECRET is missing', 'FAUNA_ENDPOINT must be scheme, host and optional port only', 'FAUNA_TIMEOUT_MS must be a whole number']) {
      expect(run.stderr).toContain(name);
    }
    expect(run.requests).toEqual([]);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });

  it('refuses without ALLOWED_CLIENT_IDS, or with an http FAUNA_ENDPOINT, naming it, before any request', async () => {
    const { ALLOWED_CLIENT_IDS: _unset, ...withoutList } = SETTINGS_ENV;
    const noList = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty'], { env: { ...CREDENTIALS, ...withoutList } });
    expect(noList.code).toBe(1);
    expect(noList.stderr).toMatch(/^ERR_DEPLOY_SETTINGS: Refusing to deploy/);
    expect(noList.stderr).toContain('ALLOWED_CLIENT_IDS is missing');
    expect(noList.requests).toEqual([]);

    const cleartext = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty'], { env: { ...CREDENTIALS, ...SETTINGS_ENV, FAUNA_ENDPOINT: 'http://127.0.0.1:8443' } });
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
      const run = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty', '--tenant-file', file], { env: { ...CREDENTIALS, ...SETTINGS_ENV } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^ERR_DEPLOY_TENANT_FILE: Refusing to deploy; nothing was sent to Auth0/);
      expect(run.stderr).toMatch(/keyword FAUNA_REGION, which is not a setting this deploy provides/);
      expect(run.requests).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the build without any key, credential or debug switch in its environment', async () => {
    // A stand-in `npm` first on PATH: it records its environment and fails, as a broken build would.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'stand-in-npm-'));
    const seen = path.join(bin, 'env.txt');
    try {
      fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nenv > '${seen}'\necho "npm $*" >> '${seen}'\nexit 1\n`, { mode: 0o755 });
      const run = await runScript('deploy-tenant', [], {
        env: { ...CREDENTIALS, ...SETTINGS_ENV, AUTH0_LOG: 'debug', GITHUB_TOKEN: 'ghp_not_for_the_build' },
        pathPrefix: bin,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('ERR_DEPLOY_BUILD: Refusing to deploy: the build failed');
      const env = fs.readFileSync(seen, 'utf8');
      expect(env).toContain('npm run build --silent');
      expect(env).toMatch(/^PATH=/m);
      for (const name of ['FAUNA_SECRET', 'FAUNA_REVOKE_SECRET', 'FAUNA_ENDPOINT', 'CLAIM_NAMESPACE', 'AUTH0_CLIENT_SECRET', 'AUTH0_CLIENT_ID', 'AUTH0_LOG', 'GITHUB_TOKEN']) {
        expect(env).not.toMatch(new RegExp(`^${name}=`, 'm'));
      }
      for (const secret of [FAUNA_KEY, REVOKE_KEY, CREDENTIALS.AUTH0_CLIENT_SECRET]) expect(env).not.toContain(secret);
      expect(run.requests).toEqual([]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
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

  it('runs the Fauna preflight, reads the tenant, shows the plan against the deployed versions, and writes nothing', async () => {
    // fauna-login is in the tenant but unbound: without --bind this would be the kill switch.
    const run = await runScript('deploy-tenant', ['--dry-run', '--skip-build', '--allow-dirty', '--bind'], { env: { ...CREDENTIALS, ...SETTINGS_ENV }, seed });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('fauna-login exists unbound and will be bound again (--bind), after revocation is bound.');
    expect(run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token')).toEqual([]);
    expect(run.stdout).toContain('Fauna preflight at https://fauna.example.com:8443: FAUNA_SECRET may call login(), and it validates its arguments');
    const id = run.finalState.actions.find((a) => a.name === 'fauna-login')?.id;
    expect(id).toMatch(/^act_/);
    expect(run.stdout).toContain(`fauna-login: update in place (id ${id}; code differs from deployed version 1; runtime node18 -> node22), then deploy a new version`);
    expect(run.stdout).toContain('secrets sent, values hidden: FAUNA_SECRET, FAUNA_ENDPOINT, CLAIM_NAMESPACE, ALLOWED_CLIENT_IDS');
    expect(run.stdout).toContain('post-login: audit-login -> audit-login, fauna-login');
    expect(run.stdout).toContain('Dry run: nothing was written to the tenant; the real deploy would go ahead.');
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });

  it('stops at a Fauna without the functions this code needs, naming what to run', async () => {
    const run = await runScript('deploy-tenant', ['--skip-build', '--allow-dirty'], { env: { ...CREDENTIALS, ...SETTINGS_ENV }, seed, fauna: 'no-functions' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_DEPLOY_FAUNA: Refusing to deploy: the Fauna schema this code needs is not in place; nothing was sent to Auth0:');
    expect(run.stderr).toContain('fauna-login: the database has no function login (400 invalid ref): run `npm run setup:fauna`');
    expect(run.requests).toEqual([]);
  });
});
