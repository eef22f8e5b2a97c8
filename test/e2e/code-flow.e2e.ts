/**
 * A script completes the OpenID Connect code flow with PKCE against the dev login (`npm run
 * dev`), verifies the ID token's signature with the published JWKS, reads both claims the BUILT
 * login Action set, and uses the secret on the dev Fauna.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { query as q } from 'faunadb';
import { SECRET_CLAIM, SECRET_EXP_CLAIM } from '../../actions/fauna-login/claims';
import { DENY_REASON } from '../../actions/fauna-login/mint-login-secret';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { authorize, discover, tokenRequest, type Discovery, type TokenResponse } from './support/code-flow';
import { startDevProcess, type DevProcess } from './support/dev-process';
import { closedPort } from './support/ports';

const CLIENT_ID = 'auth0-fauna-example';
const TTL_SECONDS = 600;

async function faunaName(faunaUrl: string, secret: string): Promise<unknown> {
  const client = createFaunaClient({ faunaEndpoint: faunaUrl, faunaSecret: secret }, fetch);
  const user = await client.query<{ data: { name: string } }>(q.Get(q.Call(q.Function('current_user'))));
  return user.data.name;
}

describe('the dev login, driven by a script (code flow with PKCE)', () => {
  let dev: DevProcess;
  let discovery: Discovery;

  beforeAll(async () => {
    dev = await startDevProcess({ FAUNA_SECRET_TTL: String(TTL_SECONDS) });
    discovery = await discover(dev.loginUrl);
  });
  afterAll(async () => {
    expect(await dev.stop()).toBe(0);
  });

  const signIn = async (loginHint: string, scope = 'openid profile email') => {
    const redirectUri = `${dev.appUrl}/`;
    const flow = await authorize(discovery, { clientId: CLIENT_ID, redirectUri, loginHint, scope });
    const code = flow.callback.searchParams.get('code');
    expect(flow.callback.searchParams.get('error_description')).toBeNull();
    expect(flow.callback.searchParams.get('state')).toBe(flow.state);
    const tokens = await tokenRequest(discovery, {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: redirectUri,
      client_id: CLIENT_ID,
      code_verifier: flow.codeVerifier,
    });
    expect(tokens.status).toBe(200);
    return { flow, tokens: tokens.body as unknown as TokenResponse };
  };

  const verify = async (idToken: string): Promise<JWTPayload> => {
    const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: `${dev.loginUrl}/`,
      audience: CLIENT_ID,
    });
    expect(protectedHeader.alg).toBe('RS256');
    return payload;
  };

  it('publishes discovery at Auth0-compatible paths', () => {
    expect(discovery.issuer).toBe(`${dev.loginUrl}/`);
    expect(discovery.authorization_endpoint).toBe(`${dev.loginUrl}/authorize`);
    expect(discovery.token_endpoint).toBe(`${dev.loginUrl}/oauth/token`);
    expect(discovery.jwks_uri).toBe(`${dev.loginUrl}/.well-known/jwks.json`);
  });

  it('signs alice in by login_hint; the verified ID token carries a working Fauna secret and its expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { flow, tokens } = await signIn('alice');
    const claims = await verify(tokens.id_token);
    expect(claims.sub).toBe('auth0|dev-alice');
    expect(claims.nonce).toBe(flow.nonce);

    const secret = claims[`${dev.claimNamespace}${SECRET_CLAIM}`];
    const exp = claims[`${dev.claimNamespace}${SECRET_EXP_CLAIM}`];
    expect(typeof secret).toBe('string');
    expect(exp).toBeGreaterThanOrEqual(before + TTL_SECONDS);
    expect(exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + TTL_SECONDS);
    expect(await faunaName(dev.faunaUrl, secret as string)).toBe('Alice Liddell');

    // A tampered token fails the same verification: the signature is really checked.
    const [header, body, signature] = tokens.id_token.split('.');
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: 'auth0|dev-bob' })).toString('base64url'), signature].join('.');
    expect(body).not.toBe(tampered.split('.')[1]);
    await expect(verify(tampered)).rejects.toThrow(/signature/);
  });

  it('runs the Action again on a refresh-token exchange: a new secret for the same user', async () => {
    const { tokens } = await signIn('bob', 'openid profile email offline_access');
    expect(typeof tokens.refresh_token).toBe('string');
    const first = (await verify(tokens.id_token))[`${dev.claimNamespace}${SECRET_CLAIM}`] as string;
    const refreshed = await tokenRequest(discovery, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', client_id: CLIENT_ID });
    expect(refreshed.status).toBe(200);
    const second = (await verify(refreshed.body.id_token as string))[`${dev.claimNamespace}${SECRET_CLAIM}`] as string;
    expect(second).not.toBe(first);
    expect(await faunaName(dev.faunaUrl, second)).toBe('Bob Dylan');
  });

  it("keeps each user's notes to that user: Fauna's rules, evaluated for the secrets the Action minted", async () => {
    const secretOf = async (user: string) =>
      (await verify((await signIn(user)).tokens.id_token))[`${dev.claimNamespace}${SECRET_CLAIM}`] as string;
    const alice = createFaunaClient({ faunaEndpoint: dev.faunaUrl, faunaSecret: await secretOf('alice') }, fetch);
    const bob = createFaunaClient({ faunaEndpoint: dev.faunaUrl, faunaSecret: await secretOf('bob') }, fetch);
    const me = q.Call(q.Function('current_user'));
    const note = await alice.query<{ ref: unknown; data: { owner: unknown } }>(q.Create(q.Collection('notes'), { data: { owner: me, text: 'alice only' } }));
    const statusOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 200,
        (err: { requestResult?: { statusCode?: number } }) => err.requestResult?.statusCode,
      );

    expect(await statusOf(bob.query(q.Get(note.ref as never)))).toBe(403);
    expect(await statusOf(bob.query(q.Create(q.Collection('notes'), { data: { owner: note.data.owner, text: 'forged' } })))).toBe(403);
    // Bob listing alice's notes through the index gets nothing: entries he may not read are dropped.
    expect(await bob.query(q.Paginate(q.Match(q.Index('notes_by_owner'), note.data.owner as never)))).toEqual({ data: [] });
    expect(await alice.query(q.Count(q.Match(q.Index('notes_by_owner'), me)))).toBeGreaterThanOrEqual(1);
  });

  it('refuses an unknown login_hint user: the login page is shown instead of a code', async () => {
    await expect(authorize(discovery, { clientId: CLIENT_ID, redirectUri: `${dev.appUrl}/`, loginHint: 'mallory', scope: 'openid' })).rejects.toThrow(
      /answered HTTP 200 without a redirect/,
    );
  });
});

describe('the dev login when Fauna is unreachable and ON_FAUNA_ERROR=deny', () => {
  it("ends the flow at the app's callback with access_denied and the Action's generic reason", async () => {
    const dev = await startDevProcess({
      DEV_USE_CONFIGURED_FAUNA: '1',
      FAUNA_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      FAUNA_SECRET: 'fnE2E_UNREACHABLE_FAUNA_KEY',
      ON_FAUNA_ERROR: 'deny',
      FAUNA_TIMEOUT_MS: '500',
    });
    try {
      const discovery = await discover(dev.loginUrl);
      const flow = await authorize(discovery, { clientId: CLIENT_ID, redirectUri: `${dev.appUrl}/`, loginHint: 'alice', scope: 'openid' });
      expect(flow.callback.searchParams.get('error')).toBe('access_denied');
      expect(flow.callback.searchParams.get('error_description')).toBe(DENY_REASON);
      expect(flow.callback.searchParams.get('state')).toBe(flow.state);
      expect(flow.callback.searchParams.has('code')).toBe(false);
      expect(dev.output()).not.toContain('fnE2E_UNREACHABLE_FAUNA_KEY');
    } finally {
      expect(await dev.stop()).toBe(0);
    }
  });
});
