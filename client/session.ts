import faunadb, { type Client, type ExprArg, type QueryOptions } from 'faunadb';
import { createFaunaClient, type FetchLike } from '../actions/lib/fauna-client';
import { END_ALL_LOGINS_FUNCTION, END_LOGIN_FUNCTION } from '../actions/lib/schema-names';
import { parseFaunaEndpoint } from '../actions/lib/setting-parsers';
import { normalizeNamespace, readAccount, readFaunaLogin, readIssuedAt, type Account, type FaunaLogin, type IdTokenClaims } from './claims';
import { FaunaClientError } from './errors';
import { openTabSync, type TabMessage, type TabSync } from './tab-sync';

/**
 * The Fauna functions a minted secret calls at logout (fauna/functions.ts): `end_login` ends the
 * caller's logins in its Auth0 session, `end_all_logins` every login of the caller's user. Both
 * delete the logins' auth0_jwt documents, which the core re-reads uncached on every request.
 */
export { END_ALL_LOGINS_FUNCTION, END_LOGIN_FUNCTION };

// faunadb is CommonJS: Node's ESM loader offers it only as a default export, so the built package
// takes its values from that (a named import fails in Node with "Named export not found").
const { errors: faunaErrors, query: q } = faunadb;

const DEFAULT_RENEW_BEFORE_MS = 60_000;
// After a renewal before expiry failed, the held secret is used and renewal retried no sooner.
const RENEW_RETRY_MS = 5_000;
/**
 * The most logins a session remembers to end at logout. Each renewal adds one; the oldest beyond
 * this are forgotten (the login function caps a user's live logins too, ending the oldest), so a
 * tab open for weeks does not grow without bound or send hundreds of requests at logout.
 */
export const MAX_HELD_LOGINS = 64;

export interface FaunaSessionOptions {
  /** The Fauna endpoint, e.g. https://fauna.example.com:8443 (http only to a loopback host). */
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
  /**
   * Told once when the session closes without this page calling `logout()`: another tab of the
   * app logged out (`ERR_LOGGED_OUT`), or a renewal or another tab brought another account
   * (`ERR_ACCOUNT_CHANGED`). Drop what you show of the user; with auth0-spa-js also clear its
   * cache (`logout({ openUrl: false })`).
   */
  readonly onClose?: (reason: FaunaClientError) => void;
  /**
   * The BroadcastChannel through which the app's tabs tell each other about logouts and logins;
   * default `auth0-fauna:<namespace>` in a browser page, none where there is no `window` (Node,
   * workers: in Node one channel spans the whole process, so a server's users would close each
   * other's sessions); `false` for none. Without BroadcastChannel (old runtimes) each tab learns
   * at its next renewal.
   */
  readonly tabSync?: string | false;
}

export interface LogoutOptions {
  /**
   * End every login of the user, on every device and browser (`end_all_logins`), not only those
   * of this browser's Auth0 session (`end_login`).
   */
  readonly everywhere?: boolean;
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
  readonly onClose: ((reason: FaunaClientError) => void) | undefined;
  readonly tabSync: string | false;
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
  const tabSync = options.tabSync;
  if (tabSync !== undefined && tabSync !== false && (typeof tabSync !== 'string' || tabSync.trim() === '')) {
    throw invalidOption('tabSync must be a channel name or false');
  }
  const namespace = normalizeNamespace(options.namespace);
  return {
    endpoint,
    namespace,
    renew: options.renew,
    renewBeforeMs,
    now: options.now ?? Date.now,
    fetch: fetchImpl,
    onRenewError: options.onRenewError,
    onClose: options.onClose,
    tabSync: tabSync ?? (typeof window === 'undefined' ? false : `auth0-fauna:${namespace}`),
  };
}

const isUnauthorized = (err: unknown): boolean =>
  err instanceof faunaErrors.FaunaHTTPError && err.requestResult.statusCode === 401;

const accountChanged = (why: string): FaunaClientError =>
  new FaunaClientError(
    'ERR_ACCOUNT_CHANGED',
    `${why}: this session stays with the account it was created for and is now closed; no request was sent with the other account's secret. Clear the login cache and start over (FaunaSession.fromClaims after the next login)`,
  );

