import { AUTH0_JWT_COLLECTION, USERS_COLLECTION } from '../../../actions/lib/schema-names';
import { APP_OWNER_ROLE } from '../../../fauna/owned-collections';
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
}

const notes = collectionRef('notes');
const appOwner = schemaRole(APP_OWNER_ROLE);

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
    role: widenPrivilege(appOwner, notes, (actions) => ({ ...actions, write: true })),
    failing: ['notes-untouchable-by-others', 'notes-owner-cannot-change'],
  },
  {
    name: 'the login key may mint any token',
    role: widenPrivilege(LOGIN_ACTION, TOKENS, (actions) => ({ ...actions, create: true })),
    failing: ['login-key-cannot-mint-for-other-documents', 'login-key-cannot-mint-unbounded-secret'],
  },
  {
    name: 'the login key may write users freely',
    role: widenPrivilege(LOGIN_ACTION, collectionRef(USERS_COLLECTION), (actions) => ({ ...actions, write: true })),
    failing: ['login-key-cannot-change-auth0-id'],
  },
  {
    name: 'the login key may create logins of any length',
    role: widenPrivilege(LOGIN_ACTION, collectionRef(AUTH0_JWT_COLLECTION), (actions) => ({ ...actions, create: true })),
    failing: ['login-key-cannot-create-unbounded-login'],
  },
  {
    // Inverted, the predicate refuses every real login and allows every forbidden token: no one
    // can sign in, so every check fails (each needs a signed-in user).
    name: "the login key's token predicate negated",
    role: widenPrivilege(LOGIN_ACTION, TOKENS, (actions) => ({ ...actions, create: negatePredicate(actions.create) })),
    failing: SECURITY_CHECKS.map((check) => check.id),
  },
];
