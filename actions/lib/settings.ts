import { SettingsError, type SettingProblem } from './errors';
import {
  InvalidValue,
  nonEmpty,
  parseClaimNamespace,
  parseClientIdList,
  parseFailurePolicy,
  parseFaunaEndpoint,
  wholeNumberBetween,
  type FailurePolicy,
} from './setting-parsers';

export { parseClaimNamespace, parseClientIdList, parseFaunaEndpoint, type FailurePolicy } from './setting-parsers';

/**
 * Every setting an Action reads from `event.secrets`, in one table. The names are the contract
 * with tenant.yaml, `.env` and admins; deploy-tenant validates with these same parsers before it
 * sends anything to Auth0, so a value that deploys is a value the Action accepts.
 */

export interface SettingSpec<T> {
  readonly required: boolean;
  /** The default as an admin would write it, for docs and `.env.example`. */
  readonly defaultValue?: string;
  /** Whether the value is a credential: never printed, masked in dry runs. */
  readonly secret: boolean;
  readonly description: string;
  parse(raw: string): T;
  /**
   * A stricter rule for what `deploy:tenant` sends to Auth0, on top of `parse` (which is what the
   * Action, the dev stack and the scripts accept). Throws InvalidValue.
   */
  deployRule?(value: T): void;
}

/** Who reads the settings: the Action (and the local scripts), or deploy:tenant before it sends them. */
export type SettingsReader = 'action' | 'deploy';

const MIN_TTL_SECONDS = 60;
/** The longest FAUNA_SECRET_TTL; the login key's role refuses any later expiry (fauna/roles.ts). */
export const MAX_TTL_SECONDS = 2_592_000; // 30 days
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 9_000; // Auth0 asks for HTTP calls under 10 s

export const SETTINGS = {
  FAUNA_SECRET: {
    required: true,
    secret: true,
    description: "The Fauna key of the Action (the login Action's: role auth0_fauna_login_action).",
    parse: nonEmpty,
  },
  // Deploy-time only: tenant.yaml sends it as the revoke Action's FAUNA_SECRET, so a leaked
  // login key cannot delete anything and a leaked revoke key cannot mint.
  FAUNA_REVOKE_SECRET: {
    required: true,
    secret: true,
    description:
      "The Fauna key of the revoke-fauna-secrets Action (role auth0_fauna_revoke_action), deployed as that Action's FAUNA_SECRET.",
    parse: nonEmpty,
  },
  FAUNA_ENDPOINT: {
    required: true,
    secret: false,
    description:
      "Base URL of your FQL v4 endpoint: https, host, optional port (e.g. https://fauna.example.com:8443). Fauna's cloud is gone: there is no default. http only to a loopback host, and never deployed.",
    parse: parseFaunaEndpoint,
    // Auth0's runtime cannot reach your loopback, so an http endpoint that deploys would send the
    // login key and every secret in clear over a network.
    deployRule(endpoint: string) {
      if (!endpoint.startsWith('https:')) {
        throw new InvalidValue('must use https to deploy: the login key and every minted secret travel over it (http is for a loopback Fauna with npm run dev only)');
      }
    },
  },
  CLAIM_NAMESPACE: {
    required: true,
    secret: false,
    description:
      'Namespace of the ID token claims, e.g. https://app.example.com/ (a trailing / is added). Not on auth0.com, webtask.io or webtask.run.',
    parse: parseClaimNamespace,
  },
  FAUNA_SECRET_TTL: {
    required: false,
    defaultValue: '36000',
    secret: false,
    description:
      "Seconds each minted Fauna secret lives (60 to 2592000). Set it equal to your app's ID token expiration.",
    parse: wholeNumberBetween(MIN_TTL_SECONDS, MAX_TTL_SECONDS, 'seconds'),
  },
  ALLOWED_CLIENT_IDS: {
    required: true,
    secret: false,
    description:
      'Comma-separated Auth0 client ids (Applications > your app > Client ID) that get a Fauna secret. Logins through other clients go on untouched, without one; unset, no client gets one.',
    parse: parseClientIdList,
  },
  ON_FAUNA_ERROR: {
    required: false,
    defaultValue: 'deny',
    secret: false,
    description:
      '"deny": refuse the login when Fauna cannot mint a secret. "continue": let the login go on without the claims.',
    parse: parseFailurePolicy,
  },
  FAUNA_TIMEOUT_MS: {
    required: false,
    defaultValue: '5000',
    secret: false,
    description: 'Whole budget in milliseconds for the Fauna work of one login, retries included (100 to 9000).',
    parse: wholeNumberBetween(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'milliseconds'),
  },
} as const satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof SETTINGS;
type SettingValue<N extends SettingName> = ReturnType<(typeof SETTINGS)[N]['parse']>;
/** Required settings and settings with a default are always present; the others may be absent. */
type SettingValues<N extends SettingName> = {
  [P in N]: (typeof SETTINGS)[P] extends { required: true } | { defaultValue: string }
    ? SettingValue<P>
    : SettingValue<P> | undefined;
};

