import { DeployRefusedError, describeRequestFailure } from './deploy-refused';
import type { Auth0Credentials, CredentialNames } from './environment';

/** A Management API access token (never printed) and the scopes Auth0 granted with it. */
export interface ManagementToken {
  readonly accessToken: string;
  readonly scopes: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `scope` claim of a JWT access token, when the token endpoint's answer did not list it. */
function scopesInToken(accessToken: string): string[] {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return [];
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) && typeof claims.scope === 'string' ? claims.scope.split(' ').filter((s) => s !== '') : [];
  } catch {
    return [];
  }
}

/**
 * The client-credentials grant for the Management API (`POST https://<domain>/oauth/token`),
 * done here rather than inside the SDK so that the granted scopes can be read and compared with
 * what the run needs before anything is written. Errors name the host, the variables and the
 * cause; never the secret or the token.
 */
export async function requestManagementToken(
  credentials: Auth0Credentials,
  names: CredentialNames,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): Promise<ManagementToken> {
  const url = `https://${credentials.domain}/oauth/token`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        audience: `https://${credentials.domain}/api/v2/`,
      }),
    });
  } catch (err) {
    throw new DeployRefusedError('ERR_DEPLOY_AUTH0_UNREACHABLE', `Cannot reach the Auth0 tenant ${credentials.domain}`, [
      `${describeRequestFailure(err, url)}; check AUTH0_DOMAIN (the tenant host name, e.g. your-tenant.eu.auth0.com) and this machine's network`,
    ]);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || !isRecord(body) || typeof body.access_token !== 'string') {
    const error = isRecord(body) && typeof body.error === 'string' ? ` ${body.error}` : '';
    const description = isRecord(body) && typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 200)}` : '';
    throw new DeployRefusedError('ERR_DEPLOY_AUTH0_CREDENTIALS', `The tenant ${credentials.domain} refused the Management API credential`, [
      `HTTP ${response.status}${error}${description}; check ${names.clientId} and ${names.clientSecret}, and that the application is authorized for the Auth0 Management API`,
    ]);
  }
  const listed = typeof body.scope === 'string' ? body.scope.split(' ').filter((s) => s !== '') : scopesInToken(body.access_token);
  return { accessToken: body.access_token, scopes: listed };
}
