/**
 * Names of the Fauna schema objects the Actions and scripts touch. The schema definition under
 * `fauna/` creates them; the queries use them; nothing else spells them.
 */
export const USERS_COLLECTION = 'users';
export const USERS_BY_AUTH0_ID_INDEX = 'users_by_auth0_id';
export const AUTH0_JWT_COLLECTION = 'auth0_jwt';
export const AUTH0_JWT_BY_USER_INDEX = 'auth0_jwt_by_user';
/** A user's logins, earliest expiry first (values `[data.exp, ref]`): the cap's eviction and revocation. */
export const AUTH0_JWT_BY_USER_EXP_INDEX = 'auth0_jwt_by_user_exp';
/** A user's logins in one Auth0 session (terms `data.user`, `data.session_id`): end_login. */
export const AUTH0_JWT_BY_USER_SESSION_INDEX = 'auth0_jwt_by_user_session';
/** Tokens by the document they were minted for: how revocation finds a login's secrets. */
export const TOKENS_BY_INSTANCE_INDEX = 'tokens_by_instance';
/** UDF returning the user ref behind the calling secret, for the app's own ABAC rules. */
export const CURRENT_USER_FUNCTION = 'current_user';
/** UDF a minted secret calls to end, at once, every login of its user in its Auth0 session (the app's logout). */
export const END_LOGIN_FUNCTION = 'end_login';
/** UDF a minted secret calls to end every login of its user ("log out everywhere"). */
export const END_ALL_LOGINS_FUNCTION = 'end_all_logins';
/** UDF the login Action calls: the whole login (upsert, cap, login document, token) in one transaction. */
export const LOGIN_FUNCTION = 'login';
/** UDF the revocation key calls: ends a named user's logins and their tokens. */
export const REVOKE_USER_FUNCTION = 'revoke_user';
/** Role of the login Action's key: call `login`, nothing else. */
export const LOGIN_ACTION_ROLE = 'auth0_fauna_login_action';
/** Role of the revocation key: call `revoke_user`, nothing else. */
export const REVOKE_ACTION_ROLE = 'auth0_fauna_revoke_action';
/** Role `login` runs with: upsert users, evict over the cap, create logins and their tokens. */
export const LOGIN_FUNCTION_ROLE = 'auth0_fauna_login_function';
/** Role `revoke_user` runs with: find a user's logins, delete them and their tokens. */
export const REVOKE_FUNCTION_ROLE = 'auth0_fauna_revoke_function';
/** Role `end_login` and `end_all_logins` run with: end logins of the caller's own user only. */
export const LOGOUT_FUNCTION_ROLE = 'auth0_fauna_logout_function';
/** Role every minted secret holds while its auth0_jwt document has not expired. */
export const LOGIN_SECRET_ROLE = 'auth0_login_secret';
