import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TenantSeed } from './support/fake-tenant';
import { deployInProcess } from './support/deploy-in-process';
import { LOGIN_SECRET_NAMES, REPO_ROOT, REVOKE_SECRET_NAMES } from './support/deploy-env';

/**
 * The kill switch holds: an admin who unbinds fauna-login in an emergency is not overruled by the
 * next routine deploy. And revocation is not optional by accident: fauna-login never deploys
 * without revoke-fauna-secrets unless --without-revocation says so.
 */
const ARGS = ['--skip-build', '--allow-dirty'];
const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

/** Both Actions deployed; fauna-login pulled from post-login by an admin; another Action still bound there. */
const pulled: TenantSeed = {
  actions: [
    { name: 'audit-login', supported_triggers: postLogin },
    { name: 'fauna-login', supported_triggers: postLogin, secrets: LOGIN_SECRET_NAMES },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, secrets: REVOKE_SECRET_NAMES },
  ],
  bindings: { 'post-login': [{ action_name: 'audit-login' }], 'post-change-password': [{ action_name: 'revoke-fauna-secrets' }] },
};

describe('fauna-login exists but is unbound (the kill switch)', () => {
  it('a plain deploy refuses before any write, naming --bind and --keep-unbound', async () => {
    const run = await deployInProcess(ARGS, { seed: pulled });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'ERR_DEPLOY_KILL_SWITCH: Refusing to deploy: fauna-login is in the tenant but not bound to post-login:\n' +
        '  - an admin may have unbound it on purpose (the kill switch), or a first deploy stopped before binding it. Pass --bind to bind it again, or --keep-unbound to deploy it and leave it off',
    );
    expect(run.tenant.writes()).toEqual([]);
  });

  it('--bind deploys and binds it again, after the other Action, revocation first', async () => {
    const run = await deployInProcess([...ARGS, '--bind'], { seed: pulled });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fauna-login exists unbound and will be bound again (--bind), after revocation is bound.');
    expect(run.tenant.boundNames('post-login')).toEqual(['audit-login', 'fauna-login']);
  });

  it('--keep-unbound deploys both and binds nothing on post-login', async () => {
    const run = await deployInProcess([...ARGS, '--keep-unbound'], { seed: pulled });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fauna-login: left unbound (--keep-unbound)');
    expect(run.tenant.byName('fauna-login')?.deployed_version?.number).toBe(2);
    expect(run.tenant.boundNames('post-login')).toEqual(['audit-login']);
    expect(run.tenant.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/bindings'))).toEqual([]);
  });

  it('a dry run shows the plan and says the real deploy would stop, exiting 1', async () => {
    const run = await deployInProcess([...ARGS, '--dry-run'], { seed: pulled });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Dry run: nothing was written to the tenant. The real deploy would stop:');
    expect(run.stderr).toMatch(/^ERR_DEPLOY_KILL_SWITCH: /);
    expect(run.stdout).toContain('post-login: audit-login -> audit-login\n');
    expect(run.tenant.writes()).toEqual([]);
  });
});

describe('the switch flags', () => {
  it('--keep-unbound on a first deploy deploys fauna-login without binding it; revocation is bound', async () => {
    const run = await deployInProcess([...ARGS, '--keep-unbound']);
    expect(run.code).toBe(0);
    expect(run.tenant.boundNames('post-login')).toEqual([]);
    expect(run.tenant.boundNames('post-change-password')).toEqual(['revoke-fauna-secrets']);
    expect(run.stdout).toContain('fauna-login is not bound to post-login: logins get no Fauna secret');
  });

  it('--keep-unbound while fauna-login is bound refuses: the deploy never unbinds', async () => {
    const bound = { ...pulled, bindings: { ...pulled.bindings, 'post-login': [{ action_name: 'fauna-login' }] } };
    const run = await deployInProcess([...ARGS, '--keep-unbound'], { seed: bound });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_KILL_SWITCH: Refusing --keep-unbound: fauna-login is bound to post-login/);
    expect(run.tenant.writes()).toEqual([]);
  });

  it('--bind with --keep-unbound is a usage error', async () => {
    const run = await deployInProcess([...ARGS, '--bind', '--keep-unbound']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_USAGE: --bind and --keep-unbound contradict each other/);
    expect(run.tenant.requests).toEqual([]);
  });
});

describe('revocation goes wherever fauna-login goes', () => {
  /** This checkout's bundles and tenant.yaml, with only the login Action's source. */
  const loginOnly = () => ({
    'actions/fauna-login/index.ts': '',
    'dist/actions/fauna-login.js': fs.readFileSync(path.join(REPO_ROOT, 'dist/actions/fauna-login.js'), 'utf8'),
    'dist/actions/revoke-fauna-secrets.js': fs.readFileSync(path.join(REPO_ROOT, 'dist/actions/revoke-fauna-secrets.js'), 'utf8'),
  });

  it('a checkout without actions/revoke-fauna-secrets/ refuses to deploy fauna-login alone', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'login-only-checkout-'));
    try {
      for (const [file, content] of Object.entries(loginOnly())) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), content);
      }
      const run = await deployInProcess(ARGS, { deps: { root } });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'ERR_DEPLOY_REVOCATION: Refusing to deploy fauna-login without revoke-fauna-secrets:\n' +
          '  - actions/revoke-fauna-secrets/index.ts is not in this checkout: logins would mint Fauna secrets that no password change revokes. Restore it, or pass --without-revocation to deploy fauna-login alone',
      );
      expect(run.tenant.requests).toEqual([]);
      expect(run.faunaCalls).toBe(0);

      const alone = await deployInProcess([...ARGS, '--without-revocation'], { deps: { root } });
      expect(alone.code).toBe(0);
      expect(alone.stdout).toContain('WARNING --without-revocation: revoke-fauna-secrets is neither deployed nor bound; a password change will revoke no Fauna secret.');
      expect(alone.tenant.actions.map((a) => a.name)).toEqual(['fauna-login']);
      expect(alone.tenant.boundNames('post-login')).toEqual(['fauna-login']);
      expect(alone.stdout).toContain('Logins mint Fauna secrets (fauna-login is bound); revocation was left out (--without-revocation).');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
