/**
 * Errors of the app-side helper. Like the Actions' errors (actions/lib/errors.ts) each carries a
 * stable `code` to branch on and a message that says what is wrong and what to do; never the
 * secret. The driver's or the app's own error, when there is one, is the `cause`.
 */
export type FaunaClientErrorCode =
  /** No claims at all, or no `<namespace>fauna_secret` / `<namespace>fauna_secret_exp` in them. */
  | 'ERR_CLAIM_MISSING'
  /** A claim is there but of the wrong type or out of range. */
  | 'ERR_CLAIM_INVALID'
  /** The namespace is not one the login Action accepts as CLAIM_NAMESPACE. */
  | 'ERR_NAMESPACE_INVALID'
  /** The secret a renewal delivered had already expired (the cause of an ERR_RENEW_FAILED). */
  | 'ERR_SECRET_EXPIRED'
  /** `renew()` threw, or its claims carried no usable secret: the user may have to log in again. */
  | 'ERR_RENEW_FAILED'
  /** Fauna refused the secret (401) again right after a renewal: the login was revoked. */
  | 'ERR_SECRET_REJECTED'
  /** The session was logged out (here or in another tab): create a new one after the next login. */
  | 'ERR_LOGGED_OUT'
  /** The app closed the session with `close()` (e.g. a component unmounted); its logins were not ended. */
  | 'ERR_SESSION_CLOSED'
  /**
   * Fresh claims (a renewal, or another tab's login) are of another account than the session's
   * first login (`iss`/`sub`), or have no `sub`: the session is closed, nothing sent with them.
   */
  | 'ERR_ACCOUNT_CHANGED'
  /** Fauna did not confirm the end of the login; the session is closed anyway. */
  | 'ERR_LOGOUT_FAILED'
  /** A FaunaSessionOptions field is missing or malformed. */
  | 'ERR_OPTIONS_INVALID';

export class FaunaClientError extends Error {
  readonly code: FaunaClientErrorCode;

  constructor(code: FaunaClientErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'FaunaClientError';
    this.code = code;
  }
}
