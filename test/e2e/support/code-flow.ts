import { createHash, randomBytes } from 'node:crypto';

/**
 * A script's OpenID Connect authorization code flow with PKCE, as any OIDC client library does
 * it: discovery, /authorize (here with login_hint, so no page), the redirects and their cookies,
 * then the code exchange at the token endpoint.
 */
export interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
}

export interface TokenResponse {
  readonly id_token: string;
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly token_type: string;
  readonly expires_in: number;
}

export async function discover(loginUrl: string): Promise<Discovery> {
  const response = await fetch(`${loginUrl}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery: HTTP ${response.status}`);
  return (await response.json()) as Discovery;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

export interface AuthorizeResult {
  /** The redirect back to the app: `code`, `state`, `iss`, or `error` and `error_description`. */
  readonly callback: URL;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly state: string;
}

/** Follows /authorize through the login's redirects (keeping its cookies) back to redirect_uri. */
export async function authorize(
  discovery: Discovery,
  params: { clientId: string; redirectUri: string; loginHint: string; scope: string },
): Promise<AuthorizeResult> {
  const codeVerifier = base64url(randomBytes(32));
  const nonce = base64url(randomBytes(16));
  const state = base64url(randomBytes(16));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    response_type: 'code',
    scope: params.scope,
    code_challenge: base64url(createHash('sha256').update(codeVerifier).digest()),
    code_challenge_method: 'S256',
    state,
    nonce,
    login_hint: params.loginHint,
  }).toString();

  const cookies = new Map<string, string>();
  let next = url;
  for (let hop = 0; hop < 10; hop += 1) {
    if (next.href.startsWith(params.redirectUri)) return { callback: next, codeVerifier, nonce, state };
    const response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (location === null) throw new Error(`authorize: ${next.pathname} answered HTTP ${response.status} without a redirect`);
    next = new URL(location, next);
  }
  throw new Error('authorize: too many redirects');
}

export async function tokenRequest(discovery: Discovery, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
