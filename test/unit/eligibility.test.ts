/**
 * Which logins get a Fauna secret (actions/fauna-login/eligibility.ts): every refusal makes no
 * Fauna request, logs one line with its code, and does not deny the login — except a session
 * older than the last password change, which is ended.
 */
import nock from 'nock';
import { onExecutePostLogin } from '../../actions/fauna-login/index';
import {
  MINTING_PROTOCOLS,
  STALE_SESSION_SLACK_MS,
  admitLogin,
  endStaleSession,
  latestFirstFactorAt,
  type LoginFacts,
} from '../../actions/fauna-login/eligibility';
import { DENY_REASON } from '../../actions/fauna-login/mint-login-secret';
import type { AuthenticationMethod, PostLoginEvent } from '../../actions/types/auth0-actions';
import { TEST_ENDPOINT, TEST_FAUNA_KEY, faunaHeaders, resourceBody } from '../support/fauna-wire';
import { recordingPostLoginApi } from '../support/load-bundle';
import { capturePrintedLines } from '../support/printed-lines';

const CLIENT = 'spa-client-id';
const SECRETS = {
  FAUNA_SECRET: TEST_FAUNA_KEY,
  FAUNA_ENDPOINT: TEST_ENDPOINT,
  CLAIM_NAMESPACE: 'https://app.example.com/',
  ALLOWED_CLIENT_IDS: `other-app, ${CLIENT}`,
};
const RESET = '2026-03-01T10:00:00.000Z';
const RESET_MS = Date.parse(RESET);
const at = (ms: number) => new Date(ms).toISOString();

function facts(overrides: Partial<LoginFacts> = {}): LoginFacts {
  return {
    clientId: CLIENT,
    user: {},
    transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile'] },
    authentication: { methods: [{ name: 'pwd', timestamp: at(RESET_MS + 60_000) }] },
    ...overrides,
  };
}

const verdict = (f: LoginFacts, secrets: Record<string, string | undefined> = SECRETS) => {
  const admission = admitLogin(f, secrets);
  return admission.kind === 'admitted' ? 'admitted' : admission.code;
};

describe('admitLogin: only the apps you name', () => {
  it('admits an allowed client in the code flow with openid', () => {
    expect(verdict(facts())).toBe('admitted');
  });

  it('fails closed without ALLOWED_CLIENT_IDS, or with a list that names no client', () => {
    const { ALLOWED_CLIENT_IDS: _unset, ...withoutList } = SECRETS;
    expect(admitLogin(facts(), withoutList)).toEqual({
      kind: 'refused',
      code: 'ERR_ALLOWED_CLIENTS_UNSET',
      level: 'error',
      message: expect.stringMatching(/^ERR_ALLOWED_CLIENTS_UNSET: ALLOWED_CLIENT_IDS is missing: .*no client gets a Fauna secret until it lists your app's client id$/),
    });
    expect(verdict(facts(), { ...SECRETS, ALLOWED_CLIENT_IDS: ' , ' })).toBe('ERR_ALLOWED_CLIENTS_UNSET');
    expect(admitLogin(facts(), { ...SECRETS, ALLOWED_CLIENT_IDS: ' , ' })).toMatchObject({ message: expect.stringContaining('ALLOWED_CLIENT_IDS must list at least one client id') });
  });

  it('refuses a client that is not listed (exact match, not a prefix)', () => {
    expect(verdict(facts({ clientId: 'spa-client' }))).toBe('ERR_CLIENT_NOT_ALLOWED');
    expect(verdict(facts({ clientId: `${CLIENT}x` }))).toBe('ERR_CLIENT_NOT_ALLOWED');
  });
});

describe('admitLogin: only flows that keep the ID token off the front channel', () => {
  it('mints for the code flow and refresh exchanges only', () => {
    expect(MINTING_PROTOCOLS).toEqual(['oidc-basic-profile', 'oauth2-refresh-token']);
    expect(verdict(facts({ transaction: { protocol: 'oauth2-refresh-token', requested_scopes: ['openid'] } }))).toBe('admitted');
  });

  it.each([
    'oidc-implicit-profile',
    'oidc-hybrid-profile',
    'oauth2-password',
    'oauth2-resource-owner',
    'oauth2-device-code',
    'oauth2-token-exchange',
    'oauth2-access-token',
    'samlp',
    'wsfed',
    'some-future-protocol',
  ])('refuses %s', (protocol) => {
    const admission = admitLogin(facts({ transaction: { protocol, requested_scopes: ['openid'] } }), SECRETS);
    expect(admission).toMatchObject({ kind: 'refused', code: 'ERR_PROTOCOL_NOT_ALLOWED', level: 'warn' });
    expect(admission.kind === 'refused' && admission.message).toContain(`transaction protocol ${protocol} is not oidc-basic-profile or oauth2-refresh-token`);
  });

  it('refuses an event without a transaction or a protocol (fails closed)', () => {
    expect(verdict(facts({ transaction: undefined }))).toBe('ERR_PROTOCOL_NOT_ALLOWED');
    expect(verdict(facts({ transaction: { requested_scopes: ['openid'] } }))).toBe('ERR_PROTOCOL_NOT_ALLOWED');
  });

  it('cuts a long protocol value short in the log line', () => {
    const admission = admitLogin(facts({ transaction: { protocol: 'x'.repeat(500) } }), SECRETS);
    expect(admission.kind === 'refused' && admission.message.length).toBeLessThan(300);
  });
});

describe('admitLogin: no ID token, no secret', () => {
  it('refuses a code flow whose requested scopes lack openid, even an empty list', () => {
    expect(verdict(facts({ transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['profile', 'email'] } }))).toBe('ERR_OPENID_SCOPE_MISSING');
    expect(verdict(facts({ transaction: { protocol: 'oidc-basic-profile', requested_scopes: [] } }))).toBe('ERR_OPENID_SCOPE_MISSING');
  });

  it('does not make a refresh exchange depend on a scope the client does not send', () => {
    expect(verdict(facts({ transaction: { protocol: 'oauth2-refresh-token', requested_scopes: [] } }))).toBe('admitted');
    expect(verdict(facts({ transaction: { protocol: 'oauth2-refresh-token' } }))).toBe('admitted');
    // One that names scopes without openid asks for no ID token.
    expect(verdict(facts({ transaction: { protocol: 'oauth2-refresh-token', requested_scopes: ['read:notes'] } }))).toBe('ERR_OPENID_SCOPE_MISSING');
  });

  it('admits a code flow whose event carries no requested_scopes', () => {
    expect(verdict(facts({ transaction: { protocol: 'oidc-basic-profile' } }))).toBe('admitted');
  });
});

