import { SettingsError } from '../../actions/lib/errors';
import { SETTINGS, readSettings, type SettingName } from '../../actions/lib/settings';

import type { EnvBag } from '../environment';

export { readEnvironment, type EnvBag } from '../environment';

export interface Auth0Credentials {
  /** The tenant's host name, e.g. `your-tenant.eu.auth0.com`. */
  readonly domain: string;
  readonly clientId: string;
  /** Never printed. */
  readonly clientSecret: string;
}

/** Which variables hold a Management API credential: the deploy's, or revoke:user's own. */
export interface CredentialNames {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where to read about it, for the "is missing" hint. */
  readonly purpose: string;
}

export const DEPLOY_CREDENTIAL: CredentialNames = {
  clientId: 'AUTH0_CLIENT_ID',
  clientSecret: 'AUTH0_CLIENT_SECRET',
  purpose: "the deploy's Management API machine-to-machine app",
};

/** revoke:user's own Management API application: only the scopes that end sessions and grants. */
export const REVOKE_CREDENTIAL: CredentialNames = {
  clientId: 'AUTH0_REVOKE_CLIENT_ID',
  clientSecret: 'AUTH0_REVOKE_CLIENT_SECRET',
  purpose: "revoke:user's own Management API machine-to-machine app",
};

export const CREDENTIAL_NAMES = ['AUTH0_DOMAIN', DEPLOY_CREDENTIAL.clientId, DEPLOY_CREDENTIAL.clientSecret] as const;

/** Variables that hold a secret besides the Action settings marked `secret`. */
const SECRET_VARIABLES = [DEPLOY_CREDENTIAL.clientSecret, REVOKE_CREDENTIAL.clientSecret, 'FAUNA_ADMIN_SECRET'] as const;

// A host name only: deploy-cli and the SDK build https://<domain>/… themselves.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

// C0 and C1 controls, DEL, and the two Unicode line separators: none belongs in a key, URL or id,
// and each can break the YAML deploy-cli parses (whose error then quotes the line, value and all).
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/**
 * Every named variable whose value (as it would be sent: trimmed) holds a control character,
 * named without its value. Run before anything else, so no parser ever quotes such a value.
 */
export function controlCharacterProblems(env: EnvBag, names: readonly string[]): string[] {
  return names
    .filter((name) => CONTROL_CHARACTER.test(env[name]?.trim() ?? ''))
    .map(
      (name) =>
        `${name} contains a control character (a line break, tab or similar, often from a paste); enter the value again`,
    );
}

export function readAuth0Credentials(
  env: EnvBag,
  names: CredentialNames = DEPLOY_CREDENTIAL,
): { credentials?: Auth0Credentials; problems: string[] } {
  const problems: string[] = [];
  const given = (name: string) => env[name]?.trim() || undefined;
  for (const name of ['AUTH0_DOMAIN', names.clientId, names.clientSecret]) {
    if (!given(name)) problems.push(`${name} is missing: set it to ${names.purpose}'s value (see .env.example)`);
  }
  problems.push(...controlCharacterProblems(env, [names.clientId, names.clientSecret]));
  const domain = given('AUTH0_DOMAIN');
  if (domain && !HOST_NAME.test(domain)) {
    problems.push('AUTH0_DOMAIN must be the tenant host name only, e.g. your-tenant.eu.auth0.com (no https://, no path)');
  }
  const clientId = given(names.clientId);
  const clientSecret = given(names.clientSecret);
  if (problems.length > 0 || !domain || !clientId || !clientSecret) return { problems };
  return { credentials: { domain: domain.toLowerCase(), clientId, clientSecret }, problems };
}

export function isSettingName(name: string): name is SettingName {
  return Object.prototype.hasOwnProperty.call(SETTINGS, name);
}

export interface DeploySettings {
  /** The text each Action secret will hold, by setting name: exactly what this environment sets. */
  readonly values: ReadonlyMap<SettingName, string>;
  /**
   * Optional settings this environment leaves unset: their secret is not sent, and the Action
   * applies its own documented default. Never a default sent in their place (that would reset a
   * value the tenant holds).
   */
  readonly omitted: readonly SettingName[];
}

