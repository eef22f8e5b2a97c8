import { query as q, type Expr } from 'faunadb';
import { buildLoginQuery, type LoginFacts, type LoginQueryResult } from '../../actions/fauna-login/login-query';
import {
  INVALID_LOGIN_ARGUMENTS,
  INVALID_REVOKE_ARGUMENTS,
  LOGIN_ARGUMENT_LIMITS,
  MAX_LIVE_LOGINS_PER_USER,
  MAX_LOGIN_TTL_SECONDS,
} from '../../actions/lib/login-contract';
import {
  AUTH0_JWT_COLLECTION,
  END_ALL_LOGINS_FUNCTION,
  END_LOGIN_FUNCTION,
  LOGIN_FUNCTION,
  LOGIN_FUNCTION_ROLE,
  REVOKE_USER_FUNCTION,
  USERS_COLLECTION,
} from '../../actions/lib/schema-names';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { ADMIN, START, fakeUnderTest, type FakeUnderTest } from '../fauna-in-process/support';

/**
 * The functions of fauna/ (login, revoke_user, end_login, end_all_logins) and the roles they run
 * with, evaluated by the in-process Fauna with the keys setup:fauna makes: what each does, what
 * each refuses, and what their roles would refuse even to a function body changed by hand.
 */

let t: FakeUnderTest;
let loginKey: string;
let revokeKey: string;

beforeEach(async () => {
  t = fakeUnderTest();
  const { keys } = await applyProjectSchema(t.fake, { adminSecret: ADMIN, keys: ['create-action-key', 'create-revoke-key'] });
  loginKey = keys['create-action-key'] ?? '';
  revokeKey = keys['create-revoke-key'] ?? '';
});

const base: LoginFacts = { auth0UserId: 'auth0|ada', email: 'ada@example.com', name: 'Ada', emailVerified: false, clientId: 'web', ttlSeconds: 3600 };
const login = (facts: Partial<LoginFacts> = {}) => t.query<LoginQueryResult>(loginKey, buildLoginQuery({ ...base, ...facts }));
const callLogin = (args: unknown) => t.failure(loginKey, q.Call(q.Function(LOGIN_FUNCTION), args as Expr));
const users = () => t.fake.documents(USERS_COLLECTION);
const loginsOf = (auth0Id: string) => {
  const user = users().find((u) => u.data.auth0_id === auth0Id);
  return t.fake.documents(AUTH0_JWT_COLLECTION).filter((l) => (l.data.user as { id?: string }).id === user?.id);
};
const works = async (secret: string) => {
  try {
    await t.query(secret, q.Get(q.CurrentIdentity()));
    return true;
  } catch {
    return false;
  }
};

