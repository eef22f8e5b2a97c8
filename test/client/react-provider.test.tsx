/**
 * @jest-environment ./test/support/jsdom-environment.js
 */
/**
 * The React entry (auth0-fauna-client/react, the built package as an app imports it) in a DOM,
 * under a fake auth0-react: a context value with auth0-react's state and the methods the provider
 * calls, whose logins are minted by the login Action's own query in the in-process Fauna (so every
 * secret is real there and every query runs under the project's roles).
 */
import { Auth0Context, type Auth0ContextInterface, type LogoutOptions, type RedirectLoginOptions, type User } from '@auth0/auth0-react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { errors as faunaErrors, query as q } from 'faunadb';
import { StrictMode, useEffect, useMemo, useState, type ReactNode } from 'react';
import { BroadcastChannel as NodeBroadcastChannel } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { FaunaClientError, FaunaSession, type IdTokenClaims } from 'auth0-fauna-client';
import { FaunaProvider, useFauna, type FaunaProviderProps, type FaunaState } from 'auth0-fauna-client/react';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { NAMESPACE, createLoginFixture, gate, recordingFetch, rejectionOf, type LoginFixture } from './fauna-login-fixture';

const WHO_AM_I = q.Select(['data', 'auth0_id'], q.Get(q.Call(q.Function('current_user'))));
const SECRET = `${NAMESPACE}fauna_secret`;
const ID_TOKEN_ONLY = ['iss', 'aud', 'iat', 'exp', 'nonce', 'sid'];

let fx: LoginFixture;
let bearers: string[];
/** Every FaunaSession the provider built (the state does not hold it: states get logged). */
let built: jest.SpiedFunction<typeof FaunaSession.fromClaims>;
const lastSession = (): FaunaSession => built.mock.results.at(-1)?.value as FaunaSession;

/** Fauna's answer to `secret` right now: 200, or its error status. */
async function statusOf(secret: string): Promise<number> {
  try {
    await fx.clientFor(secret).query(q.Call(q.Function('current_user')));
    return 200;
  } catch (err) {
    if (err instanceof faunaErrors.FaunaHTTPError) return err.requestResult.statusCode;
    throw err;
  }
}

interface AuthState {
  readonly isLoading: boolean;
  readonly isAuthenticated: boolean;
  readonly user: User | undefined;
  readonly error: Error | undefined;
}

/**
 * auth0-react as the provider meets it: its state, and the methods it calls, recorded in order.
 * `account` is who the browser's Auth0 session is: what the next silent renewal brings (another
 * tab's prompt=login makes it someone else).
 */
class FakeAuth0 {
  readonly calls: string[] = [];
  account = 'auth0|alice';
  /** The SDK's cache: the current ID token's claims. */
  claims: IdTokenClaims | undefined;
  ttlSeconds = 3600;
  renewFailure: Error | undefined;
  /** What Fauna answered the secret held when auth0-react's logout was called. */
  secretStatusAtLogout: number | undefined;
  state: AuthState = { isLoading: true, isAuthenticated: false, user: undefined, error: undefined };
  private setState: ((state: AuthState) => void) | undefined;

  bind(setState: ((state: AuthState) => void) | undefined): void {
    this.setState = setState;
  }

  update(change: Partial<AuthState>): void {
    this.state = { ...this.state, ...change };
    this.setState?.(this.state);
  }

  /** auth0-react's `user`: the ID token's claims but the token's own, custom claims included (the secret!). */
  static userOf(claims: IdTokenClaims | undefined): User | undefined {
    if (claims === undefined) return undefined;
    return Object.fromEntries(Object.entries(claims).filter(([name]) => !ID_TOKEN_ONLY.includes(name))) as User;
  }

  async signIn(user = this.account, extra: Record<string, unknown> = {}): Promise<IdTokenClaims> {
    this.account = user;
    this.claims = { ...(await fx.login(user, this.ttlSeconds)), name: user, email: `${user.split('|')[1]}@example.com`, ...extra };
    this.update({ isLoading: false, isAuthenticated: true, user: FakeAuth0.userOf(this.claims) });
    return this.claims;
  }

  /** Another token came into this tab's cache (e.g. the app fetched one itself): auth0-react's user follows. */
  async tokenOf(user: string): Promise<void> {
    this.claims = await fx.login(user, this.ttlSeconds);
    this.update({ user: FakeAuth0.userOf(this.claims) });
  }

