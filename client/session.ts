import { errors as faunaErrors, query as q, type Client, type ExprArg, type QueryOptions } from 'faunadb';
import { createFaunaClient, type FetchLike } from '../actions/lib/fauna-client';
import { END_LOGIN_FUNCTION } from '../actions/lib/schema-names';
import { parseFaunaEndpoint } from '../actions/lib/setting-parsers';
import { normalizeNamespace, readFaunaLogin, type FaunaLogin, type IdTokenClaims } from './claims';
import { FaunaClientError } from './errors';

/**
 * The Fauna function a minted secret calls to end its own login at once (fauna/functions.ts
 * END_LOGIN): it deletes the caller's auth0_jwt document, which the core re-reads uncached on
 * every request, and its tokens.
 */
export { END_LOGIN_FUNCTION };

const DEFAULT_RENEW_BEFORE_MS = 60_000;
// After a renewal before expiry failed, the held secret is used and renewal retried no sooner.
const RENEW_RETRY_MS = 5_000;

export interface FaunaSessionOptions {
  /** The Fauna endpoint, e.g. http://127.0.0.1:8443 (scheme, host, optional port). */
  readonly endpoint: string;
  /** The login Action's CLAIM_NAMESPACE (a trailing '/' is added, as the Action does). */
  readonly namespace: string;
  /**
   * Fresh ID token claims. With auth0-spa-js:
   * `await auth0.getTokenSilently({ cacheMode: 'off' }); return auth0.getIdTokenClaims();`
   * (a cached token would hand back the secret already held).
   */
  readonly renew: () => Promise<IdTokenClaims | undefined>;
  /** Renew this long before the secret expires (at most half its lifetime); default 60_000. */
  readonly renewBeforeMs?: number;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Default: the global fetch. The driver's own HTTP/2 transport is never used. */
  readonly fetch?: FetchLike;
  /**
   * Told when a renewal ahead of expiry failed while the held secret still works: queries go on
   * with it and renewal is tried again later. Failures that stop a query reject that query.
   */
  readonly onRenewError?: (error: FaunaClientError) => void;
}

/** One login's secret as the session holds it. */
interface HeldLogin extends FaunaLogin {
  /** When to renew: renewBeforeMs ahead of expiry, but not before half the lifetime has passed. */
  readonly renewAt: number;
  readonly client: Client;
}

interface SessionSettings {
  readonly endpoint: string;
  readonly namespace: string;
  readonly renew: () => Promise<IdTokenClaims | undefined>;
  readonly renewBeforeMs: number;
  readonly now: () => number;
  readonly fetch: FetchLike;
  readonly onRenewError: ((error: FaunaClientError) => void) | undefined;
}

function invalidOption(message: string): FaunaClientError {
  return new FaunaClientError('ERR_OPTIONS_INVALID', message);
}

function resolveOptions(options: FaunaSessionOptions): SessionSettings {
  if (typeof options !== 'object' || options === null) throw invalidOption('FaunaSession options are required: { endpoint, namespace, renew }');
  let endpoint: string;
  try {
    endpoint = parseFaunaEndpoint(String(options.endpoint ?? ''), 'the session sends the secret from the login claim');
  } catch (err) {
    throw invalidOption(`endpoint ${err instanceof Error ? err.message : 'is not valid'}`);
  }
  if (typeof options.renew !== 'function') {
    throw invalidOption("renew must be a function returning fresh ID token claims, e.g. with auth0-spa-js: getTokenSilently({ cacheMode: 'off' }) then getIdTokenClaims()");
  }
  const renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  if (typeof renewBeforeMs !== 'number' || !Number.isFinite(renewBeforeMs) || renewBeforeMs < 0) {
    throw invalidOption('renewBeforeMs must be a number of milliseconds, 0 or more');
  }
  const fetchImpl = options.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined);
  if (typeof fetchImpl !== 'function') throw invalidOption('fetch is required where there is no global fetch');
  return {
    endpoint,
    namespace: normalizeNamespace(options.namespace),
    renew: options.renew,
    renewBeforeMs,
    now: options.now ?? Date.now,
    fetch: fetchImpl,
    onRenewError: options.onRenewError,
  };
}

