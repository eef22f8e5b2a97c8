import { query as q } from 'faunadb';
import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../../../actions/lib/schema-names';
import { END_ALL_LOGINS, END_LOGIN, endLoginAndTokens } from '../../../fauna/functions';
import { LOGIN, REVOKE_USER, loginFunctionBody } from '../../../fauna/login-functions';
import { APP_COLLECTIONS, type OwnedCollection } from '../../../fauna/app-data';
import { APP_OWNER_ROLE, OWNER_RULES, createPredicate, writePredicate, type OwnerRule } from '../../../fauna/owned-collections';
import { LOGIN_ACTION, LOGIN_FUNCTION_RIGHTS, LOGIN_SECRET, REVOKE_ACTION } from '../../../fauna/roles';
import { TOKENS, collectionRef, functionRef, type FunctionDefinition, type RoleDefinition } from '../../../fauna/schema';
import { SECURITY_CHECKS } from '../../../scripts/verify/checks';
import { addPrivilege, negatePredicate, schemaRole, widenPrivilege } from './secured-fauna';

/**
 * Loosened rules, each built from the real definition in fauna/ (spread + override), and the
 * checks that must fail because of it. Exactly those: a check that fails for another reason
 * would hide that the suite no longer sees what it claims to. A rule is a role's privilege or,
 * for what a function does (the cap, the logout's reach), the function's body.
 */
export interface Widening {
  readonly name: string;
  readonly definition: RoleDefinition | FunctionDefinition;
  readonly failing: readonly string[];
  /** What a failing check's reason must also say: the consequence the loosened rule opened. */
  readonly consequence?: { readonly check: string; readonly says: RegExp };
}

const notes = collectionRef('notes');
const users = collectionRef(USERS_COLLECTION);
const logins = collectionRef(AUTH0_JWT_COLLECTION);
const appOwner = schemaRole(APP_OWNER_ROLE);
function declaredNotes(): OwnedCollection {
  const declared = APP_COLLECTIONS.find((collection) => collection.name === 'notes');
  if (declared === undefined) throw new Error('fauna/app-data.ts declares no notes');
  return declared;
}

/** The notes rules with some rules left out, of both predicates or of one, built by fauna/'s own builders. */
function loosenedNotes(omit: readonly OwnerRule[], only?: 'create' | 'write'): RoleDefinition {
  const rules = OWNER_RULES.filter((rule) => !omit.includes(rule));
  const declared = declaredNotes();
  return widenPrivilege(appOwner, notes, (actions) => ({
    ...actions,
    ...(only !== 'write' ? { create: createPredicate(declared, rules) } : {}),
    ...(only !== 'create' ? { write: writePredicate(declared, rules) } : {}),
  }));
}

