/**
 * Every text the example apps (examples/spa, examples/react) show about a problem is one of these
 * fixed sentences, chosen by an error code. Nothing from the URL (`error_description`, which anyone can put in a link to the
 * app) and no raw exception message is ever rendered: a link must not make the app's own origin
 * display an attacker's words.
 */
import { errors as faunaErrors } from 'faunadb';
import { FaunaClientError } from 'auth0-fauna-client';

/**
 * For developers, in the console: the error's code or class, never the error object (a driver
 * error's request result carries the Authorization header, the secret), never on the page.
 */
export function warnDevelopers(context: string, err: unknown): void {
  const code = err instanceof FaunaClientError ? err.code : (oauthErrorCode(err) ?? (err instanceof Error ? err.name : typeof err));
  console.warn(`auth0-fauna example: ${context}: ${code}`);
}

/** OAuth 2.0 / OpenID Connect error codes a login can end with, and what the user is told. */
export const LOGIN_ERROR_TEXTS: Readonly<Record<string, string>> = {
  access_denied: 'Sign-in was refused. Please log in again; if it keeps failing, try again in a few minutes.',
  login_required: 'Your sign-in has ended. Please log in again.',
  interaction_required: 'Please log in again to continue.',
  consent_required: 'This app needs your consent. Please log in again.',
  account_selection_required: 'Please choose an account: log in again.',
  mfa_required: 'Please log in again and complete the second step.',
  unauthorized_client: 'This app is not allowed to sign in here. Please contact its administrator.',
  invalid_request: 'The sign-in request was not valid. Please try again.',
  invalid_scope: 'The sign-in request was not valid. Please try again.',
  unsupported_response_type: 'The sign-in request was not valid. Please try again.',
  invalid_grant: 'Your sign-in has ended. Please log in again.',
  server_error: 'The sign-in service had a problem. Please try again in a few minutes.',
  temporarily_unavailable: 'The sign-in service is busy. Please try again in a few minutes.',
};

export const UNKNOWN_LOGIN_ERROR = 'Sign-in did not complete. Please try again.';

/** The fixed text for an OAuth error code; the code itself is never shown. */
export function loginErrorText(code: unknown): string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(LOGIN_ERROR_TEXTS, code) ? (LOGIN_ERROR_TEXTS[code] as string) : UNKNOWN_LOGIN_ERROR;
}

/** The OAuth error code of an auth0-spa-js error (GenericError and its kin carry `error`). */
export function oauthErrorCode(err: unknown): string | undefined {
  const code = (err as { error?: unknown } | null)?.error;
  return typeof code === 'string' ? code : undefined;
}

/** A failed fetch (offline, DNS, refused connection, CORS): browsers throw a TypeError. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError;
}

export const TEXTS = {
  loading: 'Loading…',
  signedOut: 'You are signed out.',
  accountChanged: 'You signed in as someone else in another tab. Log in again to continue.',
  loggedOutElsewhere: 'You logged out in another tab.',
  loggedOutEverywhere: 'You were logged out everywhere from another tab.',
  databaseUnreachable: 'Could not reach the database. Check your connection and try again.',
  loginUnreachable: 'Could not reach the sign-in service. Check your connection and try again.',
  secretRevoked: 'Your access to the database was revoked. Please log in again.',
  databaseRefused: 'The database refused this request.',
  databaseFailed: 'The database could not do this right now. Please try again.',
  logoutIncomplete: 'You are logged out here, but the database could not confirm it; your access ends by itself when it expires.',
  noDatabaseAccess: 'Signed in, but this login carries no database access. Ask the administrator to allow this app (ALLOWED_CLIENT_IDS).',
  unexpected: 'Something went wrong. Please reload the page.',
} as const;

/** Why the session of a reload could not be restored, as a sentence. */
export function restoreProblemText(err: unknown): string {
  const why = isNetworkError(err) ? TEXTS.loginUnreachable : loginErrorText(oauthErrorCode(err));
  return `Your session could not be restored. ${why}`;
}

/** What a failed query, renewal or logout means for the user. */
export function problemText(err: unknown): string {
  if (err instanceof FaunaClientError) {
    switch (err.code) {
      case 'ERR_ACCOUNT_CHANGED':
        return TEXTS.accountChanged;
      case 'ERR_LOGGED_OUT':
        return TEXTS.loggedOutElsewhere;
      case 'ERR_SECRET_REJECTED':
        return TEXTS.secretRevoked;
      case 'ERR_LOGOUT_FAILED':
        return TEXTS.logoutIncomplete;
      case 'ERR_CLAIM_MISSING':
        return TEXTS.noDatabaseAccess;
      case 'ERR_RENEW_FAILED':
        if (isNetworkError(err.cause)) return TEXTS.loginUnreachable;
        return oauthErrorCode(err.cause) === undefined ? UNKNOWN_LOGIN_ERROR : loginErrorText(oauthErrorCode(err.cause));
      default:
        return TEXTS.unexpected;
    }
  }
  if (isNetworkError(err)) return TEXTS.databaseUnreachable;
  if (err instanceof faunaErrors.PermissionDenied) return TEXTS.databaseRefused;
  if (err instanceof faunaErrors.FaunaError) return TEXTS.databaseFailed;
  return TEXTS.unexpected;
}

/** Why the sign-in ended without this tab logging out (another tab, another account, a revocation). */
export function signInEndedText(err: unknown): string {
  const everywhere = err instanceof FaunaClientError && err.code === 'ERR_LOGGED_OUT' && /everywhere/.test(err.message);
  return everywhere ? TEXTS.loggedOutEverywhere : problemText(err);
}

/** Whether a problem ends the signed-in state: the user has to log in again. */
export function endsSignIn(err: unknown): boolean {
  if (!(err instanceof FaunaClientError)) return false;
  if (err.code === 'ERR_RENEW_FAILED') return !isNetworkError(err.cause) && oauthErrorCode(err.cause) !== undefined;
  return err.code === 'ERR_ACCOUNT_CHANGED' || err.code === 'ERR_LOGGED_OUT' || err.code === 'ERR_SECRET_REJECTED';
}
