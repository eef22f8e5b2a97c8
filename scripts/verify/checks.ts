import { randomBytes } from 'node:crypto';
import { query as q, type Expr, type values } from 'faunadb';
import {
  AUTH0_JWT_COLLECTION,
  CURRENT_USER_FUNCTION,
  END_LOGIN_FUNCTION,
  LOGIN_ACTION_ROLE,
  TOKENS_BY_INSTANCE_INDEX,
  USERS_BY_AUTH0_ID_INDEX,
  USERS_COLLECTION,
} from '../../actions/lib/schema-names';
import { MAX_TTL_SECONDS } from '../../actions/lib/settings';
import { APP_COLLECTIONS, type OwnedCollection } from '../../fauna/app-data';
import type { FieldSpec } from '../../fauna/field-rules';
import { ownerIndexName } from '../../fauna/owned-collections';
import {
  CheckFailure,
  arranged,
  createdRef,
  describeAttempt,
  describeRef,
  expectAllowed,
  expectRefused,
  field,
  isRef,
  pageRefs,
  sameRef,
  secondsFromNow,
  type Attempt,
  type CheckContext,
  type SecurityCheck,
  type Subject,
} from './check-kit';

/**
 * The security model (docs/security-model.md) as executable checks: each proves one sentence, with the
 * keys setup:fauna makes and secrets minted by the login query. Both `npm test`
 * (test/security/) and `npm run verify:fauna` run this list. Every refusal is paired with the
 * same kind of query succeeding for whoever may do it, so a setup that refuses everything fails.
 */

const users = q.Collection(USERS_COLLECTION);
const logins = q.Collection(AUTH0_JWT_COLLECTION);
const readOwnLogin = q.Get(q.CurrentIdentity());

/** A token for `instance` expiring `seconds` from now; `null` leaves out the ttl. */
const mintToken = (instance: Expr, seconds: number | null): Expr =>
  q.Create(q.Tokens(), seconds === null ? { instance } : { instance, ttl: secondsFromNow(seconds) });

/** A login document as the login query writes it; `null` leaves out the ttl; `extra` adds top-level fields. */
const createLogin = (user: values.Ref, seconds: number | null, extra: Record<string, unknown> = {}): Expr =>
  q.Let(
    { at: secondsFromNow(seconds ?? MAX_TTL_SECONDS) },
    q.Create(logins, {
      data: { user, exp: q.Var('at'), client_id: 'auth0-fauna-verify' },
      ...(seconds === null ? {} : { ttl: q.Var('at') }),
      ...extra,
    }),
  );

/** A password for credentials a check tries to set: fresh each time, never printed. */
const throwawayPassword = (): string => `verify-${randomBytes(12).toString('hex')}`;

/** A listing or lookup holds nothing but `allowed` refs, or was refused outright. */
function onlyOwnEntries(attempt: Attempt, allowed: readonly values.Ref[], what: string): string {
  if (!attempt.ok) {
    expectRefused(attempt, what);
    return 'refused (403)';
  }
  const foreign = pageRefs(attempt.value).filter((ref) => !allowed.some((own) => sameRef(ref, own)));
  if (foreign.length > 0) throw new CheckFailure(`${what}: it returned ${foreign.length} entry(ies) it may not see, e.g. ${describeRef(foreign[0])}`);
  return `returned no entry it may not see`;
}

/** Creates with `secret`; when the create should have been refused but was not, tracks what it made. */
async function attemptCreate(ctx: CheckContext, secret: string, expr: Expr): Promise<Attempt> {
  const attempt = await ctx.attempt(secret, expr);
  const ref = createdRef(attempt);
  if (ref !== undefined) ctx.track(ref);
  return attempt;
}

/** Polls until `subject`'s secret is refused (401), for at most `seconds`. */
async function refusedWithin(ctx: CheckContext, subject: Subject, seconds: number): Promise<Attempt> {
  let attempt = await ctx.attempt(subject.secret, readOwnLogin);
  for (let waited = 0; attempt.ok && waited < seconds; waited += 1) {
    await ctx.sleep(1);
    attempt = await ctx.attempt(subject.secret, readOwnLogin);
  }
  return attempt;
}

async function expectLive(ctx: CheckContext, subject: Subject, when: string): Promise<void> {
  expectAllowed(await ctx.attempt(subject.secret, readOwnLogin), `${subject.name}'s secret reading its own login ${when}`);
}

/**
 * A create alice's secret must be refused (403) while the key whose job it is may make the very
 * same create: the pairing that keeps a database refusing everything from passing.
 */
function secretMayNotCreate(spec: {
  readonly id: string;
  readonly proves: string;
  readonly what: string;
  readonly rightful: 'login' | 'admin';
  readonly create: (ctx: CheckContext, alice: Subject) => Expr;
}): SecurityCheck {
  return {
    id: spec.id,
    proves: spec.proves,
    async run(ctx) {
      const alice = await ctx.user('alice');
      const create = spec.create(ctx, alice);
      expectRefused(await attemptCreate(ctx, alice.secret, create), `alice's secret ${spec.what}`);
      expectAllowed(await attemptCreate(ctx, ctx.keys[spec.rightful], create), `the ${spec.rightful} key doing the same`);
      return `403; the ${spec.rightful} key may`;
    },
  };
}