describe('login', () => {
  it('creates the user with the profile it is given, email_verified beside email, and mints a secret expiring ttl_seconds from now', async () => {
    const result = await login({ sessionId: 'sess-1' });

    expect(result).toEqual({ secret: expect.any(String), exp: START / 1000 + 3600, user: 'created', evicted: 0 });
    expect(users().map((u) => u.data)).toEqual([{ auth0_id: 'auth0|ada', email: 'ada@example.com', name: 'Ada', email_verified: false }]);
    const [doc] = loginsOf('auth0|ada');
    expect(doc.data).toMatchObject({ client_id: 'web', session_id: 'sess-1' });
    expect(doc.ttl).toBe(START + 3_600_000);
    expect(t.fake.tokens()).toEqual([expect.objectContaining({ instance: { collection: AUTH0_JWT_COLLECTION, id: doc.id }, ttl: START + 3_600_000 })]);
    expect(await works(result.secret)).toBe(true);
  });

  it('writes an unchanged returning user not at all, and a changed one once, a profile field Auth0 no longer has removed', async () => {
    await login();
    const writes = () => t.fake.stats.writesByCollection[USERS_COLLECTION] ?? 0;
    const before = writes();

    expect((await login()).user).toBe('unchanged');
    expect(writes()).toBe(before);
    expect((await login({ emailVerified: true })).user).toBe('updated');
    expect((await login({ name: undefined, emailVerified: true })).user).toBe('updated');
    expect(writes()).toBe(before + 2);
    expect(users().map((u) => u.data)).toEqual([{ auth0_id: 'auth0|ada', email: 'ada@example.com', email_verified: true }]);
    // A login without a session id records none.
    expect(loginsOf('auth0|ada').every((l) => !('session_id' in l.data))).toBe(true);
  });

  it.each([
    ['no argument at all', [], 'expected one object'],
    ['an unknown field', { ...buildArgs(), role: 'admin' }, 'unknown field; expected only auth0_id, email, name, email_verified, client_id, session_id, ttl_seconds'],
    ['an empty auth0_id', buildArgs({ auth0_id: '' }), `auth0_id must be a non-empty string of at most ${LOGIN_ARGUMENT_LIMITS.auth0_id} characters`],
    ['a missing auth0_id', buildArgs({ auth0_id: undefined }), 'auth0_id must be a non-empty string'],
    ['an auth0_id that is a number', buildArgs({ auth0_id: 42 }), 'auth0_id must be a non-empty string'],
    ['an over-long auth0_id', buildArgs({ auth0_id: 'x'.repeat(LOGIN_ARGUMENT_LIMITS.auth0_id + 1) }), 'auth0_id must be'],
    ['an empty client_id', buildArgs({ client_id: '' }), `client_id must be a non-empty string of at most ${LOGIN_ARGUMENT_LIMITS.client_id} characters`],
    ['an over-long email', buildArgs({ email: 'e'.repeat(LOGIN_ARGUMENT_LIMITS.email + 1) }), `email must be null or a string of at most ${LOGIN_ARGUMENT_LIMITS.email} characters`],
    ['a name that is an object', buildArgs({ name: { first: 'Ada' } }), 'name must be null or a string'],
    ['an email_verified that is a string', buildArgs({ email_verified: 'yes' }), 'email_verified must be null or a boolean'],
    ['an over-long session_id', buildArgs({ session_id: 's'.repeat(LOGIN_ARGUMENT_LIMITS.session_id + 1) }), 'session_id must be null or a string'],
    ['a ttl under 60 s', buildArgs({ ttl_seconds: 59 }), `ttl_seconds must be a whole number from 60 to ${MAX_LOGIN_TTL_SECONDS}`],
    ['a ttl over the longest', buildArgs({ ttl_seconds: MAX_LOGIN_TTL_SECONDS + 1 }), 'ttl_seconds must be a whole number'],
    ['a fractional ttl', buildArgs({ ttl_seconds: 60.5 }), 'ttl_seconds must be a whole number'],
    ['a ttl as a string', buildArgs({ ttl_seconds: '3600' }), 'ttl_seconds must be a whole number'],
  ])('refuses %s: 400 call error, aborted with "invalid login arguments: …" naming it, nothing written', async (_name, args, message) => {
    const writes = t.fake.stats.writes;
    expect(await callLogin(args)).toEqual({
      status: 400,
      code: 'call error',
      description: 'Calling the function resulted in an error.',
      position: [],
      cause: [expect.objectContaining({ code: 'transaction aborted', description: expect.stringContaining(`${INVALID_LOGIN_ARGUMENTS} ${message}`) })],
    });
    expect(t.fake.stats.writes).toBe(writes);
  });

  it('accepts the bounds: 60 s and the longest ttl, strings at their limits, null and absent optional fields', async () => {
    expect((await t.query<LoginQueryResult>(loginKey, q.Call(q.Function(LOGIN_FUNCTION), buildArgs({ ttl_seconds: 60 })))).exp).toBe(START / 1000 + 60);
    const longest = buildArgs({ ttl_seconds: MAX_LOGIN_TTL_SECONDS, auth0_id: 'a'.repeat(LOGIN_ARGUMENT_LIMITS.auth0_id), name: 'n'.repeat(LOGIN_ARGUMENT_LIMITS.name) });
    expect((await t.query<LoginQueryResult>(loginKey, q.Call(q.Function(LOGIN_FUNCTION), longest))).exp).toBe(START / 1000 + MAX_LOGIN_TTL_SECONDS);
    const sparse = { auth0_id: 'auth0|sparse', client_id: 'web', ttl_seconds: 600 };
    expect((await t.query<LoginQueryResult>(loginKey, q.Call(q.Function(LOGIN_FUNCTION), sparse))).user).toBe('created');
    expect(users().find((u) => u.data.auth0_id === 'auth0|sparse')?.data).toEqual({ auth0_id: 'auth0|sparse' });
  });

  it(`keeps a user at ${MAX_LIVE_LOGINS_PER_USER} live logins: each login beyond ends the earliest-expiring one and its tokens, at once`, async () => {
    // Expiries out of creation order: the cap goes by expiry, not by age.
    const first = await login({ ttlSeconds: 7200 });
    const earliest = await login({ ttlSeconds: 600 });
    const rest: string[] = [];
    for (let i = 2; i < MAX_LIVE_LOGINS_PER_USER; i += 1) rest.push((await login()).secret);
    await login({ auth0UserId: 'auth0|bob' });
    expect(loginsOf('auth0|ada')).toHaveLength(MAX_LIVE_LOGINS_PER_USER);

    const next = await login();

    expect(next.evicted).toBe(1);
    expect(loginsOf('auth0|ada')).toHaveLength(MAX_LIVE_LOGINS_PER_USER);
    expect(await works(earliest.secret)).toBe(false);
    expect(await works(first.secret)).toBe(true);
    expect(await works(next.secret)).toBe(true);
    expect(t.fake.tokens()).toHaveLength(MAX_LIVE_LOGINS_PER_USER + 1);
    expect(loginsOf('auth0|bob')).toHaveLength(1);
  });

  it('brings a user above the cap (logins minted before it) back down, a page at a time', async () => {
    await login();
    const [user] = users();
    const ref = q.Ref(q.Collection(USERS_COLLECTION), user.id);
    await t.query(
      ADMIN,
      q.Foreach(
        Array.from({ length: MAX_LIVE_LOGINS_PER_USER + 10 }, (_, i) => i),
        q.Lambda('i', q.Create(q.Collection(AUTH0_JWT_COLLECTION), { data: { user: ref, exp: q.TimeAdd(q.Now(), 3600, 'seconds'), client_id: 'old' }, ttl: q.TimeAdd(q.Now(), 3600, 'seconds') })),
      ),
    );

    expect((await login()).evicted).toBe(12);
    expect(loginsOf('auth0|ada')).toHaveLength(MAX_LIVE_LOGINS_PER_USER);
  });
});

