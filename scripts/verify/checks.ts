import { randomBytes } from 'node:crypto';
import { query as q, type Expr, type values } from 'faunadb';
import { buildLoginCall, loginArguments, type LoginFacts } from '../../actions/fauna-login/login-query';
import { INVALID_LOGIN_ARGUMENTS, MAX_LIVE_LOGINS_PER_USER } from '../../actions/lib/login-contract';
import {
  AUTH0_JWT_BY_USER_EXP_INDEX,
  AUTH0_JWT_COLLECTION,
  CURRENT_USER_FUNCTION,
  END_ALL_LOGINS_FUNCTION,
  END_LOGIN_FUNCTION,
  LOGIN_ACTION_ROLE,
  LOGIN_FUNCTION,
  REVOKE_USER_FUNCTION,
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
  expectAborted,
  expectAllowed,
  expectRefused,
  field,
  isRef,
  pageRefs,
  sameRef,
  secondsFromNow,
  type Attempt,
  type AttemptOptions,
  type CheckContext,
  type SecurityCheck,
  type Subject,
} from './check-kit';

/**
 * The security model (docs/security-model.md) as executable checks: each proves one sentence, with the
 * keys setup:fauna makes and secrets minted through the function `login`. Both `npm test`
 * (test/security/) and `npm run verify:fauna` run this list. Every refusal is paired with the
 * same kind of query succeeding for whoever may do it, so a setup that refuses everything fails.
 */

const users = q.Collection(USERS_COLLECTION);
const logins = q.Collection(AUTH0_JWT_COLLECTION);
const readOwnLogin = q.Get(q.CurrentIdentity());
const call = (name: string, ...args: unknown[]): Expr => q.Call(q.Function(name), ...(args as Expr[]));
/** The client id the checks' logins record, so that they are recognisable in the data. */
const CHECK_CLIENT_ID = 'auth0-fauna-verify';

/** A token for `instance` expiring `seconds` from now; `null` leaves out the ttl. */
const mintToken = (instance: Expr, seconds: number | null): Expr =>
  q.Create(q.Tokens(), seconds === null ? { instance } : { instance, ttl: secondsFromNow(seconds) });

/** A login document as `login` writes it; `null` leaves out the ttl; `extra` adds top-level fields. */
const createLogin = (user: values.Ref, seconds: number | null, extra: Record<string, unknown> = {}): Expr =>
  q.Let(
    { at: secondsFromNow(seconds ?? MAX_TTL_SECONDS) },
    q.Create(logins, {
      data: { user, exp: q.Var('at'), client_id: CHECK_CLIENT_ID },
      ...(seconds === null ? {} : { ttl: q.Var('at') }),
      ...extra,
    }),
  );

/** A password for credentials a check tries to set: fresh each time, never printed. */
const throwawayPassword = (): string => `verify-${randomBytes(12).toString('hex')}`;

/** `login` called directly, as a leaked login key's holder would, for `auth0Id`; `raw` replaces arguments as sent. */
function callLogin(auth0Id: string, facts: Partial<LoginFacts> = {}, raw: Record<string, unknown> = {}): Expr {
  const { args } = loginArguments({ auth0UserId: auth0Id, clientId: CHECK_CLIENT_ID, ttlSeconds: 600, ...facts });
  return Object.keys(raw).length === 0 ? buildLoginCall(args) : call(LOGIN_FUNCTION, { ...args, ...raw });
}

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
async function attemptCreate(ctx: CheckContext, secret: string, expr: Expr, options?: AttemptOptions): Promise<Attempt> {
  const attempt = await ctx.attempt(secret, expr, options);
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

/** The login refused on its very next request (401), its document and tokens gone: ended, not just logged out. */
async function expectEnded(ctx: CheckContext, subject: Subject, what: string): Promise<void> {
  expectRefused(await ctx.attempt(subject.secret, readOwnLogin), `${what} on its very next request`, 401);
  const left = arranged(
    await ctx.attempt(ctx.keys.admin, {
      login: q.Exists(subject.loginRef),
      tokens: q.Count(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), subject.loginRef)),
    } as unknown as Expr),
    `read what is left of ${what}`,
  );
  if (field(left, 'login') !== false || field(left, 'tokens') !== 0) throw new CheckFailure(`${what}: its login document or tokens are left behind`);
}

