import { FakeTenant, type RecordedRequest, type TenantSeed } from './support/fake-tenant';
import { deployInProcess, type InProcessRun } from './support/deploy-in-process';
import { LOGIN_SECRET_NAMES, REVOKE_SECRET_NAMES, bundle, secretsPrinted } from './support/deploy-env';
import { sha256 } from '../../scripts/deploy/bundles';
import { requestsLikeDeployCli } from './support/sdk-deployer';

/**
 * Never half-secured: one Action per import, revoke-fauna-secrets first, then the bindings
 * written by the deploy itself, post-change-password before post-login; a failure injected at
 * each write leaves the tenant no worse than "not bound", and the deploy reads the tenant back,
 * says what it holds, what that means, and what to run.
 */
const ARGS = ['--skip-build', '--allow-dirty'];
const postLogin = [{ id: 'post-login', version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password', version: 'v2' }];

const isWrite = (r: RecordedRequest) => r.method !== 'GET' && r.path !== '/oauth/token';
const writes = (run: InProcessRun) => run.tenant.requests.filter(isWrite).map((r) => `${r.method} ${r.path.replace(/act_\d+/, (id) => run.tenant.actions.find((a) => a.id === id)?.name ?? id)} ${r.status}`);

/** Bound login never without bound revocation, at any moment: checked on every PATCH of the bindings. */
function neverHalfSecured(run: InProcessRun): void {
  const patches = run.tenant.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/bindings') && r.status === 200);
  const loginBoundAt = patches.findIndex((r) => r.path.includes('/post-login/'));
  const revokeBoundAt = patches.findIndex((r) => r.path.includes('/post-change-password/'));
  if (loginBoundAt >= 0) expect(revokeBoundAt).toBeGreaterThanOrEqual(0);
  if (loginBoundAt >= 0) expect(revokeBoundAt).toBeLessThan(loginBoundAt);
  const login = run.tenant.boundNames('post-login').includes('fauna-login');
  const revoke = run.tenant.boundNames('post-change-password').includes('revoke-fauna-secrets');
  if (login) expect(revoke).toBe(true);
}

describe('a deploy to an empty tenant', () => {
  let run: InProcessRun;
  beforeAll(async () => {
    run = await deployInProcess(ARGS);
  });

  it('succeeds and says what is deployed and bound', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('revoke-fauna-secrets: deployed version 1 (this build); bound to post-change-password');
    expect(run.stdout).toContain('fauna-login: deployed version 1 (this build); bound to post-login');
    expect(run.stdout).toContain('Logins mint Fauna secrets (fauna-login is bound) and a password change revokes them.');
  });

  it('deploys revoke-fauna-secrets completely, then fauna-login, then binds revocation first', () => {
    expect(writes(run)).toEqual([
      'POST /api/v2/actions/actions 201',
      'POST /api/v2/actions/actions/revoke-fauna-secrets/deploy 200',
      'POST /api/v2/actions/actions 201',
      'POST /api/v2/actions/actions/fauna-login/deploy 200',
      'PATCH /api/v2/actions/triggers/post-change-password/bindings 200',
      'PATCH /api/v2/actions/triggers/post-login/bindings 200',
    ]);
    const creates = run.tenant.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/actions/actions').map((r) => (r.body as { name: string }).name);
    expect(creates).toEqual(['revoke-fauna-secrets', 'fauna-login']);
    neverHalfSecured(run);
  });

  it('re-reads each trigger just before writing it, and reads it back after', () => {
    const paths = run.tenant.requests.map((r) => `${r.method} ${r.path}`);
    for (const trigger of ['post-change-password', 'post-login']) {
      const at = paths.indexOf(`PATCH /api/v2/actions/triggers/${trigger}/bindings`);
      expect(paths[at - 1]).toBe(`GET /api/v2/actions/triggers/${trigger}/bindings`);
      expect(paths[at + 1]).toBe(`GET /api/v2/actions/triggers/${trigger}/bindings`);
    }
  });

  it('prints the sha256 of each bundle it sends, and what runs is that code', () => {
    for (const name of ['fauna-login', 'revoke-fauna-secrets']) {
      const digest = sha256(bundle(name));
      expect(run.stdout).toContain(`${name}: ${Buffer.byteLength(bundle(name))} bytes, sha256 ${digest}`);
      expect(sha256(run.tenant.byName(name)?.deployed_version?.code ?? '')).toBe(digest);
    }
  });

  it('sends exactly the settings this environment sets: no documented default in place of an unset one', () => {
    expect(run.tenant.byName('fauna-login')?.secrets.map((s) => s.name)).toEqual(LOGIN_SECRET_NAMES);
    expect(run.tenant.byName('revoke-fauna-secrets')?.secrets.map((s) => s.name)).toEqual(REVOKE_SECRET_NAMES);
    expect(run.stdout).toContain('Not set, so not sent (each Action applies its documented default): FAUNA_TIMEOUT_MS, FAUNA_SECRET_TTL, ON_FAUNA_ERROR');
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });
});

/** A tenant that already runs both Actions, bound among others. */
const deployed: TenantSeed = {
  actions: [
    { name: 'audit-login', supported_triggers: postLogin },
    { name: 'fauna-login', supported_triggers: postLogin, code: '// old login build', secrets: LOGIN_SECRET_NAMES },
    { name: 'password-notify', supported_triggers: postChangePassword },
    { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, code: '// old revoke build', secrets: REVOKE_SECRET_NAMES },
  ],
  bindings: {
    'post-login': [{ action_name: 'audit-login' }, { action_name: 'fauna-login' }],
    'post-change-password': [{ action_name: 'password-notify' }, { action_name: 'revoke-fauna-secrets' }],
  },
};

describe('a failure injected at each write of a first deploy', () => {
  it.each([
    ['creating revoke-fauna-secrets', 'POST', '^/api/v2/actions/actions$', 'deploying revoke-fauna-secrets', 'npm run deploy:tenant -- --skip-build --allow-dirty'],
    ['deploying revoke-fauna-secrets', 'POST', '/actions/act_0001/deploy$', 'deploying revoke-fauna-secrets', 'npm run deploy:tenant -- --skip-build --allow-dirty'],
    ['deploying fauna-login', 'POST', '/actions/act_0003/deploy$', 'deploying fauna-login', 'npm run deploy:tenant -- --skip-build --allow-dirty --bind'],
    ['binding revocation', 'PATCH', '/post-change-password/bindings$', 'binding revoke-fauna-secrets to post-change-password', 'npm run deploy:tenant -- --skip-build --allow-dirty --bind'],
    ['binding fauna-login', 'PATCH', '/post-login/bindings$', 'binding fauna-login to post-login', 'npm run deploy:tenant -- --skip-build --allow-dirty --bind'],
  ])('%s: stops, never half-secured, reads the tenant back and names the command to finish', async (_name, method, path, step, finish) => {
    const run = await deployInProcess(ARGS, { seed: { failures: [{ method, path, status: 400, message: 'Injected: the write was refused' }] } });
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(`ERR_DEPLOY_WRITE: The deploy stopped while ${step}:\n  - HTTP 400: `)).toBe(true);
    expect(run.stderr).toContain('Injected: the write was refused');
    expect(run.stdout).toContain(`The deploy stopped while ${step}.`);
    expect(run.stdout).toContain('What the tenant holds now (read back):');
    expect(run.stdout).toContain(`To finish: ${finish}`);
    expect(run.stdout).toContain('To take Fauna out of logins now: Dashboard > Actions > Triggers > post-login, remove fauna-login.');
    expect(run.stdout).not.toContain('HALF-SECURED');
    expect(run.stdout).not.toContain('Deployed. Run npm run smoke:tenant');
    // After the failure, only reads: the read-back.
    const failedAt = run.tenant.requests.findIndex((r) => r.status === 400);
    expect(run.tenant.requests.slice(failedAt + 1).filter(isWrite)).toEqual([]);
    neverHalfSecured(run);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });

  it('after fauna-login was created but not bound, says so: logins get no secret, revocation is bound', async () => {
    const run = await deployInProcess(ARGS, { seed: { failures: [{ method: 'PATCH', path: '/post-login/bindings$', status: 409 }] } });
    expect(run.stdout).toContain('revoke-fauna-secrets: deployed version 1 (this build); bound to post-change-password');
    expect(run.stdout).toContain('fauna-login: deployed version 1 (this build); NOT bound to post-login');
    expect(run.stdout).toContain('fauna-login is not bound to post-login: logins get no Fauna secret, so the app cannot reach Fauna; revocation is bound.');
    expect(run.stdout).toContain('(fauna-login exists unbound now, which a plain deploy takes for the kill switch)');
  });

  it('the command it names finishes the deploy', async () => {
    const failed = await deployInProcess(ARGS, { seed: { failures: [{ method: 'POST', path: '/actions/act_0003/deploy$', status: 400 }] } });
    expect(failed.code).toBe(1);
    // A tenant in the state the failed run left: both Actions, revoke deployed, login created only.
    const seed: TenantSeed = {
      actions: [
        { name: 'revoke-fauna-secrets', supported_triggers: postChangePassword, code: bundle('revoke-fauna-secrets'), secrets: REVOKE_SECRET_NAMES },
        { name: 'fauna-login', supported_triggers: postLogin, code: bundle('fauna-login'), secrets: LOGIN_SECRET_NAMES, deployed: false },
      ],
    };
    const plain = await deployInProcess(ARGS, { seed });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^ERR_DEPLOY_KILL_SWITCH/);
    const finished = await deployInProcess([...ARGS, '--bind'], { seed });
    expect(finished.code).toBe(0);
    expect(finished.tenant.boundNames('post-login')).toEqual(['fauna-login']);
    expect(finished.tenant.boundNames('post-change-password')).toEqual(['revoke-fauna-secrets']);
  });
});

