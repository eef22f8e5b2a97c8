import { query as q } from 'faunadb';
import nock from 'nock';
import { createFaunaClient, queryWithRetry } from '../../actions/lib/fauna-client';
import { onExecutePostLogin } from '../../actions/fauna-login/index';
import { DENY_REASON, mintLoginSecret, type LoginDependencies, type LoginRequest } from '../../actions/fauna-login/mint-login-secret';
import type { PostLoginEvent } from '../../actions/types/auth0-actions';
import {
  TEST_ENDPOINT,
  TEST_FAUNA_KEY,
  callErrorBody,
  errorBody,
  faunaHeaders,
  findCalls,
  parseRequestBody,
  resourceBody,
} from '../support/fauna-wire';
import { recordingPostLoginApi } from '../support/load-bundle';

const NS = 'https://app.example.com/';
const MINTED = 'fnEMINTED_SECRET_for_this_login_abcdef0123456789';
const EXP = 1_900_000_000;

const baseSecrets = {
  FAUNA_SECRET: TEST_FAUNA_KEY,
  FAUNA_ENDPOINT: TEST_ENDPOINT,
  CLAIM_NAMESPACE: NS,
  ALLOWED_CLIENT_IDS: 'client-web',
};

function event(secrets: Record<string, string> = baseSecrets, clientId = 'client-web'): PostLoginEvent {
  return {
    user: { user_id: 'auth0|ada', email: 'ada@example.com', name: 'Ada' },
    client: { client_id: clientId, name: 'Web' },
    transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile', 'email'] },
    secrets,
  };
}

/** What the Action's index.ts hands the core for `e`. */
const loginRequest = (e: PostLoginEvent): LoginRequest => ({
  secrets: e.secrets,
  user: e.user,
  clientId: e.client.client_id,
  transaction: e.transaction,
  authentication: e.authentication,
  sessionId: e.session?.id ?? e.refresh_token?.session_id,
});

/** Log lines captured per test; checked for leaks after every test. */
let logLines: string[] = [];
const deps: LoginDependencies = {
  log: (_level, line) => logLines.push(line),
  sleep: async () => undefined, // backoff waits are not what these tests are about
};

async function runLogin(e: PostLoginEvent = event()) {
  const recorder = recordingPostLoginApi();
  const outcome = await mintLoginSecret(loginRequest(e), deps);
  return { outcome, ...recorder };
}

const okReply = () => [200, resourceBody({ secret: MINTED, exp: EXP, user: 'created' }), faunaHeaders()] as const;

function faunaError(status: number, code: string) {
  return [status, errorBody(code, `${code} (test)`), faunaHeaders()] as const;
}

beforeEach(() => {
  logLines = [];
});

afterEach(() => {
  for (const line of logLines) {
    expect(line).not.toContain(TEST_FAUNA_KEY);
    expect(line).not.toContain(MINTED);
  }
});

