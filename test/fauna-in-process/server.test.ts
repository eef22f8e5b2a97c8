import { errors as faunaErrors, query as q, values, type Expr } from 'faunadb';
import { createLoginSchema, type FakeFauna } from '../../fauna-in-process';
import { ADMIN, SERVER, START, fakeUnderTest, type FakeUnderTest } from './support';

let under: FakeUnderTest;
let fake: FakeFauna;
const client = (secret: string) => under.client(secret);
const failure = (secret: string, expr: Expr) => under.failure(secret, expr);

/** The raw HTTP answer, for wire-format assertions. */
async function raw(secret: string, expr: Expr) {
  const response = await fake.handle({ body: JSON.stringify(expr), authorization: `Bearer ${secret}` });
  return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
}

beforeEach(async () => {
  under = fakeUnderTest();
  fake = under.fake;
  await createLoginSchema(fake);
});

describe('FakeFauna wire format', () => {
  it('answers 201 with nested @refs and a ts for a created document, and sends x-txn-time', async () => {
    const created = await raw(SERVER, q.Create(q.Collection('users'), { data: { auth0_id: 'auth0|1' } }));
    expect(created.status).toBe(201);
    expect(created.headers['x-txn-time']).toMatch(/^\d{16}$/);
    const resource = created.json.resource as Record<string, unknown>;
    expect(resource.ref).toEqual({
      '@ref': { id: expect.stringMatching(/^\d+$/), collection: { '@ref': { id: 'users', collection: { '@ref': { id: 'collections' } } } } },
    });
    expect(resource.ts).toBe(Number(created.headers['x-txn-time']));
    expect(resource.data).toEqual({ auth0_id: 'auth0|1' });
  });

  it('answers 200 for a read, and @ts times as Instant.toString writes them (no zero fraction)', async () => {
    const read = await raw(SERVER, q.Let({ t: q.TimeAdd(q.Now(), 90, 'seconds') }, { t: q.Var('t'), s: q.ToSeconds(q.Var('t')) }));
    expect(read.status).toBe(200);
    expect(read.json.resource).toEqual({ t: { '@ts': '2030-01-01T12:01:30Z' }, s: START / 1000 + 90 });
  });

  it('decodes into driver values: Ref, FaunaTime, token refs', async () => {
    const token = await client(SERVER).query<{ ref: values.Ref; ttl: values.FaunaTime; secret: string }>(
      q.Let({ jwt: q.Create(q.Collection('auth0_jwt'), { data: {} }) }, q.Create(q.Tokens(), { instance: q.Select('ref', q.Var('jwt')), ttl: q.TimeAdd(q.Now(), 1, 'hour') })),
    );
    expect(token.ref).toBeInstanceOf(values.Ref);
    expect(token.ref.collection?.id).toBe('tokens');
    expect(token.ttl).toBeInstanceOf(values.FaunaTime);
    expect(token.ttl.date.getTime()).toBe(START + 3_600_000);
    expect(token.secret).toMatch(/^fnE[A-Za-z0-9_-]+$/);
  });

  it('names unsupported functions in a 400 invalid expression', async () => {
    const err = await failure(SERVER, q.Let({ x: q.Reduce(q.Lambda(['a', 'b'], q.Var('a')), 0, [1]) }, q.Var('x')));
    expect(err).toMatchObject({ status: 400, code: 'invalid expression' });
    expect(err.description).toContain('reduce');
    expect(err.position).toEqual(['let', 0, 'x']);
  });

  it('answers 404 value not found for a Select without default, and uses the default when given', async () => {
    expect(await failure(SERVER, q.Select(['data', 'nope'], { data: {} }))).toMatchObject({
      status: 404,
      code: 'value not found',
      description: 'Value not found at path [data,nope].',
    });
    expect(await client(SERVER).query(q.Select(['data', 'nope'], { data: {} }, null))).toBeNull();
  });
});

