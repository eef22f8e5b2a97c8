import { SMOKE_USER_ID, claimName, formatResult, runSmoke, smokeEvent } from '../../scripts/deploy/smoke';
import { REPO_ROOT, readTenantFile, selectDeployable } from '../../scripts/deploy/tenant-file';
import { createManagementClient } from '../../scripts/deploy/tenant-state';
import { FakeTenant, type TenantSeed } from './support/fake-tenant';
import { MINTED, NAMESPACE, broken, healthy } from './support/smoke-seeds';
import { CREDENTIALS } from './support/deploy-env';

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
        `PASS  fauna-login: test run on Auth0 (set ${NAMESPACE}fauna_secret on the ID token (value not shown))`,
      ]),
    );
    expect(results).toHaveLength(11);
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
    expect(lines).toContain('FAIL  revoke-fauna-secrets: deployed (no deployed version)');
    expect(lines).toContain('FAIL  revoke-fauna-secrets: bound to post-change-password (post-change-password runs: (nothing))');
  });

  it('fails the test run when the Action sets no claim or the endpoint refuses', async () => {
    const noClaim = await smoke({ ...healthy, testResult: { status: 200, body: { payload: { commands: [], logs: '' } } } });
    expect(noClaim.lines).toContainEqual(
      expect.stringMatching(`^FAIL  fauna-login: test run on Auth0 \\(it did not set ${NAMESPACE}fauna_secret on the ID token \\(claims set: none;`),
    );
    const refused = await smoke({
      ...healthy,
      testResult: { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'Insufficient scope', errorCode: 'insufficient_scope' } },
    });
    expect(refused.lines).toContain('FAIL  fauna-login: test run on Auth0 (the test endpoint refused (HTTP 403))');
  });
});