const closedByApp = (): FaunaClientError =>
  new FaunaClientError('ERR_SESSION_CLOSED', 'the app closed this session (close()) without logging out; its logins stay valid: create a new session with FaunaSession.fromClaims');

const loggedOut = (where: string): FaunaClientError =>
  new FaunaClientError('ERR_LOGGED_OUT', `the app was logged out ${where}; after the next login create a new session with FaunaSession.fromClaims`);

/**
 * A logged-in user's Fauna access: queries with the secret of the current login, renewed
 * through the app's `renew` callback before it expires or once after Fauna refuses it, and ended
 * in Fauna at logout. Pinned to the account (`iss`, `sub`) of its first claims: a renewal that
 * brings another account closes it (ERR_ACCOUNT_CHANGED).
 */
export class FaunaSession {
  private readonly settings: SessionSettings;
  private readonly account: Account;
  private current: HeldLogin | undefined;
  private lastExpiresAt: number;
  /** The logins this session received (oldest first), so logout can end each. */
  private readonly received: HeldLogin[] = [];
  /** The one renewal in flight; every query that needs it waits for this promise. */
  private renewal: Promise<HeldLogin> | undefined;
  private renewalReported: Promise<HeldLogin> | undefined;
  private retryRenewalAt = 0;
  /** Set once the session is closed: by logout(), another tab, or another account. */
  private closed: { readonly reason: FaunaClientError; readonly ended: Promise<void> } | undefined;
  private readonly tabs: TabSync | undefined;

  private constructor(first: FaunaLogin, issuedAt: number | undefined, account: Account, settings: SessionSettings) {
    this.settings = settings;
    this.account = account;
    // An already expired login is accepted: the first query renews it.
    this.current = this.hold(first, issuedAt);
    this.lastExpiresAt = first.expiresAt;
    this.tabs = settings.tabSync === false ? undefined : openTabSync(settings.tabSync, (message) => this.heardFromTab(message));
    this.tabs?.post({ type: 'auth0-fauna:login', iss: account.iss, sub: account.sub });
  }

  /** A session from the claims of the ID token the login returned (`getIdTokenClaims()`). */
  static fromClaims(claims: IdTokenClaims | undefined, options: FaunaSessionOptions): FaunaSession {
    const settings = resolveOptions(options);
    const login = readFaunaLogin(claims, settings.namespace);
    return new FaunaSession(login, readIssuedAt(claims), readAccount(claims as IdTokenClaims), settings);
  }

  /** Epoch ms at which the current secret expires. */
  get expiresAt(): number {
    return this.lastExpiresAt;
  }

  /** True once the session is closed: logout(), close(), another tab's logout, or another account. */
  get loggedOut(): boolean {
    return this.closed !== undefined;
  }

  /** Why the session closed (ERR_LOGGED_OUT, ERR_ACCOUNT_CHANGED, ERR_SESSION_CLOSED), or undefined while open. */
  get closedReason(): FaunaClientError | undefined {
    return this.closed?.reason;
  }

  /** The account the session is pinned to: the first login's `iss` and `sub`. */
  get pinnedAccount(): Account {
    return this.account;
  }

  /** What JSON.stringify (a logger, an error tracker) shows of a session: never a secret. */
  toJSON(): { readonly expiresAt: number; readonly loggedOut: boolean; readonly account: Account } {
    return { expiresAt: this.expiresAt, loggedOut: this.loggedOut, account: this.account };
  }

  /** Node's console.log and util.inspect: the same, not the fields that hold the secrets. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `FaunaSession ${JSON.stringify(this.toJSON())}`;
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
   * Ends the logins in Fauna at once, before the app drops the secret: `end_login` with every
   * secret this session received, whatever the local clock says of their expiry (a 401 means
   * already ended), or with `{ everywhere: true }` `end_all_logins` for every login of the user.
   * Tells the app's other tabs, which close too. From the call on the session refuses queries
   * (ERR_LOGGED_OUT). Rejects with ERR_LOGOUT_FAILED when Fauna did not confirm; the session is
   * closed all the same.
   */
  logout(options: LogoutOptions = {}): Promise<void> {
    if (this.closed !== undefined) return this.closed.ended;
    const everywhere = options.everywhere === true;
    this.tabs?.post({ type: 'auth0-fauna:logout', everywhere });
    return this.shutDown(loggedOut(everywhere ? 'everywhere' : 'in this tab'), everywhere ? () => this.endEverywhere() : () => this.endHeldLogins());
  }