describe('FakeFauna authentication', () => {
  it('answers 401 unauthorized for an unknown key', async () => {
    const err = await failure('fnNOT_A_KEY', q.Now());
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', description: 'Unauthorized' });
  });

  it('refuses roles to a server key (403) and lets an admin key create them', async () => {
    expect(await failure(SERVER, q.CreateRole({ name: 'r', privileges: [] }))).toMatchObject({ status: 403, code: 'permission denied' });
    await client(ADMIN).query(q.CreateRole({ name: 'r', privileges: [] }));
    expect(await client(ADMIN).query(q.Exists(q.Role('r')))).toBe(true);
  });

  it('authenticates a minted token secret as its instance until Logout(false)', async () => {
    const minted = await client(SERVER).query<{ secret: string; jwt: values.Ref }>(
      q.Let(
        { jwt: q.Select('ref', q.Create(q.Collection('auth0_jwt'), { data: {} })) },
        { jwt: q.Var('jwt'), secret: q.Select('secret', q.Create(q.Tokens(), { instance: q.Var('jwt') })) },
      ),
    );
    const identity = await client(minted.secret).query<values.Ref>(q.CurrentIdentity());
    expect(identity.id).toBe(minted.jwt.id);
    expect(await client(minted.secret).query(q.Logout(false))).toBe(true);
    expect(fake.tokens()).toHaveLength(0);
    expect((await failure(minted.secret, q.Now())).status).toBe(401);
  });

  it('keys created with CreateKey authenticate with their role', async () => {
    const key = await client(ADMIN).query<{ secret: string }>(q.CreateKey({ role: 'server' }));
    expect(key.secret).toMatch(/^fnA/);
    expect(await client(key.secret).query(q.Exists(q.Collection('users')))).toBe(true);
    expect((await failure(key.secret, q.Get(q.Role('nope')))).status).toBe(403);
  });
});