describe('fauna-login: a successful login', () => {
  it('sends one query with the bearer key and sets both claims on the ID token only', async () => {
    const bodies: unknown[] = [];
    const scope = nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${TEST_FAUNA_KEY}` } })
      .post('/', (body) => {
        bodies.push(parseRequestBody(body));
        return true;
      })
      .reply(...okReply());

    const { api, idTokenClaims, accessTokenClaims, denials } = recordingPostLoginApi();
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    let printed: string[];
    try {
      await onExecutePostLogin(event(), api);
    } finally {
      printed = spy.mock.calls.map(([line]) => String(line));
      spy.mockRestore();
    }

    expect(scope.isDone()).toBe(true);
    expect(bodies).toEqual([
      {
        call: { function: 'login' },
        arguments: {
          object: { auth0_id: 'auth0|ada', email: 'ada@example.com', name: 'Ada', email_verified: null, client_id: 'client-web', session_id: null, ttl_seconds: 36000 },
        },
      },
    ]);

    expect(idTokenClaims).toEqual({ [`${NS}fauna_secret`]: MINTED, [`${NS}fauna_secret_exp`]: EXP });
    expect(accessTokenClaims).toEqual({});
    expect(denials).toEqual([]);
    // The success line is printed, and it carries neither the key nor the secret.
    expect(printed).toEqual([expect.stringContaining('minted a Fauna secret for auth0|ada (user created, 0 login(s) over the cap ended, 1 attempt(s)')]);
    for (const line of printed) expect(line).not.toContain(MINTED);
  });

  it('uses FAUNA_SECRET_TTL for the expiry', async () => {
    const bodies: unknown[] = [];
    nock(TEST_ENDPOINT)
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(...okReply());
    const { outcome } = await runLogin(event({ ...baseSecrets, FAUNA_SECRET_TTL: '600' }));
    expect(outcome.kind).toBe('claims');
    expect(findCalls(bodies[0], 'ttl_seconds')).toEqual([600]);
  });

  it.each([
    ['an interactive or silent login: event.session.id', { session: { id: 'sess-browser' } }, 'sess-browser'],
    ['a refresh-token exchange on Enterprise: event.refresh_token.session_id', { refresh_token: { id: 'rt-1', session_id: 'sess-rt' } }, 'sess-rt'],
    ['both: the session first', { session: { id: 'sess-browser' }, refresh_token: { id: 'rt-1', session_id: 'sess-rt' } }, 'sess-browser'],
    ['a refresh token without a session id', { refresh_token: { id: 'rt-1' } }, null],
  ])("records Auth0's session id on the login, and email_verified on the user: %s", async (_name, extra, sessionId) => {
    const bodies: unknown[] = [];
    nock(TEST_ENDPOINT)
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(...okReply());
    const { api } = recordingPostLoginApi();
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await onExecutePostLogin({ ...event(), ...extra, user: { ...event().user, email_verified: true } }, api);
    } finally {
      spy.mockRestore();
    }
    expect(findCalls(bodies[0], 'session_id')).toEqual([sessionId]);
    expect(findCalls(bodies[0], 'email_verified')).toEqual([true]);
  });

  it('logs how many logins over the cap the login ended', async () => {
    nock(TEST_ENDPOINT).post('/').reply(200, resourceBody({ secret: MINTED, exp: EXP, user: 'unchanged', evicted: 1 }), faunaHeaders());
    const { outcome } = await runLogin();
    expect(outcome.kind).toBe('claims');
    expect(logLines).toContainEqual(expect.stringContaining('(user unchanged, 1 login(s) over the cap ended, 1 attempt(s)'));
  });

  it('leaves out an over-long e-mail and says so, still minting', async () => {
    const bodies: unknown[] = [];
    nock(TEST_ENDPOINT)
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(...okReply());
    const e = event();
    const outcome = await mintLoginSecret(loginRequest({ ...e, user: { ...e.user, email: `${'a'.repeat(600)}@example.com` } }), deps);
    expect(outcome.kind).toBe('claims');
    expect(findCalls(bodies[0], 'email')).toEqual([null]);
    expect(logLines).toContainEqual('[fauna-login] email of auth0|ada longer than login accepts: left out of the Fauna login');
  });

  it('skips clients that are not allowed, without Fauna work and without denying', async () => {
    const scope = nock(TEST_ENDPOINT).post('/').reply(...okReply());
    const { outcome } = await runLogin(event({ ...baseSecrets, ALLOWED_CLIENT_IDS: 'client-mobile, client-admin' }));
    expect(outcome).toEqual({ kind: 'refused', code: 'ERR_CLIENT_NOT_ALLOWED' });
    expect(scope.isDone()).toBe(false);
  });

  it('serves an allowed client', async () => {
    nock(TEST_ENDPOINT).post('/').reply(...okReply());
    const { outcome } = await runLogin(event({ ...baseSecrets, ALLOWED_CLIENT_IDS: 'client-mobile,client-web' }));
    expect(outcome.kind).toBe('claims');
  });

  it('skips a client not allowed even when the Fauna settings are broken', async () => {
    const { outcome } = await runLogin(event({ ALLOWED_CLIENT_IDS: 'other' }));
    expect(outcome).toEqual({ kind: 'refused', code: 'ERR_CLIENT_NOT_ALLOWED' });
  });
});

describe('fauna-login: the Fauna client kept between logins', () => {
  it('follows a new key or endpoint at once (a rotated secret is used on the next login)', async () => {
    const seen: string[] = [];
    const record = (endpoint: string) =>
      nock(endpoint)
        .post('/')
        .reply(function () {
          seen.push(`${endpoint} ${String(this.req.headers.authorization)}`);
          return okReply();
        });
    record(TEST_ENDPOINT);
    await runLogin();
    const rotated = 'fnROTATED_ACTION_KEY_do_not_log_98765';
    record(TEST_ENDPOINT);
    await runLogin(event({ ...baseSecrets, FAUNA_SECRET: rotated }));
    const moved = 'https://fauna-2.test:8443';
    record(moved);
    await runLogin(event({ ...baseSecrets, FAUNA_SECRET: rotated, FAUNA_ENDPOINT: moved }));
    expect(seen).toEqual([`${TEST_ENDPOINT} Bearer ${TEST_FAUNA_KEY}`, `${TEST_ENDPOINT} Bearer ${rotated}`, `${moved} Bearer ${rotated}`]);
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const fetchImpl: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(resourceBody({ secret: MINTED, exp: EXP, user: 'unchanged' }), { status: 200, headers: faunaHeaders() });
    };
    const outcome = await mintLoginSecret(loginRequest(event()), { ...deps, fetch: fetchImpl });
    expect(outcome).toMatchObject({ kind: 'claims', user: 'unchanged' });
    expect(calls).toEqual([TEST_ENDPOINT]);
  });

  it('makes a new client when it is given another fetch, even after a login with the global one', async () => {
    nock(TEST_ENDPOINT).post('/').reply(...okReply());
    expect((await runLogin()).outcome.kind).toBe('claims');
    const calls: string[] = [];
    const fetchImpl: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(resourceBody({ secret: MINTED, exp: EXP, user: 'unchanged' }), { status: 200, headers: faunaHeaders() });
    };
    await mintLoginSecret(loginRequest(event()), { ...deps, fetch: fetchImpl });
    expect(calls).toEqual([TEST_ENDPOINT]);
  });

  it('says what it did in each log line, with the key redacted wherever it would appear', async () => {
    await runLogin(event({ ...baseSecrets, ALLOWED_CLIENT_IDS: 'client-mobile' }, TEST_FAUNA_KEY));
    expect(logLines).toEqual([`[fauna-login] ERR_CLIENT_NOT_ALLOWED: client [redacted] is not in ALLOWED_CLIENT_IDS; no Fauna secret for this login`]);
    logLines = [];
    nock(TEST_ENDPOINT).post('/').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }).post('/').reply(...faunaError(401, 'unauthorized'));
    await runLogin();
    expect(logLines[0]).toBe('[fauna-login] Fauna attempt 1 failed (network error, HTTP -); retrying');
    expect(logLines[1]).toMatch(/ERR_FAUNA_UNAUTHORIZED: .*; login denied \(ON_FAUNA_ERROR=deny\)$/);
    logLines = [];
    nock(TEST_ENDPOINT).post('/').reply(200, resourceBody({ exp: EXP, user: 'created' }), faunaHeaders());
    await runLogin();
    expect(logLines).toEqual([
      '[fauna-login] ERR_FAUNA_UNEXPECTED_RESULT: Fauna answered the login query without a secret; check that FAUNA_ENDPOINT is an FQL v4 endpoint; login denied (ON_FAUNA_ERROR=deny)',
    ]);
  });

  it('logs how long the login took, by the injected clock', async () => {
    nock(TEST_ENDPOINT).post('/').reply(...okReply());
    let clock = 1_700_000_000_000;
    const outcome = await mintLoginSecret(
      loginRequest(event()),
      { ...deps, now: () => (clock += 10) },
    );
    expect(outcome.kind).toBe('claims');
    expect(logLines).toContainEqual(expect.stringMatching(/minted a Fauna secret for auth0\|ada \(user created, 0 login\(s\) over the cap ended, 1 attempt\(s\), \d{2} ms\)$/));
  });
});

describe('fauna-login: transient failures are retried inside the budget', () => {
  it.each([
    ['503 unavailable', faunaError(503, 'unavailable')],
    ['500 internal error', faunaError(500, 'internal server error')],
    ['429 too many requests', faunaError(429, 'too many requests')],
    ['409 contended transaction', faunaError(409, 'contended transaction')],
    ['400 instance not unique (racing first logins)', faunaError(400, 'instance not unique')],
    ['400 call error caused by instance not unique (racing first logins inside login)', [400, callErrorBody('instance not unique', 'document is not unique.'), faunaHeaders()] as const],
    ['200 with an empty body', [200, '', faunaHeaders()] as const],
  ])('%s, then success', async (_name, failure) => {
    const scope = nock(TEST_ENDPOINT)
      .post('/')
      .reply(...failure)
      .post('/')
      .reply(...okReply());
    const { outcome } = await runLogin();
    expect(scope.isDone()).toBe(true);
    expect(outcome).toMatchObject({ kind: 'claims', attempts: 2 });
    expect(logLines.some((l) => l.includes('attempt 1 failed') && l.includes('retrying'))).toBe(true);
  });

  it('a network error, then success', async () => {
    const scope = nock(TEST_ENDPOINT)
      .post('/')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post('/')
      .reply(...okReply());
    const { outcome } = await runLogin();
    expect(scope.isDone()).toBe(true);
    expect(outcome).toMatchObject({ kind: 'claims', attempts: 2 });
  });

  it('gives up when the budget runs out and follows ON_FAUNA_ERROR=deny', async () => {
    nock(TEST_ENDPOINT).post('/').times(1000).reply(...faunaError(503, 'unavailable'));
    let clock = 0;
    // Each attempt "takes" 60 ms of a 300 ms budget: a handful of attempts, then a denial.
    const { outcome } = await (async () => {
      const outcome = await mintLoginSecret(
        loginRequest(event({ ...baseSecrets, FAUNA_TIMEOUT_MS: '300' })),
        { ...deps, now: () => (clock += 30) },
      );
      return { outcome };
    })();
    expect(outcome).toEqual({ kind: 'denied', code: 'ERR_FAUNA_UNAVAILABLE', reason: DENY_REASON });
    const last = logLines[logLines.length - 1];
    expect(last).toMatch(/ERR_FAUNA_UNAVAILABLE: Fauna query failed \(unavailable, HTTP 503, \d+ attempt\(s\)\)/);
    expect(last).toContain('ON_FAUNA_ERROR=deny');
    nock.cleanAll();
  });
});

describe('fauna-login: failures a retry cannot mend', () => {
  it.each([
    [401, 'unauthorized', 'ERR_FAUNA_UNAUTHORIZED', /FAUNA_SECRET is not a valid key/],
    [403, 'permission denied', 'ERR_FAUNA_PERMISSION_DENIED', /setup:fauna/],
    // The core's answer for a schema name the database lacks, and for an index still building.
    [400, 'invalid ref', 'ERR_FAUNA_SCHEMA_MISSING', /does not exist \(the Actions call login and revoke_user\); run `npm run setup:fauna`/],
    [400, 'instance not found', 'ERR_FAUNA_BAD_REQUEST', /index is still being built/],
    [400, 'invalid expression', 'ERR_FAUNA_BAD_REQUEST', /schema does not match; run `npm run setup:fauna`/],
    [404, 'instance not found', 'ERR_FAUNA_NOT_FOUND', /setup:fauna/],
    // FQL v4 switched off on the server (allow_v4_queries).
    [410, 'permission denied', 'ERR_FAUNA_V4_DISABLED', /allow_v4_queries/],
  ])('%i %s: one attempt, denied with a generic reason', async (status, code, ourCode, hint) => {
    const scope = nock(TEST_ENDPOINT).post('/').reply(...faunaError(status, code));
    const { outcome } = await runLogin();
    expect(scope.isDone()).toBe(true);
    expect(outcome).toEqual({ kind: 'denied', code: ourCode, reason: DENY_REASON });
    expect(logLines.join('\n')).toMatch(hint);
    expect(logLines.join('\n')).toContain(`(${code}, HTTP ${status}, 1 attempt(s))`);
  });

  it.each([
    ['an Abort (login refused its arguments)', 'transaction aborted', 'invalid login arguments: client_id must be a non-empty string', 'ERR_FAUNA_CALL_ABORTED', /the function refused the call \(invalid login arguments: client_id/],
    ["a function's role set wrong", 'permission denied', 'Insufficient privileges to perform the action.', 'ERR_FAUNA_FUNCTION_DENIED', /function's own role lacks a privilege/],
  ])('400 call error, %s: one attempt, denied, the cause named in the log', async (_name, cause, description, ourCode, hint) => {
    const scope = nock(TEST_ENDPOINT).post('/').reply(400, callErrorBody(cause, description), faunaHeaders());
    const { outcome } = await runLogin();
    expect(scope.isDone()).toBe(true);
    expect(outcome).toEqual({ kind: 'denied', code: ourCode, reason: DENY_REASON });
    expect(logLines.join('\n')).toMatch(hint);
    expect(logLines.join('\n')).toContain(`(call error: ${cause}, HTTP 400, 1 attempt(s))`);
  });

  it('continues the login without claims when ON_FAUNA_ERROR=continue', async () => {
    // An Action that did nothing would also deny nothing and set no claim: prove it asked Fauna,
    // met the failure, and logged the policy it followed.
    const scope = nock(TEST_ENDPOINT).post('/').reply(...faunaError(401, 'unauthorized'));
    const recorder = recordingPostLoginApi();
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let printed: string[];
    try {
      await onExecutePostLogin(event({ ...baseSecrets, ON_FAUNA_ERROR: 'continue' }), recorder.api);
    } finally {
      printed = spy.mock.calls.map(([line]) => String(line));
      spy.mockRestore();
    }
    expect(scope.isDone()).toBe(true);
    expect(recorder.denials).toEqual([]);
    expect(recorder.idTokenClaims).toEqual({});
    expect(recorder.accessTokenClaims).toEqual({});
    expect(printed).toEqual([
      expect.stringMatching(/ERR_FAUNA_UNAUTHORIZED: .*login continues without Fauna claims \(ON_FAUNA_ERROR=continue\)/),
    ]);
    nock(TEST_ENDPOINT).post('/').reply(...faunaError(401, 'unauthorized'));
    const { outcome } = await runLogin(event({ ...baseSecrets, ON_FAUNA_ERROR: 'continue' }));
    expect(outcome).toEqual({ kind: 'continued', code: 'ERR_FAUNA_UNAUTHORIZED' });
  });

  it('denies through the api with the generic reason only', async () => {
    nock(TEST_ENDPOINT).post('/').reply(...faunaError(403, 'permission denied'));
    const recorder = recordingPostLoginApi();
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let printed: string[];
    try {
      await onExecutePostLogin(event(), recorder.api);
    } finally {
      printed = spy.mock.calls.map(([line]) => String(line));
      spy.mockRestore();
    }
    expect(recorder.denials).toEqual([DENY_REASON]);
    expect(recorder.idTokenClaims).toEqual({});
    expect(DENY_REASON).not.toMatch(/fauna|secret|permission|ERR_/i);
    expect(printed).toEqual([expect.stringContaining('ERR_FAUNA_PERMISSION_DENIED')]);
    for (const line of printed) expect(line).not.toContain(TEST_FAUNA_KEY);
  });

  it('refuses an answer without a secret', async () => {
    nock(TEST_ENDPOINT).post('/').reply(200, resourceBody({ exp: EXP, user: 'created' }), faunaHeaders());
    const { outcome } = await runLogin();
    expect(outcome).toMatchObject({ kind: 'denied', code: 'ERR_FAUNA_UNEXPECTED_RESULT' });
  });

  it('aborts a request that hangs at the budget', async () => {
    nock(TEST_ENDPOINT).post('/').delay(30_000).reply(...okReply());
    const { outcome } = await runLogin(event({ ...baseSecrets, FAUNA_TIMEOUT_MS: '200' }));
    expect(outcome).toMatchObject({ kind: 'denied', code: 'ERR_FAUNA_TIMEOUT' });
    expect(logLines.join('\n')).toContain('did not answer within FAUNA_TIMEOUT_MS');
  });
});

describe('fauna-login: settings', () => {
  it('denies on missing settings and names them in the log, without contacting Fauna', async () => {
    const { outcome } = await runLogin(event({ FAUNA_SECRET: TEST_FAUNA_KEY, ALLOWED_CLIENT_IDS: 'client-web' }));
    expect(outcome).toEqual({ kind: 'denied', code: 'ERR_SETTINGS_INVALID', reason: DENY_REASON });
    expect(logLines.join('\n')).toContain('FAUNA_ENDPOINT is missing');
    expect(logLines.join('\n')).toContain('CLAIM_NAMESPACE is missing');
  });

  it('follows ON_FAUNA_ERROR=continue for invalid settings too', async () => {
    const { outcome } = await runLogin(event({ ...baseSecrets, FAUNA_SECRET_TTL: 'forever', ON_FAUNA_ERROR: 'continue' }));
    expect(outcome).toEqual({ kind: 'continued', code: 'ERR_SETTINGS_INVALID' });
    expect(logLines.join('\n')).toContain('FAUNA_SECRET_TTL must be a whole number of seconds from 60 to 2592000');
  });

  it('denies when ON_FAUNA_ERROR itself is unreadable', async () => {
    const { outcome } = await runLogin(event({ ...baseSecrets, ON_FAUNA_ERROR: 'shrug' }));
    expect(outcome).toMatchObject({ kind: 'denied' });
    expect(logLines.join('\n')).toContain('ON_FAUNA_ERROR must be "deny" or "continue"');
  });
});

describe('queryWithRetry', () => {
  it('stops after maxAttempts even when the budget would allow more', async () => {
    const scope = nock(TEST_ENDPOINT).post('/').times(3).reply(...faunaError(503, 'unavailable'));
    const client = createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT });
    const retried: number[] = [];
    await expect(
      queryWithRetry(client, q.Now(), { budgetMs: 60_000, maxAttempts: 3, sleep: async () => undefined, onRetry: (_f, n) => retried.push(n) }),
    ).rejects.toMatchObject({ code: 'ERR_FAUNA_UNAVAILABLE', attempts: 3, faunaCode: 'unavailable', status: 503 });
    expect(retried).toEqual([1, 2]);
    expect(scope.isDone()).toBe(true);
  });

  it('waits longer between later attempts', async () => {
    nock(TEST_ENDPOINT).post('/').times(4).reply(...faunaError(429, 'too many requests'));
    const client = createFaunaClient({ faunaSecret: TEST_FAUNA_KEY, faunaEndpoint: TEST_ENDPOINT });
    const waits: number[] = [];
    await expect(
      queryWithRetry(client, q.Now(), {
        budgetMs: 60_000,
        maxAttempts: 4,
        random: () => 1,
        sleep: async (ms) => void waits.push(ms),
      }),
    ).rejects.toMatchObject({ attempts: 4 });
    expect(waits).toEqual([25, 50, 100]);
  });
});