  /**
   * Stops using the session WITHOUT ending its logins: its tab channel closes at once and every
   * later call rejects with ERR_SESSION_CLOSED; `onClose` is not called. For a component that
   * unmounts, or code that hands the same claims to a new session (the login stays valid for it).
   * To end the logins, use logout() instead (after close() it rejects with ERR_SESSION_CLOSED).
   */
  close(): void {
    if (this.closed !== undefined) return;
    const reason = closedByApp();
    this.current = undefined;
    this.tabs?.close();
    const ended = Promise.reject(reason);
    ended.catch(() => undefined);
    this.closed = { reason, ended };
  }

  /**
   * Checks ID token claims the app got by itself (e.g. after auth0-react's `user` changed, or a
   * token fetched outside `renew`) against the session's account. Claims of another account (or
   * without a `sub`) close the session as a renewal bringing them would: ERR_ACCOUNT_CHANGED, its
   * own logins ended, `onClose` told, the other account's secret never read. Returns whether the
   * session is still open. No claims at all change nothing.
   */
  checkAccount(claims: IdTokenClaims | undefined): boolean {
    if (this.closed !== undefined) return false;
    const problem = this.otherAccount(claims);
    if (problem !== undefined) this.closeBy(accountChanged(`the app's current claims are ${problem}`));
    return this.closed === undefined;
  }

  private hold(login: FaunaLogin, issuedAt: number | undefined): HeldLogin {
    // The lifetime runs from when the Action minted the secret (the ID token's iat), not from when
    // this session got it: claims handed over part-way through their life (a remount, a server's
    // request) are then renewed on time. An iat the local clock sees in the future counts as now.
    const start = issuedAt === undefined ? this.settings.now() : Math.min(issuedAt, this.settings.now());
    const lifetime = Math.max(0, login.expiresAt - start);
    const held: HeldLogin = {
      secret: login.secret,
      expiresAt: login.expiresAt,
      // A short-lived secret (FAUNA_SECRET_TTL under 2 × renewBeforeMs) is renewed half-way
      // through its life, not on every query.
      renewAt: login.expiresAt - Math.min(this.settings.renewBeforeMs, lifetime / 2),
      client: createFaunaClient({ faunaSecret: login.secret, faunaEndpoint: this.settings.endpoint }, this.settings.fetch),
    };
    this.received.push(held);
    if (this.received.length > MAX_HELD_LOGINS) this.received.splice(0, this.received.length - MAX_HELD_LOGINS);
    return held;
  }

  private assertOpen(): HeldLogin {
    if (this.closed !== undefined) throw this.closed.reason;
    if (this.current === undefined) throw loggedOut('in this tab');
    return this.current;
  }

  /**
   * Closes the session for `reason` and ends its logins with `end`. Every later call rejects
   * with `reason`. The returned promise is the ending's; when nobody waits for it (another tab,
   * another account) its failure is not an unhandled rejection.
   */
  private shutDown(reason: FaunaClientError, end: () => Promise<void>): Promise<void> {
    this.current = undefined;
    const ended = (async () => {
      // A renewal in flight still brings a login of this account: wait, so it is ended too.
      await this.renewal?.catch(() => undefined);
      await end();
    })();
    this.closed = { reason, ended };
    ended.catch(() => undefined).finally(() => this.tabs?.close());
    return ended;
  }

  /** Closed by something other than this page's logout(): tell the app. */
  private closeBy(reason: FaunaClientError): void {
    if (this.closed !== undefined) return;
    void this.shutDown(reason, () => this.endHeldLogins()).catch(() => undefined);
    this.settings.onClose?.(reason);
  }