/** The same fields with the same values, in any order. */
function sameFields(actual: unknown, expected: Readonly<Record<string, unknown>>): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const entries = (o: object) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return entries(actual) === entries(expected);
}

/** How many live logins the user holds, read with the admin key. */
async function liveLogins(ctx: CheckContext, user: values.Ref): Promise<number> {
  const count = arranged(await ctx.attempt(ctx.keys.admin, q.Count(q.Match(q.Index(AUTH0_JWT_BY_USER_EXP_INDEX), user))), 'count live logins');
  if (typeof count !== 'number') throw new CheckFailure('counting live logins answered no number');
  return count;
}

/**
 * A create alice's secret must be refused (403) while the admin key may make the very same
 * create: the pairing that keeps a database refusing everything from passing.
 */
function secretMayNotCreate(spec: {
  readonly id: string;
  readonly proves: string;
  readonly what: string;
  readonly create: (ctx: CheckContext, alice: Subject) => Expr;
}): SecurityCheck {
  return {
    id: spec.id,
    proves: spec.proves,
    async run(ctx) {
      const alice = await ctx.user('alice');
      const create = spec.create(ctx, alice);
      expectRefused(await attemptCreate(ctx, alice.secret, create), `alice's secret ${spec.what}`);
      expectAllowed(await attemptCreate(ctx, ctx.keys.admin, create), 'the admin key doing the same');
      return '403; the admin key may';
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
      const found = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.admin, lookup), 'the admin key looking bob up'));
      if (!found.some((ref) => sameRef(ref, bob.userRef))) throw new CheckFailure("the admin key's lookup did not find bob");
      return `${seen}; the admin key finds bob`;
    },
  },
  secretMayNotCreate({
    id: 'secret-cannot-mint',
    proves: 'A minted secret cannot create tokens (mint secrets).',
    what: 'minting a token for its own login',
    create: (_ctx, alice) => mintToken(alice.loginRef, 60),
  }),
  secretMayNotCreate({
    id: 'secret-cannot-create-keys',
    proves: 'A minted secret cannot create keys.',
    what: 'creating a key',
    create: () => q.CreateKey({ role: q.Role(LOGIN_ACTION_ROLE), data: { description: 'auth0-fauna verify: must be refused' } }),
  }),
  secretMayNotCreate({
    id: 'secret-cannot-create-users',
    proves: 'A minted secret cannot create users.',
    what: 'creating a user',
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
        await ctx.attempt(ctx.keys.login, callLogin(alice.auth0Id, { name: 'auth0-fauna verify' })),
        "login updating alice's name, as a sign-in with a new profile does",
      );
      return '403 for auth0_id and name; login updates the profile';
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
      const session = await ctx.newLogin('alice', { ttlSeconds: ctx.shortTtlSeconds });
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
];

// ---- logging out: end_login and end_all_logins ----------------------------------------------

