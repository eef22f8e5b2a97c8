/**
 * The dev login: a local OpenID Connect provider (panva's oidc-provider, OpenID-certified) at
 * Auth0's paths, so `@auth0/auth0-spa-js` works against it unchanged, and every ID token it
 * issues carries what the BUILT fauna-login Action set, as on Auth0.
 *
 * Where the Action runs, as on Auth0: at the end of each authentication on /authorize (the
 * login, and every silent renewal with prompt=none), before the code is issued, so that
 * `api.access.deny(reason)` ends the flow with `error=access_denied&error_description=<reason>`
 * at the app's callback; and on each refresh-token exchange at /oauth/token. The claims it set
 * wait for the code exchange, keyed by the request's nonce, and go into that ID token only.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Account, type KoaContextWithOIDC, type OidcToken } from 'oidc-provider';
import type { PostLoginInput, RunPostLogin } from './post-login-action';
import { findDevUser, type DevUser } from './users';

/** A single-page app: a public client (no secret, PKCE), its callback and logout return `<appOrigin>/`. */
export interface PublicAppClient {
  readonly clientId: string;
  readonly name: string;
  readonly appOrigin: string;
}

export interface DevLoginOptions {
  /** `http://localhost:<port>/`: what auth0-spa-js expects as `iss` for domain `http://localhost:<port>`. */
  readonly issuer: string;
  /** The example app (examples/spa). */
  readonly client: PublicAppClient;
  /** Other single-page apps, each a client of its own (`npm run dev -- --react`: examples/react). */
  readonly moreClients?: readonly PublicAppClient[];
  /**
   * The server-side example (`npm run dev -- --server`), registered only when it runs: a
   * confidential client (client secret, code flow with PKCE), callback `<appOrigin>/callback`.
   */
  readonly serverClient?: { readonly clientId: string; readonly clientSecret: string; readonly name: string; readonly appOrigin: string };
  readonly users: readonly DevUser[];
  /** The claim names the Action may set on the ID token (the namespaced two). */
  readonly idTokenClaimNames: readonly string[];
  readonly runPostLogin: RunPostLogin;
  readonly log: (line: string) => void;
}

export interface DevLogin {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
}

/** How long the claims of an authorization wait for its code exchange (the code lives 60 s). */
const PENDING_CLAIMS_MS = 120_000;

const PROFILE_CLAIMS = ['name', 'nickname', 'email', 'email_verified'] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `dev-${randomUUID().slice(0, 8)}`, alg: 'RS256', use: 'sig' };
}

/** Claims an authorization's Action run set, until its code is exchanged. */
class PendingClaims {
  private readonly entries = new Map<string, { claims: Readonly<Record<string, unknown>>; until: number }>();

  put(key: string, claims: Readonly<Record<string, unknown>>): void {
    const now = Date.now();
    for (const [k, entry] of this.entries) if (entry.until < now) this.entries.delete(k);
    this.entries.set(key, { claims, until: now + PENDING_CLAIMS_MS });
  }

  take(key: string): Readonly<Record<string, unknown>> | undefined {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry !== undefined && entry.until >= Date.now() ? entry.claims : undefined;
  }
}