const isUnauthorized = (err: unknown): boolean =>
  err instanceof faunaErrors.FaunaHTTPError && err.requestResult.statusCode === 401;

/**
 * A logged-in user's Fauna access: queries with the secret of the current login, renewed
 * through the app's `renew` callback before it expires or once after Fauna refuses it, and ended
 * in Fauna at logout.
 */
export class FaunaSession {
  private readonly settings: SessionSettings;
  private current: HeldLogin | undefined;
  private lastExpiresAt: number;
  /** Every login this session received, so logout can end those still alive. */
  private readonly received = new Set<HeldLogin>();
  /** The one renewal in flight; every query that needs it waits for this promise. */
  private renewal: Promise<HeldLogin> | undefined;
  private renewalReported: Promise<HeldLogin> | undefined;
  private retryRenewalAt = 0;
  private logoutDone: Promise<void> | undefined;

  private constructor(first: FaunaLogin, settings: SessionSettings) {
    this.settings = settings;
    // An already expired login is accepted: the first query renews it.
    this.current = this.hold(first);
    this.lastExpiresAt = first.expiresAt;
  }

  /** A session from the claims of the ID token the login returned (`getIdTokenClaims()`). */
  static fromClaims(claims: IdTokenClaims | undefined, options: FaunaSessionOptions): FaunaSession {
    const settings = resolveOptions(options);
    return new FaunaSession(readFaunaLogin(claims, settings.namespace), settings);
  }

  /** Epoch ms at which the current secret expires. */
  get expiresAt(): number {
    return this.lastExpiresAt;
  }

  /** True once logout() was called. */
  get loggedOut(): boolean {
    return this.logoutDone !== undefined;
  }

  /**
   * Runs `expr` with the current secret, renewing it first when it is due. A 401 renews once
   * and retries once; a second 401 is ERR_SECRET_REJECTED. Other Fauna errors are the driver's
   * own (`errors.PermissionDenied`, …), unchanged.
   */
  async query<T = unknown>(expr: ExprArg, options?: Omit<QueryOptions, 'secret' | 'fetch'>): Promise<T> {
    const login = await this.usableLogin();
    try {
      return await login.client.query<T>(expr, options);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      this.assertOpen();
    }
    // Fauna answers 401 before it evaluates anything, so running a write again is safe.
    const next = await this.loginAfterRejection(login);
    try {
      return await next.client.query<T>(expr, options);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      this.assertOpen();
      throw new FaunaClientError(
        'ERR_SECRET_REJECTED',
        'Fauna refused the renewed secret as well (401): the login was revoked or the endpoint is not the Fauna the Action mints for; log the user in again',
        { cause: err },
      );
    }
  }

  /** Renews now (sharing a renewal already in flight); rejects with ERR_RENEW_FAILED. */
  async renewNow(): Promise<void> {
    this.assertOpen();
    await this.renewShared();
  }

  /**
   * Ends the login in Fauna at once, before the app drops the secret: calls end_login with every
   * secret this session received that has not expired (a 401 means already ended). From the
   * call on the session refuses queries (ERR_LOGGED_OUT). Rejects with ERR_LOGOUT_FAILED when
   * Fauna did not confirm; the session is closed all the same.
   */
  logout(): Promise<void> {
    this.logoutDone ??= this.endLogins();
    return this.logoutDone;
  }

  private hold(login: FaunaLogin): HeldLogin {
    const now = this.settings.now();
    // Expired logins need no ending at logout: forget them, and their secrets.
    for (const old of this.received) if (old.expiresAt <= now) this.received.delete(old);
    const lifetime = Math.max(0, login.expiresAt - now);
    const held: HeldLogin = {
      secret: login.secret,
      expiresAt: login.expiresAt,
      // A short-lived secret (FAUNA_SECRET_TTL under 2 × renewBeforeMs) is renewed half-way,
      // not on every query.
      renewAt: login.expiresAt - Math.min(this.settings.renewBeforeMs, lifetime / 2),
      client: createFaunaClient({ faunaSecret: login.secret, faunaEndpoint: this.settings.endpoint }, this.settings.fetch),
    };
    this.received.add(held);
    return held;
  }