  readonly getAccessTokenSilently = async (options?: unknown): Promise<string> => {
    this.calls.push(`getAccessTokenSilently ${JSON.stringify(options)}`);
    if (this.renewFailure !== undefined) throw this.renewFailure;
    // As auth0-react: a new ID token in the cache (the Action ran: a new secret), and `user` updated.
    await this.tokenOf(this.account);
    return 'an-access-token';
  };

  readonly getIdTokenClaims = async (): Promise<IdTokenClaims | undefined> => {
    this.calls.push('getIdTokenClaims');
    return this.claims;
  };

  readonly logout = async (options?: LogoutOptions): Promise<void> => {
    this.calls.push(`logout ${JSON.stringify(options ?? {})}`);
    const secret = this.claims?.[SECRET];
    if (typeof secret === 'string') this.secretStatusAtLogout = await statusOf(secret);
    this.claims = undefined;
    // Without openUrl: false the real one leaves the page for /v2/logout.
    if (options?.openUrl === false) this.update({ isAuthenticated: false, user: undefined });
  };

  readonly loginWithRedirect = async (options?: RedirectLoginOptions): Promise<void> => {
    this.calls.push(`loginWithRedirect ${JSON.stringify(options ?? {})}`);
  };
}

function FakeAuth0Provider({ auth0, children }: { auth0: FakeAuth0; children: ReactNode }) {
  const [state, setState] = useState(auth0.state);
  useEffect(() => {
    auth0.bind(setState);
    setState(auth0.state);
    return () => auth0.bind(undefined);
  }, [auth0]);
  const value = useMemo(
    () =>
      ({
        ...state,
        getAccessTokenSilently: auth0.getAccessTokenSilently,
        getIdTokenClaims: auth0.getIdTokenClaims,
        logout: auth0.logout,
        loginWithRedirect: auth0.loginWithRedirect,
      }) as unknown as Auth0ContextInterface,
    [state, auth0],
  );
  return <Auth0Context.Provider value={value}>{children}</Auth0Context.Provider>;
}

/** Every state the component rendered, in order; the latest one to act on. */
const seen: FaunaState[] = [];
const latest = (): FaunaState => seen[seen.length - 1] as FaunaState;
function Probe() {
  const state = useFauna();
  seen.push(state);
  return <p data-testid="status">{state.status}</p>;
}

function ready(): Extract<FaunaState, { status: 'ready' }> {
  const state = latest();
  if (state.status !== 'ready') throw new Error(`expected ready, got ${state.status}`);
  return state;
}

async function statusShown(status: FaunaState['status']): Promise<void> {
  await waitFor(() => expect(screen.getByTestId('status').textContent).toBe(status));
}

function app(auth0: FakeAuth0, props: Partial<FaunaProviderProps> = {}): ReactNode {
  return (
    <FakeAuth0Provider auth0={auth0}>
      <FaunaProvider endpoint={TEST_ENDPOINT} namespace={NAMESPACE} now={() => fx.clock.now} fetch={recordingFetch(fx.fake.fetch, bearers)} {...props}>
        <Probe />
      </FaunaProvider>
    </FakeAuth0Provider>
  );
}

async function signedInApp(auth0: FakeAuth0, props: Partial<FaunaProviderProps> = {}): Promise<ReturnType<typeof render>> {
  const view = render(app(auth0, props));
  await act(() => auth0.signIn());
  await statusShown('ready');
  return view;
}

beforeEach(async () => {
  fx = await createLoginFixture();
  bearers = [];
  seen.length = 0;
  built = jest.spyOn(FaunaSession, 'fromClaims');
});
afterEach(() => {
  cleanup();
  jest.restoreAllMocks();
});

