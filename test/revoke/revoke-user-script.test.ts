import nock from 'nock';
import { runRevokeUser } from '../../scripts/revoke-user';
import { TEST_ENDPOINT, faunaHeaders, parseRequestBody, resourceBody } from '../support/fauna-wire';
import { FakeTenant, REVOKE_CLIENT_ID, REVOKE_CLIENT_SECRET, TEST_DOMAIN, type TenantSeed } from '../deploy/support/fake-tenant';

const REVOKE_KEY = 'fnREVOKE_KEY_for_revoke_user_tests_never_printed_4';
const ADMIN_KEY = 'fnADMIN_KEY_for_revoke_tests_do_not_print_9';
const ENV = { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_REVOKE_SECRET: REVOKE_KEY };
const AUTH0 = { AUTH0_DOMAIN: TEST_DOMAIN, AUTH0_REVOKE_CLIENT_ID: REVOKE_CLIENT_ID, AUTH0_REVOKE_CLIENT_SECRET: REVOKE_CLIENT_SECRET };
const USER_ID = 'google-oauth2|1234';

/** What happened, in order: Auth0 Management API requests and Fauna queries on one timeline. */
const timeline: string[] = [];

function fauna(key = REVOKE_KEY, replies = [resourceBody({ user: true, logins: 1, tokens: 1, more: false })]) {
  const bodies: unknown[] = [];
  const scope = nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${key}` } });
  for (const reply of replies) {
    scope
      .post('/', (body) => {
        timeline.push('fauna');
        return bodies.push(parseRequestBody(body)) > 0;
      })
      .reply(200, reply, faunaHeaders());
  }
  return bodies;
}

async function revoke(argv: string[], env: Record<string, string> = ENV, seed?: TenantSeed) {
  timeline.length = 0;
  const tenant = new FakeTenant(seed ?? {}, (request) => timeline.push(`${request.method} ${request.path}`)).install();
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runRevokeUser(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l), fetch: globalThis.fetch });
    for (const line of [...out, ...err]) {
      for (const secret of [REVOKE_KEY, ADMIN_KEY, REVOKE_CLIENT_SECRET]) expect(line).not.toContain(secret.slice(-12));
    }
    return { code, out, err, tenant };
  } finally {
    tenant.uninstall();
  }
}

describe('npm run revoke:user: the user id', () => {
  it.each([[['auth0']], [['google-oauth2']], [['64f0c2a1b2c3']]])('refuses %j, an id without |, with the hint to quote it, and sends nothing', async (argv) => {
    const { code, err, tenant } = await revoke(argv);
    expect(code).toBe(2);
    expect(err[0]).toBe(
      `ERR_USAGE: "${argv[0]}" is not an Auth0 user id (they read provider|id, e.g. auth0|64f0c2a1b2c3d4e5f6a7b8c9). Unquoted, a shell takes | as a pipe and passes only the part before it: quote the id, npm run revoke:user -- '${argv[0]}|…'`,
    );
    expect(tenant.requests).toEqual([]);
  });

  it.each([[[]], [['a|1', 'b|2']], [['--all']]])('refuses %j with the usage', async (argv) => {
    const { code, err } = await revoke(argv);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^ERR_USAGE/);
    expect(err.join('\n')).toContain("Quote the id: it contains a | (e.g. 'auth0|64f0c2a1b2c3d4e5f6a7b8c9')");
  });
});

describe('npm run revoke:user: Fauna, with the revoke key alone', () => {
  it('revokes every page with FAUNA_REVOKE_SECRET (no admin key), and says Auth0 was not contacted and what stays open', async () => {
    const bodies = fauna(REVOKE_KEY, [
      resourceBody({ user: true, logins: 2, tokens: 2, more: true }),
      resourceBody({ user: true, logins: 1, tokens: 1, more: false }),
    ]);
    const { code, out } = await revoke([USER_ID]);
    expect(code).toBe(0);
    expect(bodies).toHaveLength(2);
    // Each a call of revoke_user with the user id: it answers what it ended, and `more` while logins remain.
    expect(bodies).toEqual([0, 1].map(() => ({ call: { function: 'revoke_user' }, arguments: USER_ID })));
    expect(out).toEqual([
      'Auth0: not contacted (AUTH0_REVOKE_CLIENT_ID / AUTH0_REVOKE_CLIENT_SECRET are not set). The user\'s Auth0 session and refresh tokens stay valid: the next silent login or refresh gets a new Fauna secret. See "Revoke a user" in docs/deploy-and-operate.md.',
      `Fauna: revoked 3 secret(s) of ${USER_ID} (3 login(s)).`,
    ]);
  });

  it('uses FAUNA_ADMIN_SECRET only when the revoke key is not set, saying the revoke key is enough', async () => {
    fauna(ADMIN_KEY);
    const { code, out } = await revoke([USER_ID], { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: ADMIN_KEY });
    expect(code).toBe(0);
    expect(out[0]).toBe('Using FAUNA_ADMIN_SECRET because FAUNA_REVOKE_SECRET is not set: the revoke key is enough, and far weaker if it leaks.');
  });

  it('says there is nothing to revoke for an unknown user, and succeeds', async () => {
    fauna(REVOKE_KEY, [resourceBody({ user: false, logins: 0, tokens: 0, more: false })]);
    const { code, out } = await revoke([USER_ID]);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe(`Fauna: no user for ${USER_ID}: nothing to revoke (0 secrets).`);
  });

  it('names the missing variables and sends nothing', async () => {
    const { code, err } = await revoke([USER_ID], {});
    expect(code).toBe(1);
    expect(err).toEqual([
      'ERR_SETTINGS_INVALID: FAUNA_ENDPOINT is missing: set it in the environment or .env (e.g. https://fauna.example.com:8443)',
      "ERR_SETTINGS_INVALID: FAUNA_REVOKE_SECRET is missing: set it to the revoke Action's key (npm run setup:fauna -- --create-revoke-key)",
    ]);
  });

  it('fails with the code, a hint naming the key it used, and the count so far when Fauna refuses', async () => {
    nock(TEST_ENDPOINT).post('/').reply(401, JSON.stringify({ errors: [{ code: 'unauthorized', description: 'Unauthorized' }] }), faunaHeaders());
    const { code, out, err } = await revoke([USER_ID]);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('ERR_FAUNA_UNAUTHORIZED');
    expect(err.join('\n')).toContain('FAUNA_REVOKE_SECRET is not a valid key for FAUNA_ENDPOINT');
    // The key the script used is named, never the login Action's setting.
    expect(err.join('\n')).not.toMatch(/\bFAUNA_SECRET\b/);
    expect(out.at(-1)).toContain('Fauna: revoked 0 secret(s)');
  });
});

describe('npm run revoke:user: Auth0, with its own credential', () => {
  it('on an Enterprise plan ends sessions, refresh tokens and grants, all before Fauna, and leaves nothing open', async () => {
    fauna();
    const { code, out, tenant } = await revoke([USER_ID], { ...ENV, ...AUTH0 }, { plan: 'enterprise' });
    expect(code).toBe(0);
    expect(out).toEqual([
      "Auth0: ended the user's Auth0 sessions.",
      "Auth0: ended the user's refresh tokens.",
      "Auth0: ended the user's grants (and the refresh tokens issued under them).",
      `Fauna: revoked 1 secret(s) of ${USER_ID} (1 login(s)).`,
    ]);
    expect(tenant.ended).toEqual({ sessions: [USER_ID], refreshTokens: [USER_ID], grants: [USER_ID] });
    expect(timeline).toEqual([
      'POST /oauth/token',
      `DELETE /api/v2/users/${USER_ID}/sessions`,
      `DELETE /api/v2/users/${USER_ID}/refresh-tokens`,
      'DELETE /api/v2/grants',
      'fauna',
    ]);
  });

  it.each([[403 as const], [404 as const]])('on another plan (HTTP %d) says sessions cannot be ended there, ends the refresh tokens through the grants, and says what stays open', async (status) => {
    fauna();
    const { code, out, tenant } = await revoke([USER_ID], { ...ENV, ...AUTH0 }, { plan: 'other', notOnPlanStatus: status });
    expect(code).toBe(0);
    expect(out).toEqual([
      `Auth0: could not end the user's Auth0 sessions: not available on this tenant's plan (HTTP ${status}; Enterprise plans only).`,
      `Auth0: could not end the user's refresh tokens: not available on this tenant's plan (HTTP ${status}; Enterprise plans only).`,
      "Auth0: ended the user's grants (and the refresh tokens issued under them).",
      "Still open: the user's Auth0 session. A browser that holds it gets a new Fauna secret at its next silent login, until the session expires or the user logs out; block the user (Dashboard > User Management) to stop that now.",
      `Fauna: revoked 1 secret(s) of ${USER_ID} (1 login(s)).`,
    ]);
    expect(tenant.ended).toEqual({ sessions: [], refreshTokens: [], grants: [USER_ID] });
  });

  it('runs only the steps its scopes allow, saying which scope each skipped one lacks', async () => {
    fauna();
    const clients = { [REVOKE_CLIENT_ID]: { secret: REVOKE_CLIENT_SECRET, scopes: ['delete:grants'] } };
    const { code, out, tenant } = await revoke([USER_ID], { ...ENV, ...AUTH0 }, { plan: 'enterprise', clients });
    expect(code).toBe(0);
    expect(out.slice(0, 2)).toEqual([
      "Auth0: did not end the user's Auth0 sessions: the credential lacks delete:sessions (end the user's Auth0 sessions (DELETE /api/v2/users/{id}/sessions; Enterprise plans)).",
      "Auth0: did not end the user's refresh tokens: the credential lacks delete:refresh_tokens (revoke the user's refresh tokens (DELETE /api/v2/users/{id}/refresh-tokens; Enterprise plans)).",
    ]);
    expect(tenant.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth/token', 'DELETE /api/v2/grants']);
  });

  it('a failed step is FAILED, exits 1, and the Fauna secrets are revoked all the same', async () => {
    fauna();
    const { code, out } = await revoke([USER_ID], { ...ENV, ...AUTH0 }, { plan: 'enterprise', failures: [{ method: 'DELETE', path: '^/api/v2/grants$', status: 400 }] });
    expect(code).toBe(1);
    expect(out).toContain("Auth0: FAILED to end the user's grants (and the refresh tokens issued under them): HTTP 400; run the command again.");
    expect(out.at(-1)).toBe(`Fauna: revoked 1 secret(s) of ${USER_ID} (1 login(s)).`);
  });

  it('a credential the tenant refuses is named, and Fauna is still revoked', async () => {
    fauna();
    const { code, err, out } = await revoke([USER_ID], { ...ENV, ...AUTH0, AUTH0_REVOKE_CLIENT_SECRET: 'wrong-secret' });
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^ERR_DEPLOY_AUTH0_CREDENTIALS: The tenant deploy-test\.eu\.auth0\.com refused the Management API credential:\n {2}- HTTP 401 access_denied: Unauthorized; check AUTH0_REVOKE_CLIENT_ID and AUTH0_REVOKE_CLIENT_SECRET/);
    expect(out.at(-1)).toBe(`Fauna: revoked 1 secret(s) of ${USER_ID} (1 login(s)).`);
  });

  it('a credential set half-way is named, and nothing is sent', async () => {
    const { code, err, tenant } = await revoke([USER_ID], { ...ENV, AUTH0_DOMAIN: TEST_DOMAIN, AUTH0_REVOKE_CLIENT_ID: REVOKE_CLIENT_ID });
    expect(code).toBe(1);
    expect(err).toEqual([
      "ERR_SETTINGS_INVALID: AUTH0_REVOKE_CLIENT_SECRET is missing: set it to revoke:user's own Management API machine-to-machine app's value (see .env.example)",
    ]);
    expect(tenant.requests).toEqual([]);
  });
});