function pendingKey(clientId: string, nonce: unknown, sessionUid: string | undefined): string {
  return typeof nonce === 'string' && nonce !== '' ? `${clientId} nonce ${nonce}` : `${clientId} session ${sessionUid ?? ''}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 26rem; margin: 4rem auto; background: #fff; border-radius: 10px; padding: 2rem; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  p.note { color: #5b6475; font-size: .9rem; margin: 0 0 1.5rem; }
  button { display: block; width: 100%; padding: .75rem 1rem; margin: 0 0 .75rem; border: 1px solid #c9cfdb; border-radius: 8px; background: #fff; font: inherit; text-align: left; cursor: pointer; }
  button:hover { border-color: #3b5bdb; }
  button small { display: block; color: #5b6475; }
  button.cancel { text-align: center; color: #5b6475; border-style: dashed; }
  .problem { color: #a61e1e; }
</style></head><body><main>${body}</main></body></html>`;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function createDevLogin(options: DevLoginOptions): DevLogin {
  const { issuer, client, users, runPostLogin, log } = options;
  const publicClients = [client, ...(options.moreClients ?? [])];
  /** The name the login page shows: the client that asks, as Auth0's page does. */
  const nameOf = (clientId: unknown): string =>
    [...publicClients, ...(options.serverClient === undefined ? [] : [options.serverClient])].find((c) => c.clientId === clientId)?.name ?? client.name;
  const pending = new PendingClaims();
  const allowedClaims = new Set(options.idTokenClaimNames);
  const ranFor = new WeakSet<object>();

  const postLoginInput = (ctx: KoaContextWithOIDC, user: DevUser, protocol: PostLoginInput['protocol'], token?: OidcToken): PostLoginInput => ({
    user,
    client: { client_id: ctx.oidc.client?.clientId ?? client.clientId, name: ctx.oidc.client?.clientName ?? client.name },
    protocol,
    params: ctx.oidc.params ?? {},
    request: {
      ip: ctx.ip,
      hostname: ctx.host,
      method: ctx.method,
      userAgent: headerValue(ctx.headers['user-agent']),
      language: headerValue(ctx.headers['accept-language']),
      query: ctx.method === 'GET' ? ctx.query : {},
    },
    // As on Auth0: logins at /authorize (interactive and silent) carry the browser session's id,
    // refresh exchanges none.
    sessionId: protocol === 'oauth2-refresh-token' ? undefined : ctx.oidc.session?.uid,
    authenticatedAt: 1000 * ((protocol === 'oauth2-refresh-token' ? token?.authTime : ctx.oidc.session?.authTime()) ?? Math.floor(Date.now() / 1000)),
  });

  /** Runs the Action; a deny ends the flow as Auth0 does (access_denied with the reason). */
  const runAction = async (ctx: KoaContextWithOIDC, user: DevUser, protocol: PostLoginInput['protocol'], token?: OidcToken) => {
    const result = await runPostLogin(postLoginInput(ctx, user, protocol, token));
    if (result.kind === 'denied') {
      log(`login: ${user.id} denied by the fauna-login Action (${protocol})`);
      throw new errors.AccessDenied(result.reason);
    }
    const claims: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(result.idTokenClaims)) {
      if (allowedClaims.has(name)) claims[name] = value;
      else log(`login: the Action set ID token claim ${name}, which the dev login does not issue (only ${[...allowedClaims].join(', ')})`);
    }
    if (result.accessTokenClaims.length > 0) log('login: the Action set access token claims; the dev login issues opaque access tokens without them');
    log(`login: ${user.id} ${protocol === 'oauth2-refresh-token' ? 'refreshed' : 'authenticated'}; the Action set ${Object.keys(claims).length} ID token claim(s)`);
    return claims;
  };

  const account = (user: DevUser, actionClaims: Readonly<Record<string, unknown>>): Account => ({
    accountId: user.user_id,
    claims: (use) => {
      const profile: Record<string, unknown> = { sub: user.user_id };
      for (const name of PROFILE_CLAIMS) if (user[name] !== undefined) profile[name] = user[name];
      return use === 'id_token' ? { ...profile, ...actionClaims } : profile;
    },
  });

  const provider = new Provider(issuer, {
    clients: [
      ...publicClients.map((app) => ({
        client_id: app.clientId,
        client_name: app.name,
        token_endpoint_auth_method: 'none' as const,
        redirect_uris: [`${app.appOrigin}/`],
        post_logout_redirect_uris: [`${app.appOrigin}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code' as const],
      })),
      ...(options.serverClient === undefined
        ? []
        : [
            {
              client_id: options.serverClient.clientId,
              client_secret: options.serverClient.clientSecret,
              client_name: options.serverClient.name,
              token_endpoint_auth_method: 'client_secret_basic',
              redirect_uris: [`${options.serverClient.appOrigin}/callback`],
              post_logout_redirect_uris: [`${options.serverClient.appOrigin}/`],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
            },
          ]),
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Auth0's paths, so auth0-spa-js needs nothing but `domain`.
    routes: {
      authorization: '/authorize',
      token: '/oauth/token',
      jwks: '/.well-known/jwks.json',
      userinfo: '/userinfo',
      revocation: '/oauth/revoke',
      end_session: '/v2/logout',
    },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // Custom claims reach an ID token of the code flow only when listed under a granted scope
    // and conformIdTokenClaims is off (otherwise they are only served at /userinfo).
    claims: { openid: ['sub', ...options.idTokenClaimNames], profile: ['name', 'nickname'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Session: 14 * 24 * 3600, Interaction: 3600, Grant: 14 * 24 * 3600 },
    features: {
      devInteractions: { enabled: false },
      // auth0-spa-js renews in a hidden iframe with response_mode=web_message.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Auth0's /v2/logout asks nothing: submit the provider's confirm form at once.
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = page(
            'Signing out',
            `<p>Signing out…</p>${form}<script>const f=document.getElementById('op.logoutForm');const i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script>`,
          );
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // No consent screen: the app is first-party, as an Auth0 application usually is.
    loadExistingGrant: async (ctx) => {
      const { client: oidcClient, session } = ctx.oidc;
      if (oidcClient === undefined || session?.accountId === undefined) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(oidcClient.clientId);
      const found = grantId === undefined ? undefined : await ctx.oidc.provider.Grant.find(grantId);
      const grant = found ?? new ctx.oidc.provider.Grant({ clientId: oidcClient.clientId, accountId: session.accountId });
      const scope = typeof ctx.oidc.params?.scope === 'string' ? ctx.oidc.params.scope : 'openid';
      grant.addOIDCScope(scope);
      await grant.save();
      return grant;
    },
    // The provider issues refresh tokens only with prompt=consent, which auth0-spa-js never sends.
    issueRefreshToken: (_ctx, oidcClient) => oidcClient.grantTypeAllowed('refresh_token'),
    pkce: { required: () => true },
    findAccount: async (ctx, sub, token?: OidcToken) => {
      const user = users.find((u) => u.user_id === sub);
      if (user === undefined) return undefined;
      const clientId = ctx.oidc.client?.clientId ?? client.clientId;
      const route = ctx.oidc.route;
      // /authorize with prompt=login loads the session's account before it sends the user to the
      // login page: the authentication is not done yet, so the Action runs at the resume after it.
      const loginStillAsked = route === 'authorization' && ctx.oidc.prompts.has('login');
      if (token === undefined && (route === 'authorization' || route === 'resume') && !loginStillAsked && !ranFor.has(ctx)) {
        ranFor.add(ctx);
        const claims = await runAction(ctx, user, 'oidc-basic-profile');
        pending.put(pendingKey(clientId, ctx.oidc.params?.nonce, ctx.oidc.session?.uid), claims);
        return account(user, claims);
      }
      if (token?.kind === 'AuthorizationCode') {
        return account(user, pending.take(pendingKey(clientId, token.nonce, token.sessionUid)) ?? {});
      }
      if (token?.kind === 'RefreshToken') return account(user, await runAction(ctx, user, 'oauth2-refresh-token', token));
      return account(user, {});
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      const rows = Object.entries(out)
        .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(String(v))}</p>`)
        .join('');
      ctx.body = page('Dev login: error', `<h1>Dev login: error</h1>${rows}`);
    },
  });
  provider.proxy = false;
  provider.on('server_error', (_ctx, err) => log(`login: server error: ${err instanceof Error ? err.message : String(err)}`));
  const providerCallback = provider.callback();

  const loginPage = (uid: string, clientName: string, problem?: string): string =>
    page(
      'Sign in (dev login)',
      `<h1>Sign in to ${escapeHtml(clientName)}</h1>
<p class="note">Local dev login of auth0-fauna: not a real identity provider. Pick a test user (from examples/dev-users.json).</p>
${problem === undefined ? '' : `<p class="problem" data-testid="login-problem">${escapeHtml(problem)}</p>`}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
${users
  .map(
    (u) =>
      `<button type="submit" name="user" value="${escapeHtml(u.id)}" data-testid="login-as-${escapeHtml(u.id)}">${escapeHtml(u.name)}<small>${escapeHtml(u.email ?? u.user_id)}</small></button>`,
  )
  .join('\n')}
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button class="cancel" type="submit" data-testid="login-cancel">Cancel</button></form>`,
    );

  const interaction = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    const finishAs = (user: DevUser) =>
      provider.interactionFinished(req, res, { login: { accountId: user.user_id } }, { mergeWithLastSubmission: false });
    if (details.prompt.name !== 'login') {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Dev login', `<p class="problem">Unexpected prompt ${escapeHtml(details.prompt.name)}.</p>`));
      return;
    }
    if (req.method === 'GET' && path === `/interaction/${details.uid}`) {
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined;
      const hinted = findDevUser(users, hint);
      if (hinted !== undefined) return finishAs(hinted);
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(loginPage(details.uid, nameOf(details.params.client_id), hint === undefined ? undefined : `No test user matches login_hint "${hint}".`));
      return;
    }
    if (req.method === 'POST' && path === `/interaction/${details.uid}/login`) {
      const chosen = findDevUser(users, (await readForm(req)).get('user') ?? undefined);
      if (chosen !== undefined) return finishAs(chosen);
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, nameOf(details.params.client_id), 'Unknown test user.'));
      return;
    }
    if (req.method === 'POST' && path === `/interaction/${details.uid}/abort`) {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
    }
    res.writeHead(404).end();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname.startsWith('/interaction/')) {
      interaction(req, res, url.pathname).catch((err: unknown) => {
        // Typically an expired or unknown interaction (restarted server, stale tab).
        log(`login: interaction failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) {
          res
            .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
            .end(page('Dev login', `<p class="problem">This sign-in has expired. Go back to the app and log in again.</p>`));
        }
      });
      return;
    }
    if (url.pathname === '/v2/logout') {
      // Auth0's logout parameters, in OpenID Connect RP-Initiated Logout's names.
      const returnTo = url.searchParams.get('returnTo');
      if (returnTo !== null) url.searchParams.set('post_logout_redirect_uri', returnTo);
      for (const auth0Only of ['returnTo', 'auth0Client', 'federated']) url.searchParams.delete(auth0Only);
      req.url = `${url.pathname}${url.search}`;
    }
    providerCallback(req, res);
  };
  return { handle };
}
