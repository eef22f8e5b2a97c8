/**
 * The app side of auth0-fauna: read the Fauna secret the login Action put in the ID token, query
 * Fauna with it, renew it before it expires, end it at logout. Browser-safe (no Node built-ins);
 * see docs/in-your-app.md.
 */
export { FaunaClientError, type FaunaClientErrorCode } from './errors';
export { readAccount, readFaunaLogin, withoutFaunaClaims, type Account, type FaunaLogin, type IdTokenClaims } from './claims';
export {
  END_ALL_LOGINS_FUNCTION,
  END_LOGIN_FUNCTION,
  FaunaSession,
  MAX_HELD_LOGINS,
  type FaunaSessionOptions,
  type LogoutOptions,
} from './session';
export type { TabMessage } from './tab-sync';
