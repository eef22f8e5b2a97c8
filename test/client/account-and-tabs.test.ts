/**
 * The session stays with its account; a logout reaches every tab; "log out everywhere"; the
 * secret kept out of profiles. Against the in-process Fauna with the project's schema.
 */
import { errors as faunaErrors, query as q } from 'faunadb';
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import {
  END_ALL_LOGINS_FUNCTION,
  FaunaClientError,
  FaunaSession,
  withoutFaunaClaims,
  type FaunaSessionOptions,
  type IdTokenClaims,
} from '../../client';
import { AUTH0_JWT_BY_USER_INDEX, LOGIN_SECRET_ROLE } from '../../actions/lib/schema-names';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import {
  ISSUER,
  NAMESPACE,
  createLoginFixture,
  describeError,
  expectNoSecret,
  recordingFetch,
  rejectionOf,
  type LoginFixture,
} from './fauna-login-fixture';

const WHO_AM_I = q.Call(q.Function('current_user'));
const SECRET = `${NAMESPACE}fauna_secret`;

let fx: LoginFixture;
let bearers: string[];

beforeEach(async () => {
  fx = await createLoginFixture();
  bearers = [];
});

const secretOf = (claims: IdTokenClaims): string => claims[SECRET] as string;

async function statusOf(secret: string): Promise<number> {
  try {
    await fx.clientFor(secret).query(WHO_AM_I);
    return 200;
  } catch (err) {
    if (err instanceof faunaErrors.FaunaHTTPError) return err.requestResult.statusCode;
    throw err;
  }
}

function sessionOf(first: IdTokenClaims, renew: () => Promise<IdTokenClaims | undefined>, overrides: Partial<FaunaSessionOptions> = {}): FaunaSession {
  return FaunaSession.fromClaims(first, {
    endpoint: TEST_ENDPOINT,
    namespace: NAMESPACE,
    now: () => fx.clock.now,
    fetch: recordingFetch(fx.fake.fetch, bearers),
    renew,
    tabSync: false,
    ...overrides,
  });
}