  private assertOpen(): HeldLogin {
    if (this.logoutDone !== undefined || this.current === undefined) {
      throw new FaunaClientError('ERR_LOGGED_OUT', 'this Fauna session was logged out; after the next login create a new one with FaunaSession.fromClaims');
    }
    return this.current;
  }

  private async usableLogin(): Promise<HeldLogin> {
    const login = this.assertOpen();
    const now = this.settings.now();
    if (this.renewal === undefined && now < login.expiresAt && (now < login.renewAt || now < this.retryRenewalAt)) return login;
    const renewal = this.renewShared();
    try {
      await renewal;
      // A logout may have begun while this query waited.
      return this.assertOpen();
    } catch (err) {
      // Renewing ahead of expiry is a courtesy: while the held secret works, go on with it.
      if (!(err instanceof FaunaClientError) || err.code !== 'ERR_RENEW_FAILED' || this.current !== login || this.settings.now() >= login.expiresAt) throw err;
      if (this.renewalReported !== renewal) {
        this.renewalReported = renewal;
        this.settings.onRenewError?.(err);
      }
      return login;
    }
  }

  private async loginAfterRejection(rejected: HeldLogin): Promise<HeldLogin> {
    // Another query renewed while this one was in flight: use its secret, do not renew again.
    if (this.renewal === undefined && this.assertOpen() !== rejected) return this.assertOpen();
    await this.renewShared();
    return this.assertOpen();
  }

  private renewShared(): Promise<HeldLogin> {
    this.renewal ??= this.renewOnce().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async renewOnce(): Promise<HeldLogin> {
    const previous = this.current;
    let claims: IdTokenClaims | undefined;
    try {
      claims = await this.settings.renew();
    } catch (err) {
      throw this.renewalFailed('renew() threw (see cause): the user may need to log in again', err);
    }
    let fresh: FaunaLogin;
    try {
      fresh = readFaunaLogin(claims, this.settings.namespace);
    } catch (err) {
      throw this.renewalFailed(`renew() gave no usable Fauna login: ${(err as Error).message}`, err);
    }
    if (fresh.expiresAt <= this.settings.now()) {
      const expired = new FaunaClientError('ERR_SECRET_EXPIRED', 'the Fauna secret in the renewed ID token has already expired');
      throw this.renewalFailed("renew() returned an expired secret: it must fetch a new ID token (getTokenSilently({ cacheMode: 'off' }))", expired);
    }
    if (previous !== undefined && fresh.secret === previous.secret) {
      throw this.renewalFailed("renew() returned the secret already held: it must fetch a new ID token (getTokenSilently({ cacheMode: 'off' })), not the cached one", undefined);
    }
    const held = this.hold(fresh);
    this.retryRenewalAt = 0;
    // A logout that began meanwhile still ends this login (it waits for the renewal).
    if (this.logoutDone === undefined) {
      this.current = held;
      this.lastExpiresAt = held.expiresAt;
    }
    return held;
  }

  private renewalFailed(message: string, cause: unknown): FaunaClientError {
    this.retryRenewalAt = this.settings.now() + RENEW_RETRY_MS;
    return new FaunaClientError('ERR_RENEW_FAILED', message, cause === undefined ? undefined : { cause });
  }

  private async endLogins(): Promise<void> {
    this.current = undefined;
    await this.renewal?.catch(() => undefined);
    const now = this.settings.now();
    const live = [...this.received].filter((login) => login.expiresAt > now);
    this.received.clear();
    const outcomes = await Promise.allSettled(live.map((login) => login.client.query(q.Call(q.Function(END_LOGIN_FUNCTION)))));
    // 401: the login had already ended (revoked, or expired on the server's clock).
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !isUnauthorized(o.reason));
    if (failure !== undefined) {
      throw new FaunaClientError(
        'ERR_LOGOUT_FAILED',
        `Fauna did not end the login (see cause), so its secret stays valid until it expires; the session is closed. Check the endpoint and that npm run setup:fauna created ${END_LOGIN_FUNCTION}`,
        { cause: failure.reason },
      );
    }
  }
}