export type SecretsBag = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the named settings. Collects every problem before failing, so an admin
 * fixes them all in one go; a problem names the setting and the rule, never the value.
 */
export function readSettings<N extends SettingName>(
  secrets: SecretsBag | undefined,
  names: readonly N[],
  reader: SettingsReader = 'action',
): SettingValues<N> {
  const values: Partial<Record<SettingName, unknown>> = {};
  const problems: SettingProblem[] = [];
  for (const name of names) {
    const spec: SettingSpec<unknown> = SETTINGS[name];
    const raw = secrets?.[name];
    const given = raw !== undefined && raw.trim() !== '';
    if (!given && spec.required) {
      problems.push({
        setting: name,
        reason: 'missing',
        message: `${name} is missing: add it to the Action's secrets (or the deploy environment)`,
      });
      continue;
    }
    const source = given ? raw : spec.defaultValue;
    if (source === undefined) continue;
    try {
      const value = spec.parse(source);
      if (reader === 'deploy') spec.deployRule?.(value);
      values[name] = value;
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      problems.push({ setting: name, reason: 'invalid', message: `${name} ${err.message}` });
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return values as SettingValues<N>;
}

export interface FaunaConnectionSettings {
  readonly faunaSecret: string;
  readonly faunaEndpoint: string;
  readonly timeoutMs: number;
}

export interface LoginSettings extends FaunaConnectionSettings {
  readonly claimNamespace: string;
  readonly secretTtlSeconds: number;
  readonly allowedClientIds: readonly string[];
  readonly onFaunaError: FailurePolicy;
}

export const CONNECTION_SETTING_NAMES = ['FAUNA_SECRET', 'FAUNA_ENDPOINT', 'FAUNA_TIMEOUT_MS'] as const;
export const LOGIN_SETTING_NAMES = [
  ...CONNECTION_SETTING_NAMES,
  'CLAIM_NAMESPACE',
  'FAUNA_SECRET_TTL',
  'ALLOWED_CLIENT_IDS',
  'ON_FAUNA_ERROR',
] as const;

export function parseConnectionSettings(secrets: SecretsBag | undefined): FaunaConnectionSettings {
  const s = readSettings(secrets, CONNECTION_SETTING_NAMES);
  return { faunaSecret: s.FAUNA_SECRET, faunaEndpoint: s.FAUNA_ENDPOINT, timeoutMs: s.FAUNA_TIMEOUT_MS };
}

export function parseLoginSettings(secrets: SecretsBag | undefined): LoginSettings {
  const s = readSettings(secrets, LOGIN_SETTING_NAMES);
  return {
    faunaSecret: s.FAUNA_SECRET,
    faunaEndpoint: s.FAUNA_ENDPOINT,
    timeoutMs: s.FAUNA_TIMEOUT_MS,
    claimNamespace: s.CLAIM_NAMESPACE,
    secretTtlSeconds: s.FAUNA_SECRET_TTL,
    allowedClientIds: s.ALLOWED_CLIENT_IDS,
    onFaunaError: s.ON_FAUNA_ERROR,
  };
}

/**
 * The failure policy on its own, so that even a login whose other settings are broken follows
 * the admin's choice. An absent or invalid ON_FAUNA_ERROR falls back to the safe `deny`.
 */
export function readFailurePolicy(secrets: SecretsBag | undefined): FailurePolicy {
  try {
    return readSettings(secrets, ['ON_FAUNA_ERROR']).ON_FAUNA_ERROR;
  } catch {
    return 'deny';
  }
}

/**
 * The client allowlist on its own: a login through a client we do not serve is left alone even
 * when the Fauna settings are broken. Fails closed: a missing or unreadable list is no client at
 * all, with the problem to log.
 */
export function readAllowedClientIds(
  secrets: SecretsBag | undefined,
): { readonly ids: readonly string[] } | { readonly problem: string } {
  try {
    return { ids: readSettings(secrets, ['ALLOWED_CLIENT_IDS']).ALLOWED_CLIENT_IDS };
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    return { problem: err.problems.map((p) => p.message).join('; ') };
  }
}