const LOGOUT_CHECKS: readonly SecurityCheck[] = [
  {
    id: 'end-login-ends-own-session',
    proves:
      "end_login() ends at once (401) every login of the caller's user in the caller's Auth0 session, and no login of another session or of another user, even one with the same session id.",
    async run(ctx) {
      const s1 = ctx.sessionId('s1');
      const [ending, sameSession, otherSession] = [
        await ctx.newLogin('alice', { sessionId: s1 }),
        await ctx.newLogin('alice', { sessionId: s1 }),
        await ctx.newLogin('alice', { sessionId: ctx.sessionId('s2') }),
      ];
      // The same session id string on another user's login: the session is taken from the caller's login, for its user.
      const bobSameString = await ctx.newLogin('bob', { sessionId: s1 });
      const ended = expectAllowed(await ctx.attempt(ending.secret, call(END_LOGIN_FUNCTION)), 'end_login() with the secret');
      if (ended !== true) throw new CheckFailure('end_login() did not return true');
      await expectEnded(ctx, ending, "the caller's login");
      await expectEnded(ctx, sameSession, "alice's other login in the same session");
      await expectLive(ctx, otherSession, 'in another session');
      await expectLive(ctx, bobSameString, "with the same session id on bob's login");
      await expectLive(ctx, await ctx.user('alice'), 'without a session');
      return "401 at once for both logins of the session, documents and tokens gone; alice's other session, her login without one and bob's live";
    },
  },
  {
    id: 'end-login-without-session-ends-alone',
    proves: 'end_login() of a login without an Auth0 session id (a refresh-token login) ends that login alone.',
    async run(ctx) {
      const [ending, sibling] = [await ctx.newLogin('alice'), await ctx.newLogin('alice')];
      expectAllowed(await ctx.attempt(ending.secret, call(END_LOGIN_FUNCTION)), 'end_login() with the secret');
      await expectEnded(ctx, ending, "the caller's login");
      await expectLive(ctx, sibling, "after its sibling's end_login()");
      return '401 at once, login and tokens gone; the other login without a session lives';
    },
  },
  {
    id: 'end-all-logins-ends-every-own-login',
    proves: "end_all_logins() ends at once (401) every login of the caller's user, in every session, and nobody else's; it takes no argument naming a user.",
    async run(ctx) {
      const mine = [
        await ctx.newLogin('erin', { sessionId: ctx.sessionId('s1') }),
        await ctx.newLogin('erin', { sessionId: ctx.sessionId('s2') }),
        await ctx.newLogin('erin'),
      ];
      const bob = await ctx.newLogin('bob', { sessionId: ctx.sessionId('s1') });
      expectRefused(await ctx.attempt(mine[1].secret, call(END_ALL_LOGINS_FUNCTION, bob.auth0Id)), 'end_all_logins() given a user id', 400);
      const ended = expectAllowed(await ctx.attempt(mine[1].secret, call(END_ALL_LOGINS_FUNCTION)), 'end_all_logins() with the secret');
      for (const [i, subject] of mine.entries()) await expectEnded(ctx, subject, `erin's login ${i + 1}`);
      if (field(ended, 'logins') !== mine.length) throw new CheckFailure(`end_all_logins() says it ended ${String(field(ended, 'logins'))} login(s); erin held ${mine.length}`);
      await expectLive(ctx, bob, "after erin's end_all_logins()");
      await expectLive(ctx, await ctx.user('alice'), "after erin's end_all_logins()");
      return `all ${mine.length} of erin's logins 401 at once; bob's and alice's live; an argument is refused`;
    },
  },
];

// ---- the login key --------------------------------------------------------------------------

