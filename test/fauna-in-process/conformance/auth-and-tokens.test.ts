/**
 * Conformance, authentication and tokens: what the core answers for CurrentToken, HasCurrentToken,
 * CurrentIdentity, Logout and secrets, by kind of caller, case by case with where it decides it
 * (see ./support.ts). The driver's own expectations: test/query.test.js ('current_token returns
 * proper token', 'has_current_token…', 'current_identity…').
 *
 * Callers: a key made with CreateKey in this database (KeyLogin, `key.parentScopeID == scopeID`);
 * the fake's configured admin and server secrets, which stand for keys from outside the database
 * (the root key, or a parent database's key for it, as the driver's tests use): no key document
 * here; and a token (TokenLogin).
 */
import { query as q, type values } from 'faunadb';
import { ADMIN, SERVER, fakeUnderTest, type FakeUnderTest } from '../support';
import { check, collection, native, ref, type ConformanceCase } from './support';

const AUTH = 'model/ast/functions/AuthFunctions.scala';
const NO_TOKEN = { status: 400, code: 'invalid token', description: 'Token metadata is not accessible.', position: [] };
const NO_IDENTITY = { status: 400, code: 'missing identity', description: 'Authentication does not contain an identity', position: [] };

let under: FakeUnderTest;
let keyRef: values.Ref;
let keySecret: string;
let tokenRef: values.Ref;
let tokenSecret: string;
let userRef: values.Ref;

beforeEach(async () => {
  under = fakeUnderTest();
  await under.query(ADMIN, q.CreateCollection({ name: 'users' }));
  userRef = await under.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('users'), { data: { name: 'u' } })));
  const key = await under.query<{ ref: values.Ref; secret: string }>(ADMIN, q.CreateKey({ role: 'server' }));
  keyRef = key.ref;
  keySecret = key.secret;
  const token = await under.query<{ ref: values.Ref; secret: string }>(SERVER, q.Create(q.Tokens(), { instance: userRef }));
  tokenRef = token.ref;
  tokenSecret = token.secret;
  await under.query(ADMIN, q.CreateFunction({ name: 'whoami', body: q.Query(q.Lambda([], q.CurrentToken())), role: 'server' }));
});

const keyJson = () => ref(native('keys'), keyRef.id);
const tokenJson = () => ref(native('tokens'), tokenRef.id);
const userJson = () => ref(collection('users'), userRef.id);

