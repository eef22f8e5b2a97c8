import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { query as q } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { readSettings } from '../../actions/lib/settings';
import { LOGIN_ACTION, REVOKE_ACTION } from '../../fauna/roles';
import { runTestEndpoint } from '../../scripts/bench/auth0-runtime';
import { ROTATION_ADMIN_KEY, ROTATION_CLIENTS, ROTATION_FAUNA_ENDPOINT, ROTATION_NAMESPACE } from '../../scripts/bench/rotation-world';
import { runDeploy } from '../../scripts/deploy/run-deploy';
import { DEFAULT_SMOKE_EVENT, SMOKE_USER_ID } from '../../scripts/deploy/smoke';
import { LONGEST_FAUNA_BUDGET_MS } from '../../scripts/rotate/run-rotation';
import { requestsLikeDeployCli } from '../deploy/support/sdk-deployer';
import { rotationHarness, secretsIn, type Harness, type RotationRun } from './support/rotate-in-process';

/**
 * npm run rotate:keys against the fake tenant and the in-process Fauna: the whole rotation, then
 * each step failing in turn (key creation, the new keys' preflight, the deploy of each Action,
 * the test run, the wait, the deletion, the 401 check). After every failure the tenant still
 * logs users in with live keys, the output says what is where and what to run, and running again
 * finishes the rotation without redoing what was done.
 */
jest.setTimeout(60_000);

let h: Harness;
/** The harness a describe shares across its tests (closed in its afterAll, not after each test). */
let shared: Harness | undefined;
afterEach(() => {
  if (h !== shared) h?.close();
});

interface KeyDoc {
  readonly id: string;
  readonly roles: string[];
  readonly replaces?: string;
}

async function keys(harness: Harness): Promise<KeyDoc[]> {
  const admin = createFaunaClient({ faunaEndpoint: ROTATION_FAUNA_ENDPOINT, faunaSecret: ROTATION_ADMIN_KEY }, harness.world.fauna.fetch);
  const page = await admin.query<{ data: { ref: { id: string }; role: { id: string } | { id: string }[]; data?: { rotation?: { replaces?: string } } }[] }>(
    q.Map(q.Paginate(q.Keys()), q.Lambda('r', q.Get(q.Var('r')))),
  );
  return page.data.map((k) => ({
    id: k.ref.id,
    roles: (Array.isArray(k.role) ? k.role : [k.role]).map((r) => r.id).sort(),
    ...(k.data?.rotation?.replaces ? { replaces: k.data.rotation.replaces } : {}),
  }));
}

async function accepted(harness: Harness, secret: string): Promise<boolean> {
  const response = await harness.world.fauna.fetch(`${ROTATION_FAUNA_ENDPOINT}/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}` },
    body: JSON.stringify(q.HasCurrentToken()),
  });
  return response.status !== 401;
}

function keyFile(harness: Harness): Record<string, string> {
  return dotenv.parse(fs.readFileSync(harness.keyFile, 'utf8'));
}

/** A login through fauna-login's DEPLOYED version (its code and secrets): what a user gets right now. */
async function deployedLoginWorks(harness: Harness): Promise<boolean> {
  const action = harness.world.tenant.byName('fauna-login');
  const event = JSON.parse(fs.readFileSync(DEFAULT_SMOKE_EVENT, 'utf8')) as Record<string, unknown>;
  const result = await runTestEndpoint({
    action: 'fauna-login',
    code: action?.deployed_version?.code ?? '',
    secrets: harness.world.tenant.deployedSecretValues('fauna-login') ?? {},
    payload: { ...event, user: { user_id: 'auth0|rotation-check' }, client: { client_id: ROTATION_CLIENTS[0] } },
  });
  const commands = (result.body as { payload?: { commands?: { key?: string; value?: unknown }[] } }).payload?.commands ?? [];
  return commands.some((c) => c.key === `${ROTATION_NAMESPACE}fauna_secret` && typeof c.value === 'string');
}

