import { query as q, values, type Expr } from 'faunadb';
import { ADMIN, SERVER, START, fakeUnderTest, type FakeUnderTest } from './support';

// Credentials, Login and Identify as the core has them (fauna-in-process/credentials.ts,
// auth-forms.ts; fauna/faunadb ext/model/src/main/scala/ast/functions/AuthFunctions.scala,
// WriteAdaptor.scala UserDocumentWriteConfig, doc/Credentials.scala).

let t: FakeUnderTest;

const notes = q.Collection('notes');
const AUTH_FAILED = { status: 400, code: 'authentication failed', description: 'The document was not found or provided password was incorrect.' };

async function withPassword(password: string, extra: Record<string, unknown> = {}): Promise<values.Ref> {
  return t.query<values.Ref>(SERVER, q.Select('ref', q.Create(notes, { data: { text: 'n' }, credentials: { password }, ...extra })));
}

interface LoginAnswer {
  ref: values.Ref;
  instance: values.Ref;
  secret: string;
  ttl?: values.FaunaTime;
  data?: Record<string, unknown>;
  hashed_secret?: unknown;
}

beforeEach(async () => {
  t = fakeUnderTest();
  await t.query(ADMIN, q.CreateCollection({ name: 'notes' }));
});

describe('credentials on a document', () => {
  it('are stored hashed in their own record, never in the document, its write answer or a read', async () => {
    const created = await t.query<Record<string, unknown>>(SERVER, q.Create(notes, { data: { text: 'n' }, credentials: { password: 'hunter2' } }));
    expect(Object.keys(created).sort()).toEqual(['data', 'ref', 'ts']);
    expect(Object.keys(await t.query<Record<string, unknown>>(SERVER, q.Get((created as { ref: values.Ref }).ref))).sort()).toEqual(['data', 'ref', 'ts']);

    const [record] = t.fake.documents('credentials');
    expect(record.data.instance).toMatchObject({ id: (created as { ref: values.Ref }).ref.id });
    expect(typeof record.data.hashed_password).toBe('string');
    expect(JSON.stringify(record)).not.toContain('hunter2');
  });

  it('Login with the password mints a secret for that document (201), with no ttl unless given', async () => {
    const ref = await withPassword('hunter2');
    const response = await t.fake.handle({ body: JSON.stringify(q.Login(ref, { password: 'hunter2' })), authorization: `Bearer ${SERVER}` });
    expect(response.status).toBe(201);

    const answer = await t.query<LoginAnswer>(SERVER, q.Login(ref, { password: 'hunter2', data: { device: 'x' } }));
    expect(answer.instance).toEqual(ref);
    expect(answer.secret).toMatch(/^fnE/);
    expect(answer.data).toEqual({ device: 'x' });
    expect(answer.hashed_secret).toBeUndefined();
    expect(t.fake.tokens().find((token) => token.id === answer.ref.id)?.ttl).toBeUndefined();
    // The secret authenticates as the document.
    expect(await t.query(answer.secret, q.CurrentIdentity())).toEqual(ref);

    const bounded = await t.query<LoginAnswer>(SERVER, q.Login(ref, { password: 'hunter2', ttl: q.TimeAdd(q.Now(), 60, 'seconds') }));
    expect(t.fake.tokens().find((token) => token.id === bounded.ref.id)?.ttl).toBe(START + 60_000);
  });

  it('Login fails with 400 authentication failed for a wrong password, none, or a document without credentials', async () => {
    const ref = await withPassword('hunter2');
    const bare = await t.query<values.Ref>(SERVER, q.Select('ref', q.Create(notes, { data: {} })));
    expect(await t.failure(SERVER, q.Login(ref, { password: 'wrong' }))).toMatchObject(AUTH_FAILED);
    expect(await t.failure(SERVER, q.Login(ref, {}))).toMatchObject(AUTH_FAILED);
    expect(await t.failure(SERVER, q.Login(bare, { password: 'hunter2' }))).toMatchObject(AUTH_FAILED);
    expect(t.fake.tokens()).toEqual([]);
  });

  it('Login needs no privilege: a key whose role grants nothing, or a secret with no role, may call it', async () => {
    const ref = await withPassword('hunter2');
    await t.query(ADMIN, q.CreateRole({ name: 'nothing', privileges: [] }));
    const key = (await t.query<{ secret: string }>(ADMIN, q.CreateKey({ role: q.Role('nothing') }))).secret;
    const viaKey = await t.query<LoginAnswer>(key, q.Login(ref, { password: 'hunter2' }));
    expect(viaKey.secret).toMatch(/^fnE/);
    // A token's create predicate never runs: Login creates the token with server rights.
    expect(await t.query<LoginAnswer>(viaKey.secret, q.Select('instance', q.Login(ref, { password: 'hunter2' })))).toEqual(ref);
  });

  it('Update and Replace change the password without the current one; Identify checks it', async () => {
    const ref = await withPassword('first');
    await t.query(SERVER, q.Update(ref, { credentials: { password: 'second' } }));
    expect(await t.query(SERVER, [q.Identify(ref, 'first'), q.Identify(ref, 'second')] as unknown as Expr)).toEqual([false, true]);
    await t.query(SERVER, q.Replace(ref, { data: { text: 'r' }, credentials: { password: 'third' } }));
    expect(await t.failure(SERVER, q.Login(ref, { password: 'second' }))).toMatchObject(AUTH_FAILED);
    expect((await t.query<LoginAnswer>(SERVER, q.Login(ref, { password: 'third' }))).instance).toEqual(ref);
    expect(t.fake.documents('credentials')).toHaveLength(1);
    expect(t.fake.documents('notes').find((d) => d.id === ref.id)?.data).toEqual({ text: 'r' });
  });

  it('the create and write predicates see credentials among the params, though the document never stores them', async () => {
    const noCredentials = (fields: Expr) => q.Not(q.ContainsField('credentials', fields));
    await t.query(
      ADMIN,
      q.CreateRole({
        name: 'writer',
        privileges: [
          {
            resource: notes,
            actions: {
              create: q.Query(q.Lambda('params', noCredentials(q.Var('params')))),
              write: q.Query(q.Lambda(['old', 'new'], noCredentials(q.Var('new')))),
            },
          },
        ],
      }),
    );
    const key = (await t.query<{ secret: string }>(ADMIN, q.CreateKey({ role: q.Role('writer') }))).secret;
    expect((await t.failure(key, q.Create(notes, { data: {}, credentials: { password: 'p' } }))).status).toBe(403);
    const ref = await t.query<values.Ref>(key, q.Select('ref', q.Create(notes, { data: { text: 'ok' } })));
    expect((await t.failure(key, q.Update(ref, { credentials: { password: 'p' } }))).status).toBe(403);
    expect((await t.failure(key, q.Replace(ref, { data: {}, credentials: { password: 'p' } }))).status).toBe(403);
    await t.query(key, q.Update(ref, { data: { text: 'still ok' } }));
    expect(t.fake.documents('credentials')).toEqual([]);
  });
});