describe('admitLogin: a session older than the last password change', () => {
  const methods = (...list: AuthenticationMethod[]) => ({ methods: list });
  const reset = { last_password_reset: RESET };

  it('admits a user with no password change on record (social, passwordless, never reset)', () => {
    expect(verdict(facts({ user: {}, authentication: methods({ name: 'federated', timestamp: at(RESET_MS - 86_400_000) }) }))).toBe('admitted');
    expect(verdict(facts({ user: {}, authentication: undefined }))).toBe('admitted');
  });

  it('admits a session that authenticated after the change, refuses one from before', () => {
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: at(RESET_MS + 5_000) }) }))).toBe('admitted');
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: at(RESET_MS - 3_600_000) }) }))).toBe('ERR_SESSION_STALE');
  });

  it(`allows ${STALE_SESSION_SLACK_MS} ms of slack, not one more`, () => {
    expect(STALE_SESSION_SLACK_MS).toBe(2_000);
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: at(RESET_MS - STALE_SESSION_SLACK_MS) }) }))).toBe('admitted');
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: at(RESET_MS - STALE_SESSION_SLACK_MS - 1) }) }))).toBe('ERR_SESSION_STALE');
  });

  it('compares the latest first factor; mfa and custom (URL) later factors do not count', () => {
    const before = at(RESET_MS - 600_000);
    const after = at(RESET_MS + 600_000);
    // An MFA step after the change does not refresh a first factor from before it.
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: before }, { name: 'mfa', timestamp: after }) }))).toBe('ERR_SESSION_STALE');
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: before }, { name: 'https://factors.example.com/otp', timestamp: after }) }))).toBe('ERR_SESSION_STALE');
    // A new first factor after the change (a fresh login in the same session) does.
    expect(verdict(facts({ user: reset, authentication: methods({ name: 'pwd', timestamp: before }, { name: 'pwd', timestamp: after }) }))).toBe('admitted');
    expect(latestFirstFactorAt([{ name: 'pwd', timestamp: before }, { name: 'federated', timestamp: after }, { name: 'mfa', timestamp: at(RESET_MS + 9e6) }])).toBe(RESET_MS + 600_000);
  });

  it('mints nothing, without ending the session, when a changed password meets no readable first-factor time', () => {
    for (const authentication of [undefined, methods(), methods({ name: 'mfa', timestamp: at(RESET_MS + 1000) }), methods({ name: 'pwd', timestamp: 'yesterday' })]) {
      expect(admitLogin(facts({ user: reset, authentication }), SECRETS)).toMatchObject({ kind: 'refused', code: 'ERR_AUTH_TIME_UNKNOWN', level: 'warn' });
    }
    expect(verdict(facts({ user: { last_password_reset: 'not a date' } }))).toBe('ERR_AUTH_TIME_UNKNOWN');
  });

  it('leaves a stale session of a client it does not serve alone', () => {
    const stale = facts({ clientId: 'other-tenant-app', user: reset, authentication: methods({ name: 'pwd', timestamp: at(RESET_MS - 3_600_000) }) });
    expect(verdict(stale)).toBe('ERR_CLIENT_NOT_ALLOWED');
  });
});