// ---- a minted secret ------------------------------------------------------------------------

const SECRET_CHECKS: readonly SecurityCheck[] = [
  {
    id: 'secret-reads-own-user',
    proves: 'A minted secret reads its own user document, through current_user().',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const user = expectAllowed(
        await ctx.attempt(alice.secret, q.Get(q.Call(q.Function(CURRENT_USER_FUNCTION)))),
        'Get(current_user()) with the secret',
      );
      if (!sameRef(field(user, 'ref'), alice.userRef) || field(user, 'data', 'auth0_id') !== alice.auth0Id) {
        throw new CheckFailure('Get(current_user()) returned another document than the signed-in user');
      }
      return `current_user() is ${describeRef(alice.userRef)}, auth0_id ${alice.auth0Id}`;
    },
  },
  {
    id: 'secret-reads-own-login',
    proves: 'A minted secret reads its own login (its auth0_jwt document).',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const login = expectAllowed(await ctx.attempt(alice.secret, readOwnLogin), 'Get(CurrentIdentity()) with the secret');
      if (!sameRef(field(login, 'ref'), alice.loginRef) || !sameRef(field(login, 'data', 'user'), alice.userRef)) {
        throw new CheckFailure("Get(CurrentIdentity()) did not return the secret's own login of its user");
      }
      return `its login ${describeRef(alice.loginRef)} names its user`;
    },
  },
  {
    id: 'secret-cannot-read-other-user',
    proves: "A minted secret cannot read another user's document.",
    async run(ctx) {
      const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
      expectRefused(await ctx.attempt(alice.secret, q.Get(bob.userRef)), "alice's secret reading bob's user");
      expectAllowed(await ctx.attempt(bob.secret, q.Get(bob.userRef)), "bob's secret reading bob's user");
      return "403 for another user's document; its owner reads it";
    },
  },
  {
    id: 'secret-cannot-list-users',
    proves: 'A minted secret cannot list the users: a listing shows nobody but its own user.',
    async run(ctx) {
      // Bob is signed in too, so a listing that is not filtered has someone else's entry.
      const [alice] = [await ctx.user('alice'), await ctx.user('bob')];
      const listing = q.Paginate(q.Documents(users));
      const seen = onlyOwnEntries(await ctx.attempt(alice.secret, listing), [alice.userRef], "alice's secret listing users");
      const all = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.admin, listing), 'the admin key listing users'));
      if (all.length < 2) throw new CheckFailure(`the admin key's listing of users has ${all.length} entry(ies); at least alice and bob exist`);
      return `${seen}; the admin key sees ${all.length}`;
    },
  },
  {
    id: 'secret-cannot-look-up-other-user',
    proves: 'A minted secret cannot look another user up by Auth0 id.',
    async run(ctx) {
      const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
      const lookup = q.Paginate(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), bob.auth0Id));
      const seen = onlyOwnEntries(await ctx.attempt(alice.secret, lookup), [], "alice's secret looking bob up");
      const found = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.login, lookup), 'the login key looking bob up'));
      if (!found.some((ref) => sameRef(ref, bob.userRef))) throw new CheckFailure("the login key's lookup did not find bob");
      return `${seen}; the login key finds bob`;
    },
  },
  secretMayNotCreate({
    id: 'secret-cannot-mint',
    proves: 'A minted secret cannot create tokens (mint secrets).',
    what: 'minting a token for its own login',
    rightful: 'login',
    create: (_ctx, alice) => mintToken(alice.loginRef, 60),
  }),
  secretMayNotCreate({
    id: 'secret-cannot-create-keys',
    proves: 'A minted secret cannot create keys.',
    what: 'creating a key',
    rightful: 'admin',
    create: () => q.CreateKey({ role: q.Role(LOGIN_ACTION_ROLE), data: { description: 'auth0-fauna verify: must be refused' } }),
  }),
  secretMayNotCreate({
    id: 'secret-cannot-create-users',
    proves: 'A minted secret cannot create users.',
    what: 'creating a user',
    rightful: 'login',
    create: (ctx) => q.Create(users, { data: { auth0_id: ctx.auth0Id('mallory') } }),
  }),
  {
    id: 'secret-cannot-change-own-auth0-id',
    proves: "A minted secret cannot change its own user's auth0_id, nor anything else of it.",
    async run(ctx) {
      const alice = await ctx.user('alice');
      const hijack = q.Update(alice.userRef, { data: { auth0_id: ctx.auth0Id('eve') } });
      expectRefused(await ctx.attempt(alice.secret, hijack), "alice's secret changing its user's auth0_id");
      expectRefused(await ctx.attempt(alice.secret, q.Update(alice.userRef, { data: { name: 'renamed' } })), "alice's secret changing its user's name");
      expectAllowed(
        await ctx.attempt(ctx.keys.login, q.Update(alice.userRef, { data: { name: 'auth0-fauna verify' } })),
        "the login key updating alice's name, as the upsert does",
      );
      return '403 for auth0_id and name; the login key updates the profile';
    },
  },
  {
    id: 'secret-deletes-only-own-login',
    proves: "A minted secret may delete its own login (a logout) and no other login, not even another of its own user's.",
    async run(ctx) {
      const [first, second, other] = [await ctx.newLogin('alice'), await ctx.newLogin('alice'), await ctx.newLogin('bob')];
      expectRefused(await ctx.attempt(first.secret, q.Delete(other.loginRef)), "alice's secret deleting bob's login");
      expectRefused(await ctx.attempt(first.secret, q.Delete(second.loginRef)), "alice's secret deleting another login of alice");
      expectRefused(await ctx.attempt(first.secret, q.Delete(other.userRef)), "alice's secret deleting bob's user");
      expectAllowed(await ctx.attempt(second.secret, q.Delete(second.loginRef)), "alice's other secret deleting its own login");
      expectRefused(await ctx.attempt(second.secret, readOwnLogin), 'the secret of the deleted login', 401);
      await expectLive(ctx, first, 'after its sibling logged out');
      return "403 for other logins and users; its own delete ends it (401) and no other";
    },
  },
  {
    id: 'secret-refused-after-logout',
    proves: 'A minted secret is refused (401) after Logout.',
    async run(ctx) {
      const session = await ctx.newLogin('alice');
      await expectLive(ctx, session, 'before Logout');
      expectAllowed(await ctx.attempt(session.secret, q.Logout(false)), 'Logout(false) with the secret');
      const after = await refusedWithin(ctx, session, ctx.logoutGraceSeconds);
      expectRefused(after, `the secret ${ctx.logoutGraceSeconds} s after Logout`, 401);
      return `401 after Logout (within ${ctx.logoutGraceSeconds} s)`;
    },
  },
  {
    id: 'secret-refused-after-expiry',
    proves: 'A minted secret is refused (401) once its ttl (FAUNA_SECRET_TTL) has passed.',
    async run(ctx) {
      const session = await ctx.newLogin('alice', ctx.shortTtlSeconds);
      await expectLive(ctx, session, 'before its expiry');
      await ctx.sleep(ctx.shortTtlSeconds + 1);
      expectRefused(await ctx.attempt(session.secret, readOwnLogin), `the secret ${ctx.shortTtlSeconds + 1} s after a ${ctx.shortTtlSeconds} s login`, 401);
      return `401 after a ${ctx.shortTtlSeconds} s ttl`;
    },
  },
  {
    id: 'secret-refused-after-revocation',
    proves: "A minted secret is refused (401) at once when its user's secrets are revoked (password change, revoke:user); other users' secrets keep working.",
    async run(ctx) {
      const [first, second, bystander] = [await ctx.newLogin('carol'), await ctx.newLogin('carol'), await ctx.user('alice')];
      await expectLive(ctx, first, 'before revocation');
      await ctx.revokeUser(first.auth0Id);
      for (const session of [first, second]) {
        expectRefused(await ctx.attempt(session.secret, readOwnLogin), `carol's secret right after revocation`, 401);
      }
      await expectLive(ctx, bystander, "after carol's revocation");
      return "401 for both of carol's secrets at once; alice's still works";
    },
  },
  {
    id: 'secret-refused-at-once-after-end-login',
    proves: 'A minted secret is refused (401) on the very next request after end_login(), which ends its own login and no other.',
    async run(ctx) {
      const [ending, sibling] = [await ctx.newLogin('alice'), await ctx.newLogin('alice')];
      const ended = expectAllowed(await ctx.attempt(ending.secret, q.Call(q.Function(END_LOGIN_FUNCTION))), 'end_login() with the secret');
      if (ended !== true) throw new CheckFailure('end_login() did not return true');
      expectRefused(await ctx.attempt(ending.secret, readOwnLogin), 'the secret on the very next request', 401);
      const left = await ctx.attempt(ctx.keys.admin, {
        login: q.Exists(ending.loginRef),
        tokens: q.Count(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), ending.loginRef)),
      } as unknown as Expr);
      const remains = arranged(left, 'read what end_login() left behind');
      if (field(remains, 'login') !== false || field(remains, 'tokens') !== 0) {
        throw new CheckFailure('end_login() left its login document or tokens behind');
      }
      await expectLive(ctx, sibling, "after its sibling's end_login()");
      return 'true; 401 on the next request, login and tokens gone; the other login of the user lives';
    },
  },
];

