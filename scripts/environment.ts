import path from 'node:path';
import dotenv from 'dotenv';
import { SETTINGS, type SettingName } from '../actions/lib/settings';

export type EnvBag = Readonly<Record<string, string | undefined>>;

/**
 * What the scripts read their settings from: `.env` in `cwd` (if any) overlaid by the real
 * environment, so a value set in the shell or CI always wins over the file. process.env itself
 * is left untouched, and dotenv prints nothing.
 */
export function readEnvironment(cwd: string = process.cwd(), processEnv: EnvBag = process.env): EnvBag {
  const fromFile: Record<string, string> = {};
  dotenv.config({ path: path.join(cwd, '.env'), quiet: true, processEnv: fromFile });
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined) merged[name] = value;
  return merged;
}

/**
 * Runs a script's main and sets its exit code. An unexpected error is reported by its class
 * only: its message might quote a request that carried a key.
 */
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`${name} failed unexpectedly: ${err instanceof Error ? err.name : 'unknown error'}`);
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
