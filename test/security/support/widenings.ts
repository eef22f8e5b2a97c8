import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../../../actions/lib/schema-names';
import { APP_COLLECTIONS, type OwnedCollection } from '../../../fauna/app-data';
import { APP_OWNER_ROLE, OWNER_RULES, createPredicate, writePredicate, type OwnerRule } from '../../../fauna/owned-collections';
import { LOGIN_ACTION, LOGIN_SECRET } from '../../../fauna/roles';
import { TOKENS, collectionRef, type RoleDefinition } from '../../../fauna/schema';
import { SECURITY_CHECKS } from '../../../scripts/verify/checks';
import { negatePredicate, schemaRole, widenPrivilege } from './secured-fauna';

/**
 * Loosened rules, each built from the real definition in fauna/ (spread + override), and the
 * checks that must fail because of it. Exactly those: a check that fails for another reason
 * would hide that the suite no longer sees what it claims to.
 */
export interface Widening {
  readonly name: string;
  readonly role: RoleDefinition;
  readonly failing: readonly string[];
  /** What a failing check's reason must also say: the consequence the loosened rule opened. */
  readonly consequence?: { readonly check: string; readonly says: RegExp };
}

const notes = collectionRef('notes');
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
    role: widenPrivilege(LOGIN_SECRET, collectionRef(USERS_COLLECTION), (actions) => ({ ...actions, read: true })),
    failing: ['secret-cannot-read-other-user', 'secret-cannot-list-users'],
  },
  {
    name: 'minted secrets may delete any login',
    role: widenPrivilege(LOGIN_SECRET, collectionRef(AUTH0_JWT_COLLECTION), (actions) => ({ ...actions, delete: true })),
    failing: ['secret-deletes-only-own-login'],
  },
  {
    name: 'anyone signed in may read every note',
    role: widenPrivilege(appOwner, notes, (actions) => ({ ...actions, read: true })),
    failing: ['notes-invisible-to-others'],
  },
  {
    name: 'a note may change owner',
    role: loosenedNotes(['owner'], 'write'),
    failing: ['notes-untouchable-by-others', 'notes-owner-cannot-change'],
  },
  {
    name: 'notes take fields that are not declared',
    role: loosenedNotes(['declared-fields']),
    failing: ['notes-only-declared-fields'],
  },
  {
    name: "a note's fields take any value",
    role: loosenedNotes(['field-values']),
    failing: ['notes-field-values-bounded'],
  },
  {
    name: 'a note may hold any number of characters in all',
    role: loosenedNotes(['data-size']),
    failing: ['notes-data-size-bounded'],
  },
  {
    // Without the allow-list a secret puts credentials on its note and Logs in to a secret that
    // never expires (widened-roles.test.ts reads that in the failure), and sets a ttl on create.
    name: 'notes take credentials and any top-level field',
    role: loosenedNotes(['params']),
    failing: ['notes-only-data-params', 'notes-ttl-unchanged'],
    consequence: { check: 'notes-only-data-params', says: /Login with that password then minted a secret with no ttl, which never expires$/ },
  },
  {
    name: "a note's ttl may change",
    role: loosenedNotes(['ttl'], 'write'),
    failing: ['notes-ttl-unchanged'],
  },
  {
    name: 'the login key may mint any token',
    role: widenPrivilege(LOGIN_ACTION, TOKENS, (actions) => ({ ...actions, create: true })),
    failing: ['login-key-cannot-mint-for-other-documents', 'login-key-cannot-mint-unbounded-secret'],
  },
  {
    name: 'the login key may write users freely',
    role: widenPrivilege(LOGIN_ACTION, collectionRef(USERS_COLLECTION), (actions) => ({ ...actions, write: true })),
    failing: ['login-key-cannot-change-auth0-id', 'action-keys-cannot-put-credentials'],
  },
  {
    name: 'the login key may create users of any shape',
    role: widenPrivilege(LOGIN_ACTION, collectionRef(USERS_COLLECTION), (actions) => ({ ...actions, create: true })),
    failing: ['action-keys-cannot-put-credentials'],
  },
  {
    name: 'the login key may create logins of any length',
    role: widenPrivilege(LOGIN_ACTION, collectionRef(AUTH0_JWT_COLLECTION), (actions) => ({ ...actions, create: true })),
    failing: ['login-key-cannot-create-unbounded-login', 'action-keys-cannot-put-credentials'],
  },
  {
    // Inverted, the predicate refuses every real login and allows every forbidden token: no one
    // can sign in, so every check fails (each needs a signed-in user).
    name: "the login key's token predicate negated",
    role: widenPrivilege(LOGIN_ACTION, TOKENS, (actions) => ({ ...actions, create: negatePredicate(actions.create) })),
    failing: SECURITY_CHECKS.map((check) => check.id),
  },
];