/** The login key may create `what` only with a ttl no later than the longest FAUNA_SECRET_TTL. */
function boundedByLoginKey(what: 'secret' | 'login', id: string, create: (alice: Subject, seconds: number | null) => Expr): SecurityCheck {
  const verb = what === 'secret' ? 'mint a secret' : 'create a login';
  return {
    id,
    proves: `A leaked login key cannot ${verb} that outlives now + ${MAX_TTL_SECONDS} s, or one without expiry.`,
    async run(ctx) {
      const alice = await ctx.user('alice');
      const key = ctx.keys.login;
      expectRefused(await attemptCreate(ctx, key, create(alice, MAX_TTL_SECONDS + 60)), `a ${what} 60 s past the longest ttl`);
      expectRefused(await attemptCreate(ctx, key, create(alice, null)), `a ${what} without ttl`);
      expectAllowed(await attemptCreate(ctx, key, create(alice, MAX_TTL_SECONDS - 60)), `a ${what} within the longest ttl`);
      return '403 past the longest ttl and without ttl; within it works';
    },
  };
}

// ---- the Actions' keys ----------------------------------------------------------------------

const KEY_CHECKS: readonly SecurityCheck[] = [
  {
    id: 'login-key-mints-longest-allowed-login',
    proves: `The login key signs a user in with the longest FAUNA_SECRET_TTL (${MAX_TTL_SECONDS} s), and the secret works.`,
    async run(ctx) {
      const session = await ctx.newLogin('bob', MAX_TTL_SECONDS);
      await expectLive(ctx, session, `of a ${MAX_TTL_SECONDS} s login`);
      return `a ${MAX_TTL_SECONDS} s login works`;
    },
  },
  {
    id: 'login-key-cannot-mint-for-other-documents',
    proves: 'A leaked login key cannot mint a secret for anything but an auth0_jwt document.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      expectRefused(await attemptCreate(ctx, ctx.keys.login, mintToken(alice.userRef, 60)), "the login key minting a token for alice's user");
      expectAllowed(await attemptCreate(ctx, ctx.keys.login, mintToken(alice.loginRef, 60)), "the login key minting a token for alice's login");
      return '403 for a user document; an auth0_jwt document works';
    },
  },
  boundedByLoginKey('secret', 'login-key-cannot-mint-unbounded-secret', (alice, seconds) => mintToken(alice.loginRef, seconds)),
  boundedByLoginKey('login', 'login-key-cannot-create-unbounded-login', (alice, seconds) => createLogin(alice.userRef, seconds)),
  {
    id: 'login-key-cannot-delete',
    proves: 'A leaked login key cannot delete anything: no token, login or user.',
    async run(ctx) {
      const session = await ctx.newLogin('bob');
      const tokens = arranged(
        await ctx.attempt(ctx.keys.revoke, q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), session.loginRef))),
        "find the token of bob's login with the revoke key",
      );
      const [token] = pageRefs(tokens);
      if (token === undefined) throw new CheckFailure("the revoke key found no token for bob's login");
      expectRefused(await ctx.attempt(ctx.keys.login, q.Delete(token)), 'the login key deleting a token');
      expectRefused(await ctx.attempt(ctx.keys.login, q.Delete(session.loginRef)), 'the login key deleting a login');
      expectRefused(await ctx.attempt(ctx.keys.login, q.Delete(session.userRef)), 'the login key deleting a user');
      expectAllowed(await ctx.attempt(ctx.keys.revoke, q.Delete(token)), 'the revoke key deleting that token');
      expectAllowed(await ctx.attempt(ctx.keys.revoke, q.Delete(session.loginRef)), 'the revoke key deleting that login');
      return '403 for a token, a login and a user; the revoke key deletes the login and its token';
    },
  },
  {
    id: 'login-key-cannot-read-logins-or-tokens',
    proves: 'A leaked login key cannot read logins or tokens.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const key = ctx.keys.login;
      const tokensOfLogin = q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), alice.loginRef));
      expectRefused(await ctx.attempt(key, q.Get(alice.loginRef)), "the login key reading alice's login");
      onlyOwnEntries(await ctx.attempt(key, tokensOfLogin), [], "the login key listing the tokens of alice's login");
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Documents(q.Tokens()))), [], 'the login key listing tokens');
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Documents(logins))), [], 'the login key listing logins');
      const found = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.revoke, tokensOfLogin), 'the revoke key listing the same tokens'));
      if (found.length === 0) throw new CheckFailure("the revoke key found no token of alice's login");
      return '403 or nothing for logins and tokens; the revoke key finds them';
    },
  },
  {
    id: 'login-key-cannot-change-auth0-id',
    proves: "A leaked login key cannot change a user's auth0_id (to take over that user's logins).",
    async run(ctx) {
      const alice = await ctx.user('alice');
      const hijack = q.Update(alice.userRef, { data: { auth0_id: ctx.auth0Id('eve') } });
      expectRefused(await ctx.attempt(ctx.keys.login, hijack), "the login key changing alice's auth0_id");
      expectAllowed(await ctx.attempt(ctx.keys.login, q.Update(alice.userRef, { data: { email: 'verify@example.invalid' } })), "the login key updating alice's email");
      return '403 for auth0_id; the profile fields update';
    },
  },
  {
    id: 'one-user-per-auth0-id',
    proves: 'A user exists once: signing in again finds the same user, and a second user document for an Auth0 id that has one is refused, even to the login key.',
    async run(ctx) {
      const bob = await ctx.user('bob');
      await ctx.newLogin('bob');
      const lookup = q.Paginate(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), bob.auth0Id));
      const found = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.login, lookup), 'the login key looking bob up'));
      if (found.length !== 1) throw new CheckFailure(`bob's two logins left ${found.length} user documents for his Auth0 id; expected one`);
      const create = q.Create(users, { data: { auth0_id: ctx.auth0Id('oscar') } });
      expectAllowed(await attemptCreate(ctx, ctx.keys.login, create), 'the login key creating the user of a new Auth0 id');
      // 400 instance not unique (users_by_auth0_id), not 403: the login key may create users.
      expectRefused(await attemptCreate(ctx, ctx.keys.login, create), 'the login key creating a second user for that Auth0 id', 400);
      return "one user after two logins; 400 instance not unique for a second user of an Auth0 id";
    },
  },
  {
    id: 'revoke-key-cannot-mint',
    proves: 'A leaked revoke key cannot mint a secret or create a login.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      expectRefused(await attemptCreate(ctx, ctx.keys.revoke, mintToken(alice.loginRef, 60)), 'the revoke key minting a token');
      expectRefused(await attemptCreate(ctx, ctx.keys.revoke, createLogin(alice.userRef, 60)), 'the revoke key creating a login');
      expectAllowed(await attemptCreate(ctx, ctx.keys.login, mintToken(alice.loginRef, 60)), 'the login key minting the same token');
      return '403; the login key may';
    },
  },
  {
    id: 'revoke-key-cannot-write-users',
    proves: 'A leaked revoke key cannot create or change users.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const create = q.Create(users, { data: { auth0_id: ctx.auth0Id('trent') } });
      const rename = q.Update(alice.userRef, { data: { name: 'auth0-fauna verify' } });
      expectRefused(await attemptCreate(ctx, ctx.keys.revoke, create), 'the revoke key creating a user');
      expectRefused(await ctx.attempt(ctx.keys.revoke, rename), 'the revoke key changing a user');
      expectAllowed(await attemptCreate(ctx, ctx.keys.login, create), 'the login key creating the same user');
      expectAllowed(await ctx.attempt(ctx.keys.login, rename), 'the login key changing the same user');
      return '403 for both; the login key may';
    },
  },
  {
    id: 'action-keys-cannot-put-credentials',
    proves:
      'Neither leaked Action key can put credentials on a user or a login (Login would turn them into a secret that never expires), nor give a user a ttl.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const credentials = { password: throwawayPassword() };
      const peggy = { auth0_id: ctx.auth0Id('peggy') };
      const soon = secondsFromNow(600);
      for (const [key, name] of [[ctx.keys.login, 'login'], [ctx.keys.revoke, 'revoke']] as const) {
        expectRefused(await attemptCreate(ctx, key, q.Create(users, { data: peggy, credentials })), `the ${name} key creating a user with credentials`);
        expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { credentials })), `the ${name} key putting credentials on alice's user`);
        expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { ttl: soon })), `the ${name} key giving alice's user a ttl`);
        expectRefused(await attemptCreate(ctx, key, createLogin(alice.userRef, 60, { credentials })), `the ${name} key creating a login with credentials`);
      }
      expectAllowed(await attemptCreate(ctx, ctx.keys.login, q.Create(users, { data: peggy })), 'the login key creating the same user without credentials');
      expectAllowed(await ctx.attempt(ctx.keys.login, q.Update(alice.userRef, { data: { name: 'auth0-fauna verify' } })), "the login key updating alice's data");
      expectAllowed(await attemptCreate(ctx, ctx.keys.login, createLogin(alice.userRef, 60)), 'the login key creating the same login without credentials');
      return '403 for credentials on users and logins and for a ttl on a user, with either key; data alone works with the login key';
    },
  },
];

