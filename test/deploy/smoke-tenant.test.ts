import type { Management, ManagementClient } from 'auth0';
import { sha256 } from '../../scripts/deploy/bundles';
import { SMOKE_USER_ID, claimName, formatResult, revokeEvent, runSmoke, smokeEvent, type SmokeResult } from '../../scripts/deploy/smoke';
import { readTenantFile, type ActionSpec, type TriggerId } from '../../scripts/deploy/tenant-file';
import { createManagementClient } from '../../scripts/deploy/tenant-state';
import { FakeTenant, type TenantSeed } from './support/fake-tenant';
import { LOGIN_RUN, MINTED, NAMESPACE, REVOKE_RUN, broken, healthy } from './support/smoke-seeds';
import { CREDENTIALS, bundle } from './support/deploy-env';

function expectations() {
  const { actions, triggers } = readTenantFile();
  const sample = { user: { user_id: 'auth0|someone', email: 'ada@example.com' }, client: { client_id: 'c1' }, tenant: { id: 't1' }, secrets: { X: 'y' } };
  return {
    actions,
    triggers,
    builds: { 'fauna-login': sha256(bundle('fauna-login')), 'revoke-fauna-secrets': sha256(bundle('revoke-fauna-secrets')) },
    testRun: { action: 'fauna-login', event: smokeEvent(sample, {}), claimName: claimName({ CLAIM_NAMESPACE: NAMESPACE }) },
    revokeRun: { action: 'revoke-fauna-secrets', event: revokeEvent(sample) },
  };
}

async function smoke(seed: TenantSeed) {
  const tenant = new FakeTenant(seed).install();
  try {
    const results = await runSmoke(createManagementClient(CREDENTIALS.AUTH0_DOMAIN, `token-for-${CREDENTIALS.AUTH0_CLIENT_ID}`), expectations());
    return { tenant, results, lines: results.map(formatResult) };
  } finally {
    tenant.uninstall();
  }
}

