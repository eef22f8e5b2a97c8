import { query as q, type Expr } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import {
  AUTH0_JWT_COLLECTION,
  CURRENT_USER_FUNCTION,
  LOGIN_ACTION_ROLE,
  LOGIN_SECRET_ROLE,
  REVOKE_ACTION_ROLE,
  TOKENS_BY_INSTANCE_INDEX,
  USERS_COLLECTION,
} from '../../actions/lib/schema-names';
import { buildLoginQuery, isLoginQueryResult } from '../../actions/fauna-login/login-query';
import { revokeUserSecrets } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import { SCHEMA } from '../../fauna/definitions';
import { runSetup } from '../../scripts/setup-fauna';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { FakeFauna } from '../../fauna-in-process';
import { SETUP_ADMIN_KEY, inProcessSetup, printedKeys, type InProcessSetup, type SetupRun } from '../support/setup-in-process';

// With an admin key throughout: setup's queries must create what the login and revocation
// queries then use. The roles and the keys setup makes are exercised by test/security.
describe('setup:fauna, a login and a revocation against the fake Fauna', () => {
  it('creates the schema once, then finds it up to date; revocation removes what logins minted', async () => {
    const fake = new FakeFauna();
    const out: string[] = [];
    const env = { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: fake.adminSecret };
    const deps = { env, fetch: fake.fetch, out: (l: string) => out.push(l), err: (l: string) => out.push(l) };

    expect(await runSetup([], deps)).toBe(0);
    const writesAfterSetup = fake.stats.writes;
    expect(writesAfterSetup).toBe(SCHEMA.length);
    // Done means logins work: setup called each function the Actions call and it answered.
    expect(out).not.toContainEqual(expect.stringMatching(/^Waiting for function/));

    expect(await runSetup([], deps)).toBe(0);
    expect(fake.stats.writes).toBe(writesAfterSetup);
    expect(out.at(-1)).toContain('up to date');

    const client = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: fake.adminSecret }, fake.fetch);
    for (let i = 0; i < 3; i += 1) {
      await client.query(buildLoginQuery({ auth0UserId: 'auth0|1', clientId: 'web', ttlSeconds: 3600 }));
    }
    await client.query(buildLoginQuery({ auth0UserId: 'auth0|2', clientId: 'web', ttlSeconds: 3600 }));
    expect(fake.tokens()).toHaveLength(4);

    const outcome = await revokeUserSecrets(
      'auth0|1',
      () => ({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: fake.adminSecret, timeoutMs: 5000 }),
      { fetch: fake.fetch, log: () => undefined },
    );

    expect(outcome).toEqual({ kind: 'revoked', secrets: 3, logins: 3, queries: 1 });
    expect(fake.tokens()).toHaveLength(1);
    expect(fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(1);
    expect(fake.documents(USERS_COLLECTION)).toHaveLength(2);
    expect(await client.query(q.Count(q.Documents(q.Collection(USERS_COLLECTION))))).toBe(2);
  });
});