describe('endStaleSession', () => {
  const recorder = () => recordingPostLoginApi();

  it('revokes the Auth0 session when the event carries one', () => {
    const r = recorder();
    expect(endStaleSession({ session: { id: 'sess-1' } }, r.api, DENY_REASON)).toBe('session revoked');
    expect(r.revocations).toEqual([{ of: 'session', reason: DENY_REASON }]);
    expect(r.denials).toEqual([]);
  });

  it("revokes a refresh exchange's refresh token when there is no session", () => {
    const r = recorder();
    expect(endStaleSession({ refresh_token: { id: 'rt-1' } }, r.api, DENY_REASON)).toBe('refresh token revoked');
    expect(r.revocations).toEqual([{ of: 'refresh token', reason: DENY_REASON }]);
  });

  it('denies with the generic reason when neither is there, or the plan lacks the api', () => {
    const r = recorder();
    expect(endStaleSession({}, r.api, DENY_REASON)).toBe('login denied');
    expect(r.denials).toEqual([DENY_REASON]);
    const denials: string[] = [];
    const notOnThisPlan = {
      access: { deny: (reason: string) => denials.push(reason) },
      session: {
        revoke: () => {
          throw new Error('api.session.revoke is available to Enterprise customers only');
        },
      },
    };
    expect(endStaleSession({ session: { id: 'sess-1' } }, notOnThisPlan, DENY_REASON)).toBe('login denied');
    expect(denials).toEqual([DENY_REASON]);
    expect(endStaleSession({ session: { id: 'sess-1' } }, { access: notOnThisPlan.access }, DENY_REASON)).toBe('login denied');
  });
});

describe('the Action wires each refusal: no Fauna request, one coded log line, the login goes on', () => {
  const printed = capturePrintedLines(() => [TEST_FAUNA_KEY]).lines;
  const baseEvent = (): PostLoginEvent => ({
    user: { user_id: 'auth0|ada', name: 'Ada' },
    client: { client_id: CLIENT, name: 'SPA' },
    transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid'] },
    authentication: { methods: [{ name: 'pwd', timestamp: at(RESET_MS + 60_000) }] },
    session: { id: 'sess-1' },
    secrets: SECRETS,
  });

  it.each<[string, Partial<PostLoginEvent>, string]>([
    ['no ALLOWED_CLIENT_IDS', { secrets: { ...SECRETS, ALLOWED_CLIENT_IDS: undefined } }, 'ERR_ALLOWED_CLIENTS_UNSET'],
    ['another client', { client: { client_id: 'm2m-backend' } }, 'ERR_CLIENT_NOT_ALLOWED'],
    ['the implicit flow', { transaction: { protocol: 'oidc-implicit-profile', requested_scopes: ['openid'] } }, 'ERR_PROTOCOL_NOT_ALLOWED'],
    ['the hybrid flow', { transaction: { protocol: 'oidc-hybrid-profile', requested_scopes: ['openid'] } }, 'ERR_PROTOCOL_NOT_ALLOWED'],
    ['no openid scope', { transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['profile'] } }, 'ERR_OPENID_SCOPE_MISSING'],
    ['no first-factor time after a reset', { user: { user_id: 'auth0|ada', last_password_reset: RESET }, authentication: { methods: [] } }, 'ERR_AUTH_TIME_UNKNOWN'],
  ])('%s', async (_case, change, code) => {
    const scope = nock(TEST_ENDPOINT).post('/').reply(200, resourceBody({ secret: 'fnNEVER', exp: 1, user: 'created' }), faunaHeaders());
    const recorder = recordingPostLoginApi();
    await onExecutePostLogin({ ...baseEvent(), ...change }, recorder.api);
    expect(scope.isDone()).toBe(false);
    nock.cleanAll();
    expect(recorder.idTokenClaims).toEqual({});
    expect(recorder.denials).toEqual([]);
    expect(recorder.revocations).toEqual([]);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(new RegExp(`^\\[fauna-login\\] ${code}: `));
  });

  it('a stale session: no Fauna request, the session revoked with the generic reason, both logged', async () => {
    const scope = nock(TEST_ENDPOINT).post('/').reply(200, resourceBody({ secret: 'fnNEVER', exp: 1, user: 'created' }), faunaHeaders());
    const recorder = recordingPostLoginApi();
    const stale = { user: { user_id: 'auth0|ada', last_password_reset: RESET }, authentication: { methods: [{ name: 'pwd', timestamp: at(RESET_MS - 86_400_000) }] } };
    await onExecutePostLogin({ ...baseEvent(), ...stale }, recorder.api);
    expect(scope.isDone()).toBe(false);
    nock.cleanAll();
    expect(recorder.idTokenClaims).toEqual({});
    expect(recorder.revocations).toEqual([{ of: 'session', reason: DENY_REASON }]);
    expect(printed).toEqual([
      expect.stringMatching(/^\[fauna-login\] ERR_SESSION_STALE: the session authenticated at 2026-02-28T10:00:00.000Z, before the password change at 2026-03-01T10:00:00.000Z/),
      '[fauna-login] ERR_SESSION_STALE: session revoked',
    ]);

    // A refresh exchange has no session: denied (refresh token not revocable on this plan's api).
    const refresh = recordingPostLoginApi();
    const { session: _none, ...withoutSession } = baseEvent();
    await onExecutePostLogin({ ...withoutSession, ...stale, transaction: { protocol: 'oauth2-refresh-token' } }, { ...refresh.api, refreshToken: undefined as never });
    expect(refresh.denials).toEqual([DENY_REASON]);
  });
});
