/**
 * The parts of `npm run dev` that run without a browser or oidc-provider: the users file, the
 * app's config, and the built login Action run with a dev post-login event. The whole flow is
 * `npm run test:e2e` (test/e2e).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DENY_REASON } from '../../actions/fauna-login/mint-login-secret';
import { parseExampleAppConfig } from '../../examples/shared/config';
import { FakeFauna } from '../../fauna-in-process';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { assertLoginActionBuilt, loadPostLoginAction, type PostLoginInput } from '../../scripts/dev/post-login-action';
import { findDevUser, readDevUsers } from '../../scripts/dev/users';
import { capturePrintedLines } from '../support/printed-lines';

const USERS_FILE = path.resolve(__dirname, '../../examples/dev-users.json');
const ENDPOINT = 'http://127.0.0.1:8443';
const NS = 'http://localhost:3000/';

describe('the dev users file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-users-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (content: string) => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, content);
    return file;
  };

  it('ships alice and bob, found by id or email', () => {
    const users = readDevUsers(USERS_FILE);
    expect(users.map((u) => u.id)).toEqual(['alice', 'bob']);
    expect(findDevUser(users, 'alice')?.user_id).toBe('auth0|dev-alice');
    expect(findDevUser(users, 'bob@example.com')?.name).toBe('Bob Dylan');
    expect(findDevUser(users, 'mallory')).toBeUndefined();
    expect(findDevUser(users, undefined)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    ['no users', '{"users": []}', /needs a non-empty "users" array/],
    ['a user without user_id', '{"users": [{"id": "a", "name": "A"}]}', /users\[0\] needs a non-empty string "user_id"/],
    ['a repeated id', '{"users": [{"id": "a", "user_id": "x|1", "name": "A"}, {"id": "a", "user_id": "x|2", "name": "B"}]}', /users\[1\] repeats/],
    ['a non-string email', '{"users": [{"id": "a", "user_id": "x|1", "name": "A", "email": 5}]}', /"email" must be a string/],
  ])('refuses %s, naming the file and the entry', (_case, content, message) => {
    const file = write(content);
    expect(() => readDevUsers(file)).toThrow(expect.objectContaining({ code: 'ERR_DEV_USERS_FILE', message: expect.stringMatching(message) }));
    expect(() => readDevUsers(file)).toThrow(file);
  });
});

describe("the example app's config.json", () => {
  const valid = { auth0Domain: 'tenant.eu.auth0.com', auth0ClientId: 'abc', claimNamespace: NS, faunaEndpoint: ENDPOINT };

  it('accepts the four fields and an optional renewBeforeMs', () => {
    expect(parseExampleAppConfig(valid)).toEqual(valid);
    expect(parseExampleAppConfig({ ...valid, renewBeforeMs: 5000 })).toEqual({ ...valid, renewBeforeMs: 5000 });
  });

  it('names every wrong field', () => {
    expect(() => parseExampleAppConfig({ ...valid, auth0ClientId: '', faunaEndpoint: 3, renewBeforeMs: -1 })).toThrow(
      'config.json: auth0ClientId must be a non-empty string; faunaEndpoint must be a non-empty string; renewBeforeMs must be a number of milliseconds, 0 or more',
    );
    expect(() => parseExampleAppConfig([])).toThrow(/must be a JSON object/);
  });
});

describe('the built login Action as the dev login runs it', () => {
  const input = (userId: 'alice' | 'bob'): PostLoginInput => ({
    user: findDevUser(readDevUsers(USERS_FILE), userId)!,
    client: { client_id: 'auth0-fauna-example', name: 'auth0-fauna example app' },
    protocol: 'oidc-basic-profile',
    params: { scope: 'openid profile email', redirect_uri: 'http://localhost:3000/', response_type: 'code', state: 's', nonce: 'n' },
    request: { ip: '127.0.0.1', hostname: 'localhost:3001', method: 'GET', query: {} },
    sessionId: 'sess-1',
    authenticatedAt: Date.now(),
  });
  let loginKey = '';
  const printed = capturePrintedLines(() => [loginKey]).lines;

  it('is found built (npm test builds first); a stale or missing build says to run npm run build', () => {
    expect(assertLoginActionBuilt()).toMatch(/dist\/actions\/fauna-login\.js$/);
    // Every source now reads differently from what the build's sourcemap recorded.
    const readFile = fs.readFileSync;
    jest
      .spyOn(fs, 'readFileSync')
      .mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) =>
        String(file).endsWith('.map') ? readFile(file, options as BufferEncoding) : '// edited since the build') as typeof fs.readFileSync);
    expect(() => assertLoginActionBuilt()).toThrow(
      expect.objectContaining({ code: 'ERR_DEV_BUILD_STALE', message: expect.stringContaining('is older than its sources') }),
    );
    jest.spyOn(fs, 'existsSync').mockReturnValue(false);
    expect(() => assertLoginActionBuilt()).toThrow(
      expect.objectContaining({ code: 'ERR_DEV_BUILD_MISSING', message: expect.stringContaining('is missing: run `npm run build` first') }),
    );
  });

  it("mints a secret for the dev user with the login key setup:fauna creates; claims under the namespace", async () => {
    const fake = new FakeFauna();
    loginKey = (await applyProjectSchema(fake, { keys: ['create-action-key'] })).keys['create-action-key'] ?? '';
    fake.intercept(ENDPOINT);
    const run = loadPostLoginAction({ FAUNA_ENDPOINT: ENDPOINT, FAUNA_SECRET: loginKey, CLAIM_NAMESPACE: NS, FAUNA_SECRET_TTL: '60', ALLOWED_CLIENT_IDS: 'auth0-fauna-example' });

    const result = await run(input('alice'));
    expect(result.kind).toBe('continue');
    if (result.kind !== 'continue') return;
    expect(Object.keys(result.idTokenClaims).sort()).toEqual([`${NS}fauna_secret`, `${NS}fauna_secret_exp`]);
    expect(result.accessTokenClaims).toEqual([]);
    expect(fake.documents('users').map((u) => u.data)).toEqual([
      expect.objectContaining({ auth0_id: 'auth0|dev-alice', name: 'Alice Liddell', email: 'alice@example.com' }),
    ]);
    expect(fake.tokens().map((t) => t.secret)).toEqual([result.idTokenClaims[`${NS}fauna_secret`]]);
  });

  it('reports a deny with the reason the Action gave, as Auth0 would end the flow', async () => {
    // Nothing answers at this endpoint (nock refuses the connection): Fauna is unreachable.
    const run = loadPostLoginAction({
      FAUNA_ENDPOINT: 'http://127.0.0.1:1',
      FAUNA_SECRET: 'fnDEV_TEST_UNREACHABLE',
      CLAIM_NAMESPACE: NS,
      ALLOWED_CLIENT_IDS: 'auth0-fauna-example',
      ON_FAUNA_ERROR: 'deny',
      FAUNA_TIMEOUT_MS: '200',
    });
    expect(await run(input('bob'))).toEqual({ kind: 'denied', reason: DENY_REASON });
    expect(printed.join('\n')).toContain('[fauna-login]');
  });

  it('mints nothing for a login without the openid scope (no ID token is issued), and the login goes on', async () => {
    const run = loadPostLoginAction({ FAUNA_ENDPOINT: 'http://127.0.0.1:1', FAUNA_SECRET: 'fnDEV_TEST_NEVER_USED', CLAIM_NAMESPACE: NS, ALLOWED_CLIENT_IDS: 'auth0-fauna-example' });
    const result = await run({ ...input('alice'), params: { ...input('alice').params, scope: 'profile email' } });
    expect(result).toEqual({ kind: 'continue', idTokenClaims: {}, accessTokenClaims: [] });
    expect(printed).toEqual([expect.stringMatching(/^\[fauna-login\] ERR_OPENID_SCOPE_MISSING: /)]);
  });

  it("puts the session's id and its login time into the event; ends a login whose session predates a password change", async () => {
    const run = loadPostLoginAction({ FAUNA_ENDPOINT: 'http://127.0.0.1:1', FAUNA_SECRET: 'fnDEV_TEST_NEVER_USED', CLAIM_NAMESPACE: NS, ALLOWED_CLIENT_IDS: 'auth0-fauna-example' });
    const alice = findDevUser(readDevUsers(USERS_FILE), 'alice')!;
    const stale: PostLoginInput = {
      ...input('alice'),
      user: { ...alice, last_password_reset: new Date().toISOString() },
      authenticatedAt: Date.now() - 3_600_000,
    };
    // The Action revokes the session (as on Enterprise), which ends this login too.
    expect(await run(stale)).toEqual({ kind: 'denied', reason: DENY_REASON });
    expect(printed.join('\n')).toContain('ERR_SESSION_STALE: session revoked');
  });
});