/** login's arguments as the Action sends them, with `overrides` (undefined removes a field). */
function buildArgs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const args: Record<string, unknown> = {
    auth0_id: 'auth0|ada',
    email: 'ada@example.com',
    name: 'Ada',
    email_verified: false,
    client_id: 'web',
    session_id: null,
    ttl_seconds: 3600,
    ...overrides,
  };
  for (const [key, value] of Object.entries(args)) if (value === undefined) delete args[key];
  return args;
}

describe('revoke_user', () => {
  it("ends the named user's logins and their tokens, nobody else's, and answers what it ended", async () => {
    const secrets = [await login(), await login({ sessionId: 's' })];
    const bob = await login({ auth0UserId: 'auth0|bob' });

    expect(await t.query(revokeKey, q.Call(q.Function(REVOKE_USER_FUNCTION), 'auth0|ada'))).toEqual({ user: true, logins: 2, tokens: 2, more: false });
    for (const { secret } of secrets) expect(await works(secret)).toBe(false);
    expect(await works(bob.secret)).toBe(true);
    expect(await t.query(revokeKey, q.Call(q.Function(REVOKE_USER_FUNCTION), 'auth0|nobody'))).toEqual({ user: false, logins: 0, tokens: 0, more: false });
  });

  it.each([[''], [42], [null], ['x'.repeat(LOGIN_ARGUMENT_LIMITS.auth0_id + 1)]])('refuses a bad id (case %#) with "invalid revoke arguments: …"', async (id) => {
    expect(await t.failure(revokeKey, q.Call(q.Function(REVOKE_USER_FUNCTION), id as unknown as Expr))).toMatchObject({
      status: 400,
      code: 'call error',
      cause: [expect.objectContaining({ code: 'transaction aborted', description: `${INVALID_REVOKE_ARGUMENTS} auth0_id must be a non-empty string of at most ${LOGIN_ARGUMENT_LIMITS.auth0_id} characters` })],
    });
  });
});

describe('end_login and end_all_logins', () => {
  it("end_login ends every login of the caller's user in the caller's session, and no other session's nor other user's", async () => {
    const [a1, a2, a3, a4] = [await login({ sessionId: 's1' }), await login({ sessionId: 's1' }), await login({ sessionId: 's2' }), await login()];
    const bob = await login({ auth0UserId: 'auth0|bob', sessionId: 's1' });

    expect(await t.query(a1.secret, q.Call(q.Function(END_LOGIN_FUNCTION)))).toBe(true);

    expect([await works(a1.secret), await works(a2.secret), await works(a3.secret), await works(a4.secret), await works(bob.secret)]).toEqual([false, false, true, true, true]);
    expect(t.fake.tokens()).toHaveLength(3);
  });

  it('end_login of a login without a session id ends it alone', async () => {
    const [lone, other] = [await login(), await login()];

    expect(await t.query(lone.secret, q.Call(q.Function(END_LOGIN_FUNCTION)))).toBe(true);

    expect([await works(lone.secret), await works(other.secret)]).toEqual([false, true]);
  });

  it("end_all_logins ends every login of the caller's user and nobody else's", async () => {
    const mine = [await login({ sessionId: 's1' }), await login({ sessionId: 's2' }), await login()];
    const bob = await login({ auth0UserId: 'auth0|bob', sessionId: 's1' });

    expect(await t.query(mine[1].secret, q.Call(q.Function(END_ALL_LOGINS_FUNCTION)))).toEqual({ logins: 3, tokens: 3, more: false });

    for (const { secret } of mine) expect(await works(secret)).toBe(false);
    expect(await works(bob.secret)).toBe(true);
    expect(t.fake.tokens()).toHaveLength(1);
  });

  it('need a minted secret: with a key there is no caller login (missing identity)', async () => {
    expect(await t.failure(ADMIN, q.Call(q.Function(END_LOGIN_FUNCTION)))).toMatchObject({ code: 'call error', cause: [expect.objectContaining({ code: 'missing identity' })] });
  });
});