// ---- the app's own data (fauna/app-data.ts) ------------------------------------------------

/** A value of the field's type that fits it; a string of `length` characters outside the BMP, so a server counting UTF-16 units would refuse it. */
function fittingValue(field: FieldSpec, length = 1): unknown {
  if (field.type === 'string') return '🙂'.repeat(length);
  if (field.type === 'number') return 1;
  if (field.type === 'boolean') return true;
  return q.Now();
}

const wrongTypeValue = (field: FieldSpec): unknown => (field.type === 'string' ? 42 : `not a ${field.type}`);

/** The greedy user: one value of 5 MiB. */
const FIVE_MIB = 5 * 1024 * 1024;

/**
 * String fields filled in order, each up to its maximum, until they hold `total` characters
 * together; undefined when the fields cannot hold that many.
 */
function stringFieldsHolding(fields: readonly FieldSpec[], total: number): Record<string, unknown> | undefined {
  const data: Record<string, unknown> = {};
  let remaining = total;
  for (const field of fields) {
    if (field.type !== 'string' || remaining === 0) continue;
    const length = Math.min(field.maxLength, remaining);
    data[field.name] = '🙂'.repeat(length);
    remaining -= length;
  }
  return remaining === 0 ? data : undefined;
}

/** What `Login` made of credentials a loosened rule let through, for the failure's reason. */
async function loginWith(ctx: CheckContext, secret: string, ref: values.Ref, password: string): Promise<string> {
  const minted = await ctx.attempt(secret, q.Login(ref, { password }));
  const token = createdRef(minted);
  if (token !== undefined) ctx.track(token);
  if (!minted.ok) return `Login with that password then answered ${describeAttempt(minted)}`;
  return field(minted.value, 'ttl') === undefined
    ? 'Login with that password then minted a secret with no ttl, which never expires'
    : 'Login with that password then minted a secret';
}

