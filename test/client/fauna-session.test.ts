import { errors as faunaErrors, query as q } from 'faunadb';
import { END_LOGIN_FUNCTION, FaunaClientError, FaunaSession, MAX_HELD_LOGINS, type FaunaSessionOptions } from '../../client';
import { AUTH0_JWT_COLLECTION } from '../../actions/lib/schema-names';
import { END_LOGIN } from '../../fauna/functions';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import {
  ISSUER,
  NAMESPACE,
  createLoginFixture,
  describeError,
  expectNoSecret,
  gate,
  recordingFetch,
  rejectionOf,
  type LoginFixture,
} from './fauna-login-fixture';

interface UserRef {
  readonly id: string;
}

const WHO_AM_I = q.Call(q.Function('current_user'));
const userName = (ref: UserRef) => q.Select(['data', 'name'], q.Get(q.Ref(q.Collection('users'), ref.id)));

let fx: LoginFixture;
let bearers: string[];
let renewCalls: number;

beforeEach(async () => {
  fx = await createLoginFixture();
  bearers = [];
  renewCalls = 0;
});

/** A session as an app builds it, with `renew` minting a new login like a fresh ID token would. */
async function sessionFor(overrides: Partial<FaunaSessionOptions> = {}, user = 'auth0|alice', ttlSeconds = 3600): Promise<FaunaSession> {
  return FaunaSession.fromClaims(await fx.login(user, ttlSeconds), {
    endpoint: TEST_ENDPOINT,
    namespace: NAMESPACE,
    now: () => fx.clock.now,
    fetch: recordingFetch(fx.fake.fetch, bearers),
    renew: async () => {
      renewCalls += 1;
      return fx.login(user, ttlSeconds);
    },
    // Each test that is about other tabs names its own channel.
    tabSync: false,
    ...overrides,
  });
}

async function caller(session: FaunaSession): Promise<string> {
  return session.query<string>(q.Select(['data', 'auth0_id'], q.Get(WHO_AM_I)));
}