  private heardFromTab(message: TabMessage): void {
    if (message.type === 'auth0-fauna:logout') {
      this.closeBy(loggedOut(message.everywhere ? 'everywhere from another tab' : 'in another tab'));
    } else if (message.sub !== this.account.sub || message.iss !== this.account.iss) {
      this.closeBy(accountChanged('another tab of the app signed in as another account'));
    }
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
    // Before anything else of the claims is read: a secret of another account is never held.
    const problem = this.otherAccount(claims);
    if (problem !== undefined) {
      const err = accountChanged(`renew() gave ${problem}`);
      this.closeBy(err);
      throw err;
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
    const held = this.hold(fresh, readIssuedAt(claims));
    this.retryRenewalAt = 0;
    // A logout that began meanwhile still ends this login (it waits for the renewal).
    if (this.closed === undefined) {
      this.current = held;
      this.lastExpiresAt = held.expiresAt;
    }
    return held;
  }

  /** Why fresh claims are not of the pinned account, or undefined when they are. */
  private otherAccount(claims: IdTokenClaims | undefined): string | undefined {
    // No claims at all is a failed renewal (ERR_RENEW_FAILED), not another account.
    if (claims === undefined || claims === null || typeof claims !== 'object') return undefined;
    if (typeof claims.sub !== 'string' || claims.sub === '') return 'claims without a sub';
    if (claims.sub !== this.account.sub) return 'claims of another account (sub differs: another login in this browser, or linked accounts)';
    const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
    if (iss !== this.account.iss) return 'claims from another issuer (iss differs)';
    return undefined;
  }

  private renewalFailed(message: string, cause: unknown): FaunaClientError {
    this.retryRenewalAt = this.settings.now() + RENEW_RETRY_MS;
    return new FaunaClientError('ERR_RENEW_FAILED', message, cause === undefined ? undefined : { cause });
  }

  private takeHeldLogins(): HeldLogin[] {
    return this.received.splice(0, this.received.length);
  }

  /** end_login with every held secret; a 401 means that login had ended already. */
  private async endHeldLogins(logins: readonly HeldLogin[] = this.takeHeldLogins()): Promise<void> {
    const outcomes = await Promise.allSettled(logins.map((login) => login.client.query(q.Call(q.Function(END_LOGIN_FUNCTION)))));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !isUnauthorized(o.reason));
    if (failure !== undefined) {
      throw new FaunaClientError(
        'ERR_LOGOUT_FAILED',
        `Fauna did not end the login (see cause), so its secret stays valid until it expires; the session is closed. Check the endpoint and that npm run setup:fauna created ${END_LOGIN_FUNCTION}`,
        { cause: failure.reason },
      );
    }
  }

  /**
   * end_all_logins with the newest held login still alive; when every held one has ended
   * (revoked), one renewal brings a live one, if the user's Auth0 session still stands.
   */
  private async endEverywhere(): Promise<void> {
    const logins = this.takeHeldLogins();
    const endAll = (login: HeldLogin) => login.client.query(q.Call(q.Function(END_ALL_LOGINS_FUNCTION)));
    const failed = (cause: unknown) =>
      new FaunaClientError(
        'ERR_LOGOUT_FAILED',
        `Fauna did not end the user's logins everywhere (see cause); the session is closed. Check the endpoint and that npm run setup:fauna created ${END_ALL_LOGINS_FUNCTION}`,
        { cause },
      );
    for (const login of [...logins].reverse()) {
      try {
        await endAll(login);
        return;
      } catch (err) {
        if (!isUnauthorized(err)) {
          // At least this browser's logins end.
          await this.endHeldLogins(logins).catch(() => undefined);
          throw failed(err);
        }
      }
    }
    let claims: IdTokenClaims | undefined;
    try {
      claims = await this.settings.renew();
    } catch (err) {
      throw failed(err);
    }
    if (this.otherAccount(claims) !== undefined) throw failed(accountChanged('renew() brought another account'));
    let live: FaunaLogin;
    try {
      live = readFaunaLogin(claims, this.settings.namespace);
    } catch (err) {
      throw failed(err);
    }
    const held = this.hold(live, undefined);
    this.takeHeldLogins();
    try {
      await endAll(held);
    } catch (err) {
      throw failed(err);
    }
  }
}