function ownedCollectionChecks(collection: OwnedCollection): SecurityCheck[] {
  const { name, ownerField, fields, maxDataChars } = collection;
  const docs = q.Collection(name);
  const mine = q.Call(q.Function(CURRENT_USER_FUNCTION));
  // The field a check writes its labels into: the first string field, if there is one.
  const labelField = fields.find((f) => f.type === 'string')?.name;
  const labelled = (label: string): Record<string, unknown> => (labelField === undefined ? {} : { [labelField]: label });
  const ownedBy = (owner: Expr | values.Ref, label: string, more: Record<string, unknown> = {}) => ({ data: { [ownerField]: owner, ...labelled(label), ...more } });
  const listOf = (subject: Subject) => q.Paginate(q.Match(q.Index(ownerIndexName(collection)), subject.userRef));
  /** A document of `owner`, created with the owner's own secret. */
  const ownDocument = async (ctx: CheckContext, owner: Subject): Promise<values.Ref> => {
    const created = arranged(await ctx.attempt(owner.secret, q.Create(docs, ownedBy(mine, `${owner.name}'s`))), `create a ${name} document with ${owner.name}'s secret`);
    const ref = field(created, 'ref');
    if (typeof ref !== 'object' || ref === null) throw new CheckFailure(`creating a ${name} document returned no ref`);
    return ref as values.Ref;
  };
  const declared = [ownerField, ...fields.map((f) => f.name)];
  const undeclared = declared.includes('not_declared') ? 'not_declared_either' : 'not_declared';
  const strings = fields.filter((f): f is Extract<FieldSpec, { type: 'string' }> => f.type === 'string');
  const longest = [...strings].sort((a, b) => b.maxLength - a.maxLength)[0];
  const overTotal = stringFieldsHolding(fields, maxDataChars + 1);
  const atTotal = stringFieldsHolding(fields, maxDataChars);
  const limits = strings.map((f) => `${f.name}: ${f.maxLength} characters`).join(', ');

  const shapeChecks: SecurityCheck[] = [
    {
      id: `${name}-only-declared-fields`,
      proves: `A minted secret cannot put a field into ${name} that is not declared (${declared.join(', ')}).`,
      async run(ctx) {
        const alice = await ctx.user('alice');
        const note = await ownDocument(ctx, alice);
        const extra = { [undeclared]: 'x' };
        expectRefused(await attemptCreate(ctx, alice.secret, q.Create(docs, ownedBy(mine, 'extra', extra))), `alice's secret creating a ${name} document with ${undeclared}`);
        expectRefused(await ctx.attempt(alice.secret, q.Update(note, { data: extra })), `alice's secret adding ${undeclared} to her ${name} document`);
        const every = Object.fromEntries(fields.map((f) => [f.name, fittingValue(f)]));
        expectAllowed(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...every } })), `alice's secret creating one with every declared field`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(note, { data: every })), `alice's secret updating hers with every declared field`);
        return `403 for ${undeclared} on create and update; every declared field works`;
      },
    },
    {
      id: `${name}-field-values-bounded`,
      proves:
        `A minted secret cannot give a field of ${name} a value of the wrong type or longer than declared` +
        (strings.length > 0 ? ` (${limits}), such as a 5 MiB ${longest.name}.` : '.'),
      async run(ctx) {
        const alice = await ctx.user('alice');
        const note = await ownDocument(ctx, alice);
        for (const f of fields) {
          const wrong = { [f.name]: wrongTypeValue(f) };
          expectRefused(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...wrong } })), `alice's secret creating a ${name} document whose ${f.name} is not a ${f.type}`);
          expectRefused(await ctx.attempt(alice.secret, q.Update(note, { data: wrong })), `alice's secret setting ${f.name} of hers to something not a ${f.type}`);
          if (f.type === 'string') {
            const over = { [f.name]: fittingValue(f, f.maxLength + 1) };
            expectRefused(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...over } })), `alice's secret creating a ${name} document with ${f.maxLength + 1} characters of ${f.name}`);
            expectRefused(await ctx.attempt(alice.secret, q.Update(note, { data: over })), `alice's secret setting ${f.maxLength + 1} characters of ${f.name}`);
          }
        }
        if (longest !== undefined) {
          const huge = { [longest.name]: 'a'.repeat(FIVE_MIB) };
          expectRefused(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...huge } })), `alice's secret creating a ${name} document with a 5 MiB ${longest.name}`);
        }
        for (const f of fields) {
          const full = { [f.name]: fittingValue(f, f.type === 'string' ? f.maxLength : 1) };
          // The other strings emptied (null removes them), so the total stays within maxDataChars.
          const others = Object.fromEntries(strings.filter((other) => other.name !== f.name).map((other) => [other.name, null]));
          expectAllowed(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...full } })), `alice's secret creating one with the longest ${f.name} allowed`);
          expectAllowed(await ctx.attempt(alice.secret, q.Update(note, { data: { ...others, ...full } })), `alice's secret setting the longest ${f.name} allowed`);
        }
        return `403 for each wrong type and one character too many${longest === undefined ? '' : ', and for 5 MiB'}; each field at its limit works`;
      },
    },
  ];

  // Only where the string fields together may hold more than maxDataChars; otherwise their
  // own limits already bound the total, and no document could break this rule.
  if (overTotal !== undefined && atTotal !== undefined) {
    shapeChecks.push({
      id: `${name}-data-size-bounded`,
      proves: `A minted secret cannot make the string fields of ${name} hold more than ${maxDataChars} characters together.`,
      async run(ctx) {
        const alice = await ctx.user('alice');
        const note = await ownDocument(ctx, alice);
        expectRefused(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...overTotal } })), `alice's secret creating a ${name} document of ${maxDataChars + 1} characters`);
        expectRefused(await ctx.attempt(alice.secret, q.Update(note, { data: overTotal })), `alice's secret growing hers to ${maxDataChars + 1} characters`);
        expectAllowed(await attemptCreate(ctx, alice.secret, q.Create(docs, { data: { [ownerField]: mine, ...atTotal } })), `alice's secret creating one of ${maxDataChars} characters`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(note, { data: atTotal })), `alice's secret growing hers to ${maxDataChars} characters`);
        return `403 for ${maxDataChars + 1} characters on create and update; ${maxDataChars} works`;
      },
    });
  }

  const paramChecks: SecurityCheck[] = [
    {
      id: `${name}-only-data-params`,
      proves: `A minted secret may give ${name} nothing but data: credentials (which Login would turn into a secret that never expires) and any other top-level field are refused, on create and update.`,
      async run(ctx) {
        const alice = await ctx.user('alice');
        const note = await ownDocument(ctx, alice);
        const password = throwawayPassword();
        const credentials = { password };
        const created = await attemptCreate(ctx, alice.secret, q.Create(docs, { ...ownedBy(mine, 'locked'), credentials }));
        const createdNote = createdRef(created);
        if (createdNote !== undefined) {
          throw new CheckFailure(`alice's secret creating a ${name} document with credentials: expected 403, got it succeeded; ${await loginWith(ctx, alice.secret, createdNote, password)}`);
        }
        expectRefused(created, `alice's secret creating a ${name} document with credentials`);
        const put = await ctx.attempt(alice.secret, q.Update(note, { credentials }));
        if (put.ok) {
          throw new CheckFailure(`alice's secret putting credentials on her ${name} document: expected 403, got it succeeded; ${await loginWith(ctx, alice.secret, note, password)}`);
        }
        expectRefused(put, `alice's secret putting credentials on her ${name} document`);
        const delegates = { delegates: [alice.userRef] };
        expectRefused(await attemptCreate(ctx, alice.secret, q.Create(docs, { ...ownedBy(mine, 'delegated'), ...delegates })), `alice's secret creating a ${name} document with a top-level delegates field`);
        expectRefused(await ctx.attempt(alice.secret, q.Update(note, delegates)), `alice's secret adding a top-level delegates field to hers`);
        expectAllowed(await attemptCreate(ctx, alice.secret, q.Create(docs, ownedBy(mine, 'plain'))), `alice's secret creating one with data alone`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(note, { data: labelled('plain') })), `alice's secret updating hers with data alone`);
        return '403 for credentials and for another top-level field, on create and update; data alone works';
      },
    },
    {
      id: `${name}-ttl-unchanged`,
      proves: `A minted secret cannot set, change or remove the ttl of ${name} (with Create or Update); it may edit one that has a ttl.`,
      async run(ctx) {
        const alice = await ctx.user('alice');
        expectRefused(
          await attemptCreate(ctx, alice.secret, q.Create(docs, { ...ownedBy(mine, 'expiring'), ttl: secondsFromNow(3600) })),
          `alice's secret creating a ${name} document with a ttl`,
        );
        // A document of hers that her app's server gave an expiry.
        const expiring = field(
          arranged(await ctx.attempt(ctx.keys.admin, q.Create(docs, { ...ownedBy(alice.userRef, 'expiring'), ttl: secondsFromNow(86_400) })), `create a ${name} document with a ttl for alice with the admin key`),
          'ref',
        );
        if (!isRef(expiring)) throw new CheckFailure(`creating a ${name} document returned no ref`);
        ctx.track(expiring);
        expectRefused(await ctx.attempt(alice.secret, q.Update(expiring, { ttl: secondsFromNow(2 * 86_400) })), `alice's secret moving the ttl of hers`);
        expectRefused(await ctx.attempt(alice.secret, q.Update(expiring, { ttl: null })), `alice's secret removing the ttl of hers`);
        const plain = await ownDocument(ctx, alice);
        expectRefused(await ctx.attempt(alice.secret, q.Update(plain, { ttl: secondsFromNow(60) })), `alice's secret giving hers a ttl`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(expiring, { data: labelled('edited') })), `alice's secret editing the data of the one with a ttl`);
        return '403 for a ttl on create, and for setting, moving or removing one on update; editing data works';
      },
    },
  ];

  const ownershipChecks: SecurityCheck[] = [
    {
      id: `${name}-owner-works`,
      proves: `A minted secret creates, reads, lists, updates and deletes its user's own ${name}.`,
      async run(ctx) {
        const alice = await ctx.user('alice');
        const kept = await ownDocument(ctx, alice);
        const dropped = await ownDocument(ctx, alice);
        expectAllowed(await ctx.attempt(alice.secret, q.Get(kept)), `reading its own ${name}`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(kept, { data: labelled('edited') })), `updating its own ${name}`);
        const listed = pageRefs(expectAllowed(await ctx.attempt(alice.secret, listOf(alice)), `listing its own ${name}`));
        if (!listed.some((ref) => sameRef(ref, kept))) throw new CheckFailure(`its own ${name} document is missing from ${ownerIndexName(collection)}`);
        expectAllowed(await ctx.attempt(alice.secret, q.Delete(dropped)), `deleting its own ${name}`);
        return `created, read, listed, updated and deleted`;
      },
    },
    {
      id: `${name}-invisible-to-others`,
      proves: `One user's ${name} are invisible to another: reading one is refused and ${ownerIndexName(collection)} lists none.`,
      async run(ctx) {
        const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
        const note = await ownDocument(ctx, alice);
        expectRefused(await ctx.attempt(bob.secret, q.Get(note)), `bob's secret reading alice's ${name}`);
        const seen = onlyOwnEntries(await ctx.attempt(bob.secret, listOf(alice)), [], `bob's secret listing alice's ${name}`);
        expectAllowed(await ctx.attempt(alice.secret, q.Get(note)), `alice's secret reading it`);
        const listed = pageRefs(expectAllowed(await ctx.attempt(alice.secret, listOf(alice)), `alice's secret listing them`));
        if (!listed.some((ref) => sameRef(ref, note))) throw new CheckFailure(`alice's own listing misses her ${name} document`);
        return `403 for Get, the listing ${seen}; alice sees them`;
      },
    },
    {
      id: `${name}-untouchable-by-others`,
      proves: `One user's ${name} are untouchable by another: update, replace and delete are refused.`,
      async run(ctx) {
        const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
        const note = await ownDocument(ctx, alice);
        expectRefused(await ctx.attempt(bob.secret, q.Update(note, { data: labelled('defaced') })), `bob's secret updating alice's ${name}`);
        expectRefused(await ctx.attempt(bob.secret, q.Replace(note, ownedBy(bob.userRef, 'taken'))), `bob's secret replacing alice's ${name}`);
        expectRefused(await ctx.attempt(bob.secret, q.Delete(note)), `bob's secret deleting alice's ${name}`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(note, { data: labelled('mine') })), `alice's secret updating it`);
        expectAllowed(await ctx.attempt(alice.secret, q.Delete(note)), `alice's secret deleting it`);
        return '403 for update, replace and delete; alice may';
      },
    },
    {
      id: `${name}-cannot-create-for-others`,
      proves: `A minted secret cannot create ${name} owned by another user, or by nobody.`,
      async run(ctx) {
        const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
        expectRefused(await attemptCreate(ctx, bob.secret, q.Create(docs, ownedBy(alice.userRef, 'planted'))), `bob's secret creating a ${name} document owned by alice`);
        expectRefused(await attemptCreate(ctx, bob.secret, q.Create(docs, { data: labelled('ownerless') })), `bob's secret creating a ${name} document without owner`);
        expectAllowed(await attemptCreate(ctx, bob.secret, q.Create(docs, ownedBy(bob.userRef, 'own'))), `bob's secret creating his own`);
        return '403 for another owner and for none; his own works';
      },
    },
    {
      id: `${name}-owner-cannot-change`,
      proves: `No minted secret can change the owner of ${name}, not even the owner's own.`,
      async run(ctx) {
        const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
        const note = await ownDocument(ctx, alice);
        expectRefused(await ctx.attempt(alice.secret, q.Update(note, { data: { [ownerField]: bob.userRef } })), `alice's secret giving her ${name} to bob`);
        expectAllowed(await ctx.attempt(alice.secret, q.Update(note, { data: labelled('still mine') })), `alice's secret editing its data`);
        return '403 for a new owner; its data updates';
      },
    },
  ];
  return [...ownershipChecks, ...shapeChecks, ...paramChecks];
}

export const SECURITY_CHECKS: readonly SecurityCheck[] = [
  ...SECRET_CHECKS,
  ...KEY_CHECKS,
  ...APP_COLLECTIONS.flatMap(ownedCollectionChecks),
];

