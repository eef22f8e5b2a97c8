import { SettingsError, type ErrorCode, type SettingProblem } from '../actions/lib/errors';
import type { FetchLike } from '../actions/lib/fauna-client';
import { parseFaunaEndpoint } from '../actions/lib/settings';

/** How the admin scripts (setup:fauna, revoke:user) reach Fauna: an endpoint and an admin key. */
export interface AdminConnection {
  readonly faunaEndpoint: string;
  readonly faunaSecret: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** What the admin scripts (setup:fauna, revoke:user) are given: their inputs and outputs. */
export interface AdminScriptDependencies {
  readonly env: Environment;
  readonly fetch?: FetchLike;
  /** Normal output (the plan, results). */
  readonly out: (line: string) => void;
  /** Problems. */
  readonly err: (line: string) => void;
  /** Budget per query, retries included. */
  readonly budgetMs?: number;
}

/** Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET, naming every problem (never a value). */
export function readAdminConnection(env: Environment): AdminConnection {
  const problems: SettingProblem[] = [];
  const endpointRaw = env.FAUNA_ENDPOINT?.trim() ?? '';
  const secret = env.FAUNA_ADMIN_SECRET?.trim() ?? '';
  let faunaEndpoint = '';
  if (endpointRaw === '') {
    problems.push({
      setting: 'FAUNA_ENDPOINT',
      reason: 'missing',
      message: 'FAUNA_ENDPOINT is missing: set it in the environment or .env (e.g. https://fauna.example.com:8443)',
    });
  } else {
    try {
      faunaEndpoint = parseFaunaEndpoint(endpointRaw, 'put the key in FAUNA_ADMIN_SECRET');
    } catch (err) {
      // parseFaunaEndpoint's messages say what is wrong without repeating the value.
      problems.push({ setting: 'FAUNA_ENDPOINT', reason: 'invalid', message: `FAUNA_ENDPOINT ${(err as Error).message}` });
    }
  }
  if (secret === '') {
    problems.push({
      setting: 'FAUNA_ADMIN_SECRET',
      reason: 'missing',
      message: "FAUNA_ADMIN_SECRET is missing: set it in the environment or .env to an admin key of the app's database",
    });
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return { faunaEndpoint, faunaSecret: secret };
}

/**
 * readAdminConnection for a script: each problem is printed through `err` (named, never a
 * value) and the result is undefined, so the script exits 1 without touching Fauna.
 */
export function adminConnectionOrReport(env: Environment, err: (line: string) => void): AdminConnection | undefined {
  try {
    return readAdminConnection(env);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    for (const problem of e.problems) err(`${e.code}: ${problem.message}`);
    return undefined;
  }
}

/** The shared Fauna hints speak of the Actions' FAUNA_SECRET; for the scripts the key is the admin's. */
export const ADMIN_KEY_HINTS: Partial<Record<ErrorCode, string>> = {
  ERR_FAUNA_UNAUTHORIZED: 'FAUNA_ADMIN_SECRET is not a valid key for FAUNA_ENDPOINT: use an admin key of the database.',
  ERR_FAUNA_PERMISSION_DENIED: 'FAUNA_ADMIN_SECRET must be an admin key: only admin keys create roles and keys.',
};