describe('FakeFauna data rules', () => {
  it('enforces unique indexes with 400 instance not unique and writes nothing', async () => {
    await client(SERVER).query(q.Create(q.Collection('users'), { data: { auth0_id: 'auth0|1' } }));
    const writes = fake.stats.writes;
    const err = await failure(SERVER, q.Do(q.Create(q.Collection('auth0_jwt'), {}), q.Create(q.Collection('users'), { data: { auth0_id: 'auth0|1' } })));
    expect(err).toMatchObject({ status: 400, code: 'instance not unique', description: 'document is not unique.', position: ['do', 1] });
    expect(fake.stats.writes).toBe(writes);
    expect(fake.documents('auth0_jwt')).toHaveLength(0);
  });

  it('answers instance already exists for an existing collection, 404 for a missing document', async () => {
    expect(await failure(ADMIN, q.CreateCollection({ name: 'users' }))).toMatchObject({
      status: 400,
      code: 'instance already exists',
      description: 'Collection already exists.',
    });
    expect(await failure(SERVER, q.Get(q.Ref(q.Collection('users'), '1')))).toMatchObject({ status: 404, code: 'instance not found' });
    expect(await failure(SERVER, q.Get(q.Match(q.Index('users_by_auth0_id'), 'nobody')))).toMatchObject({
      status: 404,
      description: 'Set not found.',
    });
    expect(await failure(SERVER, q.Create(q.Collection('nope'), {}))).toMatchObject({ status: 400, code: 'invalid ref' });
  });

  it('hides documents and tokens whose ttl has passed, and refuses the expired secret', async () => {
    const secret = await client(SERVER).query<string>(
      q.Let(
        { exp: q.TimeAdd(q.Now(), 60, 'seconds'), jwt: q.Create(q.Collection('auth0_jwt'), { data: {}, ttl: q.Var('exp') }) },
        q.Select('secret', q.Create(q.Tokens(), { instance: q.Select('ref', q.Var('jwt')), ttl: q.Var('exp') })),
      ),
    );
    expect(fake.documents('auth0_jwt')).toHaveLength(1);
    expect(fake.tokens()[0].ttl).toBe(START + 60_000);
    expect(await client(secret).query(q.HasCurrentIdentity())).toBe(true);

    under.advance(60_000);
    expect(fake.documents('auth0_jwt')).toHaveLength(0);
    expect(fake.tokens()).toHaveLength(0);
    expect(await client(SERVER).query(q.Count(q.Documents(q.Collection('auth0_jwt'))))).toBe(0);
    expect((await failure(secret, q.Now())).status).toBe(401);
  });

  it('paginates with size and an after cursor', async () => {
    await client(SERVER).query(q.Foreach([1, 2, 3, 4, 5], q.Lambda('i', q.Create(q.Collection('auth0_jwt'), { data: { i: q.Var('i') } }))));
    const set = q.Documents(q.Collection('auth0_jwt'));
    const first = await client(SERVER).query<{ data: values.Ref[]; after?: unknown }>(q.Paginate(set, { size: 2 }));
    expect(first.data).toHaveLength(2);
    expect(first.after).toBeDefined();
    const second = await client(SERVER).query<{ data: values.Ref[]; after?: unknown; before?: unknown }>(
      q.Paginate(set, { size: 2, after: first.after }),
    );
    const third = await client(SERVER).query<{ data: values.Ref[]; after?: unknown }>(q.Paginate(set, { size: 2, after: second.after }));
    expect(second.before).toBeDefined();
    expect(third.after).toBeUndefined();
    const ids = [...first.data, ...second.data, ...third.data].map((r) => r.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual(fake.documents('auth0_jwt').map((d) => d.id).sort());
  });

  it('merges data on Update, replaces it on Replace, and counts each write', async () => {
    const ref = await client(SERVER).query<values.Ref>(q.Select('ref', q.Create(q.Collection('users'), { data: { auth0_id: 'a', email: 'x' } })));
    const before = fake.stats.writesByCollection.users;
    await client(SERVER).query(q.Update(ref, { data: { name: 'N' } }));
    expect(fake.documents('users')[0].data).toEqual({ auth0_id: 'a', email: 'x', name: 'N' });
    await client(SERVER).query(q.Replace(ref, { data: { auth0_id: 'a' } }));
    expect(fake.documents('users')[0].data).toEqual({ auth0_id: 'a' });
    expect(fake.stats.writesByCollection.users).toBe(before + 2);
  });

  it('drops nulls inside new values, nested objects and array elements, as the core patch does (Data.scala patch0)', async () => {
    const ref = await client(SERVER).query<values.Ref>(
      q.Select('ref', q.Create(q.Collection('users'), { data: { auth0_id: 'n', list: [1, null, 2], nested: { keep: 1, gone: null } } })),
    );
    expect(fake.documents('users').find((d) => d.id === ref.id)?.data).toEqual({ auth0_id: 'n', list: [1, 2], nested: { keep: 1 } });
    await client(SERVER).query(q.Update(ref, { data: { list: [null], fresh: { a: null, b: [null, 'x'] } } }));
    expect(fake.documents('users').find((d) => d.id === ref.id)?.data).toEqual({ auth0_id: 'n', list: [], nested: { keep: 1 }, fresh: { b: ['x'] } });
  });

  it('calls a stored function with its Query(Lambda) body', async () => {
    await client(ADMIN).query(q.CreateFunction({ name: 'twice', body: q.Query(q.Lambda('x', q.Concat([q.Var('x'), q.Var('x')]))) }));
    expect(await client(SERVER).query(q.Call(q.Function('twice'), 'ab'))).toBe('abab');
    const stored = await raw(ADMIN, q.Select('body', q.Get(q.Function('twice'))));
    expect(stored.json.resource).toMatchObject({ '@query': { api_version: '4', lambda: 'x' } });
  });
});

describe('FakeFauna holdCommits', () => {
  it('lets two racing creates both evaluate, then fails the later commit with instance not unique', async () => {
    const create = () => client(SERVER).query(q.Create(q.Collection('users'), { data: { auth0_id: 'auth0|race' } }));
    const requestsBefore = fake.stats.requests;
    const release = fake.holdCommits();
    const first = create();
    const second = create().catch((err: unknown) => err);
    // Both requests are in flight and evaluated before either commits.
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.stats.requests - requestsBefore).toBe(2);
    expect(fake.documents('users')).toHaveLength(0);
    release();
    await expect(first).resolves.toMatchObject({ data: { auth0_id: 'auth0|race' } });
    const lost = await second;
    expect(lost).toBeInstanceOf(faunaErrors.BadRequest);
    expect((lost as Error).message).toBe('instance not unique');
    expect(fake.documents('users')).toHaveLength(1);
  });
});