describe('FaunaProvider and useFauna', () => {
  it("loading until auth0-react knows, then ready: the user's secret in queries, its expiry, the profile without the Fauna claims", async () => {
    const auth0 = new FakeAuth0();
    render(app(auth0));
    expect(screen.getByTestId('status').textContent).toBe('loading');
    const claims = await act(() => auth0.signIn());
    await statusShown('ready');

    const state = ready();
    expect(await act(() => state.query<string>(WHO_AM_I))).toBe('auth0|alice');
    expect(bearers).toEqual([claims[SECRET]]);
    expect(state.expiresAt).toBe((claims[`${NAMESPACE}fauna_secret_exp`] as number) * 1000);
    expect(lastSession().pinnedAccount.sub).toBe('auth0|alice');
    // auth0-react's user carries the secret; the hook's does not.
    expect(auth0.state.user?.[SECRET]).toBe(claims[SECRET]);
    expect(state.user).toEqual({ sub: 'auth0|alice', name: 'auth0|alice', email: 'alice@example.com' });
    // States get logged and shown in dev tools: none holds the secret.
    expect(JSON.stringify(seen)).not.toContain(claims[SECRET] as string);
    expect(auth0.calls).toEqual(['getIdTokenClaims']);
  });

  it('signed-out when auth0-react is, with its error; login() after access_denied asks for the password again', async () => {
    const auth0 = new FakeAuth0();
    render(app(auth0));
    act(() => auth0.update({ isLoading: false }));
    await statusShown('signed-out');
    await act(() => (latest() as Extract<FaunaState, { status: 'signed-out' }>).login());
    // A login refused by the Action: auth0-react's error carries the code; its message is the URL's words.
    act(() => auth0.update({ error: Object.assign(new Error('words from the URL'), { error: 'access_denied' }) }));
    await waitFor(() => expect((latest() as Extract<FaunaState, { status: 'signed-out' }>).error).toBeDefined());
    const signedOut = latest() as Extract<FaunaState, { status: 'signed-out' }>;
    expect((signedOut.error as { error?: string }).error).toBe('access_denied');
    await act(() => signedOut.login({ appState: { returnTo: '/notes' } }));
    expect(auth0.calls).toEqual(['loginWithRedirect {}', 'loginWithRedirect {"appState":{"returnTo":"/notes"},"authorizationParams":{"prompt":"login"}}']);
  });

  it("renews through getAccessTokenSilently({ cacheMode: 'off' }) then getIdTokenClaims, and renders the new expiry", async () => {
    const auth0 = new FakeAuth0();
    await signedInApp(auth0, { renewBeforeMs: 120_000 });
    const first = ready();
    auth0.calls.length = 0;
    fx.clock.now = first.expiresAt - 119_000;

    expect(await act(() => first.query<string>(WHO_AM_I))).toBe('auth0|alice');
    expect(auth0.calls).toEqual(['getAccessTokenSilently {"cacheMode":"off"}', 'getIdTokenClaims']);
    expect(bearers.at(-1)).toBe(fx.minted[1]);
    await waitFor(() => expect(ready().expiresAt).toBe(fx.clock.now + 3600_000));
    expect(built).toHaveBeenCalledTimes(1);
  });

  it("logout ends the Fauna login before auth0-react's logout, passing auth0-react's options on", async () => {
    const auth0 = new FakeAuth0();
    const endLogin = gate();
    // Holds end_login until the test has seen the logging-out state.
    const heldFetch: typeof fetch = async (input, init) => {
      if (String(init?.body).includes('end_login')) await endLogin.opened;
      return fx.fake.fetch(input, init);
    };
    await signedInApp(auth0, { fetch: heldFetch });
    const secret = auth0.claims?.[SECRET] as string;
    expect(await statusOf(secret)).toBe(200);
    auth0.calls.length = 0;

    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = ready().logout({ logoutParams: { returnTo: 'http://localhost/' } });
    });
    await statusShown('logging-out');
    expect(auth0.calls).toEqual([]);
    endLogin.open();
    await act(() => done);
    expect(auth0.calls).toEqual(['logout {"logoutParams":{"returnTo":"http://localhost/"}}']);
    // When auth0-react's logout was called, Fauna refused the secret already.
    expect(auth0.secretStatusAtLogout).toBe(401);
    await statusShown('signed-out');
  });

  it('logout({ everywhere: true }) ends the login on other devices too', async () => {
    const auth0 = new FakeAuth0();
    await signedInApp(auth0);
    const otherDevice = (await fx.login('auth0|alice'))[SECRET] as string;
    const bobs = (await fx.login('auth0|bob'))[SECRET] as string;
    await act(() => ready().logout({ everywhere: true, openUrl: false }));
    expect(auth0.secretStatusAtLogout).toBe(401);
    expect(await statusOf(otherDevice)).toBe(401);
    expect(await statusOf(bobs)).toBe(200);
    await statusShown('signed-out');
  });

  it('rejects after auth0-react\'s logout when Fauna did not confirm (ERR_LOGOUT_FAILED)', async () => {
    const auth0 = new FakeAuth0();
    const failingFetch: typeof fetch = async (input, init) => (String(init?.body).includes('end_login') ? new Response('{}', { status: 503 }) : fx.fake.fetch(input, init));
    await signedInApp(auth0, { fetch: failingFetch });
    const err = await act(() => rejectionOf(ready().logout({ openUrl: false })));
    expect((err as FaunaClientError).code).toBe('ERR_LOGOUT_FAILED');
    expect(auth0.calls.at(-1)).toBe('logout {"openUrl":false}');
    await statusShown('signed-out');
  });

  it('the account gate: a renewal that brings another account closes the session, never sends its secret, and says so', async () => {
    const auth0 = new FakeAuth0();
    await signedInApp(auth0, { renewBeforeMs: 3_600_000 });
    const alice = auth0.claims?.[SECRET] as string;
    const first = ready();
    // Tab 2 of this browser signed in as bob (prompt=login): the Auth0 session is bob's now.
    auth0.account = 'auth0|bob';
    fx.clock.now += 1_800_001;

    const err = (await act(() => rejectionOf(first.query(WHO_AM_I)))) as FaunaClientError;
    expect(err).toBeInstanceOf(FaunaClientError);
    expect(err.code).toBe('ERR_ACCOUNT_CHANGED');
    await statusShown('closed');
    const closed = latest() as Extract<FaunaState, { status: 'closed' }>;
    expect(closed.reason.code).toBe('ERR_ACCOUNT_CHANGED');
    // auth0-react's tokens in this tab are forgotten (no redirect), and starting over asks who logs in.
    expect(auth0.calls).toContain('logout {"openUrl":false}');
    await act(() => closed.startOver());
    expect(auth0.calls.at(-1)).toBe('loginWithRedirect {"authorizationParams":{"prompt":"login"}}');

    const bob = fx.minted.at(-1) as string;
    expect(bearers).not.toContain(bob);
    expect(await statusOf(bob)).toBe(200);
    await waitFor(async () => expect(await statusOf(alice)).toBe(401));
    // No render ever showed bob's profile as the ready user of alice's session.
    expect(seen.filter((s) => s.status === 'ready').map((s) => (s as Extract<FaunaState, { status: 'ready' }>).user.sub)).not.toContain('auth0|bob');
    // It stays closed: auth0-react signing out does not turn it into a plain signed-out.
    expect(auth0.state.isAuthenticated).toBe(false);
    expect(screen.getByTestId('status').textContent).toBe('closed');
  });

  it("auth0-react's user switching outside the session's renewal closes the session at once", async () => {
    const auth0 = new FakeAuth0();
    await signedInApp(auth0);
    const session = lastSession();
    const alice = auth0.claims?.[SECRET] as string;
    await act(() => auth0.tokenOf('auth0|bob'));
    await statusShown('closed');
    expect((latest() as Extract<FaunaState, { status: 'closed' }>).reason.code).toBe('ERR_ACCOUNT_CHANGED');
    await waitFor(() => expect(session.closedReason?.code).toBe('ERR_ACCOUNT_CHANGED'));
    await waitFor(async () => expect(await statusOf(alice)).toBe(401));
    expect(seen.filter((s) => s.status === 'ready').map((s) => (s as Extract<FaunaState, { status: 'ready' }>).user.sub)).toEqual(
      expect.not.arrayContaining(['auth0|bob']),
    );
  });

  it('a logout in another tab closes this one (ERR_LOGGED_OUT) through the BroadcastChannel', async () => {
    const scope = globalThis as { BroadcastChannel?: unknown };
    scope.BroadcastChannel = NodeBroadcastChannel;
    try {
      const channel = `test-react-${randomUUID()}`;
      const auth0 = new FakeAuth0();
      await signedInApp(auth0, { tabSync: channel });
      const otherTab = FaunaSession.fromClaims(await fx.login('auth0|alice'), { endpoint: TEST_ENDPOINT, namespace: NAMESPACE, now: () => fx.clock.now, fetch: fx.fake.fetch, renew: async () => undefined, tabSync: channel });
      await act(() => otherTab.logout());
      await statusShown('closed');
      expect((latest() as Extract<FaunaState, { status: 'closed' }>).reason.code).toBe('ERR_LOGGED_OUT');
      expect(auth0.calls).toContain('logout {"openUrl":false}');
    } finally {
      delete scope.BroadcastChannel;
    }
  });

  it('the Auth0 session ended (login_required when renewing an expired secret): closed; a network failure is not', async () => {
    const auth0 = new FakeAuth0();
    await signedInApp(auth0);
    fx.clock.now = ready().expiresAt + 1;
    auth0.renewFailure = new TypeError('Failed to fetch');
    const offline = (await act(() => rejectionOf(ready().query(WHO_AM_I)))) as FaunaClientError;
    expect(offline.code).toBe('ERR_RENEW_FAILED');
    expect(screen.getByTestId('status').textContent).toBe('ready');

    fx.clock.now += 10_000;
    auth0.renewFailure = Object.assign(new Error('Login required'), { error: 'login_required' });
    const ended = (await act(() => rejectionOf(ready().query(WHO_AM_I)))) as FaunaClientError;
    expect(ended.code).toBe('ERR_RENEW_FAILED');
    await statusShown('closed');
    expect((latest() as Extract<FaunaState, { status: 'closed' }>).reason).toBe(ended);
  });

  it('signed in, but the login carried no Fauna secret: error with ERR_CLAIM_MISSING, and a logout', async () => {
    const auth0 = new FakeAuth0();
    render(app(auth0));
    await act(async () => {
      await auth0.signIn();
      auth0.claims = { sub: 'auth0|alice', iss: 'https://tenant.example.com/' };
    });
    await statusShown('error');
    const state = latest() as Extract<FaunaState, { status: 'error' }>;
    expect((state.error as FaunaClientError).code).toBe('ERR_CLAIM_MISSING');
    await act(() => state.logout({ openUrl: false }));
    expect(auth0.calls.at(-1)).toBe('logout {"openUrl":false}');
  });

  it('refuses to run outside auth0-react, and useFauna outside the provider, naming what to do', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const outside = (ui: ReactNode) => {
      try {
        render(ui);
      } catch (err) {
        return err as FaunaClientError;
      }
      throw new Error('expected a render error');
    };
    const noAuth0 = outside(
      <FaunaProvider endpoint={TEST_ENDPOINT} namespace={NAMESPACE}>
        <Probe />
      </FaunaProvider>,
    );
    expect(noAuth0.code).toBe('ERR_OPTIONS_INVALID');
    expect(noAuth0.message).toMatch(/inside auth0-react's <Auth0Provider>/);
    const noProvider = outside(<Probe />);
    expect(noProvider.code).toBe('ERR_OPTIONS_INVALID');
    expect(noProvider.message).toMatch(/needs a <FaunaProvider> above it/);
  });
});