describe('FaunaSession.query', () => {
  it("queries Fauna with the login's secret and knows when it expires", async () => {
    const session = await sessionFor();
    expect(session.expiresAt).toBe(fx.clock.now + 3600_000);
    const me = await session.query<UserRef>(WHO_AM_I);
    expect(await session.query(userName(me))).toBe('auth0|alice');
    expect(bearers).toEqual([fx.minted[0], fx.minted[0]]);
    expect(renewCalls).toBe(0);
  });

  it('renews before expiry (renewBeforeMs) and goes on with the new secret', async () => {
    const session = await sessionFor({ renewBeforeMs: 120_000 });
    const firstExpiry = session.expiresAt;
    fx.clock.now = firstExpiry - 121_000;
    await caller(session);
    expect(renewCalls).toBe(0);

    fx.clock.now = firstExpiry - 119_000;
    expect(await caller(session)).toBe('auth0|alice');
    expect(renewCalls).toBe(1);
    expect(session.expiresAt).toBe(fx.clock.now + 3600_000);
    expect(bearers.at(-1)).toBe(fx.minted[1]);
    // The old secret was not sent once the renewal was due.
    expect(bearers.filter((b) => b === fx.minted[0])).toHaveLength(1);
  });

  it('renews an expired secret before sending it (injected clock), so Fauna never sees it expired', async () => {
    const session = await sessionFor();
    fx.clock.now = session.expiresAt + 1;
    expect(await caller(session)).toBe('auth0|alice');
    expect(renewCalls).toBe(1);
    expect(bearers).toEqual([fx.minted[1]]);
  });

  it('accepts an already expired login and renews it on the first query', async () => {
    const claims = await fx.login();
    fx.clock.now += 3601_000;
    const session = FaunaSession.fromClaims(claims, {
      endpoint: TEST_ENDPOINT,
      namespace: NAMESPACE,
      now: () => fx.clock.now,
      fetch: fx.fake.fetch,
      renew: () => fx.login(),
    });
    expect(await caller(session)).toBe('auth0|alice');
    expect(session.expiresAt).toBe(fx.clock.now + 3600_000);
  });

  it('renews a short-lived secret half-way rather than on every query', async () => {
    // FAUNA_SECRET_TTL=60 with the default renewBeforeMs of 60 s.
    const session = await sessionFor({}, 'auth0|alice', 60);
    fx.clock.now += 29_000;
    await caller(session);
    expect(renewCalls).toBe(0);
    fx.clock.now += 2_000;
    await caller(session);
    expect(renewCalls).toBe(1);
    await caller(session);
    expect(renewCalls).toBe(1);
  });

  it("times claims handed over part-way through their life from the ID token's iat (a remount, a server's request)", async () => {
    // FAUNA_SECRET_TTL=60, default renewBeforeMs: renewal is due half-way, 30 s after the mint.
    const claims = await fx.login('auth0|alice', 60);
    const options = {
      endpoint: TEST_ENDPOINT,
      namespace: NAMESPACE,
      now: () => fx.clock.now,
      fetch: recordingFetch(fx.fake.fetch, bearers),
      renew: async () => {
        renewCalls += 1;
        return fx.login('auth0|alice', 60);
      },
      tabSync: false as const,
    };
    fx.clock.now += 25_000;
    await caller(FaunaSession.fromClaims(claims, options));
    expect(renewCalls).toBe(0);
    // A new session 40 s into the secret's life: due already (timed from when this session got
    // the claims, it would wait until 50 s, and a new session per request would never renew).
    fx.clock.now += 15_000;
    const later = FaunaSession.fromClaims(claims, options);
    expect(await caller(later)).toBe('auth0|alice');
    expect(renewCalls).toBe(1);
    expect(bearers.at(-1)).toBe(fx.minted[1]);
    // The renewed claims carry their own iat: the next renewal is half-way through their life.
    fx.clock.now += 29_000;
    await caller(later);
    expect(renewCalls).toBe(1);
    fx.clock.now += 2_000;
    await caller(later);
    expect(renewCalls).toBe(2);
  });

  it('without an iat, or with one the local clock sees in the future, times the lifetime from now', async () => {
    const claims = await fx.login('auth0|alice', 60);
    fx.clock.now += 40_000;
    for (const iat of [undefined, Math.floor(fx.clock.now / 1000) + 600, 'yesterday']) {
      const session = await sessionFor({}, 'auth0|alice', 60);
      const handedOver = FaunaSession.fromClaims({ ...claims, iat }, { endpoint: TEST_ENDPOINT, namespace: NAMESPACE, now: () => fx.clock.now, fetch: fx.fake.fetch, renew: async () => {
        renewCalls += 1;
        return fx.login('auth0|alice', 60);
      }, tabSync: false });
      // 20 s left, counted as the whole lifetime: due at 10 s before expiry, not now.
      await caller(handedOver);
      expect(renewCalls).toBe(0);
      await session.logout();
    }
  });

  it('N concurrent queries during a due renewal wait for ONE renewal', async () => {
    const held = gate();
    const session = await sessionFor({
      renew: async () => {
        renewCalls += 1;
        await held.opened;
        return fx.login();
      },
    });
    fx.clock.now = session.expiresAt + 1;
    const queries = Array.from({ length: 10 }, () => caller(session));
    await new Promise((resolve) => setTimeout(resolve, 10));
    held.open();
    expect(await Promise.all(queries)).toEqual(Array(10).fill('auth0|alice'));
    expect(renewCalls).toBe(1);
    expect(new Set(bearers)).toEqual(new Set([fx.minted[1]]));
  });

  it('after a revocation, a 401 renews once and retries the query once', async () => {
    const session = await sessionFor();
    await caller(session);
    await fx.revokeAllLogins();

    expect(await caller(session)).toBe('auth0|alice');
    expect(renewCalls).toBe(1);
    expect(bearers).toEqual([fx.minted[0], fx.minted[0], fx.minted[1]]);
  });

  it('concurrent queries refused after a revocation share one renewal', async () => {
    const session = await sessionFor();
    await fx.revokeAllLogins();
    const results = await Promise.all(Array.from({ length: 8 }, () => caller(session)));
    expect(results).toEqual(Array(8).fill('auth0|alice'));
    expect(renewCalls).toBe(1);
  });

  it('a 401 arriving after another renewal finished retries with that secret, without renewing again', async () => {
    const slowNetwork = gate();
    const record = recordingFetch(fx.fake.fetch, bearers);
    let held = false;
    const session = await sessionFor({
      // Holds the first request until released, as a slow network would.
      fetch: async (input, init) => {
        if (!held) {
          held = true;
          await slowNetwork.opened;
        }
        return record(input, init);
      },
    });
    await fx.revokeAllLogins();
    const slow = caller(session);
    await session.renewNow();
    slowNetwork.open();
    expect(await slow).toBe('auth0|alice');
    expect(renewCalls).toBe(1);
    expect(bearers).toEqual([fx.minted[0], fx.minted[1]]);
  });

  it('a second 401 right after renewing is ERR_SECRET_REJECTED, without a loop', async () => {
    const session = await sessionFor({
      renew: async () => {
        renewCalls += 1;
        const claims = await fx.login();
        // The user was revoked again before the app could use the new secret.
        await fx.revokeAllLogins();
        return claims;
      },
    });
    await fx.revokeAllLogins();
    const err = await rejectionOf(caller(session));
    expect(err).toBeInstanceOf(FaunaClientError);
    expect((err as FaunaClientError).code).toBe('ERR_SECRET_REJECTED');
    expect((err as FaunaClientError).cause).toBeInstanceOf(faunaErrors.Unauthorized);
    expect(renewCalls).toBe(1);
    expect(bearers).toHaveLength(2);
    expectNoSecret(describeError(err), fx.minted);
  });

  it("passes Fauna's other errors through unchanged, without renewing", async () => {
    const session = await sessionFor();
    const err = await rejectionOf(session.query(q.Get(q.Ref(q.Collection('users'), '404404'))));
    expect(err).toBeInstanceOf(faunaErrors.FaunaHTTPError);
    expect(err).not.toBeInstanceOf(faunaErrors.Unauthorized);
    expect(renewCalls).toBe(0);
  });
});

