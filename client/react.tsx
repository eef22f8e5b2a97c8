/**
 * `auth0-fauna-client/react`: the user's Fauna session for a React app on `@auth0/auth0-react`.
 *
 * `<FaunaProvider>` sits inside auth0-react's `<Auth0Provider>`. Once auth0-react says the user is
 * signed in, it builds one FaunaSession from the ID token claims; it renews through
 * `getAccessTokenSilently({ cacheMode: 'off' })` then `getIdTokenClaims()`. `useFauna()` gives a
 * component one state to render: loading, signed out, ready (query, expiry, the profile without
 * the secret, logout), error (signed in, but no Fauna session), closed (another tab logged out or
 * signed in as someone else: say so, offer to start over), logging out. No state holds the secret:
 * apps log states, and dev tools show them.
 */
import { Auth0Context, initialContext, type Auth0ContextInterface, type LogoutOptions as Auth0LogoutOptions, type RedirectLoginOptions, type User } from '@auth0/auth0-react';
import type { ExprArg, QueryOptions } from 'faunadb';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type Context, type ReactElement, type ReactNode } from 'react';
import { FaunaClientError, FaunaSession, withoutFaunaClaims, type FaunaSessionOptions, type IdTokenClaims } from './index';

export type FaunaProviderProps = Omit<FaunaSessionOptions, 'renew' | 'onClose'> & {
  readonly children?: ReactNode;
  /** auth0-react's context, when your `<Auth0Provider context={…}>` has its own; default auth0-react's. */
  readonly context?: Context<Auth0ContextInterface>;
};

/** `logout()` of the ready state: the helper's `everywhere` and auth0-react's own logout options. */
export interface FaunaLogoutOptions extends Auth0LogoutOptions {
  /** End every login of the user on every device (`end_all_logins`), not only this browser's. */
  readonly everywhere?: boolean;
}

export type FaunaQuery = <T = unknown>(expr: ExprArg, options?: Omit<QueryOptions, 'secret' | 'fetch'>) => Promise<T>;

/** What `useFauna()` returns: one state, told apart by `status`. */
export type FaunaState =
  /** auth0-react is still finding out, or the session is being built. */
  | { readonly status: 'loading' }
  /**
   * Not signed in. `error`: auth0-react's (e.g. the login's callback ended with `access_denied`);
   * render a fixed text per `error.error` code, never its message, which the URL may have set.
   * `login()` asks for the password again (`prompt=login`) after `access_denied`.
   */
  | { readonly status: 'signed-out'; readonly error: Error | undefined; readonly login: (options?: RedirectLoginOptions) => Promise<void> }
  /** The user's Fauna session. */
  | {
      readonly status: 'ready';
      /** Runs FQL with the user's secret, renewing it first when due (FaunaSession.query). */
      readonly query: FaunaQuery;
      /** Epoch ms at which the current secret expires; updated after each query that renewed. */
      readonly expiresAt: number;
      /** auth0-react's `user` without the Fauna claims: safe to render, log or send. */
      readonly user: User;
      /**
       * Ends the Fauna logins (all of the user's with `everywhere`), then auth0-react's logout with
       * the other options. Rejects with ERR_LOGOUT_FAILED after that when Fauna did not confirm.
       */
      readonly logout: (options?: FaunaLogoutOptions) => Promise<void>;
    }
  /** Signed in at Auth0 but no Fauna session: e.g. ERR_CLAIM_MISSING (the login carried no secret). */
  | { readonly status: 'error'; readonly error: Error; readonly logout: (options?: Auth0LogoutOptions) => Promise<void> }
  /**
   * The sign-in ended without this tab logging out. `reason.code`: ERR_ACCOUNT_CHANGED (another tab,
   * or a renewal, signed in as someone else), ERR_LOGGED_OUT (another tab logged out),
   * ERR_SECRET_REJECTED (the secret was revoked), ERR_RENEW_FAILED (the Auth0 session ended).
   * auth0-react's tokens in this tab are already forgotten; `startOver()` logs in with `prompt=login`.
   */
  | { readonly status: 'closed'; readonly reason: FaunaClientError; readonly startOver: (options?: RedirectLoginOptions) => Promise<void> }
  /** `logout()` is ending the Fauna logins, then auth0-react's session. */
  | { readonly status: 'logging-out' };

/** The provider's own part of the state; the rest comes from auth0-react. */
type Phase =
  | { readonly kind: 'none' }
  | { readonly kind: 'ready'; readonly session: FaunaSession; readonly expiresAt: number }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'closed'; readonly reason: FaunaClientError }
  | { readonly kind: 'logging-out' }
  | { readonly kind: 'logged-out' };