/**
 * Validates the named settings with the Actions' own parser (so a value that deploys is a value
 * the Action accepts), after refusing any value with a control character, and returns what each
 * secret will hold: the given value, trimmed, or nothing.
 */
export function readDeploySettings(
  env: EnvBag,
  names: readonly SettingName[],
): { settings?: DeploySettings; problems: string[] } {
  const control = controlCharacterProblems(env, names);
  if (control.length > 0) return { problems: control };
  try {
    readSettings(env, names, 'deploy');
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    return { problems: err.problems.map((p) => p.message) };
  }
  const values = new Map<SettingName, string>();
  const omitted: SettingName[] = [];
  for (const name of names) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') values.set(name, raw.trim());
    else omitted.push(name);
  }
  return { settings: { values, omitted }, problems: [] };
}

/** The variables whose values must never appear in output: credentials and secret settings. */
export function secretVariableNames(): string[] {
  return [...SECRET_VARIABLES, ...Object.keys(SETTINGS).filter((n) => isSettingName(n) && SETTINGS[n].secret)];
}

/** Values that must never appear in output: every credential and secret setting that is set. */
export function secretValues(env: EnvBag): string[] {
  return secretVariableNames()
    .map((n) => env[n]?.trim())
    .filter((v): v is string => !!v);
}

/** Any run of this many characters or more copied from a secret is masked, not only the whole value. */
export const MASKED_PIECE_LENGTH = 8;
const MASK = '****';

/**
 * `text` with every secret masked: each whole value, and any piece of 8 or more characters of
 * one (a parser quoting the tail of a line, a value cut to a width). Secrets are key material,
 * not prose, so a shared 8-character run with ordinary text is not a worry.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const whole = secrets.filter((s) => s !== '').reduce((masked, secret) => masked.split(secret).join(MASK), text);
  const pieces = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + MASKED_PIECE_LENGTH <= secret.length; i += 1) pieces.add(secret.slice(i, i + MASKED_PIECE_LENGTH));
  }
  if (pieces.size === 0) return whole;
  const covered = new Uint8Array(whole.length);
  for (let i = 0; i + MASKED_PIECE_LENGTH <= whole.length; i += 1) {
    if (pieces.has(whole.slice(i, i + MASKED_PIECE_LENGTH))) covered.fill(1, i, i + MASKED_PIECE_LENGTH);
  }
  let out = '';
  for (let i = 0; i < whole.length; i += 1) {
    if (covered[i] === 0) out += whole[i];
    else if (i === 0 || covered[i - 1] === 0) out += MASK;
  }
  return out;
}

/**
 * Debug switches of auth0-deploy-cli (its winston logger reads AUTH0_LOG once, when it loads),
 * of the `auth0` SDK, of `debug`-based modules and of Node's own HTTP client: each can print
 * request bodies, which carry the Action secrets' values.
 */
export const DEBUG_LOGGING_VARIABLES = ['AUTH0_LOG', 'AUTH0_DEBUG', 'DEBUG', 'NODE_DEBUG'] as const;

/** Removes the debug switches from `processEnv` for good (this process only); returns those it removed. */
export function clearDebugLogging(processEnv: NodeJS.ProcessEnv = process.env): string[] {
  const cleared = DEBUG_LOGGING_VARIABLES.filter((name) => processEnv[name] !== undefined);
  for (const name of cleared) delete processEnv[name];
  return cleared;
}

// Names that look like a credential even when this project does not know them.
const CREDENTIAL_LIKE = /SECRET|PASSWORD|PRIVATE_KEY|_TOKEN$/i;

/**
 * The environment for a child process (the build): the caller's, without any Action setting,
 * any credential this project knows, anything named like one, and the debug switches. The
 * build needs none of them, and a build plugin or a verbose tool could print them.
 */
export function childEnvironment(processEnv: EnvBag): Record<string, string> {
  const drop = new Set<string>([
    ...Object.keys(SETTINGS),
    ...secretVariableNames(),
    DEPLOY_CREDENTIAL.clientId,
    REVOKE_CREDENTIAL.clientId,
    ...DEBUG_LOGGING_VARIABLES,
  ]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined && !drop.has(name) && !CREDENTIAL_LIKE.test(name)) out[name] = value;
  }
  return out;
}
