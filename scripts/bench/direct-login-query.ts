/**
 * The previous version's login query, kept as it was (git show 963dfdf:actions/fauna-login/
 * login-query.ts): the baseline `npm run bench` measures `login` against, and the "old Action
 * code" the upgrade test runs against an expanded schema. The login key of the previous version
 * sent this query itself, with direct privileges on users, logins and tokens, and no cap.
 */
import { query as q, type Expr } from 'faunadb';
import { isLoginQueryResult } from '../../actions/fauna-login/login-query';
import { AUTH0_JWT_COLLECTION, USERS_BY_AUTH0_ID_INDEX, USERS_COLLECTION } from '../../actions/lib/schema-names';

/** What a login tells us about the user, already validated. */
export interface DirectLoginFacts {
  readonly auth0UserId: string;
  readonly email?: string;
  readonly name?: string;
  readonly clientId: string;
  readonly ttlSeconds: number;
}

/** What the login query returns; `exp` is a NumericDate (whole seconds since the epoch). */
export interface DirectLoginResult {
  readonly secret: string;
  readonly exp: number;
  readonly user: 'created' | 'updated' | 'unchanged';
}

/** Profile fields copied from Auth0 when it has them. */
function userProfile(facts: DirectLoginFacts): Record<string, string> {
  const profile: Record<string, string> = { auth0_id: facts.auth0UserId };
  if (facts.email !== undefined) profile.email = facts.email;
  if (facts.name !== undefined) profile.name = facts.name;
  return profile;
}

/**
 * The whole login as ONE Fauna transaction:
 * 1. upsert the user through the unique index (no write when nothing changed),
 * 2. create this login's `auth0_jwt` document, expiring with the secret,
 * 3. create a token for it with the same expiry, and return its secret.
 * Either all of it happens or none; a lost unique-index race aborts the lot and is re-run.
 */
export function buildDirectLoginQuery(facts: DirectLoginFacts): Expr {
  const profile = userProfile(facts);
  // auth0_id is the lookup key, so it is equal by construction; compare only the rest.
  const comparable = Object.keys(profile).filter((field) => field !== 'auth0_id');
  const existing = q.Var('existing');
  const changed =
    comparable.length === 0
      ? false
      : q.Or(...comparable.map((field) => q.Not(q.Equals(q.Select(['data', field], existing, null), profile[field]))));

  return q.Let(
    [
      { user_set: q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), facts.auth0UserId) },
      { existing: q.If(q.Exists(q.Var('user_set')), q.Get(q.Var('user_set')), null) },
      { changed: q.If(q.IsNull(existing), true, changed) },
      {
        user: q.If(
          q.IsNull(existing),
          q.Create(q.Collection(USERS_COLLECTION), { data: profile }),
          q.If(q.Var('changed'), q.Update(q.Select('ref', existing), { data: profile }), existing),
        ),
      },
      { exp: q.TimeAdd(q.Now(), facts.ttlSeconds, 'seconds') },
      {
        jwt: q.Create(q.Collection(AUTH0_JWT_COLLECTION), {
          data: { user: q.Select('ref', q.Var('user')), exp: q.Var('exp'), client_id: facts.clientId },
          ttl: q.Var('exp'),
        }),
      },
      { token: q.Create(q.Tokens(), { instance: q.Select('ref', q.Var('jwt')), ttl: q.Var('exp') }) },
    ],
    {
      secret: q.Select('secret', q.Var('token')),
      exp: q.ToSeconds(q.Var('exp')),
      user: q.If(q.IsNull(existing), 'created', q.If(q.Var('changed'), 'updated', 'unchanged')),
    },
  );
}

/** Its answer has the shape `login`'s has without `evicted`: one validator for both. */
export const isDirectLoginResult: (value: unknown) => value is DirectLoginResult = isLoginQueryResult;