export const WIDENINGS: readonly Widening[] = [
  {
    name: 'minted secrets may read every user',
    definition: widenPrivilege(LOGIN_SECRET, users, (actions) => ({ ...actions, read: true })),
    failing: ['secret-cannot-read-other-user', 'secret-cannot-list-users'],
  },
  {
    name: 'minted secrets may delete any login',
    definition: widenPrivilege(LOGIN_SECRET, logins, (actions) => ({ ...actions, delete: true })),
    failing: ['secret-deletes-only-own-login'],
  },
  {
    name: 'anyone signed in may read every note',
    definition: widenPrivilege(appOwner, notes, (actions) => ({ ...actions, read: true })),
    failing: ['notes-invisible-to-others'],
  },
  {
    name: 'a note may change owner',
    definition: loosenedNotes(['owner'], 'write'),
    failing: ['notes-untouchable-by-others', 'notes-owner-cannot-change'],
  },
  {
    name: 'notes take fields that are not declared',
    definition: loosenedNotes(['declared-fields']),
    failing: ['notes-only-declared-fields'],
  },
  {
    name: "a note's fields take any value",
    definition: loosenedNotes(['field-values']),
    failing: ['notes-field-values-bounded'],
  },
  {
    name: 'a note may hold any number of characters in all',
    definition: loosenedNotes(['data-size']),
    failing: ['notes-data-size-bounded'],
  },
  {
    // Without the allow-list a secret puts credentials on its note and Logs in to a secret that
    // never expires (widened-roles.test.ts reads that in the failure), and sets a ttl on create.
    name: 'notes take credentials and any top-level field',
    definition: loosenedNotes(['params']),
    failing: ['notes-only-data-params', 'notes-ttl-unchanged'],
    consequence: { check: 'notes-only-data-params', says: /Login with that password then minted a secret with no ttl, which never expires$/ },
  },
  {
    name: "a note's ttl may change",
    definition: loosenedNotes(['ttl'], 'write'),
    failing: ['notes-ttl-unchanged'],
  },
  {
    name: 'the login key may read users',
    definition: addPrivilege(LOGIN_ACTION, users, { read: true }),
    failing: ['login-key-cannot-read'],
  },
  {
    name: 'the login key may write users freely',
    definition: addPrivilege(LOGIN_ACTION, users, { write: true }),
    failing: ['login-key-cannot-write-users', 'action-keys-cannot-put-credentials'],
  },
  {
    name: 'the login key may create users of any shape',
    definition: addPrivilege(LOGIN_ACTION, users, { create: true }),
    failing: ['login-key-cannot-write-users', 'action-keys-cannot-put-credentials'],
  },
  {
    name: 'the login key may mint any token',
    definition: addPrivilege(LOGIN_ACTION, TOKENS, { create: true }),
    failing: ['login-key-cannot-mint-directly'],
  },
  {
    name: 'the login key may create logins',
    definition: addPrivilege(LOGIN_ACTION, logins, { create: true }),
    failing: ['login-key-cannot-mint-directly', 'action-keys-cannot-put-credentials'],
  },
  {
    name: 'the login key may delete logins',
    definition: addPrivilege(LOGIN_ACTION, logins, { delete: true }),
    failing: ['login-key-cannot-delete'],
  },
  {
    name: 'the login key may call revoke_user',
    definition: addPrivilege(LOGIN_ACTION, functionRef(REVOKE_USER.name), { call: true }),
    failing: ['login-key-calls-only-login'],
  },
  {
    name: 'the revoke key may read users',
    definition: addPrivilege(REVOKE_ACTION, users, { read: true }),
    failing: ['revoke-key-calls-only-revoke-user'],
  },
  {
    name: 'the revoke key may mint any token',
    definition: addPrivilege(REVOKE_ACTION, TOKENS, { create: true }),
    failing: ['revoke-key-cannot-mint'],
  },
  {
    name: 'login without its argument checks',
    definition: { ...LOGIN, body: loginFunctionBody({ checkArguments: false, capLiveLogins: true }) },
    failing: ['login-key-cannot-mint-unbounded-secret', 'login-refuses-bad-arguments', 'login-key-cannot-write-users', 'action-keys-cannot-put-credentials'],
  },
  {
    name: 'login without the cap on live logins',
    definition: { ...LOGIN, body: loginFunctionBody({ checkArguments: true, capLiveLogins: false }) },
    failing: ['login-caps-live-logins'],
  },
  {
    name: 'end_login ending its own login only',
    definition: { ...END_LOGIN, body: q.Query(q.Lambda([], q.Do(endLoginAndTokens(q.CurrentIdentity()), true))) },
    failing: ['end-login-ends-own-session'],
  },
  {
    name: 'end_all_logins ending its own login only',
    definition: {
      ...END_ALL_LOGINS,
      body: q.Query(q.Lambda([], q.Let({ tokens: endLoginAndTokens(q.CurrentIdentity()) }, { logins: 1, tokens: q.Var('tokens'), more: false }))),
    },
    failing: ['end-all-logins-ends-every-own-login'],
  },
  {
    // Inverted, the predicate refuses every real login and allows every forbidden token: no one
    // can sign in, so every check fails (each needs a signed-in user, or login itself).
    name: "login's token predicate negated",
    definition: widenPrivilege(LOGIN_FUNCTION_RIGHTS, TOKENS, (actions) => ({ ...actions, create: negatePredicate(actions.create) })),
    failing: SECURITY_CHECKS.map((check) => check.id),
  },
];
