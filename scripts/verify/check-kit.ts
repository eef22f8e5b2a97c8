import { query as q, values, type Expr } from 'faunadb';

/**
 * The vocabulary of the security checks (scripts/verify/checks.ts): what a check is given, what
 * it answers, and the few assertions they all use. Reasons are built from statuses, Fauna error
 * codes, ids and names only, never from a secret, so a check's line can always be printed.
 */

/** What one query did: its value, or how Fauna refused it. */
export type Attempt =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly status: number | undefined;
      /** Fauna's code; inside a function `call error: <cause>` (fauna-client.ts). */
      readonly code: string;
      /** Inside a function: the cause's description (an Abort's message). */
      readonly description?: string;
    };

/** One signed-in login of a throwaway user. */
export interface Subject {
  /** Short name of the throwaway user ('alice'), for reasons. */
  readonly name: string;
  readonly auth0Id: string;
  /** The minted secret: only ever passed to `attempt`, never put in a reason. */
  readonly secret: string;
  readonly userRef: values.Ref;
  /** The login's auth0_jwt document: the secret's identity. */
  readonly loginRef: values.Ref;
}

/** The throwaway users the checks sign in; every run uses fresh, clearly marked ids. */
export type UserName =
  | 'alice'
  | 'bob'
  /** Revoked by a check: her logins all end. */
  | 'carol'
  /** Created with a key by a check; never signed in. */
  | 'mallory'
  | 'trent'
  /** Created with the admin key by the uniqueness check; never signed in. */
  | 'oscar'
  /** Signed in through login by the credentials check (without the credentials it tried). */
  | 'peggy'
  /** Signed in past the cap on live logins. */
  | 'dave'
  /** Logs out everywhere (end_all_logins). */
  | 'erin'
  /** Named by the login key calling login directly, as a leaked key's holder would. */
  | 'victor'
  /** An auth0_id a check tries to take over; never created. */
  | 'eve';

export interface AttemptOptions {
  /**
   * Retry what Fauna may answer differently next time (busy, racing); default true. A check that
   * expects the one refusal a retry cannot mend (a second user for one Auth0 id: 400 instance not
   * unique) asks once, instead of retrying it for the whole budget.
   */
  readonly retry?: boolean;
}

/** How a check's login is made: its ttl (default: the session's) and Auth0 session id (default: none). */
export interface LoginOptions {
  readonly ttlSeconds?: number;
  readonly sessionId?: string;
}

export interface CheckContext {
  readonly keys: {
    readonly admin: string;
    /** The login Action's key (role auth0_fauna_login_action). */
    readonly login: string;
    /** The revoke Action's key (role auth0_fauna_revoke_action). */
    readonly revoke: string;
  };
  /** Runs `expr` with `secret`; a Fauna refusal is an answer, not an exception. */
  attempt(secret: string, expr: Expr, options?: AttemptOptions): Promise<Attempt>;
  /** The user's first login, signed in once per run and shared by the checks that leave it alive. */
  user(name: UserName): Promise<Subject>;
  /** A new login of the user, for a check that ends it, needs it short-lived or in an Auth0 session. */
  newLogin(name: UserName, options?: LoginOptions): Promise<Subject>;
  /** The Auth0 session id of this run named `label`: marked like the user ids. */
  sessionId(label: string): string;
  /** The marked Auth0 id of a throwaway user; whatever is made for it is removed at the end. */
  auth0Id(name: UserName): string;
  /** Something a check created (or a refusal that did not happen created) for the cleanup. */
  track(ref: values.Ref): void;
  /** Revokes every login of the user as the revoke-fauna-secrets Action does, with the revoke key. */
  revokeUser(auth0Id: string): Promise<void>;
  /** The ttl of a login when a check gives none. */
  readonly defaultTtlSeconds: number;
  /** The shortest ttl the sign-in accepts, for the expiry check. */
  readonly shortTtlSeconds: number;
  /** How long a token removed by Logout may still authenticate (the core caches token records). */
  readonly logoutGraceSeconds: number;
  /** Lets time pass: a real wait on a server, the clock moved forward in the tests. */
  sleep(seconds: number): Promise<void>;
}

