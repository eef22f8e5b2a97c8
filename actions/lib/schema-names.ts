/**
 * Names of the Fauna schema objects the Actions and scripts touch. The schema definition under
 * `fauna/` creates them; the queries use them; nothing else spells them.
 */
export const USERS_COLLECTION = 'users';
export const USERS_BY_AUTH0_ID_INDEX = 'users_by_auth0_id';
export const AUTH0_JWT_COLLECTION = 'auth0_jwt';
export const AUTH0_JWT_BY_USER_INDEX = 'auth0_jwt_by_user';
