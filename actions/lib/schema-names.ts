/**
 * Names of the Fauna schema objects the Actions and scripts touch. The schema definition under
 * `fauna/` creates them; the queries use them; nothing else spells them.
 */
export const USERS_COLLECTION = 'users';
export const USERS_BY_AUTH0_ID_INDEX = 'users_by_auth0_id';
export const AUTH0_JWT_COLLECTION = 'auth0_jwt';
export const AUTH0_JWT_BY_USER_INDEX = 'auth0_jwt_by_user';
/** Tokens by the document they were minted for: how revocation finds a login's secrets. */
export const TOKENS_BY_INSTANCE_INDEX = 'tokens_by_instance';
/** UDF returning the user ref behind the calling secret, for the app's own ABAC rules. */
export const CURRENT_USER_FUNCTION = 'current_user';
/** UDF a minted secret calls to end its own login at once (the app's logout). */
export const END_LOGIN_FUNCTION = 'end_login';
export const END_ALL_LOGINS_FUNCTION = 'end_all_logins';
/** Role of the login Action's key: upsert users, create auth0_jwt documents, mint their tokens. */
export const LOGIN_ACTION_ROLE = 'auth0_fauna_login_action';
/** Role of the revocation key: find a user's auth0_jwt documents and delete them and their tokens. */
export const REVOKE_ACTION_ROLE = 'auth0_fauna_revoke_action';
/** Role every minted secret holds while its auth0_jwt document has not expired. */
export const LOGIN_SECRET_ROLE = 'auth0_login_secret';