describe('what is not modelled is named', () => {
  it.each([
    ['Login through a set', () => q.Login(q.Documents(notes), { password: 'p' }), 'The in-process Fauna supports Login of a document ref, not of a set.'],
    ['Identify through a set', () => q.Identify(q.Documents(notes), 'p'), 'The in-process Fauna supports Identify of a document ref, not of a set.'],
    ['credentials that are not an object', () => q.Create(notes, { data: {}, credentials: 'p' }), 'The in-process Fauna supports credentials only as an object: {password}.'],
    ['a hashed_password given directly', () => q.Create(notes, { data: {}, credentials: { hashed_password: 'x' } }), 'The in-process Fauna does not support credentials.hashed_password; give only a password.'],
  ] as const)('%s: 400 invalid expression', async (_name, expr, description) => {
    expect(await t.failure(SERVER, expr())).toMatchObject({ status: 400, code: 'invalid expression', description });
    expect(t.fake.documents('notes')).toEqual([]);
  });

  it('a password that is not a string is 400 validation failed', async () => {
    expect((await t.failure(SERVER, q.Create(notes, { data: {}, credentials: { password: 5 } }))).code).toBe('validation failed');
  });

  it('Login is a write: refused inside a role predicate', async () => {
    const ref = await withPassword('hunter2');
    await t.query(
      ADMIN,
      q.CreateRole({ name: 'sneaky', privileges: [{ resource: notes, actions: { read: q.Query(q.Lambda('r', q.IsObject(q.Login(q.Var('r'), { password: 'hunter2' })))) } }] }),
    );
    const key = (await t.query<{ secret: string }>(ADMIN, q.CreateKey({ role: q.Role('sneaky') }))).secret;
    expect((await t.failure(key, q.Get(ref))).status).toBe(403);
    expect(t.fake.tokens()).toEqual([]);
  });
});
