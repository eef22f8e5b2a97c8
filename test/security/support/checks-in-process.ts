import { SECRET_CLAIM } from '../../../actions/fauna-login/claims';
import type { PostLoginApi, PostLoginEvent } from '../../../actions/types/auth0-actions';
import fixture from '../../../scripts/fixtures/post-login-event.json';
import type { CheckContext } from '../../../scripts/verify/check-kit';
import { createCheckSession, type CheckSession } from '../../../scripts/verify/session';
import { TEST_ENDPOINT } from '../../support/fauna-wire';
import { loadBundle, recordingPostLoginApi } from '../../support/load-bundle';
import { ADMIN_KEY, type SecuredFauna } from './secured-fauna';

type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

const NAMESPACE = 'https://app.example.com/';
/** The shortest FAUNA_SECRET_TTL the Action accepts. */
const SHORTEST_TTL_SECONDS = 60;

/**
 * Signs users in through the BUILT login Action (dist/actions/fauna-login.js, loaded as Auth0
 * loads it) with the login key as its FAUNA_SECRET; the Action reaches the fake through the
 * global fetch, so the caller keeps `fake.intercept(TEST_ENDPOINT)` in place.
 */
export function bundleSignIn(): (auth0Id: string, login: { readonly ttlSeconds: number; readonly sessionId?: string }, ctx: CheckContext) => Promise<string> {
  const onExecutePostLogin = loadBundle('fauna-login').exports.onExecutePostLogin as OnExecutePostLogin;
  return async (auth0Id, { ttlSeconds, sessionId }, ctx) => {
    const recorder = recordingPostLoginApi();
    // The fixture's own session is replaced: an interactive or silent login carries the browser's
    // Auth0 session, a refresh-token exchange (outside Enterprise plans) none.
    const { session: _fixtureSession, ...withoutSession } = fixture as unknown as PostLoginEvent;
    const event = {
      ...withoutSession,
      ...(sessionId === undefined ? {} : { session: { id: sessionId } }),
      user: { ...fixture.user, user_id: auth0Id },
      secrets: {
        FAUNA_SECRET: ctx.keys.login,
        FAUNA_ENDPOINT: TEST_ENDPOINT,
        CLAIM_NAMESPACE: NAMESPACE,
        FAUNA_SECRET_TTL: String(ttlSeconds),
        ALLOWED_CLIENT_IDS: fixture.client.client_id,
      },
    };
    await onExecutePostLogin(event, recorder.api as unknown as PostLoginApi);
    const secret = recorder.idTokenClaims[`${NAMESPACE}${SECRET_CLAIM}`];
    if (typeof secret !== 'string') {
      throw new Error(`the login Action set no secret claim (${recorder.denials.length > 0 ? 'it denied the login' : 'no claim'}; see its log)`);
    }
    return secret;
  };
}

/** The checks' session on the in-process Fauna: the printed keys, bundle sign-ins, the fake's clock. */
export function inProcessSession(secured: SecuredFauna): CheckSession {
  return createCheckSession({
    endpoint: TEST_ENDPOINT,
    fetch: secured.fake.fetch,
    adminKey: ADMIN_KEY,
    loginKey: secured.loginKey,
    revokeKey: secured.revokeKey,
    signIn: bundleSignIn(),
    defaultTtlSeconds: 3600,
    shortTtlSeconds: SHORTEST_TTL_SECONDS,
    logoutGraceSeconds: 60,
    sleep: async (seconds) => secured.advance(seconds),
    runId: 'test',
  });
}
