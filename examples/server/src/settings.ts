/**
 * The server-side example's settings, read from its environment: the Auth0 application (a
 * confidential "Regular Web Application"), where the app runs, the key that encrypts its session
 * cookie, and the Fauna the login Action mints secrets for. Every problem is named, never a value.
 */
export interface ServerAppSettings {
  /** `https://your-tenant.eu.auth0.com` (the dev login: `http://localhost:3001`). */
  readonly issuerBaseURL: string;
  readonly clientID: string;
  readonly clientSecret: string;
  /** Where this app is reached, e.g. `https://notes.example.com`; its callback is `<baseURL>/callback`. */
  readonly baseURL: string;
  /** Encrypts the session cookie (which holds the tokens, and so the Fauna secret): 32+ characters. */
  readonly sessionSecret: string;
  /** The login Action's CLAIM_NAMESPACE. */
  readonly claimNamespace: string;
  /** The Fauna endpoint the Action mints secrets for, reached from this server. */
  readonly faunaEndpoint: string;
  /** Renew the Fauna secret this long before it expires (default: the helper's, 60 s). */
  readonly renewBeforeMs?: number;
}

export const SERVER_APP_ENV = {
  AUTH0_ISSUER_BASE_URL: 'issuerBaseURL',
  AUTH0_CLIENT_ID: 'clientID',
  AUTH0_CLIENT_SECRET: 'clientSecret',
  BASE_URL: 'baseURL',
  SESSION_SECRET: 'sessionSecret',
  CLAIM_NAMESPACE: 'claimNamespace',
  FAUNA_ENDPOINT: 'faunaEndpoint',
} as const;

const MIN_SESSION_SECRET = 32;

function originOf(name: string, raw: string, problems: string[]): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      problems.push(`${name} must be an origin only (scheme, host, port), e.g. https://notes.example.com`);
    }
    return url.origin;
  } catch {
    problems.push(`${name} must be an http(s) URL, e.g. https://notes.example.com`);
    return raw;
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** Reads and checks the settings; the error names every setting that is missing or wrong. */
export function readServerAppSettings(env: Readonly<Record<string, string | undefined>>): ServerAppSettings {
  const problems: string[] = [];
  const value = (name: keyof typeof SERVER_APP_ENV) => {
    const raw = env[name]?.trim() ?? '';
    if (raw === '') problems.push(`${name} is required`);
    return raw;
  };
  const issuer = value('AUTH0_ISSUER_BASE_URL');
  const clientID = value('AUTH0_CLIENT_ID');
  const clientSecret = value('AUTH0_CLIENT_SECRET');
  const base = value('BASE_URL');
  const sessionSecret = value('SESSION_SECRET');
  const claimNamespace = value('CLAIM_NAMESPACE');
  const fauna = value('FAUNA_ENDPOINT');
  if (sessionSecret !== '' && sessionSecret.length < MIN_SESSION_SECRET) {
    problems.push(`SESSION_SECRET must be at least ${MIN_SESSION_SECRET} characters (e.g. openssl rand -hex 32)`);
  }
  const baseURL = base === '' ? base : originOf('BASE_URL', base, problems);
  if (baseURL.startsWith('http:') && !isLoopback(new URL(baseURL).hostname)) {
    problems.push('BASE_URL must use https outside localhost: the session cookie is sent only over https there (Secure)');
  }
  const issuerBaseURL = issuer === '' ? issuer : originOf('AUTH0_ISSUER_BASE_URL', issuer, problems);
  const faunaEndpoint = fauna === '' ? fauna : originOf('FAUNA_ENDPOINT', fauna, problems);
  const renewRaw = env.RENEW_BEFORE_MS?.trim() ?? '';
  if (renewRaw !== '' && !/^\d+$/.test(renewRaw)) problems.push('RENEW_BEFORE_MS must be a whole number of milliseconds');
  if (problems.length > 0) throw new Error(`examples/server settings: ${problems.join('; ')}`);
  return {
    issuerBaseURL,
    clientID,
    clientSecret,
    baseURL,
    sessionSecret,
    claimNamespace,
    faunaEndpoint,
    ...(renewRaw === '' ? {} : { renewBeforeMs: Number(renewRaw) }),
  };
}

/**
 * The session cookie: encrypted by express-openid-connect with SESSION_SECRET, never readable by
 * the page (HttpOnly), sent on top-level navigations but not on cross-site posts (SameSite=Lax),
 * and over https only wherever the app is not on localhost (Secure).
 */
export function sessionCookie(baseURL: string): { readonly httpOnly: true; readonly sameSite: 'Lax'; readonly secure: boolean } {
  return { httpOnly: true, sameSite: 'Lax', secure: new URL(baseURL).protocol === 'https:' };
}
