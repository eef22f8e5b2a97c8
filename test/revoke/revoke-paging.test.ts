import { query as q, errors as faunaErrors } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { AUTH0_JWT_COLLECTION } from '../../actions/lib/schema-names';
import { buildLoginQuery } from '../../actions/fauna-login/login-query';
import { revokeUserSecrets } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import { FakeFauna } from '../../fauna-in-process';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { LOGINS_PER_CALL, TOKENS_PER_LOGIN } from '../../fauna/functions';
import { TEST_ENDPOINT } from '../support/fauna-wire';

/**
 * revoke_user, evaluated: the in-process Fauna runs the function with the key `setup:fauna
 * --create-revoke-key` makes, over a user holding more logins than one call ends (logins the
 * previous version minted, before the cap) and a login holding more secrets than one call
 * deletes. (test/revoke/revoke-user-secrets.test.ts scripts Fauna's answers; here Fauna computes them.)
 */
const ALICE = 'auth0|alice';
const BOB = 'auth0|bob';

async function tenant() {
  const fake = new FakeFauna();
  const { keys } = await applyProjectSchema(fake, { keys: ['create-revoke-key'] });
  const admin = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: fake.adminSecret }, fake.fetch);
  const login = (user: string) => admin.query<{ secret: string }>(buildLoginQuery({ auth0UserId: user, clientId: 'web', ttlSeconds: 3600 }));
  const userId = (user: string) => {
    const id = fake.documents('users').find((doc) => doc.data.auth0_id === user)?.id;
    if (id === undefined) throw new Error(`no user ${user}`);
    return id;
  };
  /** Logins as the previous version's login key minted them: no cap, so a user may hold any number. */
  const loginsWithoutCap = async (user: string, count: number) => {
    const ref = q.Ref(q.Collection('users'), userId(user));
    await admin.query(
      q.Foreach(
        Array.from({ length: count }, (_, i) => i),
        q.Lambda(
          'i',
          q.Let(
            { exp: q.TimeAdd(q.Now(), q.Add(3600, q.Var('i')), 'seconds') },
            q.Let(
              { jwt: q.Create(q.Collection(AUTH0_JWT_COLLECTION), { data: { user: ref, exp: q.Var('exp'), client_id: 'web' }, ttl: q.Var('exp') }) },
              q.Create(q.Tokens(), { instance: q.Select('ref', q.Var('jwt')), ttl: q.Var('exp') }),
            ),
          ),
        ),
      ),
    );
  };
  const revokeKey = keys['create-revoke-key'] ?? '';
  const revoke = (user: string) =>
    revokeUserSecrets(user, () => ({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: revokeKey, timeoutMs: 5000 }), { fetch: fake.fetch, log: () => undefined });
  const loginsOf = (user: string) => fake.documents(AUTH0_JWT_COLLECTION).filter((doc) => (doc.data.user as { id?: string }).id === userId(user));
  const secretWorks = (secret: string) =>
    createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: secret }, fake.fetch)
      .query(q.Get(q.CurrentIdentity()))
      .then(
        () => true,
        (err: unknown) => {
          if (err instanceof faunaErrors.Unauthorized) return false;
          throw err;
        },
      );
  return { fake, admin, login, loginsWithoutCap, revoke, loginsOf, secretWorks };
}

describe('revoke_user, evaluated by the in-process Fauna with the revoke key', () => {
  it(`ends a user's logins in one call while they fit (${LOGINS_PER_CALL} a call), and calls again while more remain`, async () => {
    const t = await tenant();
    const { secret } = await t.login(ALICE);
    await t.loginsWithoutCap(ALICE, LOGINS_PER_CALL + 5);
    await t.login(BOB);
    expect(t.loginsOf(ALICE)).toHaveLength(LOGINS_PER_CALL + 6);

    expect(await t.revoke(ALICE)).toEqual({ kind: 'revoked', secrets: LOGINS_PER_CALL + 6, logins: LOGINS_PER_CALL + 6, queries: 2 });

    expect(t.loginsOf(ALICE)).toEqual([]);
    expect(await t.secretWorks(secret)).toBe(false);
    // Bob's login and its one secret are untouched.
    const bobs = t.loginsOf(BOB);
    expect(bobs).toHaveLength(1);
    expect(t.fake.tokens().map((token) => token.instance.id)).toEqual(bobs.map((login) => login.id));
  });

  it(`ends a login with more secrets than it deletes at once (${TOKENS_PER_LOGIN}): the rest die with it (401) and expire by themselves`, async () => {
    const t = await tenant();
    await t.login(ALICE);
    const [login] = t.loginsOf(ALICE);
    const extra = await t.admin.query<string[]>(
      q.Map(
        Array.from({ length: TOKENS_PER_LOGIN }, (_, i) => i),
        q.Lambda('_', q.Select('secret', q.Create(q.Tokens(), { instance: q.Ref(q.Collection(AUTH0_JWT_COLLECTION), login.id), ttl: q.TimeAdd(q.Now(), 3600, 'seconds') }))),
      ),
    );

    expect(await t.revoke(ALICE)).toEqual({ kind: 'revoked', secrets: TOKENS_PER_LOGIN, logins: 1, queries: 1 });

    expect(t.loginsOf(ALICE)).toEqual([]);
    expect(t.fake.tokens()).toHaveLength(1);
    for (const secret of extra) expect(await t.secretWorks(secret)).toBe(false);
  });

  it('answers "no user" for an Auth0 id that never logged in, in one query, touching nothing', async () => {
    const t = await tenant();
    await t.login(BOB);
    const writes = t.fake.stats.writes;

    expect(await t.revoke(ALICE)).toEqual({ kind: 'no-user', queries: 1 });
    expect(t.fake.stats.writes).toBe(writes);
    expect(t.fake.tokens()).toHaveLength(1);
  });
});
