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

const ENDPOINT_EXAMPLE = 'https://fauna.example.com:8443';
const NAMESPACE_EXAMPLE = 'https://app.example.com/';

function parseUrl(raw: string, example: string): URL {
  try {
    return new URL(raw.trim());
  } catch {
    throw new InvalidValue(`must be an absolute URL such as ${example}`);
  }
}

/**
 * Hosts whose traffic never leaves the machine: `localhost` (and `*.localhost`, which browsers
 * and Node resolve to loopback), 127.0.0.0/8 and [::1].
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The FQL v4 endpoint's origin, without a trailing slash (the driver appends its own paths).
 * `whereTheKeyGoes` ends the refusal of a URL with credentials: each caller takes its key elsewhere.
 * Plain `http:` only to a loopback host: every request carries a key or a minted secret, and on
 * loopback nothing travels over a network (a local Fauna for `npm run dev` or rehearsals).
 * `deploy:tenant` refuses `http:` altogether (fauna-login's FAUNA_ENDPOINT `deployRule`).
 */
export function parseFaunaEndpoint(raw: string, whereTheKeyGoes = 'put the key in FAUNA_SECRET'): string {
  const url = parseUrl(raw, ENDPOINT_EXAMPLE);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidValue(`must use https, e.g. ${ENDPOINT_EXAMPLE}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InvalidValue(
      `must use https: every request carries a Fauna key or secret (plain http is accepted only for a loopback host such as http://127.0.0.1:8443), e.g. ${ENDPOINT_EXAMPLE}`,
    );
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
  const url = parseUrl(raw, NAMESPACE_EXAMPLE);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidValue(`must be an http(s) URL such as ${NAMESPACE_EXAMPLE}`);
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