describe('FakeFauna holdCommits inside a function', () => {
  it('reports the lost race as the function\'s failure: 400 call error, instance not unique as the cause', async () => {
    await client(ADMIN).query(
      q.CreateFunction({ name: 'add_user', body: q.Query(q.Lambda('id', q.Create(q.Collection('users'), { data: { auth0_id: q.Var('id') } }))) }),
    );
    const call = () => client(SERVER).query(q.Call(q.Function('add_user'), 'auth0|race-in-call'));
    const release = fake.holdCommits();
    const first = call();
    const second = call().catch((err: unknown) => err);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await expect(first).resolves.toMatchObject({ data: { auth0_id: 'auth0|race-in-call' } });
    const lost = (await second) as InstanceType<typeof faunaErrors.BadRequest>;
    expect(lost).toBeInstanceOf(faunaErrors.BadRequest);
    expect(lost.requestResult.responseContent).toEqual({
      errors: [
        {
          position: [],
          code: 'call error',
          description: 'Calling the function resulted in an error.',
          cause: [{ position: ['expr'], code: 'instance not unique', description: 'document is not unique.' }],
        },
      ],
    });
  });
});

describe('FakeFauna index builds', () => {
  async function collectionOf(size: number, indexBuildMs?: number): Promise<FakeUnderTest> {
    const built = fakeUnderTest(indexBuildMs === undefined ? {} : { indexBuildMs });
    await built.query(ADMIN, q.CreateCollection({ name: 'items' }));
    await built.query(ADMIN, q.Foreach(Array.from({ length: size }, (_, i) => i), q.Lambda('i', q.Create(q.Collection('items'), { data: { i: q.Var('i') } }))));
    return built;
  }

  it('builds an index over at most 128 documents at once', async () => {
    const built = await collectionOf(128);
    const index = await built.query<{ active: boolean }>(ADMIN, q.CreateIndex({ name: 'items_all', source: q.Collection('items') }));
    expect(index.active).toBe(true);
    expect(await built.query(ADMIN, q.Count(q.Match(q.Index('items_all'))))).toBe(128);
  });

  it('leaves an index over more than 128 documents inactive, Match failing with 400 instance not found, until the build ends', async () => {
    const built = await collectionOf(129, 1500);
    const index = await built.query<{ active: boolean }>(ADMIN, q.CreateIndex({ name: 'items_all', source: q.Collection('items') }));
    expect(index.active).toBe(false);
    expect(await built.failure(ADMIN, q.Count(q.Match(q.Index('items_all'))))).toEqual({
      status: 400,
      code: 'instance not found',
      description: "Index 'items_all' is not active.",
      position: ['count', 'index'],
    });
    built.advance(1499);
    expect(await built.query(ADMIN, q.Select('active', q.Get(q.Index('items_all'))))).toBe(false);
    built.advance(1);
    expect(await built.query(ADMIN, q.Select('active', q.Get(q.Index('items_all'))))).toBe(true);
    expect(await built.query(ADMIN, q.Count(q.Match(q.Index('items_all'))))).toBe(129);
  });
});

describe('FakeFauna token cache', () => {
  async function loginWithToken(built: FakeUnderTest): Promise<{ login: values.Ref; secret: string }> {
    await built.query(ADMIN, q.CreateCollection({ name: 'auth0_jwt' }));
    return built.query(
      ADMIN,
      q.Let(
        { login: q.Select('ref', q.Create(q.Collection('auth0_jwt'), { data: {} })) },
        { login: q.Var('login'), secret: q.Select('secret', q.Create(q.Tokens(), { instance: q.Var('login') })) },
      ),
    );
  }

  it('without a cache (the default) a logged-out token is refused at once', async () => {
    const built = fakeUnderTest();
    const { secret } = await loginWithToken(built);
    await built.query(secret, q.Logout(false));
    expect((await built.failure(secret, q.Now())).status).toBe(401);
  });

  it('with tokenCacheMs, Logout(false) alone is not immediate: the cached token authenticates until its entry expires', async () => {
    const built = fakeUnderTest({ tokenCacheMs: 5000 });
    const { secret } = await loginWithToken(built);
    expect(await built.query(secret, q.Logout(false))).toBe(true);
    expect(built.fake.tokens()).toHaveLength(0);
    expect(await built.query(secret, q.HasCurrentIdentity())).toBe(true);
    built.advance(5000);
    expect((await built.failure(secret, q.Now())).status).toBe(401);
  });

  it('with tokenCacheMs, deleting the login document ends its tokens at once: the instance is read uncached', async () => {
    const built = fakeUnderTest({ tokenCacheMs: 5000 });
    const { login, secret } = await loginWithToken(built);
    expect(await built.query(secret, q.HasCurrentIdentity())).toBe(true);
    await built.query(ADMIN, q.Delete(login));
    expect((await built.failure(secret, q.Now())).status).toBe(401);
  });
});