describe('the provider through mounts', () => {
  /** A BroadcastChannel that counts how many are open. */
  function countChannels(): { readonly opened: () => number; readonly open: () => number } {
    let opened = 0;
    let closed = 0;
    class CountedChannel extends NodeBroadcastChannel {
      constructor(name: string) {
        super(name);
        opened += 1;
      }
      override close(): void {
        closed += 1;
        super.close();
      }
    }
    (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = CountedChannel;
    return { opened: () => opened, open: () => opened - closed };
  }
  afterEach(() => {
    delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
  });

  it('StrictMode: one session and one tab channel, closed at unmount; the login is not ended', async () => {
    const channels = countChannels();
    const auth0 = new FakeAuth0();
    // Signed in before the mount (a reload): StrictMode runs the provider's effects twice at mount.
    await auth0.signIn();
    const view = render(<StrictMode>{app(auth0)}</StrictMode>);
    await statusShown('ready');
    expect(built).toHaveBeenCalledTimes(1);
    expect(channels.opened()).toBe(1);
    expect(await act(() => ready().query<string>(WHO_AM_I))).toBe('auth0|alice');

    const session = lastSession();
    view.unmount();
    expect(channels.open()).toBe(0);
    expect(session.closedReason?.code).toBe('ERR_SESSION_CLOSED');
    expect(await statusOf(auth0.claims?.[SECRET] as string)).toBe(200);
  });

  it('a remount goes on with the same login, and claims part-way through their life are renewed on time', async () => {
    const channels = countChannels();
    const auth0 = new FakeAuth0();
    auth0.ttlSeconds = 60;
    const view = await signedInApp(auth0);
    view.unmount();
    // 40 s into a 60 s secret: past half its life, so due now (timed from the ID token's iat).
    fx.clock.now += 40_000;
    auth0.calls.length = 0;
    render(app(auth0));
    await statusShown('ready');
    expect(channels.open()).toBe(1);
    expect(await act(() => ready().query<string>(WHO_AM_I))).toBe('auth0|alice');
    expect(auth0.calls).toEqual(['getIdTokenClaims', 'getAccessTokenSilently {"cacheMode":"off"}', 'getIdTokenClaims']);
    expect(bearers.at(-1)).toBe(fx.minted[1]);
  });
});