const FaunaContext = createContext<FaunaState | undefined>(undefined);

const NONE: Phase = { kind: 'none' };

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** The OAuth error code of an auth0-spa-js / auth0-react error, if any. */
const oauthCode = (err: unknown): string | undefined => {
  const code = (err as { error?: unknown } | null | undefined)?.error;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Whether a failed query means the sign-in is over: the secret was revoked, or the renewal of an
 * expired one was refused by the login (login_required, …; not a network failure or a timeout).
 * ERR_ACCOUNT_CHANGED and ERR_LOGGED_OUT close the session themselves (its onClose).
 */
function endsSignIn(err: unknown): err is FaunaClientError {
  if (!(err instanceof FaunaClientError)) return false;
  if (err.code === 'ERR_SECRET_REJECTED') return true;
  const cause = oauthCode(err.cause);
  return err.code === 'ERR_RENEW_FAILED' && cause !== undefined && cause !== 'timeout';
}

const withPromptLogin = (options: RedirectLoginOptions | undefined): RedirectLoginOptions => ({
  ...options,
  authorizationParams: { ...options?.authorizationParams, prompt: 'login' },
});

const switchedAccount = (): FaunaClientError =>
  new FaunaClientError(
    'ERR_ACCOUNT_CHANGED',
    "auth0-react's user is another account than the Fauna session's: the session is closed and no request was sent with the other account's secret; log in again",
  );

/**
 * The user's Fauna session for the components below, built from auth0-react's login. Place it
 * inside `<Auth0Provider>`. Props are FaunaSession's options but `renew` and `onClose`, which it
 * provides; `endpoint`, `namespace`, `renewBeforeMs` and `tabSync` rebuild the session when they
 * change, the others are read when it is built.
 */
export function FaunaProvider(props: FaunaProviderProps): ReactElement {
  const { children, context, endpoint, namespace, renewBeforeMs, tabSync } = props;
  const auth0 = useContext(context ?? Auth0Context);
  if (auth0 === initialContext) {
    throw new FaunaClientError('ERR_OPTIONS_INVALID', "<FaunaProvider> must be inside auth0-react's <Auth0Provider> (or pass the context your Auth0Provider uses)");
  }
  // The latest of each, for callbacks that outlive a render (renew, onClose, logout).
  const latest = useRef({ auth0, props });
  latest.current = { auth0, props };

  const [phase, setPhase] = useState<Phase>(NONE);
  // Set when a session closed or logged out: no new session until auth0-react has signed out
  // (its `user` may already be another account's) or a new login happens.
  const [held, setHeld] = useState(false);
  const signedIn = !auth0.isLoading && auth0.isAuthenticated;
  useEffect(() => {
    if (!auth0.isLoading && !auth0.isAuthenticated) setHeld(false);
  }, [auth0.isLoading, auth0.isAuthenticated]);

  /** The sign-in ended without this tab logging out: show why, forget this tab's tokens. */
  const endSignIn = useRef((reason: FaunaClientError) => {
    setHeld(true);
    setPhase({ kind: 'closed', reason });
    // No redirect: the next login starts from nothing rather than from another account's tokens.
    latest.current.auth0.logout({ openUrl: false }).catch(() => undefined);
  }).current;

  const wanted = signedIn && !held;
  useEffect(() => {
    if (!wanted) return undefined;
    // StrictMode runs this twice (and a remount again): a run cleaned up before the claims
    // arrived builds nothing, so there is never more than one session (nor tab channel).
    let cleanedUp = false;
    let built: FaunaSession | undefined;
    void (async () => {
      let claims: IdTokenClaims | undefined;
      try {
        claims = await latest.current.auth0.getIdTokenClaims();
      } catch (err) {
        if (!cleanedUp) setPhase({ kind: 'failed', error: asError(err) });
        return;
      }
      if (cleanedUp) return;
      const { children: _children, context: _context, ...options } = latest.current.props;
      try {
        built = FaunaSession.fromClaims(claims, {
          ...options,
          // A new ID token (the login Action runs again and mints a new secret), then its claims.
          renew: async () => {
            await latest.current.auth0.getAccessTokenSilently({ cacheMode: 'off' });
            return latest.current.auth0.getIdTokenClaims();
          },
          onClose: (reason) => {
            if (!cleanedUp) endSignIn(reason);
          },
        });
      } catch (err) {
        setPhase({ kind: 'failed', error: asError(err) });
        return;
      }
      setPhase({ kind: 'ready', session: built, expiresAt: built.expiresAt });
    })();
    return () => {
      cleanedUp = true;
      if (built === undefined) return;
      // Unmounted, or signed out, or the options changed: stop it without ending its login (a
      // remount builds the next session from the same claims). A logout has ended it already.
      built.close();
      const closed = built;
      setPhase((now) => (now.kind === 'ready' && now.session === closed ? NONE : now));
    };
  }, [wanted, endpoint, namespace, renewBeforeMs, tabSync, endSignIn]);

  // auth0-react's user switched accounts (a token fetched outside the session's renewal): the
  // session's account is no longer the signed-in one. Shown as closed at once; the session checks
  // the claims itself and closes, ending its own logins.
  const session = phase.kind === 'ready' ? phase.session : undefined;
  const switched = session !== undefined && auth0.user?.sub !== undefined && auth0.user.sub !== session.pinnedAccount.sub;
  useEffect(() => {
    if (!switched || session === undefined) return undefined;
    let current = true;
    latest.current.auth0.getIdTokenClaims().then(
      (claims) => {
        if (!current || !session.checkAccount(claims)) return;
        // The claims say the same account as the session: trust neither, close anyway.
        session.close();
        endSignIn(switchedAccount());
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [switched, session, endSignIn]);

  const ready = useMemo(() => {
    if (session === undefined) return undefined;
    const query: FaunaQuery = async (expr, options) => {
      try {
        return await session.query(expr, options);
      } catch (err) {
        if (endsSignIn(err) && !session.loggedOut) {
          session.close();
          endSignIn(err);
        }
        throw err;
      } finally {
        // A renewal moved the expiry: render it.
        setPhase((now) => (now.kind === 'ready' && now.session === session && now.expiresAt !== session.expiresAt ? { ...now, expiresAt: session.expiresAt } : now));
      }
    };
    const logout = async (options: FaunaLogoutOptions = {}): Promise<void> => {
      const { everywhere, ...auth0Options } = options;
      // First, before any re-render can close the session: end the logins in Fauna.
      const ending = session.logout({ everywhere: everywhere === true });
      setHeld(true);
      setPhase({ kind: 'logging-out' });
      let failure: unknown;
      await ending.catch((err: unknown) => {
        failure = err;
      });
      try {
        await latest.current.auth0.logout(auth0Options);
      } finally {
        setPhase({ kind: 'logged-out' });
      }
      if (failure !== undefined) throw failure;
    };
    return { query, logout };
  }, [session, endSignIn]);

  // Only once a session exists: its namespace has been checked by then.
  const profile = useMemo(() => (session === undefined ? undefined : withoutFaunaClaims(auth0.user ?? {}, namespace)), [auth0.user, namespace, session]);

  const state = useMemo((): FaunaState => {
    const { loginWithRedirect, logout: auth0Logout } = auth0;
    const startOver = (options?: RedirectLoginOptions) => loginWithRedirect(withPromptLogin(options));
    if (phase.kind === 'closed') return { status: 'closed', reason: phase.reason, startOver };
    if (phase.kind === 'logging-out') return { status: 'logging-out' };
    if (phase.kind === 'ready' && ready !== undefined && profile !== undefined) {
      if (switched) return { status: 'closed', reason: switchedAccount(), startOver };
      // No FaunaSession here: a state is something apps log and show in dev tools.
      return { status: 'ready', query: ready.query, logout: ready.logout, expiresAt: phase.expiresAt, user: profile };
    }
    if (phase.kind === 'failed') return { status: 'error', error: phase.error, logout: (options) => auth0Logout(options) };
    if (auth0.isLoading) return { status: 'loading' };
    const login = (options?: RedirectLoginOptions) =>
      // After a refused login the Auth0 session still stands: a plain redirect would be refused again.
      loginWithRedirect(oauthCode(auth0.error) === 'access_denied' ? withPromptLogin(options) : options);
    if (!auth0.isAuthenticated || held) return { status: 'signed-out', error: auth0.error, login };
    return { status: 'loading' };
  }, [auth0, phase, ready, switched, profile, held]);

  return <FaunaContext.Provider value={state}>{children}</FaunaContext.Provider>;
}

/** The Fauna session state of the nearest `<FaunaProvider>`. */
export function useFauna(): FaunaState {
  const state = useContext(FaunaContext);
  if (state === undefined) {
    throw new FaunaClientError('ERR_OPTIONS_INVALID', "useFauna() needs a <FaunaProvider> above it (inside auth0-react's <Auth0Provider>)");
  }
  return state;
}