const LOGIN_KEY_CHECKS: readonly SecurityCheck[] = [
  {
    id: 'login-key-signs-in-any-user-it-names',
    proves:
      "What a leaked login key can still do: for any Auth0 user id it names, create or update that user's document with the profile it hands over (email, name, email_verified) and mint a secret for it, through login.",
    async run(ctx) {
      const victor = ctx.auth0Id('victor');
      const profile = { email: 'victor@example.invalid', name: 'Victor', emailVerified: true } as const;
      const created = expectAllowed(await ctx.attempt(ctx.keys.login, callLogin(victor, profile)), 'the login key calling login for a new user id');
      const lookup = q.Select('data', q.Get(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), victor)));
      const stored = arranged(await ctx.attempt(ctx.keys.admin, lookup), "read victor's user with the admin key");
      const expected = { auth0_id: victor, email: profile.email, name: profile.name, email_verified: true };
      if (!sameFields(stored, expected)) throw new CheckFailure(`victor's user holds ${JSON.stringify(stored)}, not the profile login was given`);
      const secret = field(created, 'secret');
      if (field(created, 'user') !== 'created' || typeof secret !== 'string') throw new CheckFailure('login did not answer a created user and a secret');
      expectAllowed(await ctx.attempt(secret, readOwnLogin), 'the secret login minted');
      const updated = expectAllowed(await ctx.attempt(ctx.keys.login, callLogin(victor, { ...profile, emailVerified: false })), 'login again with email_verified false');
      if (field(updated, 'user') !== 'updated' || field(arranged(await ctx.attempt(ctx.keys.admin, lookup), 'read victor again'), 'email_verified') !== false) {
        throw new CheckFailure("a second login with another email_verified did not update victor's user");
      }
      return 'created with exactly email, name, email_verified; updated by the next login; its secret works';
    },
  },
  {
    id: 'login-key-cannot-read',
    proves: 'A leaked login key cannot read, list or look up users, logins or tokens, nor read an index.',
    async run(ctx) {
      const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
      const key = ctx.keys.login;
      expectRefused(await ctx.attempt(key, q.Get(alice.userRef)), "the login key reading alice's user");
      expectRefused(await ctx.attempt(key, q.Get(alice.loginRef)), "the login key reading alice's login");
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Documents(users))), [], 'the login key listing users');
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), bob.auth0Id))), [], 'the login key looking bob up');
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Documents(logins))), [], 'the login key listing logins');
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_EXP_INDEX), alice.userRef))), [], "the login key listing alice's logins");
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), alice.loginRef))), [], "the login key listing the tokens of alice's login");
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Documents(q.Tokens()))), [], 'the login key listing tokens');
      expectRefused(await ctx.attempt(key, q.Get(q.Index(USERS_BY_AUTH0_ID_INDEX))), 'the login key reading an index');
      expectAllowed(await ctx.attempt(ctx.keys.admin, q.Get(alice.userRef)), "the admin key reading alice's user");
      const found = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.admin, q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), alice.loginRef))), 'the admin key listing the same tokens'));
      if (found.length === 0) throw new CheckFailure("the admin key found no token of alice's login");
      return '403 or nothing for users, logins, tokens and indexes; the admin key reads them';
    },
  },
  {
    id: 'login-key-cannot-write-users',
    proves: "A leaked login key cannot create, change, replace or expire a user itself (no other field, no ttl, no other auth0_id), and login takes no field but the profile.",
    async run(ctx) {
      const alice = await ctx.user('alice');
      const key = ctx.keys.login;
      expectRefused(await attemptCreate(ctx, key, q.Create(users, { data: { auth0_id: ctx.auth0Id('mallory') } })), 'the login key creating a user');
      expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { data: { role: 'admin' } })), "the login key giving alice's user a role");
      expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { ttl: secondsFromNow(60) })), "the login key setting a ttl on alice's user");
      expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { data: { auth0_id: ctx.auth0Id('eve') } })), "the login key moving alice's auth0_id");
      expectRefused(await ctx.attempt(key, q.Replace(alice.userRef, { data: { auth0_id: alice.auth0Id } })), "the login key replacing alice's user");
      expectAborted(await ctx.attempt(key, callLogin(alice.auth0Id, {}, { role: 'admin' })), 'login given a field beyond the profile', INVALID_LOGIN_ARGUMENTS);
      expectAllowed(await ctx.attempt(ctx.keys.admin, q.Update(alice.userRef, { data: { name: 'auth0-fauna verify' } })), "the admin key updating alice's user");
      return '403 for create, update, ttl, auth0_id and replace; login refuses another field (400); the admin key may';
    },
  },
  {
    id: 'login-key-cannot-mint-directly',
    proves: 'A leaked login key cannot create a token or a login itself, for any document or expiry: only login mints.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const key = ctx.keys.login;
      expectRefused(await attemptCreate(ctx, key, mintToken(alice.loginRef, 60)), "the login key minting a token for alice's login");
      expectRefused(await attemptCreate(ctx, key, mintToken(alice.userRef, 60)), "the login key minting a token for alice's user");
      expectRefused(await attemptCreate(ctx, key, createLogin(alice.userRef, 60)), 'the login key creating a login');
      expectAllowed(await attemptCreate(ctx, ctx.keys.admin, mintToken(alice.loginRef, 60)), 'the admin key minting the same token');
      return '403 for tokens and logins; the admin key may';
    },
  },
  {
    id: 'login-key-cannot-mint-unbounded-secret',
    proves: `A leaked login key cannot mint a secret that outlives now + ${MAX_TTL_SECONDS} s, or one without expiry: login refuses such a ttl_seconds (400 invalid login arguments).`,
    async run(ctx) {
      const alice = await ctx.user('alice');
      const key = ctx.keys.login;
      expectAborted(await ctx.attempt(key, callLogin(alice.auth0Id, { ttlSeconds: MAX_TTL_SECONDS + 60 })), 'login 60 s past the longest ttl', INVALID_LOGIN_ARGUMENTS);
      expectAborted(await ctx.attempt(key, callLogin(alice.auth0Id, {}, { ttl_seconds: null })), 'login without ttl', INVALID_LOGIN_ARGUMENTS);
      expectAllowed(await ctx.attempt(key, callLogin(alice.auth0Id, { ttlSeconds: MAX_TTL_SECONDS - 60 })), 'calling login within the longest ttl');
      return '400 invalid login arguments past the longest ttl and without one; within it works';
    },
  },
  {
    id: 'login-refuses-bad-arguments',
    proves:
      'login refuses an argument out of bounds (400 invalid login arguments, naming it): an empty client_id, an over-long name, a non-boolean email_verified, a ttl under 60 s, an unknown field.',
    async run(ctx) {
      const victor = ctx.auth0Id('victor');
      const key = ctx.keys.login;
      // As sent, not as the Action would clean them up: a leaked key's holder sends what it likes.
      const bad: [string, Record<string, unknown>][] = [
        ['an empty client_id', { client_id: '' }],
        ['an over-long name', { name: 'n'.repeat(4096) }],
        ['email_verified "yes"', { email_verified: 'yes' }],
        ['a ttl of 59 s', { ttl_seconds: 59 }],
        ['an unknown field', { credentials: { password: 'auth0-fauna verify' } }],
      ];
      for (const [what, raw] of bad) {
        expectAborted(await ctx.attempt(key, callLogin(victor, {}, raw)), `login given ${what}`, INVALID_LOGIN_ARGUMENTS);
      }
      expectAllowed(await ctx.attempt(key, callLogin(victor, { ttlSeconds: 60 })), 'calling login with the shortest ttl');
      return `400 "${INVALID_LOGIN_ARGUMENTS} …" for each; the same call within bounds works`;
    },
  },
  {
    id: 'login-key-mints-longest-allowed-login',
    proves: `The login key signs a user in with the longest FAUNA_SECRET_TTL (${MAX_TTL_SECONDS} s), and the secret works.`,
    async run(ctx) {
      const session = await ctx.newLogin('bob', { ttlSeconds: MAX_TTL_SECONDS });
      await expectLive(ctx, session, `of a ${MAX_TTL_SECONDS} s login`);
      return `a ${MAX_TTL_SECONDS} s login works`;
    },
  },
  {
    id: 'login-caps-live-logins',
    proves: `A user never holds more than ${MAX_LIVE_LOGINS_PER_USER} live logins: a login beyond ends the user's earliest-expiring login and its tokens, at once (401).`,
    async run(ctx) {
      const first = await ctx.newLogin('dave');
      const later = { ttlSeconds: ctx.defaultTtlSeconds + 60 };
      // The logins between the first and the last through login itself, as any caller of it makes them.
      for (let i = 1; i < MAX_LIVE_LOGINS_PER_USER; i += 1) {
        arranged(await ctx.attempt(ctx.keys.login, callLogin(first.auth0Id, later)), 'sign dave in again through login');
      }
      const atCap = await liveLogins(ctx, first.userRef);
      if (atCap !== MAX_LIVE_LOGINS_PER_USER) throw new CheckFailure(`dave holds ${atCap} live logins after ${MAX_LIVE_LOGINS_PER_USER} sign-ins; expected ${MAX_LIVE_LOGINS_PER_USER}`);
      await expectLive(ctx, first, 'at the cap');
      const newest = await ctx.newLogin('dave', later);
      await expectEnded(ctx, first, "dave's earliest-expiring login");
      const after = await liveLogins(ctx, first.userRef);
      if (after > MAX_LIVE_LOGINS_PER_USER) throw new CheckFailure(`dave holds ${after} live logins; at most ${MAX_LIVE_LOGINS_PER_USER}`);
      await expectLive(ctx, newest, 'just minted');
      return `${MAX_LIVE_LOGINS_PER_USER} live logins, then the next ends the earliest-expiring one (401, document and tokens gone)`;
    },
  },
  {
    id: 'login-key-cannot-delete',
    proves: 'A leaked login key cannot delete anything itself: no token, login or user.',
    async run(ctx) {
      const session = await ctx.newLogin('bob');
      const tokens = arranged(
        await ctx.attempt(ctx.keys.admin, q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), session.loginRef))),
        "find the token of bob's login with the admin key",
      );
      const [token] = pageRefs(tokens);
      if (token === undefined) throw new CheckFailure("the admin key found no token for bob's login");
      expectRefused(await ctx.attempt(ctx.keys.login, q.Delete(token)), 'the login key deleting a token');
      expectRefused(await ctx.attempt(ctx.keys.login, q.Delete(session.loginRef)), 'the login key deleting a login');
      expectRefused(await ctx.attempt(ctx.keys.login, q.Delete(session.userRef)), 'the login key deleting a user');
      expectAllowed(await ctx.attempt(ctx.keys.admin, q.Delete(token)), 'the admin key deleting that token');
      expectAllowed(await ctx.attempt(ctx.keys.admin, q.Delete(session.loginRef)), 'the admin key deleting that login');
      return '403 for a token, a login and a user; the admin key may';
    },
  },
  {
    id: 'login-key-calls-only-login',
    proves: 'A leaked login key cannot call any function but login: not revoke_user, end_login, end_all_logins or current_user.',
    async run(ctx) {
      // The same key signs bob in through login.
      await ctx.newLogin('bob');
      // An Auth0 id no check signs in: revoke_user for it ends nothing.
      const eve = ctx.auth0Id('eve');
      for (const [name, args] of [[REVOKE_USER_FUNCTION, [eve]], [END_LOGIN_FUNCTION, []], [END_ALL_LOGINS_FUNCTION, []], [CURRENT_USER_FUNCTION, []]] as const) {
        expectRefused(await ctx.attempt(ctx.keys.login, call(name, ...args)), `the login key calling ${name}`);
      }
      expectAllowed(await ctx.attempt(ctx.keys.revoke, call(REVOKE_USER_FUNCTION, eve)), 'the revoke key calling revoke_user');
      return '403 for each; it calls login, and the revoke key revoke_user';
    },
  },
  {
    id: 'one-user-per-auth0-id',
    proves: 'A user exists once: signing in again finds the same user, and a second user document for an Auth0 id that has one is refused, even to the admin key.',
    async run(ctx) {
      const bob = await ctx.user('bob');
      await ctx.newLogin('bob');
      const lookup = q.Paginate(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), bob.auth0Id));
      const found = pageRefs(expectAllowed(await ctx.attempt(ctx.keys.admin, lookup), 'the admin key looking bob up'));
      if (found.length !== 1) throw new CheckFailure(`bob's two logins left ${found.length} user documents for his Auth0 id; expected one`);
      const create = q.Create(users, { data: { auth0_id: ctx.auth0Id('oscar') } });
      expectAllowed(await attemptCreate(ctx, ctx.keys.admin, create), 'the admin key creating the user of a new Auth0 id');
      // 400 instance not unique (users_by_auth0_id), not 403: the admin key may create users.
      expectRefused(await attemptCreate(ctx, ctx.keys.admin, create, { retry: false }), 'the admin key creating a second user for that Auth0 id', 400);
      return 'one user after two logins; 400 instance not unique for a second user of an Auth0 id';
    },
  },
];

