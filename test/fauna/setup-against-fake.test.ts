import { query as q } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../../actions/lib/schema-names';
import { buildLoginQuery } from '../../actions/fauna-login/login-query';
import { revokeUserSecrets } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import { SCHEMA } from '../../fauna/definitions';
import { runSetup } from '../../scripts/setup-fauna';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { FakeFauna } from '../../fauna-in-process';

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
      { fetch: fake.fetch, log: () => undefined, loginsPerPage: 2 },
    );

    expect(outcome).toEqual({ kind: 'revoked', secrets: 3, logins: 3, queries: 2 });
    expect(fake.tokens()).toHaveLength(1);
    expect(fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(1);
    expect(fake.documents(USERS_COLLECTION)).toHaveLength(2);
    expect(await client.query(q.Count(q.Documents(q.Collection(USERS_COLLECTION))))).toBe(2);
  });
});
