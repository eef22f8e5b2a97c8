/**
 * The built Actions on the runtime's own fetch, over real loopback HTTP: no nock in between, so
 * undici's Request/Response, its abort handling and its network errors are the ones Auth0's Node
 * runs. The other bundle tests answer through nock, which replaces the global fetch. Runs on the
 * machine's Node in `npm test` and on Node 22 in `npm run test:runtime`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { query as q } from 'faunadb';
import { createFaunaClient, queryWithRetry } from '../../actions/lib/fauna-client';
import { DENY_REASON } from '../../actions/fauna-login/mint-login-secret';
import type { FakeFauna } from '../../fauna-in-process';
import { serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { FAUNA_SECRET, faunaWithSchema } from '../../scripts/bench/fauna-in-process';
import { bundlePath, loadBundle } from '../support/load-bundle';
import { runBundleInFreshNode } from '../support/fresh-node';

const NS = 'https://app.example.com/';
// Budgets with room for a loaded 2-core machine: these tests are about what fails, not how fast.
const USER_ID = 'auth0|native-fetch-1';

let fake: FakeFauna;
let fauna: ServedFauna;
/** Accepts connections and reads requests, never answers: a Fauna that hangs. */
let hung: { server: Server; url: string; requests: number };

async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function refusedEndpoint(): Promise<string> {
  const probe = createServer();
  const url = await listenOnLoopback(probe);
  await new Promise((resolve) => probe.close(resolve));
  return url; // nothing listens there any more: connect() is refused
}

const loginEvent = (endpoint: string, extra: Record<string, string> = {}) => ({
  user: { user_id: USER_ID, email: 'ada@example.com', name: 'Ada Lovelace' },
  client: { client_id: 'client-web', name: 'Web' },
  transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid'] },
  secrets: { FAUNA_SECRET, FAUNA_ENDPOINT: endpoint, CLAIM_NAMESPACE: NS, ALLOWED_CLIENT_IDS: 'client-web', ...extra },
});

beforeAll(async () => {
  fake = await faunaWithSchema();
  fauna = await serveInProcessFauna(fake);
  const state = { requests: 0 };
  const server = createServer((req: IncomingMessage) => {
    state.requests += 1;
    req.resume();
  });
  hung = Object.assign(state, { server, url: await listenOnLoopback(server) });
});

afterAll(async () => {
  await fauna.close();
  hung.server.closeAllConnections();
  await new Promise((resolve) => hung.server.close(resolve));
});

describe('the built Actions in a fresh node, on its own global fetch, against Fauna over loopback HTTP', () => {
  it('fauna-login mints a secret Fauna knows, sets both claims, and the runtime prints no warning', async () => {
    const run = await runBundleInFreshNode(bundlePath('fauna-login'), 'onExecutePostLogin', loginEvent(fauna.url));

    expect(run.node).toBe(process.version);
    expect(run.threw).toBeNull();
    expect(run.denials).toEqual([]);
    const secret = run.idTokenClaims[`${NS}fauna_secret`];
    expect(typeof secret).toBe('string');
    expect(fake.tokens().map((t) => t.secret)).toContain(secret);
    expect(run.idTokenClaims[`${NS}fauna_secret_exp`]).toEqual(expect.any(Number));
    // Deprecations and experimental warnings of the runtime go to stderr; Auth0 would log them.
    expect(run.stderr).toBe('');
    expect(run.logs.join('\n')).not.toContain(String(secret));
  });

  it('fauna-login against a Fauna that never answers: the request is aborted at FAUNA_TIMEOUT_MS, the login denied, the process exits', async () => {
    const before = hung.requests;

    const run = await runBundleInFreshNode(bundlePath('fauna-login'), 'onExecutePostLogin', loginEvent(hung.url, { FAUNA_TIMEOUT_MS: '1000' }));

    expect(hung.requests).toBeGreaterThan(before);
    expect(run.idTokenClaims).toEqual({});
    expect(run.denials).toEqual([DENY_REASON]);
    expect(run.logs.join('\n')).toContain('ERR_FAUNA_TIMEOUT');
    expect(run.threw).toBeNull();
    expect(run.stderr).toBe('');
  });

  it("fauna-login against a refused connection: the runtime's network error is retried, then ON_FAUNA_ERROR=continue lets the login through", async () => {
    const run = await runBundleInFreshNode(
      bundlePath('fauna-login'),
      'onExecutePostLogin',
      loginEvent(await refusedEndpoint(), { FAUNA_TIMEOUT_MS: '1500', ON_FAUNA_ERROR: 'continue' }),
    );

    expect(run.idTokenClaims).toEqual({});
    expect(run.denials).toEqual([]);
    const log = run.logs.join('\n');
    expect(log).toContain('ERR_FAUNA_UNAVAILABLE');
    expect(log).toContain('network error');
    expect(run.stderr).toBe('');
  });

  it("revoke-fauna-secrets deletes the user's secrets through the runtime's fetch", async () => {
    const minted = await runBundleInFreshNode(bundlePath('fauna-login'), 'onExecutePostLogin', loginEvent(fauna.url));
    const secret = minted.idTokenClaims[`${NS}fauna_secret`];
    expect(fake.tokens().map((t) => t.secret)).toContain(secret);

    const run = await runBundleInFreshNode(bundlePath('revoke-fauna-secrets'), 'onExecutePostChangePassword', {
      user: { user_id: USER_ID, email: 'ada@example.com' },
      connection: { id: 'con_1', name: 'Username-Password-Authentication' },
      secrets: { FAUNA_SECRET, FAUNA_ENDPOINT: fauna.url },
    });

    expect(run.threw).toBeNull();
    expect(fake.tokens().map((t) => t.secret)).not.toContain(secret);
    expect(run.logs.join('\n')).toMatch(/revoked [1-9]\d* /i);
    expect(run.stderr).toBe('');
  });
});

describe('loading the built Actions', () => {
  it.each(['fauna-login', 'revoke-fauna-secrets'])('%s does not load http or https (tls, crypto): only the keep-alive agent the Action never makes needs them', (action) => {
    const { required } = loadBundle(action);
    expect(required).not.toContain('https');
    expect(required).not.toContain('http');
  });
});

describe('the unbundled client (admin scripts) on the runtime fetch', () => {
  afterAll(() => {
    nock.disableNetConnect(); // back to the suite-wide rule of test/support/no-network.ts
  });

  it("aborts a hung request at the budget although the driver aborts through its polyfill signal (bridged to a native one; undici would throw on the polyfill's abort)", async () => {
    nock.enableNetConnect(new URL(hung.url).host); // this test's own loopback server only
    const before = hung.requests;
    const client = createFaunaClient({ faunaSecret: FAUNA_SECRET, faunaEndpoint: hung.url });

    await expect(queryWithRetry(client, q.Now(), { budgetMs: 300 })).rejects.toMatchObject({ code: 'ERR_FAUNA_TIMEOUT' });
    expect(hung.requests).toBe(before + 1);
  });
});