/** Lets the event loop deliver what is in flight (BroadcastChannel messages, background endings). */
async function settled(until: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !until(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
  expect(until()).toBe(true);
}

describe('the session stays with its account (ERR_ACCOUNT_CHANGED)', () => {
  it('needs a sub in its first claims', async () => {
    const { sub: _sub, ...claims } = await fx.login('auth0|alice');
    const err = (() => {
      try {
        sessionOf(claims, async () => undefined);
      } catch (e) {
        return e as FaunaClientError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('ERR_CLAIM_MISSING');
    expect(err?.message).toMatch(/no sub/);
  });

  it.each<[string, (bob: IdTokenClaims) => IdTokenClaims]>([
    ["another user's claims (another login in this browser)", (bob) => bob],
    ['claims without a sub', ({ sub: _none, ...rest }) => rest],
    ['the same sub from another issuer', (bob) => ({ ...bob, sub: 'auth0|alice', iss: 'https://elsewhere.example.com/' })],
  ])('refuses %s: nothing sent with that secret, it is not ended, the session closes for good', async (_case, shape) => {
    const alice = await fx.login('auth0|alice');
    const bob = shape(await fx.login('auth0|bob'));
    const closedWith: FaunaClientError[] = [];
    // Renewal due half-way through the secret's life, while the other account's is still live.
    const session = sessionOf(alice, async () => bob, { renewBeforeMs: 3_600_000, onClose: (reason) => closedWith.push(reason) });
    expect(await session.query(q.Select(['data', 'auth0_id'], q.Get(WHO_AM_I)))).toBe('auth0|alice');

    fx.clock.now += 1_800_001; // half the lifetime: the next query renews
    const err = (await rejectionOf(session.query(WHO_AM_I))) as FaunaClientError;
    expect(err).toBeInstanceOf(FaunaClientError);
    expect(err.code).toBe('ERR_ACCOUNT_CHANGED');
    expect(closedWith.map((r) => r.code)).toEqual(['ERR_ACCOUNT_CHANGED']);
    expect(session.loggedOut).toBe(true);
    expect(session.closedReason?.code).toBe('ERR_ACCOUNT_CHANGED');
    for (const later of [session.query(WHO_AM_I), session.renewNow()]) {
      expect(((await rejectionOf(later)) as FaunaClientError).code).toBe('ERR_ACCOUNT_CHANGED');
    }
    await session.logout().catch(() => undefined);

    // The other account's secret was never sent, and still works for its own tab.
    const bobSecret = fx.minted[1] as string;
    expect(bearers).not.toContain(bobSecret);
    expect(await statusOf(bobSecret)).toBe(200);
    expectNoSecret(describeError(err), fx.minted);
  });

  it("ends the session's own logins when it closes (they are the pinned account's)", async () => {
    const alice = await fx.login('auth0|alice');
    const session = sessionOf(alice, async () => fx.login('auth0|bob'));
    await session.renewNow().catch(() => undefined);
    await settled(() => bearers.includes(secretOf(alice)));
    expect(await statusOf(secretOf(alice))).toBe(401);
  });

  it('linking accounts mid-session changes sub too: the same error', async () => {
    // Auth0 account linking: the secondary (google-oauth2|ada) becomes part of the primary
    // (auth0|ada); the next ID token's sub is the primary's.
    const secondary = await fx.login('google-oauth2|ada');
    const session = sessionOf(secondary, () => fx.login('auth0|ada'));
    expect(((await rejectionOf(session.renewNow())) as FaunaClientError).code).toBe('ERR_ACCOUNT_CHANGED');
    expect(bearers).not.toContain(fx.minted[1]);
  });

  it('renews normally while the account stays the same', async () => {
    const session = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'));
    await session.renewNow();
    await session.renewNow();
    expect(await session.query(q.Select(['data', 'auth0_id'], q.Get(WHO_AM_I)))).toBe('auth0|alice');
    expect(session.pinnedAccount).toEqual({ iss: ISSUER, sub: 'auth0|alice' });
  });
});

describe('a logout reaches every tab (BroadcastChannel)', () => {
  const channel = () => `test-tabs-${randomUUID()}`;

  it('another tab of the same app closes with ERR_LOGGED_OUT, is told, and ends its own logins', async () => {
    const name = channel();
    const told: string[] = [];
    const tab1 = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: name, onClose: (r) => told.push(r.code) });
    const tab2 = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: name });
    const [tab1Secret, tab2Secret] = fx.minted as [string, string];

    await tab2.logout();
    await settled(() => tab1.loggedOut);
    expect(told).toEqual(['ERR_LOGGED_OUT']);
    expect(tab1.closedReason?.message).toMatch(/logged out in another tab/);
    expect(((await rejectionOf(tab1.query(WHO_AM_I))) as FaunaClientError).code).toBe('ERR_LOGGED_OUT');
    await tab1.logout();
    expect(await statusOf(tab2Secret)).toBe(401);
    expect(await statusOf(tab1Secret)).toBe(401);
    // The tab that logged out is not told about its own logout.
    expect(tab2.closedReason?.code).toBe('ERR_LOGGED_OUT');
  });

  it("closes a tab at once when another tab signs in as another account, before any renewal", async () => {
    const name = channel();
    const told: string[] = [];
    const tab1 = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: name, onClose: (r) => told.push(r.code) });
    const sameAccount = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: name });
    await new Promise((resolve) => setImmediate(resolve));
    expect(tab1.loggedOut).toBe(false);

    const tab2 = sessionOf(await fx.login('auth0|bob'), () => fx.login('auth0|bob'), { tabSync: name });
    await settled(() => tab1.loggedOut);
    expect(told).toEqual(['ERR_ACCOUNT_CHANGED']);
    expect(tab2.loggedOut).toBe(false);
    await Promise.all([tab1.logout().catch(() => undefined), sameAccount.logout(), tab2.logout()]);
  });

  it('by default opens no channel where there is no window (in Node one channel spans the process: a server\'s users)', async () => {
    expect(typeof window).toBe('undefined');
    const alice = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: undefined });
    const bob = sessionOf(await fx.login('auth0|bob'), () => fx.login('auth0|bob'), { tabSync: undefined });
    await bob.logout();
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(alice.loggedOut).toBe(false);
    expect(await statusOf(fx.minted[0] as string)).toBe(200);
  });

  it('by default uses auth0-fauna:<namespace> in a browser page (where there is a window)', async () => {
    const scope = globalThis as { window?: unknown };
    scope.window = globalThis;
    try {
      const told: string[] = [];
      const tab1 = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: undefined, onClose: (r) => told.push(r.code) });
      const named = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: `auth0-fauna:${NAMESPACE}` });
      await named.logout();
      await settled(() => tab1.loggedOut);
      expect(told).toEqual(['ERR_LOGGED_OUT']);
    } finally {
      delete scope.window;
    }
  });

  it('keeps to itself with tabSync false', async () => {
    const name = channel();
    const alone = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: false });
    const other = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'), { tabSync: name });
    await other.logout();
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(alone.loggedOut).toBe(false);
  });
});