/** Both deployed versions hold a key Fauna accepts, and a login through the deployed login Action gets its secret. */
async function tenantWorks(harness: Harness): Promise<void> {
  for (const action of ['fauna-login', 'revoke-fauna-secrets']) {
    const secret = harness.world.tenant.deployedSecretValues(action)?.FAUNA_SECRET ?? '';
    expect({ action, accepted: await accepted(harness, secret) }).toEqual({ action, accepted: true });
  }
  expect(await deployedLoginWorks(harness)).toBe(true);
}

const deployed = (harness: Harness, action: string) => harness.world.tenant.deployedSecretValues(action)?.FAUNA_SECRET;


function expectStopped(run: RotationRun, code: string, step: string): void {
  expect(run.code).toBe(1);
  expect(run.err.join('\n')).toMatch(new RegExp(`^${code}: `));
  expect(run.text).toContain(`The rotation stopped while ${step}.`);
  expect(run.text).toContain('What Fauna and the tenant hold now (read back):');
  expect(run.text).toContain(`To go on (it resumes from what Fauna and the tenant hold): npm run rotate:keys -- --key-file ${h.keyFile} --allow-dirty`);
  expect(secretsIn(run.text, h)).toEqual([]);
}

/** The end state of a finished rotation: new keys of the old roles deployed, old keys deleted and refused. */
async function expectRotated(run: RotationRun): Promise<void> {
  expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: [] });
  const { login, revoke } = h.world.oldKeys;
  const written = keyFile(h);
  expect(Object.keys(written)).toEqual(['FAUNA_SECRET', 'FAUNA_REVOKE_SECRET']);
  expect(deployed(h, 'fauna-login')).toBe(written.FAUNA_SECRET);
  expect(deployed(h, 'revoke-fauna-secrets')).toBe(written.FAUNA_REVOKE_SECRET);
  expect(await accepted(h, login)).toBe(false);
  expect(await accepted(h, revoke)).toBe(false);
  await tenantWorks(h);
  const live = await keys(h);
  expect(live.map((k) => k.roles)).toEqual([[LOGIN_ACTION.name], [REVOKE_ACTION.name]]);
  expect(run.text).toContain('Rotated.');
  expect(secretsIn(run.text, h)).toEqual([]);
}

