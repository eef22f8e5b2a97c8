/**
 * Logins against a stateful in-process Fauna (fauna-in-process/) answered through nock, the way
 * the Action reaches Fauna in production (global fetch). Each scenario starts from its own empty
 * database and clock and makes the logins it needs, so any one can run alone or in any order.
 */
import { Client, errors as faunaErrors, query as q, type ClientConfig } from 'faunadb';
import nock from 'nock';
import { onExecutePostLogin } from '../../actions/fauna-login/index';
import { SECRET_CLAIM, SECRET_EXP_CLAIM } from '../../actions/fauna-login/claims';
import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../../actions/lib/schema-names';
import type { PostLoginApi, PostLoginEvent } from '../../actions/types/auth0-actions';
import fixture from '../../scripts/fixtures/post-login-event.json';
import { FakeFauna, createLoginSchema } from '../../fauna-in-process';
import { TEST_ENDPOINT, TEST_FAUNA_KEY } from '../support/fauna-wire';
import { loadBundle, recordingPostLoginApi } from '../support/load-bundle';

type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

const NS = 'https://app.example.com/';
const TTL_SECONDS = 3600;
const START = Date.UTC(2030, 0, 1, 8, 0, 0);
const ADMIN_KEY = 'fnSCENARIO_ADMIN_KEY';

let clock = START;
let fake: FakeFauna;

/** Every secret this scenario's logins were handed, to prove none reached a log line. */
let mintedSecrets: string[] = [];
let logLines: string[] = [];

function event(user: Partial<PostLoginEvent['user']> = {}): PostLoginEvent {
  return {
    ...(fixture as unknown as PostLoginEvent),
    user: { ...fixture.user, ...user },
    secrets: {
      FAUNA_SECRET: TEST_FAUNA_KEY,
      FAUNA_ENDPOINT: TEST_ENDPOINT,
      CLAIM_NAMESPACE: NS,
      FAUNA_SECRET_TTL: String(TTL_SECONDS),
      ALLOWED_CLIENT_IDS: fixture.client.client_id,
    },
  };
}

async function login(handler: OnExecutePostLogin, e: PostLoginEvent = event()) {
  const recorder = recordingPostLoginApi();
  await handler(e, recorder.api as unknown as PostLoginApi);
  const secret = recorder.idTokenClaims[`${NS}${SECRET_CLAIM}`];
  if (typeof secret === 'string') mintedSecrets.push(secret);
  return { ...recorder, secret, exp: recorder.idTokenClaims[`${NS}${SECRET_EXP_CLAIM}`] };
}

function faunaClient(secret: string): Client {
  return new Client({
    secret,
    endpoint: TEST_ENDPOINT,
    fetch: fake.fetch as unknown as ClientConfig['fetch'],
    checkNewVersion: false,
  });
}

const usersWrites = () => fake.stats.writesByCollection[USERS_COLLECTION] ?? 0;

beforeEach(async () => {
  clock = START;
  fake = new FakeFauna({ now: () => clock, secrets: { [TEST_FAUNA_KEY]: 'server', [ADMIN_KEY]: 'admin' } });
  await createLoginSchema(fake);
  // no-network.ts clears nock after each test.
  fake.intercept(TEST_ENDPOINT);
  mintedSecrets = [];
  logLines = [];
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logLines.push(args.map(String).join(' '));
    });
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const line of logLines) {
    expect(line).not.toContain(TEST_FAUNA_KEY);
    for (const secret of mintedSecrets) expect(line).not.toContain(secret);
  }
});