describe('FaunaSession renewal failures', () => {
  async function renewFailure(renew: FaunaSessionOptions['renew']): Promise<FaunaClientError> {
    const session = await sessionFor({ renew });
    fx.clock.now = session.expiresAt;
    const err = await rejectionOf(caller(session));
    expect(err).toBeInstanceOf(FaunaClientError);
    expectNoSecret(describeError(err), fx.minted);
    return err as FaunaClientError;
  }

  it('claims without a secret: ERR_RENEW_FAILED caused by the claims error', async () => {
    const err = await renewFailure(async () => ({ iss: ISSUER, sub: 'auth0|alice' }));
    expect(err.code).toBe('ERR_RENEW_FAILED');
    expect((err.cause as FaunaClientError).code).toBe('ERR_CLAIM_MISSING');
    expect(err.message).toMatch(/renew\(\) gave no usable Fauna login: the ID token has no .*fauna_secret claim/);
  });

  it('claims of the wrong type: ERR_RENEW_FAILED caused by ERR_CLAIM_INVALID', async () => {
    const err = await renewFailure(async () => {
      const claims = await fx.login();
      return { ...claims, [`${NAMESPACE}fauna_secret_exp`]: 'tomorrow' };
    });
    expect(err.code).toBe('ERR_RENEW_FAILED');
    expect((err.cause as FaunaClientError).code).toBe('ERR_CLAIM_INVALID');
  });

  it('the cached ID token again: ERR_RENEW_FAILED naming cacheMode off', async () => {
    let first: Record<string, unknown> | undefined;
    const err = await renewFailure(async () => first);
    expect(err.code).toBe('ERR_RENEW_FAILED');
    first = await fx.login();
    const stale = await (async () => {
      const session = FaunaSession.fromClaims(first, { endpoint: TEST_ENDPOINT, namespace: NAMESPACE, fetch: fx.fake.fetch, now: () => fx.clock.now, renew: async () => first });
      return rejectionOf(session.renewNow());
    })();
    expect((stale as FaunaClientError).code).toBe('ERR_RENEW_FAILED');
    expect((stale as FaunaClientError).message).toMatch(/already held.*cacheMode: 'off'/);
  });

  it('an expired secret: ERR_RENEW_FAILED caused by ERR_SECRET_EXPIRED', async () => {
    const err = await renewFailure(async () => {
      const claims = await fx.login();
      fx.clock.now += 3600_000;
      return claims;
    });
    expect(err.code).toBe('ERR_RENEW_FAILED');
    expect((err.cause as FaunaClientError).code).toBe('ERR_SECRET_EXPIRED');
  });

  it("renew() throwing (e.g. auth0-spa-js's login_required): ERR_RENEW_FAILED with that cause", async () => {
    const loginRequired = Object.assign(new Error('Login required'), { error: 'login_required' });
    const err = await renewFailure(async () => {
      throw loginRequired;
    });
    expect(err.code).toBe('ERR_RENEW_FAILED');
    expect(err.cause).toBe(loginRequired);
  });

  it('a failed renewal ahead of expiry: queries go on with the held secret, the app is told once, retried after 5 s', async () => {
    const told: FaunaClientError[] = [];
    let fail = true;
    const session = await sessionFor({
      onRenewError: (e) => told.push(e),
      renew: async () => {
        renewCalls += 1;
        if (fail) throw new Error('network down');
        return fx.login();
      },
    });
    fx.clock.now = session.expiresAt - 30_000;
    expect(await Promise.all([caller(session), caller(session), caller(session)])).toEqual(Array(3).fill('auth0|alice'));
    expect(renewCalls).toBe(1);
    expect(told.map((e) => e.code)).toEqual(['ERR_RENEW_FAILED']);
    fx.clock.now += 4_000;
    await caller(session);
    expect(renewCalls).toBe(1);
    fail = false;
    fx.clock.now += 1_001;
    await caller(session);
    expect(renewCalls).toBe(2);
    expect(bearers.at(-1)).toBe(fx.minted[1]);
  });

  it('renewNow() renews at once and shares a renewal in flight', async () => {
    const session = await sessionFor();
    await Promise.all([session.renewNow(), session.renewNow(), caller(session)]);
    expect(renewCalls).toBe(1);
    expect(bearers).toEqual([fx.minted[1]]);
  });
});