describe('the roles the functions run with refuse what the functions never do', () => {
  /** A function with `role`, defined by hand, whose body is `body`: what a body edited by hand could try. */
  async function asRole(role: string, body: Expr, caller: string = ADMIN): Promise<{ status: number; code: string; cause?: unknown } | 'allowed'> {
    const name = `probe_${Math.random().toString(36).slice(2, 8)}`;
    await t.query(ADMIN, q.CreateFunction({ name, role: q.Role(role), body: q.Query(q.Lambda([], body)) }));
    try {
      await t.query(caller, q.Call(q.Function(name)));
      return 'allowed';
    } catch {
      return t.failure(caller, q.Call(q.Function(name)));
    }
  }
  const denied = expect.objectContaining({ status: 400, code: 'call error', cause: [expect.objectContaining({ code: 'permission denied' })] });
  const inAnHour = q.TimeAdd(q.Now(), 3600, 'seconds');

  it("login's role: only data on a user, bounded logins and tokens for logins only, never credentials or a ttl on a user", async () => {
    await login();
    // Literal refs: each case differs from what login does (allowed, below) only in what it tests.
    const user = q.Ref(q.Collection(USERS_COLLECTION), users()[0].id);
    const loginRef = q.Ref(q.Collection(AUTH0_JWT_COLLECTION), loginsOf('auth0|ada')[0].id);
    const cases: [string, Expr][] = [
      ['a user with a ttl', q.Create(q.Collection(USERS_COLLECTION), { data: { auth0_id: 'auth0|x' }, ttl: inAnHour })],
      ['a user with credentials', q.Create(q.Collection(USERS_COLLECTION), { data: { auth0_id: 'auth0|y' }, credentials: { password: 'pw' } })],
      ['a ttl set on a user', q.Update(user, { ttl: inAnHour })],
      ["a user's auth0_id moved", q.Update(user, { data: { auth0_id: 'auth0|eve' } })],
      ['a login without ttl', q.Create(q.Collection(AUTH0_JWT_COLLECTION), { data: { user, exp: inAnHour } })],
      ['a login with another field', q.Create(q.Collection(AUTH0_JWT_COLLECTION), { data: { user, exp: inAnHour }, ttl: inAnHour, credentials: { password: 'pw' } })],
      ['a token for a user', q.Create(q.Tokens(), { instance: user, ttl: inAnHour })],
      ['a token past the longest ttl', q.Create(q.Tokens(), { instance: loginRef, ttl: q.TimeAdd(q.Now(), MAX_LOGIN_TTL_SECONDS + 60, 'seconds') })],
      ['a token with data', q.Create(q.Tokens(), { instance: loginRef, ttl: inAnHour, data: { note: 'x' } })],
    ];
    for (const [name, body] of cases) expect([name, await asRole(LOGIN_FUNCTION_ROLE, body)]).toEqual([name, denied]);
    // The same role does what login does.
    expect(await asRole(LOGIN_FUNCTION_ROLE, q.Create(q.Tokens(), { instance: loginRef, ttl: inAnHour }))).toBe('allowed');
    expect(await asRole(LOGIN_FUNCTION_ROLE, q.Update(user, { data: { name: 'Ada L.' } }))).toBe('allowed');
    expect(await asRole(LOGIN_FUNCTION_ROLE, q.Create(q.Collection(USERS_COLLECTION), { data: { auth0_id: 'auth0|z' } }))).toBe('allowed');
    expect(await asRole(LOGIN_FUNCTION_ROLE, q.Create(q.Collection(AUTH0_JWT_COLLECTION), { data: { user, exp: inAnHour }, ttl: inAnHour }))).toBe('allowed');
  });

  it("end_login's role: the caller's own user's logins only, even were its body changed to end another's", async () => {
    const ada = await login();
    await login({ auth0UserId: 'auth0|bob' });
    const [bobLogin] = loginsOf('auth0|bob');
    await t.query(ADMIN, q.Update(q.Function(END_LOGIN_FUNCTION), { body: q.Query(q.Lambda([], q.Delete(q.Ref(q.Collection(AUTH0_JWT_COLLECTION), bobLogin.id)))) }));

    expect(await t.failure(ada.secret, q.Call(q.Function(END_LOGIN_FUNCTION)))).toMatchObject(denied);
    expect(loginsOf('auth0|bob')).toHaveLength(1);
  });
});