describe('a rotation from start to end', () => {
  let run: RotationRun;
  let before: KeyDoc[];
  beforeAll(async () => {
    h = await rotationHarness();
    shared = h;
    before = await keys(h);
    run = await h.run();
  });
  afterAll(() => {
    shared?.close();
    shared = undefined;
  });

  it('replaces each key with a new key of the same role, deploys it, and deletes the old one, which Fauna then refuses', async () => {
    await expectRotated(run);
    const after = await keys(h);
    expect(before.map((k) => k.roles)).toEqual(after.map((k) => k.roles));
    expect(after.map((k) => k.replaces)).toEqual(before.map((k) => k.id));
  });

  it('writes the new secrets only to the key file, mode 600, in .env syntax, and never prints one', () => {
    expect(fs.statSync(h.keyFile).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(h.keyFile, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# Written by npm run rotate:keys at 2030-01-01T12:00:00\.000Z \(rotation r20300101T120000Z-[0-9a-f]{4}\)/);
    expect(text).toMatch(/# key \d+, role auth0_fauna_login_action, replaces key \d+; for fauna-login\nFAUNA_SECRET=fn/);
    for (const secret of Object.values(keyFile(h))) expect(run.text).not.toContain(secret.slice(0, 12));
  });

  it('creates, checks, deploys revocation then login, test-runs, waits, re-reads, deletes, then polls: in that order', () => {
    const at = (pattern: RegExp) => h.timeline.findIndex((e) => pattern.test(e));
    const revokeId = h.world.tenant.byName('revoke-fauna-secrets')?.id;
    const loginId = h.world.tenant.byName('fauna-login')?.id;
    const order = [
      at(/^fauna:create_key:admin$/),
      at(/^fauna:call$/),
      at(new RegExp(`^tenant:POST .*/${revokeId}/deploy 200`)),
      at(new RegExp(`^tenant:POST .*/${loginId}/deploy 200`)),
      at(new RegExp(`^tenant:POST .*/${loginId}/test 200`)),
      at(new RegExp(`^tenant:POST .*/${revokeId}/test 200`)),
      at(/^sleep:69000$/),
      at(/^fauna:delete:admin$/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Only 401 checks (with the old secrets, not the admin key) after the delete.
    expect(h.timeline.slice(order[7] + 1).filter((e) => e.startsWith('fauna:current_token'))).toHaveLength(2);
  });

  it('waits the longest FAUNA_TIMEOUT_MS an Action accepts plus the margin, and says so', () => {
    expect(() => readSettings({ FAUNA_TIMEOUT_MS: String(LONGEST_FAUNA_BUDGET_MS + 1) }, ['FAUNA_TIMEOUT_MS'])).toThrow();
    expect(readSettings({ FAUNA_TIMEOUT_MS: String(LONGEST_FAUNA_BUDGET_MS) }, ['FAUNA_TIMEOUT_MS']).FAUNA_TIMEOUT_MS).toBe(LONGEST_FAUNA_BUDGET_MS);
    expect(h.timeline.filter((e) => e.startsWith('sleep:'))).toEqual(['sleep:69000']);
    expect(run.text).toContain('Waiting 69 s, until 2030-01-01T12:01:09.000Z, for executions still running on the old versions');
  });

  it('proves the deployed Actions with the new keys: the smoke login ran in Fauna and was ended', () => {
    expect(run.text).toContain('PASS  fauna-login: test run on Auth0 (set https://app.example.com/fauna_secret on the ID token (value not shown))');
    expect(run.text).toContain('PASS  revoke-fauna-secrets: test run on Auth0 (ends the smoke login) (ended 1 smoke secret(s))');
    expect(h.world.fauna.documents('users').map((u) => u.data.auth0_id)).toContain(SMOKE_USER_ID);
  });

  it('says what to do next: the new values into .env and CI, and why deploy:tenant refuses until then', () => {
    expect(run.text).toContain('Now put them in .env and every secret store that deploys (CI), then delete that file.');
    expect(run.text).toContain('npm run deploy:tenant refuses (its Fauna preflight gets 401 for the old keys)');
  });

  it('a deploy:tenant still holding the old keys is refused by its preflight and writes nothing', async () => {
    const writesBefore = h.world.tenant.writes().length;
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDeploy(['--skip-build', '--allow-dirty'], { env: h.world.env, out: (l) => out.push(l), err: (l) => err.push(l), faunaFetch: h.world.fauna.fetch, deployAction: requestsLikeDeployCli });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('ERR_DEPLOY_FAUNA');
    expect(err.join('\n')).toContain('after npm run rotate:keys, set the new values from its key file');
    expect(h.world.tenant.writes().length).toBe(writesBefore);
  });

  it('run again with the same key file and the old keys still in the environment, it only confirms the 401s', async () => {
    const timeline = h.timeline.length;
    const again = await h.run();
    if (again.code !== 0) console.log(again.text);
    expect(again.code).toBe(0);
    expect(h.timeline.slice(timeline).filter((e) => /create_key|delete|tenant:|sleep/.test(e))).toEqual([]);
    expect(again.text).toContain('Fauna refuses FAUNA_SECRET');
  });
});

describe('the dry run', () => {
  it('says which keys are old and what it would do, and changes nothing: no key, no file, no tenant write', async () => {
    h = await rotationHarness();
    const before = await keys(h);
    const run = await h.run(['--dry-run', '--allow-dirty']);
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: [] });
    expect(run.text).toMatch(/FAUNA_SECRET: old key \d+ \(role auth0_fauna_login_action, written 2030-01-01T12:00:00\.000Z\): live/);
    expect(run.text).toContain('  5. wait 69 s for executions still running on the old versions');
    expect(run.text).toContain('Dry run: nothing was created, deployed or deleted.');
    expect(await keys(h)).toEqual(before);
    expect(fs.existsSync(h.keyFile)).toBe(false);
    expect(h.world.tenant.writes()).toEqual([]);
    expect(h.timeline.filter((e) => /create_key|delete|update|sleep/.test(e))).toEqual([]);
  });
});

describe('each step failing, then the rotation resumed', () => {
  it('key creation: nothing created, no file left; the next run creates them', async () => {
    h = await rotationHarness();
    h.faunaFault = (body) => (body.includes('"create_key"') ? new Response('{"errors":[{"code":"unavailable","description":"x"}]}', { status: 503 }) : undefined);
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_FAUNA', 'creating the new keys');
    expect(fs.existsSync(h.keyFile)).toBe(false);
    expect(await keys(h)).toHaveLength(2);
    expect(h.world.tenant.writes()).toEqual([]);
    await tenantWorks(h);
    h.faunaFault = undefined;
    await expectRotated(await h.run());
  });

  it('a key file that cannot be created: refused before any key exists', async () => {
    h = await rotationHarness();
    const run = await h.run(['--key-file', path.join(h.dir, 'no-such-folder', '.env.rotation'), '--allow-dirty']);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/^ERR_KEY_FILE_PATH: /);
    expect(await keys(h)).toHaveLength(2);
  });

  it("a new key's preflight: nothing deployed; the next run checks the same keys again, creating none", async () => {
    h = await rotationHarness();
    let failures = 1;
    h.faunaFault = (body) =>
      body.includes('"call"') && failures-- > 0 ? new Response('{"errors":[{"code":"permission denied","description":"x"}]}', { status: 403 }) : undefined;
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_NEW_KEY', 'checking the new keys with the Fauna preflight');
    expect(run.text).toContain('To give up instead: delete the new key(s)');
    expect(h.world.tenant.writes()).toEqual([]);
    expect(await keys(h)).toHaveLength(4);
    await tenantWorks(h);
    const mark = h.timeline.length;
    await expectRotated(await h.run());
    expect(h.timeline.slice(mark)).not.toContain('fauna:create_key:admin');
  });

  it('the deploy of revoke-fauna-secrets: both Actions keep the old keys, which stay live', async () => {
    h = await rotationHarness();
    h.world.tenant.inject({ method: 'PATCH', path: '/actions/actions/', status: 500, bodyIncludes: '"name":"revoke-fauna-secrets"' });
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_DEPLOY', 'deploying the Actions with the new keys');
    expect(run.text).toMatch(/revoke-fauna-secrets: deployed version 1, holding the old key/);
    expect(run.text).toContain('The old keys are live: whatever each Action holds works; logins are not affected.');
    expect(deployed(h, 'fauna-login')).toBe(h.world.oldKeys.login);
    await tenantWorks(h);
    await expectRotated(await h.run());
  });

  it("the deploy of fauna-login (after its draft got the new key): revocation holds the new key, login the old; the next run deploys login only", async () => {
    h = await rotationHarness();
    const loginId = h.world.tenant.byName('fauna-login')?.id ?? '';
    h.world.tenant.inject({ method: 'POST', path: `/actions/actions/${loginId}/deploy$`, status: 500 });
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_DEPLOY', 'deploying the Actions with the new keys');
    expect(run.text).toMatch(/revoke-fauna-secrets: deployed version 2, holding the new key/);
    expect(run.text).toMatch(/fauna-login: deployed version 1, holding the old key/);
    expect(h.world.tenant.byName('fauna-login')?.all_changes_deployed).toBe(false);
    await tenantWorks(h);
    const mark = h.timeline.length;
    const again = await h.run();
    await expectRotated(again);
    expect(again.text).toContain('revoke-fauna-secrets: deployed version 2 already holds the new key');
    expect(h.timeline.slice(mark).filter((e) => e.startsWith('tenant:') && e.includes('/deploy'))).toEqual([`tenant:POST /api/v2/actions/actions/${loginId}/deploy 200`]);
  });

  it('the test run: no key deleted, the way back named; the next run proves again and finishes without deploying', async () => {
    h = await rotationHarness();
    h.world.tenant.inject({ method: 'POST', path: '/test$', status: 400, message: 'Action test failed' });
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_PROOF', 'test-running the deployed Actions with the new keys');
    expect(run.text).toContain('To go back to the old keys at once (they are live): npm run deploy:tenant');
    expect(await keys(h)).toHaveLength(4);
    expect(h.timeline.some((e) => e.startsWith('fauna:delete'))).toBe(false);
    await tenantWorks(h);
    const mark = h.timeline.length;
    await expectRotated(await h.run());
    expect(h.timeline.slice(mark).filter((e) => e.includes('/deploy'))).toEqual([]);
  });

  it('the wait, when deploy:tenant puts the old keys back meanwhile: nothing deleted, and the next run deploys the new keys again', async () => {
    h = await rotationHarness();
    h.onSleep = async () => {
      h.onSleep = undefined;
      const code = await runDeploy(['--skip-build', '--allow-dirty'], { env: h.world.env, out: () => undefined, err: () => undefined, faunaFetch: h.world.fauna.fetch, deployAction: requestsLikeDeployCli });
      expect(code).toBe(0);
    };
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_REDEPLOYED', 'reading the tenant again before deleting');
    expect(run.err.join('\n')).toContain('fauna-login now runs version 3, not version 2 that this rotation deployed with the new key');
    expect(deployed(h, 'fauna-login')).toBe(h.world.oldKeys.login);
    expect(h.timeline.some((e) => e.startsWith('fauna:delete'))).toBe(false);
    await tenantWorks(h);
    await expectRotated(await h.run());
  });

  it('the wait, interrupted: the next run waits the whole time again before it deletes', async () => {
    h = await rotationHarness();
    const run = await h.run(undefined, {
      sleep: async () => {
        throw new Error('interrupted');
      },
    });
    expectStopped(run, 'ERR_ROTATE_FAUNA', 'waiting for executions still on the old versions');
    await tenantWorks(h);
    const mark = h.timeline.length;
    await expectRotated(await h.run());
    const rest = h.timeline.slice(mark);
    expect(rest.indexOf('sleep:69000')).toBeGreaterThanOrEqual(0);
    expect(rest.indexOf('sleep:69000')).toBeLessThan(rest.indexOf('fauna:delete:admin'));
  });

  it('the deletion: the old keys stay live; the next run waits and deletes without deploying again', async () => {
    h = await rotationHarness();
    h.faunaFault = (body) => (body.includes('"delete"') ? new Response('{"errors":[{"code":"unavailable","description":"x"}]}', { status: 503 }) : undefined);
    const run = await h.run();
    expectStopped(run, 'ERR_ROTATE_FAUNA', `deleting key(s) ${(await keys(h)).slice(0, 2).map((k) => k.id).join(', ')}`);
    expect(await accepted(h, h.world.oldKeys.login)).toBe(true);
    await tenantWorks(h);
    h.faunaFault = undefined;
    const mark = h.timeline.length;
    await expectRotated(await h.run());
    expect(h.timeline.slice(mark).filter((e) => e.includes('/deploy'))).toEqual([]);
  });

  it("the 401 check: Fauna's key cache still accepts an old key after the bound; a later run confirms the 401", async () => {
    h = await rotationHarness({ keyCacheMs: 10 * 60_000 });
    const run = await h.run(['--key-file', h.keyFile, '--allow-dirty', '--refusal-timeout-seconds', '30']);
    expectStopped(run, 'ERR_ROTATE_STILL_ACCEPTED', 'waiting for Fauna to refuse the old keys');
    expect(run.err.join('\n')).toContain("Fauna still accepts FAUNA_SECRET's old key");
    expect(run.err.join('\n')).toContain('cache_key_ttl_seconds, 60 s by default');
    // Polled every 5 s up to the bound, then gave up: never past it.
    expect(h.timeline.filter((e) => e === 'sleep:5000')).toHaveLength(6);
    await tenantWorks(h);
    // Still cached: the next run sees the old key deleted, deploys nothing, and polls again.
    const soon = await h.run(['--key-file', h.keyFile, '--allow-dirty', '--refusal-timeout-seconds', '30']);
    expect(soon.code).toBe(1);
    expect(soon.text).toMatch(/FAUNA_SECRET: old key \d+ \(role auth0_fauna_login_action\): deleted/);
    h.advance(10 * 60_000);
    await expectRotated(await h.run());
  });

  it('a lost key file: a new rotation replaces the same old keys, and deletes the orphaned new keys with them', async () => {
    h = await rotationHarness();
    h.faunaFault = (body) => (body.includes('"call"') ? new Response('{"errors":[{"code":"unavailable","description":"x"}]}', { status: 503 }) : undefined);
    expect((await h.run()).code).toBe(1);
    const orphans = (await keys(h)).filter((k) => k.replaces !== undefined).map((k) => k.id);
    expect(orphans).toHaveLength(2);
    fs.rmSync(h.keyFile);
    h.faunaFault = undefined;
    const run = await h.run();
    expect(run.text).toMatch(/also replaces it, but its secret is not here: deleted with the old key/);
    await expectRotated(run);
    expect((await keys(h)).map((k) => k.id)).not.toEqual(expect.arrayContaining([orphans[0]]));
  });

  it('an environment already holding the new keys (copied from the key file mid-rotation) resumes that rotation', async () => {
    h = await rotationHarness();
    h.world.tenant.inject({ method: 'POST', path: '/test$', status: 400, message: 'Action test failed' });
    expect((await h.run()).code).toBe(1);
    const { login, revoke } = h.world.oldKeys;
    Object.assign(h.world.env, { FAUNA_SECRET: keyFile(h).FAUNA_SECRET, FAUNA_REVOKE_SECRET: keyFile(h).FAUNA_REVOKE_SECRET });
    const run = await h.run();
    expect(run.text).toMatch(/new key \d+ \(rotation r\S+, its secret from the environment\)/);
    expect(run.code).toBe(0);
    expect(await accepted(h, login)).toBe(false);
    expect(await accepted(h, revoke)).toBe(false);
    expect(run.text).toMatch(/FAUNA_SECRET's old key \d+ is deleted \(its secret is not in this environment to check for 401\)/);
    await tenantWorks(h);
  });
});

describe('refusals before anything is written', () => {
  async function refused(run: RotationRun, code: string, text: string): Promise<void> {
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(new RegExp(`^${code}: `));
    expect(run.err.join('\n')).toContain(text);
    expect(await keys(h)).toHaveLength(2);
    expect(h.world.tenant.writes()).toEqual([]);
    expect(secretsIn(run.text, h)).toEqual([]);
  }

  it('an admin key as FAUNA_SECRET: never rotated into another admin key', async () => {
    h = await rotationHarness();
    h.world.env.FAUNA_SECRET = ROTATION_ADMIN_KEY;
    // A configured admin key comes from outside the database's keys.
    await refused(await h.run(), 'ERR_ROTATE_OLD_KEY', 'FAUNA_SECRET is a key from outside');
  });

  it("a key of this database with the built-in admin role as FAUNA_SECRET", async () => {
    h = await rotationHarness();
    const admin = createFaunaClient({ faunaEndpoint: ROTATION_FAUNA_ENDPOINT, faunaSecret: ROTATION_ADMIN_KEY }, h.world.fauna.fetch);
    const key = await admin.query<{ secret: string; ref: { id: string } }>(q.CreateKey({ role: 'admin' }));
    h.world.env.FAUNA_SECRET = key.secret;
    const run = await h.run();
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain(`FAUNA_SECRET is key ${key.ref.id} with the built-in role admin, far stronger than an Action needs`);
    expect(await keys(h)).toHaveLength(3);
    expect(secretsIn(run.text, h, [key.secret])).toEqual([]);
  });

  it('a FAUNA_SECRET Fauna refuses, with no key file replacing it', async () => {
    h = await rotationHarness();
    h.world.env.FAUNA_SECRET = 'fnAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await refused(await h.run(), 'ERR_ROTATE_OLD_KEY', 'FAUNA_SECRET answers 401 unauthorized');
  });

  it('a tenant running another build than dist/', async () => {
    h = await rotationHarness({ seed: (seed) => ({ ...seed, actions: seed.actions?.map((a) => (a.name === 'fauna-login' ? { ...a, code: `${a.code}\n// another build` } : a)) }) });
    await refused(await h.run(), 'ERR_ROTATE_TENANT', 'a rotation changes only keys');
  });

  it('a draft with undeployed code changes', async () => {
    h = await rotationHarness({ seed: (seed) => ({ ...seed, actions: seed.actions?.map((a) => (a.name === 'revoke-fauna-secrets' ? { ...a, draftCode: 'exports.x = 1;' } : a)) }) });
    await refused(await h.run(), 'ERR_ROTATE_TENANT', "revoke-fauna-secrets's draft differs from its deployed version 1 (code)");
  });

  it('another secret the deploy would drop or overwrite', async () => {
    h = await rotationHarness({
      seed: (seed) => ({ ...seed, actions: seed.actions?.map((a) => (a.name === 'fauna-login' ? { ...a, secrets: [...(a.secrets ?? []), 'FAUNA_SECRET_TTL'], secretsEditedAfterDeploy: ['CLAIM_NAMESPACE'] } : a)) }),
    });
    const run = await h.run();
    await refused(run, 'ERR_ROTATE_SECRETS', 'fauna-login has the secret FAUNA_SECRET_TTL in the tenant, but this environment does not set FAUNA_SECRET_TTL');
    expect(run.err.join('\n')).toContain('the secret CLAIM_NAMESPACE was changed in the tenant');
  });

  it('a credential without update:actions', async () => {
    h = await rotationHarness({
      seed: (seed) => ({ ...seed, clients: { 'deploy-test-client-id': { secret: 'm2m-CLIENT-secret-never-printed-7f3a', scopes: ['read:actions', 'create:actions'] } } }),
    });
    await refused(await h.run(), 'ERR_ROTATE_SCOPES', "update:actions: write the new key into each Action's secrets");
  });

  it('dist/ not provably this commit, without --allow-dirty', async () => {
    h = await rotationHarness();
    await refused(await h.run(['--key-file', h.keyFile], { gitHead: () => 'f'.repeat(40) }), 'ERR_ROTATE_PROVENANCE', 'fauna-login:');
  });

  it("a key file that is not rotate:keys' own (setup:fauna's), never overwritten", async () => {
    h = await rotationHarness();
    fs.writeFileSync(h.keyFile, '# Created by npm run setup:fauna at 2030-01-01T00:00:00.000Z.\nFAUNA_SECRET=fnX\n', { mode: 0o600 });
    await refused(await h.run(), 'ERR_ROTATE_KEY_FILE', 'is not a rotate:keys key file');
    expect(fs.readFileSync(h.keyFile, 'utf8')).toContain('setup:fauna');
  });

  it('no FAUNA_ADMIN_SECRET, or no --key-file', async () => {
    h = await rotationHarness();
    const withoutKeyFile = await h.run([]);
    expect(withoutKeyFile.code).toBe(2);
    expect(withoutKeyFile.err[0]).toContain('ERR_USAGE: --key-file FILE is required');
    delete h.world.env.FAUNA_ADMIN_SECRET;
    await refused(await h.run(), 'ERR_ROTATE_SETTINGS', 'FAUNA_ADMIN_SECRET is missing');
  });
});

describe('a shared key (both variables hold one key with both roles)', () => {
  it('is replaced by one new key with both roles, deployed to both Actions', async () => {
    h = await rotationHarness({ shared: true });
    const run = await h.run();
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: [] });
    const written = keyFile(h);
    expect(written.FAUNA_SECRET).toBe(written.FAUNA_REVOKE_SECRET);
    expect(deployed(h, 'fauna-login')).toBe(written.FAUNA_SECRET);
    expect(deployed(h, 'revoke-fauna-secrets')).toBe(written.FAUNA_SECRET);
    expect((await keys(h)).map((k) => k.roles)).toEqual([[LOGIN_ACTION.name, REVOKE_ACTION.name].sort()]);
    expect(await accepted(h, h.world.oldKeys.login)).toBe(false);
    await tenantWorks(h);
  });
});