describe('FaunaSession.logout', () => {
  it(`calls ${END_LOGIN_FUNCTION}: the held secret then answers 401 and the session refuses queries`, async () => {
    expect(END_LOGIN_FUNCTION).toBe(END_LOGIN.name);
    const session = await sessionFor();
    const secret = fx.minted[0] as string;
    expect(await fx.clientFor(secret).query(q.Call(q.Function('current_user')))).toBeDefined();

    await session.logout();

    expect(session.loggedOut).toBe(true);
    await expect(fx.clientFor(secret).query(q.Call(q.Function('current_user')))).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
    expect(fx.fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(0);
    expect(fx.fake.tokens()).toHaveLength(0);
    for (const attempt of [caller(session), session.renewNow()]) {
      const err = await rejectionOf(attempt);
      expect((err as FaunaClientError).code).toBe('ERR_LOGGED_OUT');
    }
    await session.logout();
    expect(renewCalls).toBe(0);
  });

  it("ends every live login the session held (renewed ones too), not other logins of the user", async () => {
    const otherDevice = await fx.login();
    const session = await sessionFor();
    await session.renewNow();
    await session.logout();
    for (const secret of fx.minted.slice(1)) {
      await expect(fx.clientFor(secret).query(WHO_AM_I)).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
    }
    const stillLive = otherDevice[`${NAMESPACE}fauna_secret`] as string;
    expect(await fx.clientFor(stillLive).query(WHO_AM_I)).toBeDefined();
  });

  it('ends every held login whatever the local clock says of its expiry (a clock ahead must not spare one)', async () => {
    const session = await sessionFor({}, 'auth0|alice', 60);
    await session.renewNow();
    // The page's clock jumps a day ahead: by it both logins expired, by Fauna's neither has.
    const pageClock = { ahead: 86_400_000 };
    const ahead = await sessionFor({ now: () => fx.clock.now + pageClock.ahead });
    bearers.length = 0;
    await session.logout();
    await ahead.logout();
    expect([...bearers].sort()).toEqual([...fx.minted].sort());
    for (const secret of fx.minted) await expect(fx.clientFor(secret).query(WHO_AM_I)).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
  });

  it(`remembers at most ${MAX_HELD_LOGINS} logins to end (the newest)`, async () => {
    const session = await sessionFor();
    for (let i = 0; i < MAX_HELD_LOGINS + 2; i += 1) await session.renewNow();
    bearers.length = 0;
    await session.logout();
    expect(bearers).toHaveLength(MAX_HELD_LOGINS);
    expect(new Set(bearers)).toEqual(new Set(fx.minted.slice(-MAX_HELD_LOGINS)));
  });

  it('a logout during a renewal also ends the login that renewal brings; the waiting query is refused', async () => {
    const held = gate();
    const session = await sessionFor({
      renew: async () => {
        await held.opened;
        return fx.login();
      },
    });
    fx.clock.now = session.expiresAt - 1;
    const waiting = rejectionOf(caller(session));
    const loggingOut = session.logout();
    held.open();
    await loggingOut;
    expect(((await waiting) as FaunaClientError).code).toBe('ERR_LOGGED_OUT');
    expect(fx.minted).toHaveLength(2);
    expect(fx.fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(0);
    for (const secret of fx.minted) {
      await expect(fx.clientFor(secret).query(WHO_AM_I)).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
    }
    // Only the two end_login calls reached Fauna: the waiting query sent nothing.
    expect([...bearers].sort()).toEqual([...fx.minted].sort());
  });

  it('a login already revoked is fine (401 means ended)', async () => {
    const session = await sessionFor();
    await fx.revokeAllLogins();
    await expect(session.logout()).resolves.toBeUndefined();
  });

  it('when Fauna cannot end the login: ERR_LOGOUT_FAILED, and the session is closed anyway', async () => {
    await fx.admin.query(q.Delete(q.Function(END_LOGIN_FUNCTION)));
    const session = await sessionFor();
    const err = await rejectionOf(session.logout());
    expect((err as FaunaClientError).code).toBe('ERR_LOGOUT_FAILED');
    expect((err as FaunaClientError).message).toMatch(/stays valid until it expires/);
    expectNoSecret(describeError(err), fx.minted);
    expect((await rejectionOf(caller(session)) as FaunaClientError).code).toBe('ERR_LOGGED_OUT');
  });
});

describe('FaunaSession options', () => {
  it.each([
    ['an endpoint with a path', { endpoint: 'https://fauna.example.com/api' }, 'ERR_OPTIONS_INVALID', /endpoint must be scheme, host and optional port/],
    ['no endpoint', { endpoint: undefined }, 'ERR_OPTIONS_INVALID', /endpoint must be an absolute URL/],
    ['an endpoint with credentials', { endpoint: 'https://app:pw@fauna.example.com' }, 'ERR_OPTIONS_INVALID', /^endpoint must not carry credentials; the session sends the secret from the login claim$/],
    ['no renew', { renew: undefined }, 'ERR_OPTIONS_INVALID', /renew must be a function/],
    ['a negative renewBeforeMs', { renewBeforeMs: -1 }, 'ERR_OPTIONS_INVALID', /renewBeforeMs/],
    ['a reserved namespace', { namespace: 'https://x.auth0.com/' }, 'ERR_NAMESPACE_INVALID', /namespace must not be on auth0\.com/],
  ])('refuses %s', async (_case, override, code, message) => {
    const claims = await fx.login();
    const options = { endpoint: TEST_ENDPOINT, namespace: NAMESPACE, renew: async () => claims, ...override } as FaunaSessionOptions;
    let caught: unknown;
    try {
      FaunaSession.fromClaims(claims, options);
    } catch (err) {
      caught = err;
    }
    expect((caught as FaunaClientError).code).toBe(code);
    expect((caught as FaunaClientError).message).toMatch(message);
    expectNoSecret(describeError(caught), fx.minted);
  });
});