describe('close(): the app stops a session without logging out (a component unmounts)', () => {
  it('closes its channel at once, refuses later calls with ERR_SESSION_CLOSED, and leaves the login valid', async () => {
    const name = `test-close-${randomUUID()}`;
    const closeChannel = jest.spyOn(BroadcastChannel.prototype, 'close');
    try {
      const told: string[] = [];
      const claims = await fx.login('auth0|alice');
      const session = sessionOf(claims, () => fx.login('auth0|alice'), { tabSync: name, onClose: (r) => told.push(r.code) });
      expect(closeChannel).not.toHaveBeenCalled();
      session.close();
      expect(closeChannel).toHaveBeenCalledTimes(1);
      expect(session.loggedOut).toBe(true);
      for (const later of [session.query(WHO_AM_I), session.renewNow()]) {
        expect(((await rejectionOf(later)) as FaunaClientError).code).toBe('ERR_SESSION_CLOSED');
      }
      session.close();
      expect(closeChannel).toHaveBeenCalledTimes(1);
      // A logout after it cannot end anything and says so.
      expect(((await rejectionOf(session.logout())) as FaunaClientError).code).toBe('ERR_SESSION_CLOSED');
      // Not a logout: nothing ended, nobody told; a new session of the same claims goes on.
      expect(told).toEqual([]);
      expect(await statusOf(secretOf(claims))).toBe(200);
      const next = sessionOf(claims, () => fx.login('auth0|alice'));
      expect(await next.query(q.Select(['data', 'auth0_id'], q.Get(WHO_AM_I)))).toBe('auth0|alice');
    } finally {
      closeChannel.mockRestore();
    }
  });
});

describe('checkAccount(): claims the app got by itself', () => {
  it("another account's claims close the session as a renewal bringing them would; their secret is never sent", async () => {
    const told: string[] = [];
    const alice = await fx.login('auth0|alice');
    const session = sessionOf(alice, () => fx.login('auth0|alice'), { onClose: (r) => told.push(r.code) });
    expect(session.checkAccount(undefined)).toBe(true);
    expect(session.checkAccount({ ...(await fx.login('auth0|alice')) })).toBe(true);
    expect(session.loggedOut).toBe(false);

    const bob = await fx.login('auth0|bob');
    expect(session.checkAccount(bob)).toBe(false);
    expect(told).toEqual(['ERR_ACCOUNT_CHANGED']);
    expect(session.closedReason?.message).toMatch(/current claims are claims of another account/);
    expect(((await rejectionOf(session.query(WHO_AM_I))) as FaunaClientError).code).toBe('ERR_ACCOUNT_CHANGED');
    await settled(() => bearers.includes(secretOf(alice)));
    expect(await statusOf(secretOf(alice))).toBe(401);
    expect(bearers).not.toContain(secretOf(bob));
    expect(await statusOf(secretOf(bob))).toBe(200);
    expect(session.checkAccount(alice)).toBe(false);
  });
});

