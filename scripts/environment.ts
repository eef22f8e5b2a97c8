import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { SettingsError } from '../actions/lib/errors';
import { SETTINGS, readSettings, type SettingName } from '../actions/lib/settings';

export type EnvBag = Readonly<Record<string, string | undefined>>;

/**
/**
 * Names a file of settings the Fauna-side commands (setup:fauna, verify:fauna, revoke:user,
 * simulate) read over `.env`, e.g. the `.env.fauna-local` that `npm run fauna:local` writes. Set
 * it explicitly per shell or command; the commands that deploy to Auth0 never read it.
 */
export const FAUNA_ENV_FILE_VARIABLE = 'AUTH0_FAUNA_ENV_FILE';

export interface ReadEnvironmentOptions {
  /** Also read the file AUTH0_FAUNA_ENV_FILE names, if set (over `.env`, under the shell's values). */
  readonly faunaEnvFile?: boolean;
  /** Told, once per file, when a file of settings is open to other users (default: stderr). */
  readonly warn?: (line: string) => void;
}

/** The file AUTH0_FAUNA_ENV_FILE names does not exist: said with its code, never silently skipped. */
export class EnvFileError extends Error {
  readonly code = 'ERR_ENV_FILE_MISSING';
}

/**
 * What the scripts read their settings from: `.env` in `cwd` (if any), then for the Fauna-side
 * commands the file AUTH0_FAUNA_ENV_FILE names (which must exist), overlaid by the real
 * environment, so a value set in the shell or CI always wins over a file. process.env itself is
 * left untouched, and dotenv prints nothing. These files hold keys: when others may read one,
 * `warn` is told how to close it.
 */
export function readEnvironment(cwd: string = process.cwd(), processEnv: EnvBag = process.env, options: ReadEnvironmentOptions = {}): EnvBag {
  const warn = options.warn ?? ((line: string) => console.error(line));
  const dotEnv = path.join(cwd, '.env');
  const openDotEnv = envFilePermissionWarning(dotEnv);
  if (openDotEnv !== undefined) warn(openDotEnv);
  const fromFile: Record<string, string> = {};
  dotenv.config({ path: dotEnv, quiet: true, processEnv: fromFile });
  const named = processEnv[FAUNA_ENV_FILE_VARIABLE]?.trim() ?? '';
  if (options.faunaEnvFile === true && named !== '') {
    const file = path.resolve(cwd, named);
    if (!fs.existsSync(file)) {
      throw new EnvFileError(
        `${FAUNA_ENV_FILE_VARIABLE} names ${named}, which does not exist: start \`npm run fauna:local\` (it writes .env.fauna-local) or unset ${FAUNA_ENV_FILE_VARIABLE}`,
      );
    }
    const openNamed = envFilePermissionWarning(file);
    if (openNamed !== undefined) warn(openNamed);
    dotenv.config({ path: file, quiet: true, processEnv: fromFile, override: true });
  }
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined) merged[name] = value;
  return merged;
}

/**
 * A warning when `file` exists and its group or others have any permission on it (POSIX only:
 * Windows has no such mode bits); undefined when it is private or absent.
 */
export function envFilePermissionWarning(file: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  const shown = path.basename(file);
  return `Warning: ${shown} is open to other users (mode ${(mode & 0o777).toString(8)}) and holds keys; run: chmod 600 ${shown}`;
}

/**
 * Runs a script's main and sets its exit code. An unexpected error is reported by its class
 * only: its message might quote a request that carried a key.
 */
export function runScript(name: string, main: () => Promise<number>): void {
  // Through a promise, so what throws before main's first await (reading the settings) lands here too.
  Promise.resolve().then(main).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Its message names a file, never a value.
      if (err instanceof EnvFileError) console.error(`${err.code}: ${err.message}`);
      else console.error(`${name} failed unexpectedly: ${err instanceof Error ? err.name : 'unknown error'}`);
      process.exitCode = 1;
    },
  );
}

/** Every Action setting (actions/lib/settings.ts) that `env` gives a non-empty value: the Action's secrets. */
export function actionSettingsFrom(env: EnvBag): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') secrets[name] = value;
  }
  return secrets;
}

/**
 * The setting that lets `npm run dev` and `npm run simulate` use the Fauna of FAUNA_ENDPOINT and
 * FAUNA_SECRET. Without it they use the in-process Fauna even when `.env` holds your deploy's
 * keys: a dev login mints without a password, for any test user, to any local process.
 */
export const CONFIGURED_FAUNA_OPT_IN = 'DEV_USE_CONFIGURED_FAUNA';

export type FaunaChoice =
  /** `ignored`: FAUNA_ENDPOINT or FAUNA_SECRET is set, and not used. */
  | { readonly use: 'in-process'; readonly ignored: boolean }
  | { readonly use: 'configured'; readonly endpoint: string; readonly secret: string }
  | { readonly problem: string };

/** Which Fauna a local run talks to; a problem names the setting to fix (never a value). */
export function chooseFauna(env: EnvBag): FaunaChoice {
  const given = (name: string) => env[name]?.trim() || undefined;
  const optIn = given(CONFIGURED_FAUNA_OPT_IN);
  if (optIn !== undefined && !['1', 'true', '0', 'false'].includes(optIn.toLowerCase())) {
    return { problem: `${CONFIGURED_FAUNA_OPT_IN} must be 1 (use FAUNA_ENDPOINT and FAUNA_SECRET) or unset (the in-process Fauna).` };
  }
  const endpoint = given('FAUNA_ENDPOINT');
  const secret = given('FAUNA_SECRET');
  if (optIn === undefined || optIn === '0' || optIn.toLowerCase() === 'false') {
    return { use: 'in-process', ignored: endpoint !== undefined || secret !== undefined };
  }
  if (endpoint === undefined || secret === undefined) {
    const missing = [endpoint === undefined ? 'FAUNA_ENDPOINT' : undefined, secret === undefined ? 'FAUNA_SECRET' : undefined].filter(Boolean);
    return { problem: `${CONFIGURED_FAUNA_OPT_IN}=1 needs FAUNA_ENDPOINT and FAUNA_SECRET (the login Action's key); missing: ${missing.join(', ')}.` };
  }
  try {
    return { use: 'configured', endpoint: readSettings({ FAUNA_ENDPOINT: endpoint }, ['FAUNA_ENDPOINT']).FAUNA_ENDPOINT, secret };
  } catch (err) {
    if (err instanceof SettingsError) return { problem: err.problems.map((p) => p.message).join('; ') };
    throw err;
  }
}