describe('smoke checks (auth0 SDK against a mocked tenant)', () => {
  it('passes every check on a healthy tenant: reads, then the login run, then the revoke run that ends it', async () => {
    const { tenant, results, lines } = await smoke(healthy);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const ids = { login: tenant.byName('fauna-login')?.id, revoke: tenant.byName('revoke-fauna-secrets')?.id };
    expect(lines).toEqual([
      `PASS  fauna-login: exists (id ${ids.login})`,
      'PASS  fauna-login: built',
      expect.stringMatching(/^PASS {2}fauna-login: deployed \(version 1, auth0-fauna fauna-login v/),
      'PASS  fauna-login: runtime node22',
      'PASS  fauna-login: draft is the deployed version (version 1)',
      `PASS  fauna-login: deployed code is this checkout's build (sha256 ${sha256(bundle('fauna-login'))})`,
      `PASS  revoke-fauna-secrets: exists (id ${ids.revoke})`,
      'PASS  revoke-fauna-secrets: built',
      expect.stringMatching(/^PASS {2}revoke-fauna-secrets: deployed \(version 1, /),
      'PASS  revoke-fauna-secrets: runtime node22',
      'PASS  revoke-fauna-secrets: draft is the deployed version (version 1)',
      `PASS  revoke-fauna-secrets: deployed code is this checkout's build (sha256 ${sha256(bundle('revoke-fauna-secrets'))})`,
      'PASS  fauna-login: bound to post-login (post-login runs: audit-login, fauna-login)',
      'PASS  revoke-fauna-secrets: bound to post-change-password (post-change-password runs: revoke-fauna-secrets)',
      `PASS  fauna-login: test run on Auth0 (set ${NAMESPACE}fauna_secret on the ID token (value not shown))`,
      'PASS  revoke-fauna-secrets: test run on Auth0 (ends the smoke login) (ended 1 smoke secret(s))',
    ]);
    // Both runs as the smoke user, without the event's secrets; the login first.
    expect(tenant.writes().map((r) => [r.path, r.body])).toEqual([
      [`/api/v2/actions/actions/${ids.login}/test`, { payload: { user: { user_id: SMOKE_USER_ID, email: 'ada@example.com' }, client: { client_id: 'c1' }, tenant: { id: 't1' } } }],
      [`/api/v2/actions/actions/${ids.revoke}/test`, { payload: { user: { user_id: SMOKE_USER_ID, email: 'ada@example.com' }, tenant: { id: 't1' } } }],
    ]);
    expect(lines.join('\n')).not.toContain(MINTED);
  });

  it('fails each broken check with the reason, and runs no test against an undeployed draft', async () => {
    const { results, lines, tenant } = await smoke(broken);
    const failed = results.filter((r) => !r.ok).map((r) => r.check);
    expect(failed).toEqual(expect.arrayContaining(['fauna-login: runtime node22', 'fauna-login: bound to post-login', 'fauna-login: test run on Auth0']));
    expect(lines).toContain('FAIL  fauna-login: runtime node22 (runtime node18, deployed version on node18)');
    expect(lines).toContain('FAIL  revoke-fauna-secrets: deployed (no deployed version)');
    expect(lines).toContain('FAIL  revoke-fauna-secrets: draft is the deployed version (nothing is deployed)');
    expect(lines).toContain('FAIL  revoke-fauna-secrets: bound to post-change-password (post-change-password runs: (nothing))');
    expect(lines).toContain('FAIL  fauna-login: test run on Auth0 (not run: a draft differs from what is deployed (see above), and the test endpoint would run the draft)');
    expect(tenant.writes()).toEqual([]);
  });

  it('fails a draft that differs from the deployed version, and a deployed build other than this checkout\'s', async () => {
    const seed: TenantSeed = {
      ...healthy,
      actions: [
        { name: 'fauna-login', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: bundle('fauna-login'), draftCode: '// edited in the Dashboard' },
        { name: 'revoke-fauna-secrets', supported_triggers: [{ id: 'post-change-password', version: 'v2' }], code: '// auth0-fauna revoke-fauna-secrets v0.0.9 (1111111), faunadb 4.8.2\nold' },
      ],
    };
    const { lines, tenant } = await smoke(seed);
    expect(lines).toContain(
      'FAIL  fauna-login: draft is the deployed version (the draft differs from deployed version 1 (undeployed changes), and the test endpoint runs the draft: deploy it (npm run deploy:tenant) or discard it first)',
    );
    expect(lines).toContain(
      `FAIL  revoke-fauna-secrets: deployed code is this checkout's build (deployed sha256 ${sha256('// auth0-fauna revoke-fauna-secrets v0.0.9 (1111111), faunadb 4.8.2\nold')}, auth0-fauna revoke-fauna-secrets v0.0.9 (1111111), faunadb 4.8.2; this checkout builds ${sha256(bundle('revoke-fauna-secrets'))})`,
    );
    expect(tenant.writes()).toEqual([]);
  });

  it('fails either Action unbound', async () => {
    const { lines } = await smoke({ ...healthy, bindings: { 'post-login': [{ action_name: 'fauna-login' }] } });
    expect(lines).toContain('FAIL  revoke-fauna-secrets: bound to post-change-password (post-change-password runs: (nothing))');
  });

  it('fails the test runs when the Action sets no claim, the revoke run logs an error, or the endpoint refuses', async () => {
    const noClaim = await smoke({ ...healthy, testResults: { 'fauna-login': { status: 200, body: { payload: { commands: [], logs: '' } } }, 'revoke-fauna-secrets': REVOKE_RUN } });
    expect(noClaim.lines).toContainEqual(
      expect.stringMatching(`^FAIL  fauna-login: test run on Auth0 \\(it did not set ${NAMESPACE}fauna_secret on the ID token \\(claims set: none;`),
    );
    const revokeFailed = await smoke({
      ...healthy,
      testResults: { 'fauna-login': LOGIN_RUN, 'revoke-fauna-secrets': { status: 200, body: { payload: { logs: '[revoke-fauna-secrets] ERR_FAUNA_UNAUTHORIZED: Fauna query failed\n' } } } },
    });
    expect(revokeFailed.lines).toContain('FAIL  revoke-fauna-secrets: test run on Auth0 (ends the smoke login) (the Action logged ERR_FAUNA_UNAUTHORIZED; see its logs)');
    const refused = await smoke({
      ...healthy,
      testResults: { '*': { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'Insufficient scope', errorCode: 'insufficient_scope' } } },
    });
    expect(refused.lines).toContain('FAIL  fauna-login: test run on Auth0 (the test endpoint refused (HTTP 403))');
  });
});

/**
 * The same checks on tenant answers the fake tenant does not produce (a build that failed, a
 * version left undeployed, fields the API left out), from a client that answers with them.
 */
interface StubTenant {
  readonly actions?: Management.Action[];
  readonly bindings?: Partial<Record<TriggerId, Management.ActionBinding[]>>;
  readonly test?: (id: string) => Promise<Management.TestActionResponseContent>;
}

function stubClient(tenant: StubTenant): { client: ManagementClient; tested: string[] } {
  const tested: string[] = [];
  const actions = {
    list: async () => tenant.actions ?? [],
    triggers: { bindings: { list: async (trigger: TriggerId) => tenant.bindings?.[trigger] ?? [] } },
    test: async (id: string) => {
      tested.push(id);
      return tenant.test ? tenant.test(id) : { payload: {} };
    },
  };
  return { client: { actions } as unknown as ManagementClient, tested };
}

const HEADER = '// auth0-fauna fauna-login v0.1.0 (abc1234), faunadb 4.8.2';
const loginSpec: ActionSpec = {
  name: 'fauna-login',
  code: './dist/actions/fauna-login.js',
  runtime: 'node22',
  deployed: true,
  dependencies: [],
  supported_triggers: [{ id: 'post-login', version: 'v3' }],
  secrets: [],
};

/** fauna-login as a healthy tenant lists it; `fields` break it. */
const DEPLOYED_CODE = `${HEADER}\nexports.onExecutePostLogin = async () => {};`;

function loginAction(fields: Partial<Management.Action> = {}): Management.Action {
  return {
    id: 'act_0001',
    name: 'fauna-login',
    status: 'built',
    runtime: 'node22',
    code: DEPLOYED_CODE,
    all_changes_deployed: true,
    deployed_version: { deployed: true, number: 3, runtime: 'node22', code: DEPLOYED_CODE },
    ...fields,
  };
}

async function actionChecks(action: Management.Action | undefined): Promise<SmokeResult[]> {
  const { client } = stubClient({ actions: action ? [action] : [] });
  return runSmoke(client, { actions: [loginSpec], triggers: {} });
}

async function check(name: string, action: Management.Action): Promise<SmokeResult | undefined> {
  return (await actionChecks(action)).find((r) => r.check === `fauna-login: ${name}`);
}

describe('smoke checks of each Action', () => {
  it('pass a built Action whose latest changes are deployed on its runtime, naming its id and the deployed build', async () => {
    expect(await actionChecks(loginAction())).toStrictEqual([
      { check: 'fauna-login: exists', ok: true, detail: 'id act_0001' },
      { check: 'fauna-login: built', ok: true, detail: undefined },
      { check: 'fauna-login: deployed', ok: true, detail: 'version 3, auth0-fauna fauna-login v0.1.0 (abc1234), faunadb 4.8.2' },
      { check: 'fauna-login: runtime node22', ok: true, detail: undefined },
      { check: 'fauna-login: draft is the deployed version', ok: true, detail: 'version 3' },
    ]);
  });

  it('compare the deployed code with this checkout\'s build only when asked, and fail when there is none to compare', async () => {
    const { client } = stubClient({ actions: [loginAction()] });
    const withBuild = await runSmoke(client, { actions: [loginSpec], triggers: {}, builds: { 'fauna-login': sha256(DEPLOYED_CODE) } });
    expect(withBuild.at(-1)).toEqual({ check: "fauna-login: deployed code is this checkout's build", ok: true, detail: `sha256 ${sha256(DEPLOYED_CODE)}` });
    const unbuilt = await runSmoke(client, { actions: [loginSpec], triggers: {}, builds: {} });
    expect(unbuilt.at(-1)).toEqual({
      check: "fauna-login: deployed code is this checkout's build",
      ok: false,
      detail: 'dist/actions/fauna-login.js is not built here; run npm run build to compare',
    });
  });

  it('show the deployed version without a build line when its code has none, and ? for a version without a number', async () => {
    expect(await check('deployed', loginAction({ deployed_version: { deployed: true, runtime: 'node22', code: 'exports.x = 1;' } }))).toEqual({
      check: 'fauna-login: deployed',
      ok: true,
      detail: 'version ?',
    });
  });

  it('fail an Action the tenant does not have, with that one check only', async () => {
    expect(await actionChecks(undefined)).toStrictEqual([{ check: 'fauna-login: exists', ok: false, detail: 'not in the tenant; run npm run deploy:tenant' }]);
  });

  it.each([
    ['whose build failed', 'built', { status: 'failed' }, 'status is failed'],
    ['without a build status', 'built', { status: undefined }, 'status is unknown'],
    ['with changes not deployed', 'deployed', { all_changes_deployed: false }, 'the latest changes are not deployed'],
    ['without a deployed version', 'deployed', { deployed_version: undefined }, 'no deployed version'],
    ['whose deployed version is on another runtime', 'runtime node22', { deployed_version: { deployed: true, number: 3, runtime: 'node18' } }, 'runtime node22, deployed version on node18'],
    ['whose draft is on another runtime', 'runtime node22', { runtime: 'node18' }, 'runtime node18, deployed version on node22'],
    ['with no runtime and nothing deployed', 'runtime node22', { runtime: undefined, deployed_version: undefined }, 'runtime unset, deployed version on none'],
  ] as const)('fail an Action %s, saying why', async (_name, name, fields, detail) => {
    expect(await check(name, loginAction(fields))).toEqual({ check: `fauna-login: ${name}`, ok: false, detail });
  });

  it('fail the binding check when our Action is not bound, showing an unnamed binding as ?', async () => {
    const { client } = stubClient({
      actions: [loginAction()],
      bindings: { 'post-login': [{ id: 'b1', action: { name: 'audit-login' } }, { id: 'b2', display_name: 'mystery' }] },
    });
    const results = await runSmoke(client, { actions: [], triggers: { 'post-login': [{ action_name: 'fauna-login', display_name: 'fauna-login' }] } });
    expect(results).toStrictEqual([{ check: 'fauna-login: bound to post-login', ok: false, detail: 'post-login runs: audit-login, ?' }]);
  });

  it('fail the test run of an Action the tenant does not have (or lists without an id), without calling the endpoint', async () => {
    for (const actions of [[], [loginAction({ id: undefined })]]) {
      const { client, tested } = stubClient({ actions });
      const results = await runSmoke(client, { actions: [], triggers: {}, testRun: { action: 'fauna-login', event: {}, claimName: 'fauna_secret' } });
      expect(results).toStrictEqual([{ check: 'fauna-login: test run on Auth0', ok: false, detail: 'no such Action to test' }]);
      expect(tested).toEqual([]);
    }
  });

  it('fail the test run when the endpoint call fails without an HTTP status', async () => {
    const { client, tested } = stubClient({ actions: [loginAction()], test: async () => Promise.reject(new Error('socket hang up')) });
    const results = await runSmoke(client, { actions: [], triggers: {}, testRun: { action: 'fauna-login', event: {}, claimName: 'fauna_secret' } });
    expect(results).toStrictEqual([{ check: 'fauna-login: test run on Auth0', ok: false, detail: 'the test endpoint refused (HTTP ?)' }]);
    expect(tested).toEqual(['act_0001']);
  });
});

describe('the smoke event', () => {
  const event = { user: { user_id: 'auth0|someone', email: 'ada@example.com' }, client: { client_id: 'c1', name: 'My App' }, secrets: { FAUNA_SECRET: 'fnX' } };

  it('logs in through the first client of ALLOWED_CLIENT_IDS, keeping the rest of the event\'s client', () => {
    expect(smokeEvent(event, { ALLOWED_CLIENT_IDS: ' , c2 , c3' })).toStrictEqual({
      user: { user_id: SMOKE_USER_ID, email: 'ada@example.com' },
      client: { client_id: 'c2', name: 'My App' },
    });
    expect(smokeEvent({}, { ALLOWED_CLIENT_IDS: 'c2' })).toStrictEqual({ user: { user_id: SMOKE_USER_ID }, client: { client_id: 'c2' } });
  });

  it('keeps the event\'s client when ALLOWED_CLIENT_IDS lists none', () => {
    expect(smokeEvent(event, { ALLOWED_CLIENT_IDS: ' , ' }).client).toEqual({ client_id: 'c1', name: 'My App' });
  });
});
