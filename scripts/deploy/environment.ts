import { SettingsError } from '../../actions/lib/errors';
import { SETTINGS, readSettings, type SettingName, type SettingSpec } from '../../actions/lib/settings';

import type { EnvBag } from '../environment';

export { readEnvironment, type EnvBag } from '../environment';

export interface Auth0Credentials {
  /** The tenant's host name, e.g. `your-tenant.eu.auth0.com`. */
  readonly domain: string;
  readonly clientId: string;
  /** Never printed. */
  readonly clientSecret: string;
}

export const CREDENTIAL_NAMES = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'] as const;

// A host name only: deploy-cli and the SDK build https://<domain>/… themselves.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export function readAuth0Credentials(env: EnvBag): { credentials?: Auth0Credentials; problems: string[] } {
  const problems: string[] = [];
  const given = (name: string) => env[name]?.trim() || undefined;
  for (const name of CREDENTIAL_NAMES) {
    if (!given(name)) {
      problems.push(`${name} is missing: set it to the Management API machine-to-machine app's value (see .env.example)`);
    }
  }
  const domain = given('AUTH0_DOMAIN');
  if (domain && !HOST_NAME.test(domain)) {
    problems.push('AUTH0_DOMAIN must be the tenant host name only, e.g. your-tenant.eu.auth0.com (no https://, no path)');
  }
  const clientId = given('AUTH0_CLIENT_ID');
  const clientSecret = given('AUTH0_CLIENT_SECRET');
  if (problems.length > 0 || !domain || !clientId || !clientSecret) return { problems };
  return { credentials: { domain: domain.toLowerCase(), clientId, clientSecret }, problems };
}

export function isSettingName(name: string): name is SettingName {
  return Object.prototype.hasOwnProperty.call(SETTINGS, name);
}

export interface DeploySettings {
  /** The text each Action secret will hold, by setting name. Values are never printed. */
  readonly values: ReadonlyMap<SettingName, string>;
  /** Optional settings with neither a value nor a default: their secret is not sent at all. */
  readonly omitted: readonly SettingName[];
  /** Settings whose value is the documented default because none was given. */
  readonly defaulted: readonly SettingName[];
}

/**
 * Validates the named settings with the Actions' own parser (so a value that deploys is a value
 * the Action accepts) and returns what each secret will hold: the given value, else the
 * documented default, else nothing (the secret is left out and the Action applies its own rule).
 */
export function readDeploySettings(
  env: EnvBag,
  names: readonly SettingName[],
): { settings?: DeploySettings; problems: string[] } {
  try {
    readSettings(env, names, 'deploy');
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    return { problems: err.problems.map((p) => p.message) };
  }
  const values = new Map<SettingName, string>();
  const omitted: SettingName[] = [];
  const defaulted: SettingName[] = [];
  for (const name of names) {
    const spec: SettingSpec<unknown> = SETTINGS[name];
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') {
      values.set(name, raw.trim());
    } else if (spec.defaultValue !== undefined) {
      values.set(name, spec.defaultValue);
      defaulted.push(name);
    } else {
      omitted.push(name);
    }
  }
  return { settings: { values, omitted, defaulted }, problems: [] };
}

/** Values that must never appear in output: every credential and secret setting that is set. */
export function secretValues(env: EnvBag): string[] {
  const names = ['AUTH0_CLIENT_SECRET', ...Object.keys(SETTINGS).filter((n) => isSettingName(n) && SETTINGS[n].secret)];
  return names.map((n) => env[n]?.trim()).filter((v): v is string => !!v);
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((masked, secret) => masked.split(secret).join('****'), text);
}