// What each run of setup:fauna does to a database: the in-process Fauna evaluates its queries,
// setup's waits move the fake's clock (test/support/setup-in-process.ts).
describe('setup:fauna against the in-process Fauna', () => {
  const NOTES_INDEX = 'notes_by_owner';

  function expectNoAdminKey(run: SetupRun) {
    for (const line of [...run.out, ...run.err]) expect(line).not.toContain(SETUP_ADMIN_KEY);
  }

  async function signIn(fauna: InProcessSetup, loginKey: string, auth0UserId: string) {
    const login = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: loginKey }, fauna.fake.fetch);
    const result = await login.query(buildLoginQuery({ auth0UserId, clientId: 'web', ttlSeconds: 3600 }));
    if (!isLoginQueryResult(result)) throw new Error(`the login query answered ${JSON.stringify(result)}`);
    return createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: result.secret }, fauna.fake.fetch);
  }

  it('creates a key per Action it is asked for, marked as its own, each holding its own role', async () => {
    const fauna = inProcessSetup();

    const run = await fauna.run(['--create-action-key', '--create-revoke-key']);

    expect(run.code).toBe(0);
    const printed = printedKeys(run.out);
    expect(Object.keys(printed)).toEqual([LOGIN_ACTION_ROLE, REVOKE_ACTION_ROLE]);
    const login = printed[LOGIN_ACTION_ROLE];
    const revoke = printed[REVOKE_ACTION_ROLE];
    expect(login.secret).not.toBe(revoke.secret);
    const stored = Object.fromEntries(fauna.fake.documents('keys').map((key) => [key.id, key.data]));
    expect(stored).toEqual({
      [login.id]: {
        role: { collection: 'roles', id: LOGIN_ACTION_ROLE },
        data: { managed_by: 'auth0-fauna', description: 'auth0-fauna: the fauna-login Action (FAUNA_SECRET)' },
      },
      [revoke.id]: {
        role: { collection: 'roles', id: REVOKE_ACTION_ROLE },
        data: { managed_by: 'auth0-fauna', description: 'auth0-fauna: the revoke-fauna-secrets Action (FAUNA_REVOKE_SECRET)' },
      },
    });
    expect(run.out.filter((line) => line.includes(login.secret) || line.includes(revoke.secret))).toEqual([`  ${login.secret}`, `  ${revoke.secret}`]);
    expectNoAdminKey(run);

    // The login key signs a user in; the revocation key then ends what it minted.
    await signIn(fauna, login.secret, 'auth0|1');
    const outcome = await revokeUserSecrets(
      'auth0|1',
      () => ({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: revoke.secret, timeoutMs: 5000 }),
      { fetch: fauna.fake.fetch, log: () => undefined },
    );
    expect(outcome).toMatchObject({ kind: 'revoked', secrets: 1, logins: 1 });
    expect(fauna.fake.tokens()).toEqual([]);
  });

  it('replaces a function and a role of its names made by hand, dropping the role given by hand', async () => {
    const fauna = inProcessSetup();
    await fauna.byHand(q.CreateFunction({ name: CURRENT_USER_FUNCTION, body: q.Query(q.Lambda([], 'made by hand')), role: 'admin' }));
    await fauna.byHand(q.CreateRole({ name: LOGIN_SECRET_ROLE, privileges: [], data: { fingerprint: 7 } }));

    const run = await fauna.run(['--create-action-key']);

    expect(run.code).toBe(0);
    expect(run.out).toContain(`  update    function   ${CURRENT_USER_FUNCTION} (exists but was not made by setup:fauna; replacing it)`);
    expect(run.out).toContain(`  update    role       ${LOGIN_SECRET_ROLE} (exists but was not made by setup:fauna; replacing it)`);
    expect(run.out).toContain(`Applied ${SCHEMA.length} schema change(s) in one transaction.`);
    expect(await fauna.admin.query(q.Select('role', q.Get(q.Function(CURRENT_USER_FUNCTION)), 'none'))).toBe('none');
    // The function is setup's now: a minted secret gets its user back, through the replaced role.
    const secret = await signIn(fauna, printedKeys(run.out)[LOGIN_ACTION_ROLE].secret, 'auth0|1');
    const user = await secret.query(q.Call(q.Function(CURRENT_USER_FUNCTION)));
    expect(await secret.query(q.Select(['data', 'auth0_id'], q.Get(user as Expr)))).toBe('auth0|1');
    expect((await fauna.run()).out.filter((line) => /^\s+update\s/.test(line))).toEqual([]);
  });

  it('refuses, writing nothing, an index of its name made by hand over another collection', async () => {
    const fauna = inProcessSetup();
    await fauna.byHand(q.CreateCollection({ name: 'notes' }));
    await fauna.byHand(q.CreateCollection({ name: 'drafts' }));
    await fauna.byHand(q.CreateIndex({ name: NOTES_INDEX, source: q.Collection('drafts'), terms: [{ field: ['data', 'owner'] }] }));
    const writes = fauna.fake.stats.writes;

    const run = await fauna.run();

    expect(run.code).toBe(1);
    expect(run.out).toContain(
      `  CONFLICT  index      ${NOTES_INDEX} (exists with a different source, which Fauna cannot change in place: ` +
        `delete index ${NOTES_INDEX} (documents are kept) and run setup again)`,
    );
    expect(run.err).toEqual([
      `ERR_SCHEMA_CONFLICT: index ${NOTES_INDEX} cannot be brought in line automatically (see above). Nothing was written.`,
    ]);
    expect(fauna.fake.stats.writes).toBe(writes);
    expectNoAdminKey(run);
  });

  it('keeps an index made by hand as defined, with its one field as a string and no unique flag', async () => {
    const fauna = inProcessSetup();
    await fauna.byHand(q.CreateIndex({ name: TOKENS_BY_INSTANCE_INDEX, source: q.Tokens(), terms: [{ field: 'instance' }] }));

    const run = await fauna.run();

    expect(run.code).toBe(0);
    expect(run.out).toContain(`  unchanged index      ${TOKENS_BY_INSTANCE_INDEX}`);
    expect(run.out).toContain(`Applied ${SCHEMA.length - 1} schema change(s) in one transaction.`);
  });

  it('tells an index still building in the background, and waits for it until it is active', async () => {
    // Over 128 documents the core builds a new index in the background (fauna/faunadb Index.scala).
    const fauna = inProcessSetup({ indexBuildMs: 3000 });
    await fauna.byHand(q.CreateCollection({ name: 'notes' }));
    await fauna.byHand(
      q.Foreach(
        Array.from({ length: 129 }, (_, i) => i),
        q.Lambda('i', q.Create(q.Collection('notes'), { data: { text: q.Var('i') } })),
      ),
    );
    const building = `  unchanged index      ${NOTES_INDEX} (still building: Match on it fails until it is active)`;

    const created = await fauna.run(['--wait-seconds', '0']);
    expect(created.code).toBe(1);
    expect(created.err).toEqual([
      `ERR_INDEX_BUILDING: index(es) ${NOTES_INDEX} still building after 0 s; until they are active, logins fail ` +
        '(400 instance not found). Run `npm run setup:fauna` again later: it writes nothing and waits again',
    ]);
    expectNoAdminKey(created);

    const dryRun = await fauna.run(['--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.out.filter((line) => line.includes(NOTES_INDEX))).toEqual([building]);
    expect(dryRun.out.at(-1)).toBe('Fauna schema is up to date: nothing to write.');

    const waited = await fauna.run();
    expect(waited.code).toBe(0);
    expect(waited.out.slice(-4)).toEqual([
      'Fauna schema is up to date: nothing to write.',
      `Waiting for index build(s) to finish: ${NOTES_INDEX} (0 s so far, up to 600 s)`,
      `Waiting for index build(s) to finish: ${NOTES_INDEX} (2 s so far, up to 600 s)`,
      'Every index is active (waited 4 s).',
    ]);

    const after = await fauna.run();
    expect(after.out.filter((line) => line.includes(NOTES_INDEX))).toEqual([`  unchanged index      ${NOTES_INDEX}`]);
    expect(after.out.at(-1)).toBe('Fauna schema is up to date: nothing to write.');
  });
});