describe('a failure while updating a tenant that runs both Actions', () => {
  it('when fauna-login fails to deploy, says it still runs its previous version, and touches no binding', async () => {
    const fauna = new FakeTenant(deployed).byName('fauna-login')?.id;
    const run = await deployInProcess(ARGS, { seed: { ...deployed, failures: [{ method: 'POST', path: `/actions/${fauna}/deploy$`, status: 400 }] } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('revoke-fauna-secrets: deployed version 2 (this build); bound to post-change-password');
    expect(run.stdout).toContain('fauna-login: deployed version 1 (NOT this build); undeployed changes in its draft; bound to post-login');
    expect(run.stdout).toContain('fauna-login still runs its previous version, not this build.');
    expect(run.stdout).toContain('To finish: npm run deploy:tenant -- --skip-build --allow-dirty\n');
    expect(run.tenant.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/bindings'))).toEqual([]);
  });

  it('leaves every other Action bound where it was, writing no trigger it need not', async () => {
    const run = await deployInProcess(ARGS, { seed: deployed });
    expect(run.code).toBe(0);
    expect(run.tenant.boundNames('post-login')).toEqual(['audit-login', 'fauna-login']);
    expect(run.tenant.boundNames('post-change-password')).toEqual(['password-notify', 'revoke-fauna-secrets']);
    expect(run.tenant.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/bindings'))).toEqual([]);
    expect(run.tenant.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/actions/actions')).toEqual([]);
  });
});

describe('a tenant left half-secured before this deploy', () => {
  const halfSecured: TenantSeed = { ...deployed, bindings: { 'post-login': [{ action_name: 'audit-login' }, { action_name: 'fauna-login' }], 'post-change-password': [{ action_name: 'password-notify' }] } };

  it('is closed: revocation is bound after the password-notify Action, and login stays where it was', async () => {
    const run = await deployInProcess(ARGS, { seed: halfSecured });
    expect(run.code).toBe(0);
    expect(run.tenant.boundNames('post-change-password')).toEqual(['password-notify', 'revoke-fauna-secrets']);
    expect(run.tenant.boundNames('post-login')).toEqual(['audit-login', 'fauna-login']);
  });

  it('when binding revocation fails, says HALF-SECURED and what to do now', async () => {
    const run = await deployInProcess(ARGS, { seed: { ...halfSecured, failures: [{ method: 'PATCH', path: '/post-change-password/bindings$', status: 400 }] } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'HALF-SECURED: fauna-login mints a Fauna secret at every login, but revoke-fauna-secrets is not bound to post-change-password, so a password change revokes nothing.',
    );
    expect(run.stdout).toContain('To finish: npm run deploy:tenant -- --skip-build --allow-dirty\n');
  });
});

describe('bindings that change under the deploy', () => {
  it('reports bindings read back other than written as ERR_DEPLOY_BINDINGS, with the read-back', async () => {
    const run = await deployInProcess(ARGS, {
      seed: {
        actions: [{ name: 'audit-login', supported_triggers: postLogin }],
        bindings: { 'post-login': [{ action_name: 'audit-login' }] },
        surprises: { bindingsAfterWrite: { 'post-login': ['fauna-login'] } },
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'ERR_DEPLOY_BINDINGS: The deploy stopped while binding fauna-login to post-login:\n' +
        '  - post-login: wrote audit-login, fauna-login, read back fauna-login (another admin or deploy may have changed them at the same moment)',
    );
    expect(run.stdout).toContain('post-login runs: fauna-login');
  });

  it('keeps a binding whose Action comes back without a name, by its id', async () => {
    const run = await deployInProcess(ARGS, {
      seed: { actions: [{ name: 'geo-block', supported_triggers: postLogin }], bindings: { 'post-login': [{ action_name: 'geo-block', unnamed: true }] } },
    });
    expect(run.code).toBe(0);
    const patch = run.tenant.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/post-login/bindings'));
    expect((patch?.body as { bindings: unknown[] }).bindings[0]).toEqual({ ref: { type: 'action_id', value: 'act_0001' }, display_name: 'geo-block' });
    expect(run.tenant.boundNames('post-login')).toEqual(['geo-block', 'fauna-login']);
  });

  it('refuses, before any write, a binding that names no Action at all', async () => {
    const run = await deployInProcess(ARGS, {
      seed: { actions: [{ name: 'geo-block', supported_triggers: postLogin }], bindings: { 'post-login': [{ action_name: 'geo-block', orphan: true }] } },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_BINDINGS: Refusing to deploy: writing the bindings would unbind Actions:\n {2}- post-login binding #1 \(bnd_\d+\) names no Action/);
    expect(run.tenant.writes()).toEqual([]);
  });
});

describe('each Action read back after its import', () => {
  it('must be deployed with the code just sent: an import that did nothing stops the deploy before any binding', async () => {
    const run = await deployInProcess(ARGS, { deps: { deployAction: async () => undefined } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'ERR_DEPLOY_READ_BACK: The deploy stopped while deploying revoke-fauna-secrets:\n  - revoke-fauna-secrets: deployed code sha256 (none), sent ' +
        sha256(bundle('revoke-fauna-secrets')),
    );
    expect(run.tenant.writes()).toEqual([]);
  });

  it('must be deployed with the code just sent: other code deployed in between stops it too', async () => {
    const run = await deployInProcess(ARGS, {
      deps: {
        deployAction: async (one) => {
          await requestsLikeDeployCli({ ...one, file: { ...one.file, mappings: one.file.mappings } });
          // Someone else's deploy lands right after ours.
          const token = `Bearer token-for-${one.credentials.clientId}`;
          const id = ((await (await fetch(`https://${one.credentials.domain}/api/v2/actions/actions`, { headers: { authorization: token } })).json()) as { actions: { id: string }[] }).actions[0]?.id;
          await fetch(`https://${one.credentials.domain}/api/v2/actions/actions/${id}`, { method: 'PATCH', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ code: '// other' }) });
          await fetch(`https://${one.credentials.domain}/api/v2/actions/actions/${id}/deploy`, { method: 'POST', headers: { authorization: token } });
        },
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`revoke-fauna-secrets: deployed code sha256 ${sha256('// other')}, sent ${sha256(bundle('revoke-fauna-secrets'))}`);
    expect(run.tenant.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/bindings'))).toEqual([]);
  });
});