describe('logout({ everywhere: true })', () => {
  /**
   * end_all_logins as the login issue specifies it: every login of the caller's user, no one
   * else's, callable by a minted secret. Created here only when the schema under test does not
   * define it yet (fauna/functions.ts is where it belongs).
   */
  async function ensureEndAllLogins(): Promise<void> {
    if (await fx.admin.query<boolean>(q.Exists(q.Function(END_ALL_LOGINS_FUNCTION)))) return;
    const mine = q.Match(q.Index(AUTH0_JWT_BY_USER_INDEX), q.Select(['data', 'user'], q.Get(q.CurrentIdentity())));
    await fx.admin.query(
      q.CreateFunction({
        name: END_ALL_LOGINS_FUNCTION,
        role: 'admin',
        body: q.Query(q.Lambda([], q.Do(q.Foreach(q.Paginate(mine, { size: 1000 }), q.Lambda('ref', q.Delete(q.Var('ref')))), true))),
      }),
    );
    const role = await fx.admin.query<{ privileges: object[] }>(q.Get(q.Role(LOGIN_SECRET_ROLE)));
    await fx.admin.query(
      q.Update(q.Role(LOGIN_SECRET_ROLE), { privileges: [...role.privileges, { resource: q.Function(END_ALL_LOGINS_FUNCTION), actions: { call: true } }] }),
    );
  }

  it(`calls ${END_ALL_LOGINS_FUNCTION} once with the newest live secret: every login of the user ends, no one else's`, async () => {
    await ensureEndAllLogins();
    const laptop = await fx.login('auth0|alice');
    const phone = await fx.login('auth0|alice');
    const bob = await fx.login('auth0|bob');
    const session = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'));
    await session.renewNow();
    bearers.length = 0;
    await session.logout({ everywhere: true });
    expect(bearers).toEqual([fx.minted.at(-1)]);
    for (const claims of [laptop, phone]) expect(await statusOf(secretOf(claims))).toBe(401);
    expect(await statusOf(secretOf(bob))).toBe(200);
    expect(((await rejectionOf(session.query(WHO_AM_I))) as FaunaClientError).code).toBe('ERR_LOGGED_OUT');
  });

  it('when every held login was revoked, renews once for a live one and ends everything with it', async () => {
    await ensureEndAllLogins();
    let renewals = 0;
    const session = sessionOf(await fx.login('auth0|alice'), async () => {
      renewals += 1;
      return fx.login('auth0|alice');
    });
    await fx.revokeAllLogins();
    const elsewhere = await fx.login('auth0|alice');
    await session.logout({ everywhere: true });
    expect(renewals).toBe(1);
    expect(await statusOf(secretOf(elsewhere))).toBe(401);
    expect(await statusOf(fx.minted.at(-1) as string)).toBe(401);
  });

  it('says ERR_LOGOUT_FAILED when Fauna has no such function, after ending this browser\'s logins', async () => {
    await fx.admin.query(q.If(q.Exists(q.Function(END_ALL_LOGINS_FUNCTION)), q.Delete(q.Function(END_ALL_LOGINS_FUNCTION)), null));
    const session = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'));
    const err = (await rejectionOf(session.logout({ everywhere: true }))) as FaunaClientError;
    expect(err.code).toBe('ERR_LOGOUT_FAILED');
    expect(err.message).toContain(END_ALL_LOGINS_FUNCTION);
    expect(await statusOf(fx.minted[0] as string)).toBe(401);
    expectNoSecret(describeError(err), fx.minted);
  });
});

describe('a session in logs', () => {
  it('JSON.stringify and Node\'s inspect show its expiry and account, never a secret', async () => {
    const session = sessionOf(await fx.login('auth0|alice'), () => fx.login('auth0|alice'));
    await session.renewNow();
    const logged = [JSON.stringify({ session }), inspect(session, { depth: 10, showHidden: true }), String(inspect({ nested: [session] }, { depth: 10 }))];
    for (const line of logged) expectNoSecret(line, fx.minted);
    expect(JSON.parse(logged[0] as string)).toEqual({ session: { expiresAt: session.expiresAt, loggedOut: false, account: { iss: ISSUER, sub: 'auth0|alice' } } });
    expect(logged[1]).toMatch(/^FaunaSession \{"expiresAt":\d+,"loggedOut":false/);
  });
});

describe('withoutFaunaClaims', () => {
  const profile = {
    sub: 'auth0|ada',
    name: 'Ada',
    email: 'ada@example.com',
    [`${NAMESPACE}fauna_secret`]: 'fnSECRET_in_the_profile',
    [`${NAMESPACE}fauna_secret_exp`]: 1_900_000_000,
    [`${NAMESPACE}roles`]: ['editor'],
  };

  it('copies the profile without the two claims and leaves the input untouched', () => {
    const before = JSON.stringify(profile);
    const clean = withoutFaunaClaims(profile, 'https://app.example.com');
    expect(clean).toEqual({ sub: 'auth0|ada', name: 'Ada', email: 'ada@example.com', [`${NAMESPACE}roles`]: ['editor'] });
    expect(JSON.stringify(profile)).toBe(before);
    expect(clean).not.toBe(profile);
  });

  it('drops a Fauna claim under another namespace too (a mistyped namespace leaves no secret behind)', () => {
    const clean = withoutFaunaClaims({ ...profile, 'https://old.example.com/fauna_secret': 'fnOTHER' }, NAMESPACE);
    expect(JSON.stringify(clean)).not.toContain('fn');
  });

  it('passes undefined through (getUser() before a login) and refuses a bad namespace', () => {
    expect(withoutFaunaClaims(undefined, NAMESPACE)).toBeUndefined();
    expect(() => withoutFaunaClaims(profile, 'https://x.auth0.com/')).toThrow(expect.objectContaining({ code: 'ERR_NAMESPACE_INVALID' }));
  });
});
