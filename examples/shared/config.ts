/**
 * A browser example's whole configuration (examples/spa and examples/react alike), read from
 * `config.json` beside its index.html: the one place that decides whether the app talks to the dev
 * login (`npm run dev` serves a generated one) or to your Auth0 tenant (write your own; see
 * docs/local-development.md).
 */
export interface ExampleAppConfig {
  /** Auth0 domain, e.g. `your-tenant.eu.auth0.com`; the dev login's is `http://localhost:3001`. */
  readonly auth0Domain: string;
  /** The Auth0 application's (SPA) client id. */
  readonly auth0ClientId: string;
  /** The login Action's CLAIM_NAMESPACE. */
  readonly claimNamespace: string;
  /** The Fauna endpoint the Action mints secrets for, reachable from the browser (CORS). */
  readonly faunaEndpoint: string;
  /** Renew the Fauna secret this long before it expires (default: the helper's, 60 s). */
  readonly renewBeforeMs?: number;
  /**
   * Renew with refresh tokens instead of the hidden iframe (the app's Auth0 application must
   * allow the Refresh Token grant). Their logins carry no Auth0 session id, so a logout ends
   * them one by one; see docs/in-your-app.md.
   */
  readonly useRefreshTokens?: boolean;
}

const REQUIRED = ['auth0Domain', 'auth0ClientId', 'claimNamespace', 'faunaEndpoint'] as const;

/** Checks a parsed config.json; the error names every field that is wrong. */
export function parseExampleAppConfig(value: unknown): ExampleAppConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('config.json must be a JSON object with auth0Domain, auth0ClientId, claimNamespace, faunaEndpoint');
  }
  const record = value as Record<string, unknown>;
  const problems = REQUIRED.filter((name) => typeof record[name] !== 'string' || (record[name] as string).trim() === '').map(
    (name) => `${name} must be a non-empty string`,
  );
  const renew = record.renewBeforeMs;
  if (renew !== undefined && (typeof renew !== 'number' || !Number.isFinite(renew) || renew < 0)) {
    problems.push('renewBeforeMs must be a number of milliseconds, 0 or more');
  }
  const refresh = record.useRefreshTokens;
  if (refresh !== undefined && typeof refresh !== 'boolean') problems.push('useRefreshTokens must be true or false');
  for (const name of ['auth0Domain', 'faunaEndpoint'] as const) {
    if (typeof record[name] === 'string' && (record[name] as string).trim() !== '' && !isUrlOrHost(record[name] as string)) {
      problems.push(`${name} must be a host name or an http(s) URL`);
    }
  }
  if (problems.length > 0) throw new Error(`config.json: ${problems.join('; ')}`);
  return {
    auth0Domain: record.auth0Domain as string,
    auth0ClientId: record.auth0ClientId as string,
    claimNamespace: record.claimNamespace as string,
    faunaEndpoint: record.faunaEndpoint as string,
    ...(renew === undefined ? {} : { renewBeforeMs: renew as number }),
    ...(refresh === undefined ? {} : { useRefreshTokens: refresh as boolean }),
  };
}

function isUrlOrHost(value: string): boolean {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