// ---- the revoke key -------------------------------------------------------------------------

const REVOKE_KEY_CHECKS: readonly SecurityCheck[] = [
  {
    id: 'revoke-key-calls-only-revoke-user',
    proves:
      "What a leaked revoke key can still do: end a named user's logins (revoke_user); it cannot read or list users, logins or tokens, delete one itself, or call another function.",
    async run(ctx) {
      const [alice, bob] = [await ctx.user('alice'), await ctx.user('bob')];
      const key = ctx.keys.revoke;
      expectRefused(await ctx.attempt(key, q.Get(alice.userRef)), "the revoke key reading alice's user");
      expectRefused(await ctx.attempt(key, q.Get(alice.loginRef)), "the revoke key reading alice's login");
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Documents(users))), [], 'the revoke key listing users');
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), bob.auth0Id))), [], 'the revoke key looking bob up');
      onlyOwnEntries(await ctx.attempt(key, q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), alice.loginRef))), [], "the revoke key listing the tokens of alice's login");
      expectRefused(await ctx.attempt(key, q.Delete(alice.loginRef)), "the revoke key deleting alice's login itself");
      expectRefused(await ctx.attempt(key, callLogin(alice.auth0Id)), 'the revoke key calling login');
      expectRefused(await ctx.attempt(key, call(END_ALL_LOGINS_FUNCTION)), 'the revoke key calling end_all_logins');
      const carol = await ctx.newLogin('carol');
      const revoked = expectAllowed(await ctx.attempt(key, call(REVOKE_USER_FUNCTION, carol.auth0Id)), "the revoke key calling revoke_user for carol");
      if (field(revoked, 'logins') === 0) throw new CheckFailure('revoke_user ended no login of carol');
      await expectEnded(ctx, carol, "carol's login");
      await expectLive(ctx, alice, "after carol's revocation");
      return "403 or nothing for reads, deletes and other functions; revoke_user ends carol's logins";
    },
  },
  {
    id: 'revoke-key-cannot-mint',
    proves: 'A leaked revoke key cannot mint a secret or create a login.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      expectRefused(await attemptCreate(ctx, ctx.keys.revoke, mintToken(alice.loginRef, 60)), 'the revoke key minting a token');
      expectRefused(await attemptCreate(ctx, ctx.keys.revoke, createLogin(alice.userRef, 60)), 'the revoke key creating a login');
      expectAllowed(await attemptCreate(ctx, ctx.keys.admin, mintToken(alice.loginRef, 60)), 'the admin key minting the same token');
      return '403; the admin key may';
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
      expectAllowed(await attemptCreate(ctx, ctx.keys.admin, create), 'the admin key creating the same user');
      expectAllowed(await ctx.attempt(ctx.keys.admin, rename), 'the admin key changing the same user');
      return '403 for both; the admin key may';
    },
  },
  {
    id: 'action-keys-cannot-put-credentials',
    proves:
      'Neither leaked Action key can put credentials on a user or a login (Login would turn them into a secret that never expires), nor give a user a ttl: not directly, and not through login.',
    async run(ctx) {
      const alice = await ctx.user('alice');
      const credentials = { password: throwawayPassword() };
      const peggy = ctx.auth0Id('peggy');
      const soon = secondsFromNow(600);
      for (const [key, name] of [[ctx.keys.login, 'login'], [ctx.keys.revoke, 'revoke']] as const) {
        expectRefused(await attemptCreate(ctx, key, q.Create(users, { data: { auth0_id: peggy }, credentials })), `the ${name} key creating a user with credentials`);
        expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { credentials })), `the ${name} key putting credentials on alice's user`);
        expectRefused(await ctx.attempt(key, q.Update(alice.userRef, { ttl: soon })), `the ${name} key giving alice's user a ttl`);
        expectRefused(await attemptCreate(ctx, key, createLogin(alice.userRef, 60, { credentials })), `the ${name} key creating a login with credentials`);
      }
      expectAborted(await ctx.attempt(ctx.keys.login, callLogin(peggy, {}, { credentials })), 'login given credentials', INVALID_LOGIN_ARGUMENTS);
      expectAllowed(await ctx.attempt(ctx.keys.login, callLogin(peggy)), 'calling login for the same user without credentials');
      expectAllowed(await attemptCreate(ctx, ctx.keys.admin, createLogin(alice.userRef, 60)), 'the admin key creating the same login without credentials');
      return '403 for credentials on users and logins and for a ttl on a user, with either key, and 400 through login; login without them works';
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
  ...LOGOUT_CHECKS,
  ...LOGIN_KEY_CHECKS,
  ...REVOKE_KEY_CHECKS,
  ...APP_COLLECTIONS.flatMap(ownedCollectionChecks),
];

