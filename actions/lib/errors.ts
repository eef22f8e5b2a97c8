/**
 * Errors carry a stable `code` (like panva/jose's ERR_…) so callers, logs and tests can branch on
 * it, and a message that names what is wrong and what to do. Messages never carry a secret's
 * value: settings are named, Fauna failures are described by Fauna's own error code.
 */
export type ErrorCode =
  | 'ERR_SETTINGS_INVALID'
  | 'ERR_FAUNA_UNAUTHORIZED'
  | 'ERR_FAUNA_PERMISSION_DENIED'
  | 'ERR_FAUNA_BAD_REQUEST'
  | 'ERR_FAUNA_NOT_FOUND'
  | 'ERR_FAUNA_UNAVAILABLE'
  | 'ERR_FAUNA_TIMEOUT'
  | 'ERR_FAUNA_UNEXPECTED_RESULT'
  /** 400 `invalid ref`: a function (login, revoke_user), collection, index or role is missing. */
  | 'ERR_FAUNA_SCHEMA_MISSING'
  /** A function refused its arguments (`Abort`: `invalid login arguments: …`). */
  | 'ERR_FAUNA_CALL_ABORTED'
  /** 403 inside a function: the function's own role lacks a privilege. */
  | 'ERR_FAUNA_FUNCTION_DENIED'
  /** 410: the server has FQL v4 switched off (`allow_v4_queries`). */
  | 'ERR_FAUNA_V4_DISABLED'
  | 'ERR_SCHEMA_CONFLICT'
  /** setup:fauna gave up waiting for a background index build. */
  | 'ERR_INDEX_BUILDING'
  /** setup:fauna gave up waiting for a new function to answer. */
  | 'ERR_FUNCTION_NOT_ANSWERING'
  /** setup:fauna --finalize before the expand step (the Actions of the previous version would fail). */
  | 'ERR_FINALIZE_TOO_EARLY'
  | 'ERR_REVOCATION_INCOMPLETE'
  | 'ERR_USAGE'
  /** The login Action minted nothing for this login (actions/fauna-login/eligibility.ts). */
  | 'ERR_ALLOWED_CLIENTS_UNSET'
  | 'ERR_CLIENT_NOT_ALLOWED'
  | 'ERR_PROTOCOL_NOT_ALLOWED'
  | 'ERR_OPENID_SCOPE_MISSING'
  | 'ERR_AUTH_TIME_UNKNOWN'
  | 'ERR_SESSION_STALE'
  | 'ERR_RUNTIME_UNAVAILABLE'
  /** npm run dev could not start (scripts/dev/dev-error.ts). */
  | 'ERR_DEV_SETTING'
  | 'ERR_DEV_PORT_IN_USE'
  | 'ERR_DEV_BUILD_MISSING'
  | 'ERR_DEV_BUILD_STALE'
  | 'ERR_DEV_USERS_FILE'
  | 'ERR_DEV_APP_CONFIG'
  | 'ERR_DEV_FAUNA_SETUP';

export class AuthFaunaError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface SettingProblem {
  /** The setting's name, e.g. `FAUNA_TIMEOUT_MS`; never its value. */
  readonly setting: string;
  readonly reason: 'missing' | 'invalid';
  /** What is wrong and what to do, without the value. */
  readonly message: string;
}

export class SettingsError extends AuthFaunaError {
  readonly problems: readonly SettingProblem[];

  constructor(problems: readonly SettingProblem[]) {
    super(
      'ERR_SETTINGS_INVALID',
      `Invalid settings: ${problems.map((p) => p.message).join('; ')}`,
    );
    this.problems = problems;
  }
}

/** A Fauna query that failed for good (after any retries the budget allowed). */
export class FaunaQueryError extends AuthFaunaError {
  /** Fauna's own error code (`instance not unique`, `unauthorized`, …) or a transport cause. */
  readonly faunaCode: string;
  /** HTTP status, when Fauna answered at all. */
  readonly status: number | undefined;
  readonly attempts: number;
  /** Inside a function: the cause's description (an Abort's message). */
  readonly faunaDescription: string | undefined;

  constructor(
    code: ErrorCode,
    details: { faunaCode: string; status: number | undefined; attempts: number; hint: string; description?: string },
  ) {
    const status = details.status === undefined ? 'no response' : `HTTP ${details.status}`;
    super(
      code,
      `Fauna query failed (${details.faunaCode}, ${status}, ${details.attempts} attempt(s)): ${details.hint}`,
    );
    this.faunaCode = details.faunaCode;
    this.status = details.status;
    this.attempts = details.attempts;
    this.faunaDescription = details.description;
  }
}