describe('FakeFauna key cache', () => {
  async function keyOf(built: FakeUnderTest): Promise<{ id: string; secret: string }> {
    await built.query(ADMIN, q.CreateRole({ name: 'cached_key_role', privileges: [] }));
    const key = await built.query<{ ref: { id: string }; secret: string }>(ADMIN, q.CreateKey({ role: q.Role('cached_key_role') }));
    return { id: key.ref.id, secret: key.secret };
  }

  it('without a cache (the default) a deleted key is refused at once', async () => {
    const built = fakeUnderTest();
    const key = await keyOf(built);
    expect(await built.query(key.secret, q.HasCurrentToken())).toBe(true);
    await built.query(ADMIN, q.Delete(q.Ref(q.Keys(), key.id)));
    expect((await built.failure(key.secret, q.Now())).status).toBe(401);
  });

  it('with keyCacheMs, a deleted key that was used authenticates until its entry expires, then 401', async () => {
    const built = fakeUnderTest({ keyCacheMs: 60_000 });
    const key = await keyOf(built);
    expect(await built.query(key.secret, q.HasCurrentToken())).toBe(true);
    await built.query(ADMIN, q.Delete(q.Ref(q.Keys(), key.id)));
    expect(await built.query(ADMIN, q.Exists(q.Ref(q.Keys(), key.id)))).toBe(false);
    built.advance(59_999);
    expect(await built.query(key.secret, q.HasCurrentToken())).toBe(true);
    built.advance(1);
    expect((await built.failure(key.secret, q.Now())).status).toBe(401);
  });

  it('with keyCacheMs, a deleted key never used before is refused at once: nothing was cached', async () => {
    const built = fakeUnderTest({ keyCacheMs: 60_000 });
    const key = await keyOf(built);
    await built.query(ADMIN, q.Delete(q.Ref(q.Keys(), key.id)));
    expect((await built.failure(key.secret, q.Now())).status).toBe(401);
  });
});

describe('FakeFauna with FQL v4 switched off', () => {
  it('answers every authenticated request 410 permission denied as the core does, and a bad secret still 401', async () => {
    const off = fakeUnderTest({ fqlV4Disabled: true });
    const response = await off.fake.handle({ body: JSON.stringify(q.Now()), authorization: `Bearer ${ADMIN}` });
    expect(response.status).toBe(410);
    expect(JSON.parse(response.body)).toEqual({
      errors: [
        {
          code: 'permission denied',
          description: 'FQL v4 requests have been disabled for your account. Please create a ticket at https://support.fauna.com',
        },
      ],
    });
    expect((await off.failure('fnNOT_A_KEY', q.Now())).status).toBe(401);
  });
});

describe('FakeFauna schema names within one transaction', () => {
  it('resolves a name only against committed schema: an index on a collection created in the same query must use its ref', async () => {
    const byName = await failure(
      ADMIN,
      q.Do(q.CreateCollection({ name: 'things' }), q.CreateIndex({ name: 'things_all', source: q.Collection('things') })),
    );
    expect(byName).toEqual({
      status: 400,
      code: 'validation failed',
      description: 'document data is not valid.',
      position: ['do', 1],
      failures: [{ field: ['source'], code: 'invalid reference', description: 'Cannot read reference.' }],
    });
    expect(await client(ADMIN).query(q.Exists(q.Collection('things')))).toBe(false);

    await client(ADMIN).query(
      q.Let({ things: q.Select('ref', q.CreateCollection({ name: 'things' })) }, q.CreateIndex({ name: 'things_all', source: q.Var('things') })),
    );
    expect(await client(ADMIN).query(q.Exists(q.Index('things_all')))).toBe(true);
    expect((await failure(ADMIN, q.Do(q.CreateCollection({ name: 'more' }), q.Create(q.Collection('more'), {})))).code).toBe('invalid ref');
  });

  it('refuses a role whose privilege names a collection that does not exist, naming the field', async () => {
    const err = await failure(ADMIN, q.CreateRole({ name: 'r', privileges: [{ resource: q.Collection('users'), actions: {} }, { resource: q.Collection('nope'), actions: {} }] }));
    expect(err).toMatchObject({ status: 400, code: 'validation failed' });
    expect(err.failures).toEqual([
      { field: ['privileges', '1', 'resource'], code: 'invalid reference', description: 'Cannot read reference.' },
    ]);
  });
});