describe('login scenarios against a stateful Fauna', () => {
  it('first login through the built bundle: creates the user, one jwt document, one expiring token, claims on the ID token only', async () => {
    const bundle = loadBundle('fauna-login').exports.onExecutePostLogin as OnExecutePostLogin;
    const requestsBefore = fake.stats.requests;

    const result = await login(bundle);

    expect(fake.stats.requests - requestsBefore).toBe(1);
    const sent = fake.requests[fake.requests.length - 1];
    // One request: the call of the function login, which does the whole login in one transaction.
    expect(sent).toMatchObject({ call: { function: 'login' }, arguments: { object: { auth0_id: fixture.user.user_id, client_id: fixture.client.client_id } } });
    expect(result.denials).toEqual([]);
    expect(result.accessTokenClaims).toEqual({});
    expect(Object.keys(result.idTokenClaims).sort()).toEqual([`${NS}${SECRET_CLAIM}`, `${NS}${SECRET_EXP_CLAIM}`]);

    const users = fake.documents(USERS_COLLECTION);
    expect(users).toHaveLength(1);
    expect(users[0].data).toEqual({ auth0_id: fixture.user.user_id, email: fixture.user.email, name: fixture.user.name, email_verified: fixture.user.email_verified });

    const jwts = fake.documents(AUTH0_JWT_COLLECTION);
    expect(jwts).toHaveLength(1);
    expect(jwts[0].data).toMatchObject({
      user: { collection: USERS_COLLECTION, id: users[0].id },
      client_id: fixture.client.client_id,
      // The Auth0 session the login ran in, for end_login.
      session_id: fixture.session.id,
      exp: new Date(START + TTL_SECONDS * 1000),
    });
    expect(jwts[0].ttl).toBe(START + TTL_SECONDS * 1000);

    const tokens = fake.tokens();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ instance: { collection: AUTH0_JWT_COLLECTION, id: jwts[0].id }, ttl: START + TTL_SECONDS * 1000 });
    expect(result.secret).toBe(tokens[0].secret);
    expect(result.exp).toBe(START / 1000 + TTL_SECONDS);
  });

  it('returning login with an unchanged profile: no write to the user document, a new jwt document and token', async () => {
    await login(onExecutePostLogin);
    clock += 60_000;
    const writesBefore = usersWrites();
    const previous = fake.tokens().map((t) => t.secret);

    const result = await login(onExecutePostLogin);

    expect(usersWrites()).toBe(writesBefore);
    expect(fake.documents(USERS_COLLECTION)).toHaveLength(1);
    expect(fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(2);
    expect(fake.tokens()).toHaveLength(2);
    expect(previous).not.toContain(result.secret);
    expect(fake.tokens().map((t) => t.secret)).toContain(result.secret);
    expect(result.exp).toBe(clock / 1000 + TTL_SECONDS);
  });

  it('returning login with a changed email: exactly one update of the user document', async () => {
    await login(onExecutePostLogin);
    const writesBefore = usersWrites();

    const result = await login(onExecutePostLogin, event({ email: 'ada@lovelace.example' }));

    expect(typeof result.secret).toBe('string');
    expect(usersWrites()).toBe(writesBefore + 1);
    const [user] = fake.documents(USERS_COLLECTION);
    expect(user.data).toMatchObject({ email: 'ada@lovelace.example', name: fixture.user.name });
  });

  it('two racing first logins of one user: one user document, a secret each, the loser retried', async () => {
    const racer = event({ user_id: 'auth0|racer', email: 'racer@example.com', name: 'Racer' });
    const requestsBefore = fake.stats.requests;
    const jwtsBefore = fake.documents(AUTH0_JWT_COLLECTION).length;
    const tokensBefore = fake.tokens().length;

    const release = fake.holdCommits();
    // Through the built bundle, as Auth0 runs it: its retry classifier must read the cause.
    const bundle = loadBundle('fauna-login').exports.onExecutePostLogin as OnExecutePostLogin;
    const both = Promise.all([login(bundle, racer), login(bundle, racer)]);
    // Release only once both logins have been evaluated against the same (userless) state.
    while (fake.stats.requests < requestsBefore + 2) await new Promise((resolve) => setTimeout(resolve, 1));
    release();
    const [a, b] = await both;

    const racers = fake.documents(USERS_COLLECTION).filter((u) => u.data.auth0_id === 'auth0|racer');
    expect(racers).toHaveLength(1);
    expect(fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(jwtsBefore + 2);
    expect(fake.tokens()).toHaveLength(tokensBefore + 2);
    expect(typeof a.secret).toBe('string');
    expect(typeof b.secret).toBe('string');
    expect(a.secret).not.toBe(b.secret);
    expect([a.denials, b.denials]).toEqual([[], []]);
    // Two racers plus the loser's retry, which the Action logged with Fauna's code: inside the
    // function login the lost race is 400 `call error` whose cause is `instance not unique` (the
    // core may instead answer 409 once its own contention retries run out). Either is retried once.
    expect(fake.stats.requests - requestsBefore).toBe(3);
    expect(logLines.filter((line) => line.includes('retrying'))).toEqual([
      expect.stringMatching(/Fauna attempt 1 failed \((call error: instance not unique, HTTP 400|contended transaction, HTTP 409)\); retrying/),
    ]);
  });

  it('expiry: past the TTL the jwt documents and tokens are gone and the secrets get 401', async () => {
    await login(onExecutePostLogin);
    clock += 60_000;
    await login(onExecutePostLogin, event({ user_id: 'auth0|second', email: 'second@example.com', name: 'Second' }));
    expect(mintedSecrets).toHaveLength(2);
    expect(fake.tokens()).toHaveLength(2);
    for (const secret of mintedSecrets) expect(await faunaClient(secret).query(q.HasCurrentIdentity())).toBe(true);

    clock += (TTL_SECONDS + 120) * 1000;

    expect(fake.documents(AUTH0_JWT_COLLECTION)).toHaveLength(0);
    expect(fake.tokens()).toHaveLength(0);
    for (const minted of mintedSecrets) {
      await expect(faunaClient(minted).query(q.Now())).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
    }
    // The users outlive their logins.
    expect(fake.documents(USERS_COLLECTION)).toHaveLength(2);
  });
});

describe('a database without the schema', () => {
  it('answers 400 invalid ref, as the core does for a missing name; the login is denied and the log says to run setup:fauna', async () => {
    const empty = new FakeFauna({ now: () => clock, secrets: { [TEST_FAUNA_KEY]: 'server' } });
    nock.cleanAll();
    empty.intercept(TEST_ENDPOINT);

    const result = await login(onExecutePostLogin);

    expect(result.denials).toHaveLength(1);
    expect(result.idTokenClaims).toEqual({});
    expect(empty.documents(USERS_COLLECTION)).toEqual([]);
    expect(logLines).toEqual([
      expect.stringMatching(/ERR_FAUNA_SCHEMA_MISSING: Fauna query failed \(invalid ref, HTTP 400, 1 attempt\(s\)\): .*does not exist \(the Actions call login and revoke_user\); run `npm run setup:fauna`/),
    ]);
  });
});
