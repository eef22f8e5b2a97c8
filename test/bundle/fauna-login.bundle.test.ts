import fs from 'node:fs';
import nock from 'nock';
import { TEST_ENDPOINT, TEST_FAUNA_KEY, errorBody, faunaHeaders, findCalls, parseRequestBody, resourceBody } from '../support/fauna-wire';
import { bundlePath, loadBundle, recordingPostLoginApi, staleSources } from '../support/load-bundle';
import { bundleHeaderPattern } from '../../scripts/deploy/bundles';
import { capturePrintedLines } from '../support/printed-lines';
import { onExecutePostLogin as onExecutePostLoginFromSource } from '../../actions/fauna-login/index';

// `npm test` builds before jest runs; these tests exercise what deploy-tenant ships.
const AUTH0_CODE_LIMIT_BYTES = 100_000;
const NS = 'https://app.example.com/';
const MINTED = 'fnEBUNDLE_MINTED_SECRET_0123456789abcdef';

type PostLogin = (event: unknown, api: unknown) => Promise<void>;

function freshAction(): PostLogin {
  const { exports } = loadBundle('fauna-login');
  return exports.onExecutePostLogin as PostLogin;
}

function event(extra: Record<string, string> = {}, clientId = 'client-web') {
  return {
    user: { user_id: 'google-oauth2|1234', email: 'grace@example.com', name: 'Grace Hopper' },
    client: { client_id: clientId, name: 'Web' },
    transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile', 'email'] },
    secrets: { FAUNA_SECRET: TEST_FAUNA_KEY, FAUNA_ENDPOINT: TEST_ENDPOINT, CLAIM_NAMESPACE: NS, ALLOWED_CLIENT_IDS: 'client-web', ...extra },
  };
}

const printed = capturePrintedLines(() => [TEST_FAUNA_KEY, MINTED]).lines;

describe('dist/actions/fauna-login.js as Auth0 loads it', () => {
  it(`fits Auth0's ${AUTH0_CODE_LIMIT_BYTES}-byte code limit`, () => {
    expect(fs.statSync(bundlePath('fauna-login')).size).toBeLessThanOrEqual(AUTH0_CODE_LIMIT_BYTES);
  });

  it('requires only Node built-ins and exports the post-login handler', () => {
    const { exports, required } = loadBundle('fauna-login');
    expect(typeof exports.onExecutePostLogin).toBe('function');
    expect(required.length).toBeGreaterThan(0);
    expect(required.every((id) => !id.startsWith('.') && !id.includes('/'))).toBe(true);
  });

  it('is built from this checkout: every file it bundles is unchanged since the build', () => {
    expect(staleSources('fauna-login')).toEqual([]);
  });

  it('starts with a header naming the build, and has a sourcemap beside it', () => {
    const firstLine = fs.readFileSync(bundlePath('fauna-login'), 'utf8').split('\n')[0];
    expect(firstLine).toMatch(bundleHeaderPattern('fauna-login'));
    expect(firstLine).toContain(', faunadb 4.8.2');
    expect(fs.existsSync(`${bundlePath('fauna-login')}.map`)).toBe(true);
  });

  it('mints a secret and sets the ID token claims in one Fauna request', async () => {
    const bodies: unknown[] = [];
    const scope = nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${TEST_FAUNA_KEY}` } })
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(200, resourceBody({ secret: MINTED, exp: 1_900_000_000, user: 'unchanged' }), faunaHeaders());
    const { api, idTokenClaims, accessTokenClaims, denials } = recordingPostLoginApi();

    await freshAction()(event(), api);

    expect(scope.isDone()).toBe(true);
    expect(bodies).toHaveLength(1);
    // The one request is the call of login: the minting happens inside the function.
    expect(findCalls(bodies[0], 'call')).toEqual([{ function: 'login' }]);
    expect(idTokenClaims).toEqual({ [`${NS}fauna_secret`]: MINTED, [`${NS}fauna_secret_exp`]: 1_900_000_000 });
    expect(accessTokenClaims).toEqual({});
    expect(denials).toEqual([]);
  });

  it('sends Fauna exactly the request the unmodified driver sends (the size work changes nothing on the wire)', async () => {
    const bodies: string[] = [];
    nock(TEST_ENDPOINT)
      .post('/', (body) => bodies.push(JSON.stringify(body)) > 0)
      .times(2)
      .reply(200, resourceBody({ secret: MINTED, exp: 1_900_000_000, user: 'created' }), faunaHeaders());

    await freshAction()(event(), recordingPostLoginApi().api);
    await onExecutePostLoginFromSource(event(), recordingPostLoginApi().api);

    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
  });

  it('retries a 503 and denies a 401 with the generic reason', async () => {
    nock(TEST_ENDPOINT)
      .post('/')
      .reply(503, errorBody('unavailable', 'busy'), faunaHeaders())
      .post('/')
      .reply(401, errorBody('unauthorized', 'bad key'), faunaHeaders());
    const { api, idTokenClaims, denials } = recordingPostLoginApi();

    await freshAction()(event(), api);

    expect(idTokenClaims).toEqual({});
    expect(denials).toEqual(['Sign-in is temporarily unavailable. Please try again in a moment.']);
    expect(printed.join('\n')).toContain('ERR_FAUNA_UNAUTHORIZED');
    expect(printed.join('\n')).toContain('attempt 1 failed (unavailable, HTTP 503); retrying');
  });

  it('aborts a hung request at FAUNA_TIMEOUT_MS and lets the login continue when so configured', async () => {
    nock(TEST_ENDPOINT).post('/').delay(30_000).reply(200, resourceBody({}), faunaHeaders());
    const { api, idTokenClaims, denials } = recordingPostLoginApi();

    await freshAction()(event({ FAUNA_TIMEOUT_MS: '150', ON_FAUNA_ERROR: 'continue' }), api);

    expect(idTokenClaims).toEqual({});
    expect(denials).toEqual([]);
    expect(printed.join('\n')).toContain('ERR_FAUNA_TIMEOUT');
  });

  it('leaves logins through other clients alone', async () => {
    const { api, idTokenClaims, denials } = recordingPostLoginApi();
    await freshAction()(event({ ALLOWED_CLIENT_IDS: 'client-mobile' }), api);
    expect(idTokenClaims).toEqual({});
    expect(denials).toEqual([]);
  });
});