const cases: ConformanceCase[] = [
  { name: 'CurrentToken with a key of this database is the key’s ref', core: `${AUTH} CurrentTokenFunction (KeyLogin, ec.scopeID == key.parentScopeID)`, secret: () => keySecret, query: () => q.CurrentToken(), expect: { resource: keyJson } },
  { name: 'HasCurrentToken with a key of this database', core: `${AUTH} HasCurrentTokenFunction`, secret: () => keySecret, query: () => q.HasCurrentToken(), expect: { resource: true } },
  { name: 'CurrentToken with a token is the token’s ref', core: `${AUTH} CurrentTokenFunction (TokenLogin)`, secret: () => tokenSecret, query: () => q.CurrentToken(), expect: { resource: tokenJson } },
  { name: 'HasCurrentToken with a token', core: `${AUTH} HasCurrentTokenFunction`, secret: () => tokenSecret, query: () => q.HasCurrentToken(), expect: { resource: true } },
  { name: 'CurrentToken with a key from outside the database', core: `${AUTH} CurrentTokenFunction (InvalidTokenError); model/Renderable.scala`, secret: () => ADMIN, query: () => q.CurrentToken(), expect: { error: NO_TOKEN } },
  { name: 'HasCurrentToken with a key from outside the database', core: `${AUTH} HasCurrentTokenFunction; query.test.js 'has_current_token returns false…'`, secret: () => SERVER, query: () => q.HasCurrentToken(), expect: { resource: false } },
  { name: 'CurrentIdentity with a token is its instance', core: `${AUTH} CurrentIdentityFunction (LoginAuth.Identity)`, secret: () => tokenSecret, query: () => [q.CurrentIdentity(), q.HasCurrentIdentity()], expect: { resource: () => [userJson(), true] } },
  { name: 'CurrentIdentity with a key', core: `${AUTH} CurrentIdentityFunction (MissingIdentityError)`, secret: () => keySecret, query: () => q.CurrentIdentity(), expect: { error: NO_IDENTITY } },
  { name: 'HasCurrentIdentity with a key', core: `${AUTH} HasCurrentIdentityFunction`, secret: () => keySecret, query: () => q.HasCurrentIdentity(), expect: { resource: false } },
  { name: 'Identity and HasIdentity, deprecated but answered', core: 'model/ast/Parser.scala "identity", "has_identity" (deprecatedOn is only a tag)', secret: () => tokenSecret, query: () => [q.Identity(), q.HasIdentity()], expect: { resource: () => [userJson(), true] } },
  { name: 'Logout with a key is false, either way', core: `${AUTH} LogoutFunction (not a TokenLogin / no Identity)`, secret: () => keySecret, query: () => [q.Logout(false), q.Logout(true)], expect: { resource: [false, false] } },
  { name: 'a secret nobody issued', core: 'ext/api/src/main/scala/api/fql1/APIResponse.scala Unauthorized', secret: () => 'fnNOT_A_SECRET', query: () => q.Now(), expect: { error: { status: 401, code: 'unauthorized', description: 'Unauthorized' } } },
  { name: 'KeyFromSecret is not implemented', core: `${AUTH}/ReadFunctions KeyFromSecretFunction`, secret: () => ADMIN, query: () => q.KeyFromSecret('fnX'), expect: { refused: /`key_from_secret`/ } },
];

describe('conformance: auth and tokens', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await check(under, SERVER, c);
  });

  it('keeps the caller’s key or token as CurrentToken inside a function with a role (model/auth/Auth.scala changeRole keeps the source)', async () => {
    expect(await under.answer(keySecret, q.Call(q.Function('whoami')))).toEqual({ status: 200, body: { resource: keyJson() } });
    await under.query(ADMIN, q.CreateRole({ name: 'caller', membership: [{ resource: q.Collection('users') }], privileges: [{ resource: q.Function('whoami'), actions: { call: true } }] }));
    expect(await under.answer(tokenSecret, q.Call(q.Function('whoami')))).toEqual({ status: 200, body: { resource: tokenJson() } });
  });

  it('ends the calling token on Logout(false), true, and then the token is 401 (LogoutFunction, Token.removeToken)', async () => {
    expect(await under.answer(tokenSecret, q.Logout(false))).toEqual({ status: 200, body: { resource: true } });
    expect((await under.answer(tokenSecret, q.Now())).status).toBe(401);
  });

  it('ends every token of the identity on Logout(true) (Token.removeByDocument), not other identities’', async () => {
    const other = await under.query<{ secret: string }>(SERVER, q.Create(q.Tokens(), { instance: userRef }));
    const otherUser = await under.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('users'), { data: {} })));
    const stranger = await under.query<{ secret: string }>(SERVER, q.Create(q.Tokens(), { instance: otherUser }));
    expect(await under.answer(tokenSecret, q.Logout(true))).toEqual({ status: 200, body: { resource: true } });
    expect((await under.answer(other.secret, q.Now())).status).toBe(401);
    expect((await under.answer(stranger.secret, q.Now())).status).toBe(200);
  });

  it('shows a token’s secret once, on Create, and its hash on reads (model/ast/functions/WriteAdaptor.scala TokenWriteConfig)', async () => {
    const read = (await under.answer(SERVER, q.Get(tokenRef))).body.resource as Record<string, unknown>;
    expect(read).not.toHaveProperty('secret');
    expect(read).toHaveProperty('hashed_secret');
    expect(read.instance).toEqual(userJson());
  });
});
