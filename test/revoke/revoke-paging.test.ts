import { query as q } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { AUTH0_JWT_COLLECTION } from '../../actions/lib/schema-names';
import { buildLoginQuery } from '../../actions/fauna-login/login-query';
import { revokeUserSecrets, type RevokeDependencies } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import { FakeFauna } from '../../fauna-in-process';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { TEST_ENDPOINT } from '../support/fauna-wire';

/**
 * The revocation query's paging, evaluated: the in-process Fauna runs the real query with the
 * key `setup:fauna --create-revoke-key` makes, over logins holding more secrets than a page.
 * (test/revoke/revoke-user-secrets.test.ts scripts Fauna's answers; here Fauna computes them.)
 */
const ALICE = 'auth0|alice';
const BOB = 'auth0|bob';

async function tenantWith(logins: Readonly<Record<string, readonly number[]>>) {
  const fake = new FakeFauna();
  const { keys } = await applyProjectSchema(fake, { keys: ['create-revoke-key'] });
  const admin = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: fake.adminSecret }, fake.fetch);
  // Each number is one login of that user and how many secrets it holds (its own, then extra
  // tokens for the same auth0_jwt document, as silent re-authentication would not make but a
  // leaked login key bounded by its role could).
  for (const [user, secretsPerLogin] of Object.entries(logins)) {
    for (const secrets of secretsPerLogin) {
      const before = new Set(fake.documents(AUTH0_JWT_COLLECTION).map((doc) => doc.id));
      await admin.query(buildLoginQuery({ auth0UserId: user, clientId: 'web', ttlSeconds: 3600 }));
      const login = fake.documents(AUTH0_JWT_COLLECTION).find((doc) => !before.has(doc.id));
      if (login === undefined) throw new Error('the login query made no auth0_jwt document');
      for (let extra = 1; extra < secrets; extra += 1) {
        await admin.query(
          q.Create(q.Tokens(), { instance: q.Ref(q.Collection(AUTH0_JWT_COLLECTION), login.id), ttl: q.TimeAdd(q.Now(), 3600, 'seconds') }),
        );
      }
    }
  }
  const revokeKey = keys['create-revoke-key'] ?? '';
  const revoke = (user: string, deps: RevokeDependencies = {}) =>
    revokeUserSecrets(user, () => ({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: revokeKey, timeoutMs: 5000 }), {
      fetch: fake.fetch,
      log: () => undefined,
      ...deps,
    });
  const loginsOf = (user: string) => {
    const userId = fake.documents('users').find((doc) => doc.data.auth0_id === user)?.id;
    return fake.documents(AUTH0_JWT_COLLECTION).filter((doc) => (doc.data.user as { id?: string }).id === userId);
  };
  return { fake, revoke, loginsOf };
}

describe('revocation paging, evaluated by the in-process Fauna with the revoke key', () => {
  it('pages through logins and through the secrets of a login that holds more than a page', async () => {
    const { fake, revoke, loginsOf } = await tenantWith({ [ALICE]: [5, 1, 1], [BOB]: [1] });
    expect(fake.tokens()).toHaveLength(8);

    // Two logins and two secrets per login per query: the first login needs three queries for
    // its five secrets and keeps its document until the last one, so it heads every page.
    const outcome = await revoke(ALICE, { loginsPerPage: 2, tokensPerLogin: 2 });

    expect(outcome).toEqual({ kind: 'revoked', secrets: 7, logins: 3, queries: 3 });
    expect(loginsOf(ALICE)).toEqual([]);
    expect(loginsOf(BOB)).toHaveLength(1);
    // No secret of Alice's is left behind without its login; Bob's one is untouched.
    expect(fake.tokens().map((token) => token.instance.id)).toEqual(loginsOf(BOB).map((login) => login.id));
  });

  it('takes 16 secrets of a login per query by default', async () => {
    const { fake, revoke } = await tenantWith({ [ALICE]: [17] });

    expect(await revoke(ALICE)).toEqual({ kind: 'revoked', secrets: 17, logins: 1, queries: 2 });
    expect(fake.tokens()).toEqual([]);
  });

  it('answers "no user" for an Auth0 id that never logged in, in one query, touching nothing', async () => {
    const { fake, revoke } = await tenantWith({ [BOB]: [1] });
    const writes = fake.stats.writes;

    expect(await revoke(ALICE)).toEqual({ kind: 'no-user', queries: 1 });
    expect(fake.stats.writes).toBe(writes);
    expect(fake.tokens()).toHaveLength(1);
  });
});
