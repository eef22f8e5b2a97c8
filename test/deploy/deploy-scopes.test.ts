import fs from 'node:fs';
import path from 'node:path';
import { DEPLOY_SCOPES, REVOKE_USER_SCOPES, ROTATE_SCOPES, SMOKE_SCOPES, compareScopes } from '../../scripts/deploy/scopes';
import { deployInProcess } from './support/deploy-in-process';
import { DEPLOY_GRANT, REVOKE_CLIENT_ID, REVOKE_CLIENT_SECRET, REVOKE_GRANT, TEST_CLIENT_ID, TEST_CLIENT_SECRET, documentedScope } from './support/fake-tenant';
import { REPO_ROOT } from './support/deploy-env';

/**
 * Credentials no stronger than needed, and said plainly: the deploy reads the scopes Auth0
 * granted its token, lists them against what it needs, and refuses before any write when one is
 * missing. The fake tenant checks each request against the scope Auth0 documents for it, so a
 * wrong table on either side shows.
 */
const ARGS = ['--skip-build', '--allow-dirty'];

function clients(deploy: string[]) {
  return { [TEST_CLIENT_ID]: { secret: TEST_CLIENT_SECRET, scopes: deploy }, [REVOKE_CLIENT_ID]: { secret: REVOKE_CLIENT_SECRET, scopes: [...REVOKE_GRANT] } };
}

describe('the scopes Auth0 documents per endpoint (the fake tenant\'s table)', () => {
  it.each([
    ['GET', '/api/v2/actions/actions', 'read:actions'],
    ['GET', '/api/v2/actions/triggers/post-login/bindings', 'read:actions'],
    ['POST', '/api/v2/actions/actions', 'create:actions'],
    ['POST', '/api/v2/actions/actions/act_1/deploy', 'create:actions'],
    ['POST', '/api/v2/actions/actions/act_1/test', 'create:actions'],
    ['PATCH', '/api/v2/actions/actions/act_1', 'update:actions'],
    ['PATCH', '/api/v2/actions/triggers/post-login/bindings', 'update:actions'],
    ['DELETE', '/api/v2/actions/actions/act_1', 'delete:actions'],
    ['DELETE', '/api/v2/users/auth0|1/sessions', 'delete:sessions'],
    ['DELETE', '/api/v2/users/auth0|1/refresh-tokens', 'delete:refresh_tokens'],
    ['DELETE', '/api/v2/grants', 'delete:grants'],
  ])('%s %s needs %s', (method, route, scope) => {
    expect(documentedScope(method, route)).toBe(scope);
  });
});

describe('the deploy and its scopes', () => {
  it('lists the granted scopes against what it needs, and says none is missing', async () => {
    const run = await deployInProcess([...ARGS, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Management API scopes granted: read:actions, create:actions, update:actions\nThe real deploy needs: read:actions, create:actions, update:actions\n  none missing');
  });

  it('a dry run names each missing scope and what it is for, and exits 1', async () => {
    const run = await deployInProcess([...ARGS, '--dry-run'], { seed: { clients: clients(['read:actions', 'update:actions']) } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  MISSING create:actions: create an Action on a first deploy, and deploy every new version (POST …/actions/{id}/deploy)');
    expect(run.stderr).toContain(
      'ERR_DEPLOY_SCOPES: Refusing to deploy: the Management API application (AUTH0_CLIENT_ID) lacks scopes:\n  - create:actions: create an Action on a first deploy, and deploy every new version',
    );
    expect(run.tenant.writes()).toEqual([]);
  });

  it('the real deploy refuses before any write when a scope is missing (without the check, it would fail half-way)', async () => {
    const seed = { clients: clients(['read:actions', 'update:actions']), actions: [{ name: 'fauna-login', supported_triggers: [{ id: 'post-login', version: 'v3' }] }] };
    const run = await deployInProcess(ARGS, { seed });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_SCOPES: /);
    expect(run.tenant.writes()).toEqual([]);
  });

  it('stops at once without read:actions: it cannot even read the tenant', async () => {
    const run = await deployInProcess([...ARGS, '--dry-run'], { seed: { clients: clients(['create:actions', 'update:actions']) } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_SCOPES: .*\n {2}- read:actions: /);
    expect(run.tenant.requests.map((r) => r.path)).toEqual(['/oauth/token']);
  });

  it('says when the credential holds more than the deploy needs', async () => {
    const run = await deployInProcess([...ARGS, '--dry-run'], { seed: { clients: clients([...DEPLOY_GRANT, 'delete:actions', 'read:users']) } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  also granted, not needed here (a stronger credential than this needs): delete:actions, read:users');
  });
});

describe('compareScopes', () => {
  it('orders missing scopes as needed, and lists the extra ones as granted', () => {
    expect(compareScopes(['update:actions', 'read:users'], SMOKE_SCOPES, 'smoke:tenant')).toEqual({
      missing: SMOKE_SCOPES,
      extra: ['update:actions', 'read:users'],
      lines: [
        'Management API scopes granted: update:actions, read:users',
        'smoke:tenant needs: read:actions, create:actions',
        `  MISSING read:actions: ${SMOKE_SCOPES[0]?.usedFor}`,
        `  MISSING create:actions: ${SMOKE_SCOPES[1]?.usedFor}`,
        '  also granted, not needed here (a stronger credential than this needs): update:actions, read:users',
      ],
    });
  });
});

describe('docs/deploy-and-operate.md', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/deploy-and-operate.md'), 'utf8');
  /** The scope table: `| credential | \`scope\` | … |` rows. */
  const rows = [...doc.matchAll(/^\| (deploy:tenant|smoke:tenant|rotate:keys|revoke:user) \| `([a-z_:]+)` \|/gm)].map((m) => [m[1], m[2]]);

  it('lists exactly the scopes each command asks for, and the test tenant grants exactly those', () => {
    const table = (command: string) => rows.filter(([c]) => c === command).map(([, scope]) => scope);
    expect(table('deploy:tenant')).toEqual(DEPLOY_SCOPES.map((u) => u.scope));
    expect(table('smoke:tenant')).toEqual(SMOKE_SCOPES.map((u) => u.scope));
    expect(table('revoke:user')).toEqual(REVOKE_USER_SCOPES.map((u) => u.scope));
    expect(table('rotate:keys')).toEqual(ROTATE_SCOPES.map((u) => u.scope));
    expect([...DEPLOY_GRANT]).toEqual(DEPLOY_SCOPES.map((u) => u.scope));
    expect([...REVOKE_GRANT]).toEqual(REVOKE_USER_SCOPES.map((u) => u.scope));
  });

  it('credits deploying a version and the test run to create:actions, as Auth0 documents', () => {
    expect(doc).toMatch(/^\| deploy:tenant \| `create:actions` \|[^\n]*POST …\/actions\/\{id\}\/deploy/m);
    expect(doc).toMatch(/^\| smoke:tenant \| `create:actions` \|[^\n]*POST …\/actions\/\{id\}\/test/m);
  });
});
