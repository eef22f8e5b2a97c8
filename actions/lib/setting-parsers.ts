/**
 * The value parsers of the settings, on their own so that code outside the Actions (the app's
 * client helper in the browser) can validate an endpoint or a namespace without the whole
 * settings table. Each throws InvalidValue with a hint that never contains the value.
 */

export class InvalidValue extends Error {}

// Auth0 refuses custom claims namespaced on its own domains.
const RESERVED_CLAIM_HOSTS = ['auth0.com', 'webtask.io', 'webtask.run'];

export function wholeNumberBetween(min: number, max: number, unit: string) {
  return (raw: string): number => {
    const trimmed = raw.trim();
    if (!/^\d+$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > max) {
      throw new InvalidValue(`must be a whole number of ${unit} from ${min} to ${max}`);
    }
    return Number(trimmed);
  };
}

export function nonEmpty(raw: string): string {
  if (raw.trim() === '') throw new InvalidValue('must not be empty');
  return raw.trim();
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw.trim());
  } catch {
    throw new InvalidValue('must be an absolute URL such as https://fauna.example.com:8443');
  }
}

/**
 * The FQL v4 endpoint's origin, without a trailing slash (the driver appends its own paths).
 * `whereTheKeyGoes` ends the refusal of a URL with credentials: each caller takes its key elsewhere.
 */
export function parseFaunaEndpoint(raw: string, whereTheKeyGoes = 'put the key in FAUNA_SECRET'): string {
  const url = parseUrl(raw);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidValue('must use http or https, e.g. https://fauna.example.com:8443');
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidValue(`must not carry credentials; ${whereTheKeyGoes}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new InvalidValue('must be scheme, host and optional port only, with no path or query');
  }
  return url.origin;
}

/** The claim namespace with exactly one trailing `/`, refused on Auth0's reserved hosts. */
export function parseClaimNamespace(raw: string): string {
  const url = parseUrl(raw);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidValue('must be an http(s) URL such as https://app.example.com/');
  }
  const host = url.hostname.toLowerCase();
  if (RESERVED_CLAIM_HOSTS.some((reserved) => host === reserved || host.endsWith(`.${reserved}`))) {
    throw new InvalidValue(
      `must not be on ${RESERVED_CLAIM_HOSTS.join(', ')} (Auth0 drops such claims); use your app's own domain`,
    );
  }
  const trimmed = raw.trim();
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

export function parseClientIdList(raw: string): readonly string[] {
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidValue('must list at least one client id, comma-separated');
  return ids;
}

export type FailurePolicy = 'deny' | 'continue';

export function parseFailurePolicy(raw: string): FailurePolicy {
  const value = raw.trim().toLowerCase();
  if (value !== 'deny' && value !== 'continue') throw new InvalidValue('must be "deny" or "continue"');
  return value;
}