export interface SecurityCheck {
  readonly id: string;
  /** The sentence of docs/security-model.md this check proves. */
  readonly proves: string;
  /** Resolves with what it saw when the sentence holds; throws CheckFailure when it does not. */
  readonly run: (ctx: CheckContext) => Promise<string>;
}

export interface CheckResult {
  readonly id: string;
  readonly proves: string;
  readonly pass: boolean;
  readonly reason: string;
}

/** The sentence does not hold: what was expected and what Fauna did. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

/** The check could not be arranged (e.g. a sign-in failed): it proves nothing, so it fails too. */
export class CheckSetupFailure extends Error {
  override readonly name = 'CheckSetupFailure';
}

export function describeAttempt(attempt: Attempt): string {
  return attempt.ok ? 'it succeeded' : `${attempt.status ?? 'no response'} ${attempt.code}`;
}

/** Fails the check unless Fauna refused with `status` (403 permission denied by default). */
export function expectRefused(attempt: Attempt, what: string, status = 403): void {
  if (attempt.ok || attempt.status !== status) {
    throw new CheckFailure(`${what}: expected ${status}, got ${describeAttempt(attempt)}`);
  }
}

/**
 * Fails the check unless a function refused its arguments: 400, `transaction aborted` inside the
 * call, its message starting with `prefix` (and not, say, a role's 403 inside it).
 */
export function expectAborted(attempt: Attempt, what: string, prefix: string): void {
  if (attempt.ok || attempt.status !== 400 || attempt.code !== 'call error: transaction aborted' || attempt.description?.startsWith(prefix) !== true) {
    throw new CheckFailure(`${what}: expected 400 "${prefix} …", got ${describeAttempt(attempt)}`);
  }
}

/** Fails the check unless the query succeeded; returns its value. */
export function expectAllowed(attempt: Attempt, what: string): unknown {
  if (!attempt.ok) throw new CheckFailure(`${what}: expected it to succeed, got ${describeAttempt(attempt)}`);
  return attempt.value;
}

/** Arranging a check: a failure here means the check could not run. */
export function arranged(attempt: Attempt, what: string): unknown {
  if (!attempt.ok) throw new CheckSetupFailure(`could not ${what}: ${describeAttempt(attempt)}`);
  return attempt.value;
}

export function isRef(value: unknown): value is values.Ref {
  return value instanceof values.Ref;
}

/** Same document: same id in the same collection. */
export function sameRef(a: unknown, b: values.Ref): boolean {
  return isRef(a) && a.id === b.id && a.collection?.id === b.collection?.id;
}

export function describeRef(ref: values.Ref): string {
  return `${ref.collection?.id ?? ref.id}/${ref.id}`;
}

export function field(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

/** The refs of a page (`{data: [...]}`), or [] for anything else. */
export function pageRefs(value: unknown): values.Ref[] {
  const data = field(value, 'data');
  return Array.isArray(data) ? data.filter(isRef) : [];
}

/** The ref of a created document or token, to track it when a refusal did not happen. */
export function createdRef(attempt: Attempt): values.Ref | undefined {
  if (!attempt.ok) return undefined;
  const ref = field(attempt.value, 'ref');
  return isRef(ref) ? ref : undefined;
}

/** A time `seconds` from the transaction's now. */
export const secondsFromNow = (seconds: number): Expr => q.TimeAdd(q.Now(), seconds, 'seconds');

/** Runs a check; every outcome is a result line, never an exception. */
export async function runCheck(check: SecurityCheck, ctx: CheckContext): Promise<CheckResult> {
  try {
    const seen = await check.run(ctx);
    return { id: check.id, proves: check.proves, pass: true, reason: seen };
  } catch (err) {
    const reason =
      err instanceof CheckFailure || err instanceof CheckSetupFailure
        ? err.message
        : // Not ours to describe: an unexpected error's message might quote a request.
          `unexpected ${err instanceof Error ? err.name : 'failure'}${codeOf(err)}`;
    return { id: check.id, proves: check.proves, pass: false, reason };
  }
}

function codeOf(err: unknown): string {
  const code = field(err, 'code');
  return typeof code === 'string' ? ` (${code})` : '';
}
