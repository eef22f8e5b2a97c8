import { query as q, type Client, type values } from 'faunadb';
import { AUTH0_JWT_COLLECTION, USERS_BY_AUTH0_ID_INDEX, USERS_COLLECTION } from '../../actions/lib/schema-names';
import type { PostLoginEvent } from '../../actions/types/auth0-actions';

interface DocumentLike {
  readonly ref: values.Ref;
  readonly ttl?: values.FaunaTime;
}

function isDocument(value: unknown): value is DocumentLike {
  return typeof value === 'object' && value !== null && 'ref' in value;
}

function secretOf(value: unknown): string {
  const secret = typeof value === 'object' && value !== null ? (value as { secret?: unknown }).secret : undefined;
  if (typeof secret !== 'string') throw new Error('baseline flow: Create(Tokens()) returned no secret');
  return secret;
}

/**
 * The baseline for "what one transaction saves": the same login work done the way published
 * Auth0 + Fauna examples do it, one query per step: find the user, create it when missing, create
 * the auth0_jwt document, create its token. A new user costs 4 round trips, a returning one 3,
 * and the steps are not atomic (a failure between them leaves a half-done login behind).
 * It does the same work as the Action's one query, with the same driver and fetch.
 */
export async function loginWithSeparateQueries(client: Client, event: PostLoginEvent, ttlSeconds: number): Promise<string> {
  const match = q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), event.user.user_id);
  let user: unknown = await client.query(q.If(q.Exists(match), q.Get(match), null));
  if (!isDocument(user)) {
    const profile: Record<string, string> = { auth0_id: event.user.user_id };
    if (event.user.email !== undefined) profile.email = event.user.email;
    if (event.user.name !== undefined) profile.name = event.user.name;
    user = await client.query(q.Create(q.Collection(USERS_COLLECTION), { data: profile }));
    if (!isDocument(user)) throw new Error('baseline flow: creating the user returned no document');
  }
  const jwt: unknown = await client.query(
    q.Let(
      { exp: q.TimeAdd(q.Now(), ttlSeconds, 'seconds') },
      q.Create(q.Collection(AUTH0_JWT_COLLECTION), {
        data: { user: user.ref, exp: q.Var('exp'), client_id: event.client.client_id },
        ttl: q.Var('exp'),
      }),
    ),
  );
  if (!isDocument(jwt)) throw new Error('baseline flow: creating the auth0_jwt document returned no document');
  const token: unknown = await client.query(
    q.Create(q.Tokens(), { instance: jwt.ref, ttl: jwt.ttl ?? null }),
  );
  return secretOf(token);
}
