import { query as q, type Expr } from 'faunadb';
import {
  AUTH0_JWT_BY_USER_INDEX,
  TOKENS_BY_INSTANCE_INDEX,
  USERS_BY_AUTH0_ID_INDEX,
} from '../lib/schema-names';

/** Logins (auth0_jwt documents) handled per query: each costs one delete plus its tokens'. */
export const LOGINS_PER_PAGE = 64;
/** Tokens looked at per login per query; a login normally has exactly one. */
export const TOKENS_PER_LOGIN = 16;

export interface RevokePageOptions {
  readonly loginsPerPage?: number;
  readonly tokensPerLogin?: number;
}

/** What one page of revocation did. */
export interface RevokePageResult {
  /** False: no user document for this Auth0 id, so nothing to revoke. */
  readonly user: boolean;
  /** One entry per login looked at: tokens deleted, and whether the login itself went too. */
  readonly logins: readonly { readonly secrets: number; readonly removed: boolean }[];
  /** More logins remain beyond this page. */
  readonly more: boolean;
}

/**
 * ONE transaction revoking the first page of a user's logins: for each auth0_jwt document of
 * the user, delete every token minted for it, then the document. The next query's first page
 * is what lies beyond this one, so paging needs no cursor. A login with more tokens than fit
 * keeps its document (and so stays on the first page) until its tokens are gone.
 */
export function buildRevokePageQuery(auth0UserId: string, options: RevokePageOptions = {}): Expr {
  const loginsPerPage = options.loginsPerPage ?? LOGINS_PER_PAGE;
  const tokensPerLogin = options.tokensPerLogin ?? TOKENS_PER_LOGIN;
  const userSet = q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), auth0UserId);

  const revokeLogin = q.Lambda(
    'login',
    q.Let(
      [
        { tokens: q.Paginate(q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), q.Var('login')), { size: tokensPerLogin }) },
        { complete: q.Not(q.ContainsField('after', q.Var('tokens'))) },
        { deleted: q.Foreach(q.Select('data', q.Var('tokens')), q.Lambda('token', q.Delete(q.Var('token')))) },
        { removed: q.If(q.Var('complete'), q.Do(q.Delete(q.Var('login')), true), false) },
      ],
      { secrets: q.Count(q.Var('deleted')), removed: q.Var('removed') },
    ),
  );

  return q.If(
    q.Exists(userSet),
    q.Let(
      [
        { user: q.Select('ref', q.Get(userSet)) },
        { logins: q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_INDEX), q.Var('user')), { size: loginsPerPage }) },
      ],
      {
        user: true,
        logins: q.Map(q.Select('data', q.Var('logins')), revokeLogin),
        more: q.ContainsField('after', q.Var('logins')),
      },
    ),
    { user: false, logins: [], more: false },
  );
}

export function isRevokePageResult(value: unknown): value is RevokePageResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.user === 'boolean' &&
    typeof v.more === 'boolean' &&
    Array.isArray(v.logins) &&
    v.logins.every(
      (login: unknown) =>
        typeof login === 'object' &&
        login !== null &&
        Number.isInteger((login as Record<string, unknown>).secrets) &&
        typeof (login as Record<string, unknown>).removed === 'boolean',
    )
  );
}
