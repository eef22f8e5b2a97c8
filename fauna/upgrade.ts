import { query as q } from 'faunadb';
import { LOGIN_FUNCTION } from '../actions/lib/schema-names';
import { AUTH0_JWT, USERS } from './collections';
import { hasOnlyFields } from './field-rules';
import { AUTH0_JWT_BY_USER, TOKENS_BY_INSTANCE, USERS_BY_AUTH0_ID } from './indexes';
import { fingerprint, type SchemaState } from './plan';
import { LOGIN_ACTION, REVOKE_ACTION, expiresInTime, isBoundedLogin, isLoginToken } from './roles';
import { TOKENS, collectionRef, indexRef, type Privilege, type RoleDefinition, type SchemaDefinition } from './schema';

/**
 * Upgrading a live deployment with no failed login: expand, deploy, contract.
 *
 * 1. `npm run setup:fauna` (expand) adds the functions, their roles and the indexes, and gives the
 *    Actions' keys the `call` privilege BESIDE the direct privileges the previous version's
 *    Actions use (below, as they were), so Actions of either version log users in.
 * 2. `npm run deploy:tenant` deploys the Actions that call `login` and `revoke_user`.
 * 3. `npm run setup:fauna -- --finalize` (contract) leaves the keys only `call`.
 *
 * A database whose key roles do not exist yet gets the final roles at once: no Action of the
 * previous version can hold a key that does not exist. Once final, a plain setup keeps them final.
 */

/**
 * The login key's privileges of the previous version, as the previous Action's query needs them:
 * read the index and users, create users and update them without changing auth0_id, create
 * bounded logins and login tokens; every create and write allow-listed (nothing but data, and
 * the ttl of a login), so the expand window adds no `credentials` or `ttl` on a user.
 */
const PREVIOUS_LOGIN_PRIVILEGES: readonly Privilege[] = [
  { resource: indexRef(USERS_BY_AUTH0_ID.name), actions: { read: true } },
  {
    resource: collectionRef(USERS.name),
    actions: {
      read: true,
      create: q.Query(q.Lambda('params', hasOnlyFields(q.Var('params'), ['data']))),
      write: q.Query(
        q.Lambda(
          ['old', 'new'],
          q.And(
            hasOnlyFields(q.Var('new'), ['data']),
            q.Equals(q.Select(['data', 'auth0_id'], q.Var('old')), q.Select(['data', 'auth0_id'], q.Var('new'))),
          ),
        ),
      ),
    },
  },
  {
    resource: collectionRef(AUTH0_JWT.name),
    actions: { create: q.Query(q.Lambda('params', q.And(hasOnlyFields(q.Var('params'), ['data', 'ttl']), isBoundedLogin(q.Var('params'))))) },
  },
  { resource: TOKENS, actions: { create: q.Query(q.Lambda('token', q.And(isLoginToken(q.Var('token')), expiresInTime(q.Var('token'))))) } },
];

/** The revoke key's privileges of the previous version: find a user's logins, delete them and their tokens. */
const PREVIOUS_REVOKE_PRIVILEGES: readonly Privilege[] = [
  { resource: indexRef(USERS_BY_AUTH0_ID.name), actions: { read: true } },
  { resource: collectionRef(USERS.name), actions: { read: true } },
  { resource: indexRef(AUTH0_JWT_BY_USER.name), actions: { read: true } },
  { resource: collectionRef(AUTH0_JWT.name), actions: { read: true, delete: true } },
  { resource: indexRef(TOKENS_BY_INSTANCE.name), actions: { read: true } },
  {
    resource: TOKENS,
    actions: {
      read: q.Query(q.Lambda('ref', isLoginToken(q.Get(q.Var('ref'))))),
      delete: q.Query(q.Lambda('ref', isLoginToken(q.Get(q.Var('ref'))))),
    },
  },
];

/** The previous version's role under its name: the privileges its Actions' queries use. */
export function previousRole(final: RoleDefinition): RoleDefinition {
  const upgrade = KEY_ROLE_UPGRADES.find((u) => u.final.name === final.name);
  if (upgrade === undefined) throw new Error(`role ${final.name} has no previous version`);
  return upgrade.previous;
}

interface KeyRoleUpgrade {
  readonly final: RoleDefinition;
  readonly previous: RoleDefinition;
  /** The expand step's role: the previous privileges and the final ones. */
  readonly expanded: RoleDefinition;
}

function keyRoleUpgrade(final: RoleDefinition, previousPrivileges: readonly Privilege[], previousPurpose: string): KeyRoleUpgrade {
  return {
    final,
    previous: { ...final, purpose: previousPurpose, privileges: previousPrivileges },
    expanded: {
      ...final,
      purpose: `${final.purpose}; until setup:fauna --finalize also the previous version's direct privileges`,
      privileges: [...previousPrivileges, ...final.privileges],
    },
  };
}

export const KEY_ROLE_UPGRADES: readonly KeyRoleUpgrade[] = [
  keyRoleUpgrade(LOGIN_ACTION, PREVIOUS_LOGIN_PRIVILEGES, "the login Action's key: upsert users, create auth0_jwt documents and their tokens"),
  keyRoleUpgrade(REVOKE_ACTION, PREVIOUS_REVOKE_PRIVILEGES, "the revocation Action's key: delete a user's auth0_jwt documents and their tokens"),
];

/**
 * The schema this setup run should make true: `schema` (the final roles) except that, unless
 * finalizing, a key role that exists and is not final yet gets its expanded version.
 */
export function desiredSchema(schema: readonly SchemaDefinition[], state: SchemaState, options: { readonly finalize: boolean }): SchemaDefinition[] {
  return schema.map((def) => {
    const upgrade = def.kind === 'role' ? KEY_ROLE_UPGRADES.find((u) => u.final.name === def.name) : undefined;
    if (upgrade === undefined || options.finalize) return def;
    const observed = state.role[def.name];
    if (observed === null || observed === undefined || observed.fingerprint === fingerprint(upgrade.final)) return def;
    return upgrade.expanded;
  });
}

/** The key roles still expanded (holding the previous version's privileges): `--finalize` has not run. */
export function rolesAwaitingFinalize(state: SchemaState): string[] {
  return KEY_ROLE_UPGRADES.filter((u) => state.role[u.final.name]?.fingerprint === fingerprint(u.expanded)).map((u) => u.final.name);
}

/**
 * Why `--finalize` must wait, or undefined: the key roles exist (Actions of the previous version
 * may be using them) but `login` does not, so no Action of this version can have been deployed
 * against this database yet.
 */
export function finalizeTooEarly(state: SchemaState): string | undefined {
  const keyRolesExist = KEY_ROLE_UPGRADES.some((u) => state.role[u.final.name] !== null && state.role[u.final.name] !== undefined);
  if (!keyRolesExist || (state.function[LOGIN_FUNCTION] ?? null) !== null) return undefined;
  return (
    `the function ${LOGIN_FUNCTION} does not exist yet, and the Actions of the previous version use the keys' direct ` +
    'privileges: run `npm run setup:fauna` (expand), deploy the Actions (`npm run deploy:tenant`), then `npm run setup:fauna -- --finalize`'
  );
}
