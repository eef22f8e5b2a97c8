import { SMOKE_USER_ID, claimName, formatResult, runSmoke, smokeEvent } from '../../scripts/deploy/smoke';
import { REPO_ROOT, readTenantFile, selectDeployable } from '../../scripts/deploy/tenant-file';
import { createManagementClient } from '../../scripts/deploy/tenant-state';
import { FakeTenant, type TenantSeed } from './support/fake-tenant';
import { CREDENTIALS, HAS_REVOKE, secretsPrinted } from './support/deploy-env';
import { runScript } from './support/run-script';

const NAMESPACE = 'https://app.example.com/';
const MINTED = 'fnMINTED-secret-from-the-test-run-0f9e';
const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

const healthy: TenantSeed = {
  actions: [
    { name: 'audit-login', supported_triggers: postLogin },
    { name: 'fauna-login', supported_triggers: postLogin },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword },
  ],
  bindings: {
    'post-login': [{ action_name: 'audit-login' }, { action_name: 'fauna-login' }],
    'post-change-password': [{ action_name: 'revoke-fauna-secrets' }],
  },
  testResult: {
    status: 200,
    body: {
      payload: {
        commands: [
          { name: 'SetCustomClaim', target: 'idToken', key: `${NAMESPACE}fauna_secret`, value: MINTED },
          { name: 'SetCustomClaim', target: 'idToken', key: `${NAMESPACE}fauna_secret_exp`, value: 1767225600 },
        ],
        logs: '',
      },
    },
  },
};

const broken: TenantSeed = {
  actions: [
    { name: 'fauna-login', supported_triggers: postLogin, runtime: 'node18' },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, deployed: false },
  ],
  bindings: { 'post-login': [] },
  testResult: { status: 200, body: { payload: { error: { id: 'a0-err', msg: 'fauna-login denied the login' }, logs: '' } } },
};

function expectations() {
  const { actions, triggers } = selectDeployable(readTenantFile(), REPO_ROOT);
  const event = smokeEvent({ user: { user_id: 'auth0|someone', email: 'ada@example.com' }, client: { client_id: 'c1' }, secrets: { X: 'y' } }, {});
  return { actions, triggers, testRun: { action: 'fauna-login', event, claimName: claimName({ CLAIM_NAMESPACE: NAMESPACE }) } };
}

async function smoke(seed: TenantSeed) {
  const tenant = new FakeTenant(seed).install();
  try {
    const results = await runSmoke(createManagementClient({ domain: CREDENTIALS.AUTH0_DOMAIN, clientId: CREDENTIALS.AUTH0_CLIENT_ID, clientSecret: CREDENTIALS.AUTH0_CLIENT_SECRET }), expectations());
    return { tenant, results, lines: results.map(formatResult) };
  } finally {
    tenant.uninstall();
  }
}

describe('smoke checks (auth0 SDK against a mocked tenant)', () => {
  it('passes every check on a healthy tenant, with read calls and one test run only', async () => {
    const { tenant, results, lines } = await smoke(healthy);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PASS {2}fauna-login: exists/),
        'PASS  fauna-login: built',
        expect.stringMatching(/^PASS {2}fauna-login: deployed \(version 1\)/),
        'PASS  fauna-login: runtime node22',
        'PASS  fauna-login: bound to post-login (post-login runs: audit-login, fauna-login)',
        `PASS  fauna-login: test run on Auth0 (set ${NAMESPACE}fauna_secret (value not shown))`,
      ]),
    );
    expect(results).toHaveLength(HAS_REVOKE ? 11 : 6);
    // The test run: the sample event as the smoke user, without the event's secrets.
    const testCall = tenant.requests.find((r) => r.path.endsWith('/test'));
    expect(testCall?.body).toEqual({ payload: { user: { user_id: SMOKE_USER_ID, email: 'ada@example.com' }, client: { client_id: 'c1' } } });
    expect(tenant.writes().map((r) => r.path)).toEqual([`/api/v2/actions/actions/${tenant.byName('fauna-login')?.id}/test`]);
    expect(lines.join('\n')).not.toContain(MINTED);
  });

  it('fails each broken check with the reason, and a failed test run', async () => {
    const { results, lines } = await smoke(broken);
    const failed = results.filter((r) => !r.ok).map((r) => r.check);
    expect(failed).toEqual(
      expect.arrayContaining(['fauna-login: runtime node22', 'fauna-login: bound to post-login', 'fauna-login: test run on Auth0']),
    );
    expect(lines).toContain('FAIL  fauna-login: runtime node22 (runtime node18, deployed version on node18)');
    expect(lines).toContain('FAIL  fauna-login: test run on Auth0 (the Action failed: fauna-login denied the login)');
    if (HAS_REVOKE) {
      expect(lines).toContain('FAIL  revoke-fauna-secrets: deployed (no deployed version)');
      expect(lines).toContain('FAIL  revoke-fauna-secrets: bound to post-change-password (post-change-password runs: (nothing))');
    }
  });

  it('fails the test run when the Action sets no claim or the endpoint refuses', async () => {
    const noClaim = await smoke({ ...healthy, testResult: { status: 200, body: { payload: { commands: [], logs: '' } } } });
    expect(noClaim.lines).toContain(
      `FAIL  fauna-login: test run on Auth0 (it did not set ${NAMESPACE}fauna_secret (login denied or Fauna unreachable: see the Action's logs))`,
    );
    const refused = await smoke({
      ...healthy,
      testResult: { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'Insufficient scope', errorCode: 'insufficient_scope' } },
    });
    expect(refused.lines).toContain('FAIL  fauna-login: test run on Auth0 (the test endpoint refused (HTTP 403))');
  });
});

describe('npm run smoke:tenant', () => {
  const env = { ...CREDENTIALS, CLAIM_NAMESPACE: NAMESPACE };

  it('exits 0 with a PASS line per check on a healthy tenant', async () => {
    const run = await runScript('smoke-tenant', [], { env, seed: healthy });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/All \d+ checks passed\./);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout).not.toContain(MINTED);
    expect(run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token').map((r) => r.path)).toEqual([
      expect.stringMatching(/\/test$/),
    ]);
  }, 60_000);

  it('exits 1 on a broken tenant and never prints the client secret', async () => {
    const run = await runScript('smoke-tenant', [], { env, seed: broken });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}fauna-login: bound to post-login/m);
    expect(run.stdout).toMatch(/\d+ of \d+ checks failed\./);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  }, 60_000);
});
