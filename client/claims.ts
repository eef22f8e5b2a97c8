import { parseClaimNamespace } from '../actions/lib/setting-parsers';
import { SECRET_CLAIM, SECRET_EXP_CLAIM } from '../actions/fauna-login/claims';
import { FaunaClientError } from './errors';

/** The Fauna secret a login handed the app, and when Fauna stops accepting it. */
export interface FaunaLogin {
  readonly secret: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export type IdTokenClaims = Readonly<Record<string, unknown>>;

// A NumericDate this large is milliseconds by mistake (1e11 s is the year 5138).
const LARGEST_PLAUSIBLE_NUMERIC_DATE = 1e11;

/**
 * The namespace exactly as the login Action writes it (same parser as its CLAIM_NAMESPACE: one
 * trailing '/' added, Auth0's reserved hosts refused), so the app may pass either spelling.
 */
export function normalizeNamespace(namespace: string): string {
  if (typeof namespace !== 'string') {
    throw new FaunaClientError('ERR_NAMESPACE_INVALID', 'namespace must be a string: your CLAIM_NAMESPACE, e.g. https://app.example.com/');
  }
  try {
    return parseClaimNamespace(namespace);
  } catch (err) {
    const hint = err instanceof Error ? err.message : 'is not valid';
    throw new FaunaClientError('ERR_NAMESPACE_INVALID', `namespace ${hint}; use the CLAIM_NAMESPACE of the login Action`);
  }
}

const describeType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

/**
 * Reads `<namespace>fauna_secret` and `<namespace>fauna_secret_exp` (NumericDate seconds) from ID
 * token claims, e.g. auth0-spa-js's `getIdTokenClaims()`. Errors name the claim and its type,
 * never its value.
 */
export function readFaunaLogin(claims: IdTokenClaims | undefined, namespace: string): FaunaLogin {
  const ns = normalizeNamespace(namespace);
  const secretName = `${ns}${SECRET_CLAIM}`;
  const expName = `${ns}${SECRET_EXP_CLAIM}`;
  if (claims === undefined || claims === null || typeof claims !== 'object') {
    throw new FaunaClientError('ERR_CLAIM_MISSING', 'no ID token claims: log the user in first (getIdTokenClaims() gives undefined before a login)');
  }
  const secret = claims[secretName];
  const exp = claims[expName];
  if (secret === undefined || exp === undefined) {
    const missing = secret === undefined ? secretName : expName;
    throw new FaunaClientError('ERR_CLAIM_MISSING', `the ID token has no ${missing} claim: ${missingClaimHint(claims)}`);
  }
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new FaunaClientError('ERR_CLAIM_INVALID', `${secretName} must be a non-empty string, got ${typeof secret === 'string' ? 'an empty string' : describeType(secret)}`);
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) {
    throw new FaunaClientError('ERR_CLAIM_INVALID', `${expName} must be a positive NumericDate (seconds since the epoch), got ${typeof exp === 'number' ? 'a number out of range' : describeType(exp)}`);
  }
  if (exp >= LARGEST_PLAUSIBLE_NUMERIC_DATE) {
    throw new FaunaClientError('ERR_CLAIM_INVALID', `${expName} must be in seconds since the epoch, not milliseconds`);
  }
  return { secret, expiresAt: Math.round(exp * 1000) };
}

/**
 * When the ID token was issued (`iat`, NumericDate seconds), in epoch ms; undefined when the
 * claims carry none or an implausible one. The login Action mints the secret as the token is
 * issued, so this is when the secret's lifetime began.
 */
export function readIssuedAt(claims: IdTokenClaims | undefined): number | undefined {
  const iat = claims?.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat <= 0 || iat >= LARGEST_PLAUSIBLE_NUMERIC_DATE) return undefined;
  return Math.round(iat * 1000);
}

/** The account an ID token is about: its issuer and subject. */
export interface Account {
  readonly iss: string | undefined;
  readonly sub: string;
}

/** `iss` and `sub` of ID token claims; ERR_CLAIM_MISSING without a `sub`. */
export function readAccount(claims: IdTokenClaims): Account {
  const { iss, sub } = claims;
  if (typeof sub !== 'string' || sub === '') {
    throw new FaunaClientError('ERR_CLAIM_MISSING', 'the ID token claims have no sub: pass the whole of getIdTokenClaims(), which names the account the session is pinned to');
  }
  return { iss: typeof iss === 'string' ? iss : undefined, sub };
}

const isFaunaClaimName = (name: string): boolean => name.endsWith(`/${SECRET_CLAIM}`) || name.endsWith(`/${SECRET_EXP_CLAIM}`);

/**
 * A copy of a profile (auth0-spa-js's `getUser()`, auth0-react's `user`, or the ID token claims)
 * without the Fauna claims, for everything that shows, logs or sends a profile: they carry a live
 * secret. Drops `<namespace>fauna_secret` and `<namespace>fauna_secret_exp`, and any other
 * `…/fauna_secret(_exp)` claim, so a mistyped namespace still leaves no secret behind. The input
 * is not changed; undefined stays undefined.
 */
export function withoutFaunaClaims<T extends object>(user: T, namespace: string): T;
export function withoutFaunaClaims<T extends object>(user: T | undefined, namespace: string): T | undefined;
export function withoutFaunaClaims<T extends object>(user: T | undefined, namespace: string): T | undefined {
  const ns = normalizeNamespace(namespace);
  if (user === undefined) return undefined;
  if (typeof user !== 'object' || user === null) {
    throw new FaunaClientError('ERR_OPTIONS_INVALID', 'withoutFaunaClaims takes a profile object (getUser(), getIdTokenClaims())');
  }
  const named = new Set([`${ns}${SECRET_CLAIM}`, `${ns}${SECRET_EXP_CLAIM}`]);
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user)) if (!named.has(name) && !isFaunaClaimName(name)) copy[name] = value;
  return copy as T;
}

/** Why the claim is absent, as far as the claims tell: another namespace, or no Action at all. */
function missingClaimHint(claims: IdTokenClaims): string {
  const elsewhere = Object.keys(claims).find((name) => name.endsWith(`/${SECRET_CLAIM}`));
  if (elsewhere !== undefined) {
    // The claim's name is not secret; its value is never read here.
    return `a Fauna secret is there under ${elsewhere.slice(0, -SECRET_CLAIM.length)}; pass the same namespace as the Action's CLAIM_NAMESPACE`;
  }
  return 'check that the fauna-login Action ran for this client (ALLOWED_CLIENT_IDS, ON_FAUNA_ERROR=continue) and that you read the ID token, not the access token';
}
