import nock from 'nock';
import { errors as faunaErrors, query as q } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { FaunaSession } from '../../client';
import { serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { NAMESPACE, createLoginFixture, type LoginFixture } from './fauna-login-fixture';

// What the app does in a browser: no fetch option (the runtime's own fetch), real HTTP.
describe('FaunaSession over HTTP with the default fetch', () => {
  let fx: LoginFixture;
  let served: ServedFauna;

  beforeAll(async () => {
    fx = await createLoginFixture();
    served = await serveInProcessFauna(fx.fake);
  });

  afterAll(async () => {
    nock.disableNetConnect(); // back to the suite-wide rule of test/support/no-network.ts
    await served.close();
  });

  it('queries, renews after expiry and logs out against the served in-process Fauna', async () => {
    nock.enableNetConnect(new URL(served.url).host); // this test's own loopback server only
    let renewals = 0;
    const session = FaunaSession.fromClaims(await fx.login('auth0|bob'), {
      endpoint: served.url,
      namespace: NAMESPACE,
      now: () => fx.clock.now,
      renew: async () => {
        renewals += 1;
        return fx.login('auth0|bob');
      },
    });
    const who = q.Select(['data', 'auth0_id'], q.Get(q.Call(q.Function('current_user'))));
    expect(await session.query(who)).toBe('auth0|bob');
    fx.clock.now = session.expiresAt;
    expect(await session.query(who)).toBe('auth0|bob');
    expect(renewals).toBe(1);

    await session.logout();
    // The secret the session held, sent over HTTP: refused.
    const raw = createFaunaClient({ faunaSecret: fx.minted[1] as string, faunaEndpoint: served.url });
    await expect(raw.query(who)).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
  });
});
