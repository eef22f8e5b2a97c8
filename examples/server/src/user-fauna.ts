/**
 * The user's Fauna access on the server. The secret lives only in the user's session (the ID
 * token inside express-openid-connect's encrypted cookie): each request builds its FaunaSession
 * from that session and nothing else, so there is no process-wide store of secrets, and no
 * request can reach another user's. Renewal uses the session's refresh token (the refresh runs the
 * login Action, which mints a new secret) and writes the new tokens back into the same session.
 */
import type { Request } from 'express';
import faunadb from 'faunadb';
import { END_LOGIN_FUNCTION, FaunaSession, readFaunaLogin, type FaunaLogin, type IdTokenClaims } from 'auth0-fauna-client';
import type { ServerAppSettings } from './settings';

const { query: q } = faunadb;

/** What this app keeps in the session besides the tokens express-openid-connect stores there. */
export interface AppSessionData {
  /** Secrets of this session that a renewal replaced and that have not expired: logout ends them too. */
  faunaEarlier?: FaunaLogin[];
  /** csrf-sync's synchroniser token. */
  csrfToken?: string | null;
  [key: string]: unknown;
}

/** express-openid-connect's session object (`req.appSession`; its types do not declare it on Request). */
export function appSession(req: Request): AppSessionData | undefined {
  return (req as Request & { appSession?: AppSessionData }).appSession;
}

function rememberEarlier(req: Request, replaced: FaunaLogin | undefined): void {
  const session = appSession(req);
  if (session === undefined || replaced === undefined) return;
  const now = Date.now();
  session.faunaEarlier = [...(session.faunaEarlier ?? []), replaced].filter((login) => login.expiresAt > now);
}

function currentLogin(req: Request, settings: ServerAppSettings): FaunaLogin | undefined {
  try {
    return readFaunaLogin(req.oidc.idTokenClaims, settings.claimNamespace);
  } catch {
    return undefined;
  }
}

/**
 * A FaunaSession for this request's user, from their session's ID token claims. A new one on
 * every request, yet renewed on time: the helper times the secret's life from the ID token's
 * `iat`, so a secret past half its life is renewed by the first query (a failed renewal while it
 * still works is not fatal: the query goes on with it, and the next request tries again).
 */
export function faunaFor(req: Request, settings: ServerAppSettings): FaunaSession {
  return FaunaSession.fromClaims(req.oidc.idTokenClaims, {
    endpoint: settings.faunaEndpoint,
    namespace: settings.claimNamespace,
    ...(settings.renewBeforeMs === undefined ? {} : { renewBeforeMs: settings.renewBeforeMs }),
    // No tab sync: the helper opens no BroadcastChannel where there is no window. (In Node one
    // channel spans the process, and users' sessions would close each other's.)
    renew: async (): Promise<IdTokenClaims | undefined> => {
      const accessToken = req.oidc.accessToken;
      if (accessToken === undefined || req.oidc.refreshToken === undefined) {
        throw new Error('the session has no refresh token: log in with the offline_access scope');
      }
      const replaced = currentLogin(req, settings);
      // The refresh-token exchange runs the login Action again; express-openid-connect puts the
      // new ID token (and so the new secret) into this user's session cookie.
      await accessToken.refresh();
      rememberEarlier(req, replaced);
      return req.oidc.idTokenClaims;
    },
  });
}

/**
 * Ends this session's Fauna logins: the current one (the helper's logout: end_login) and those a
 * renewal replaced that are still alive (end_login with each). A 401 means already ended.
 * Rejects if Fauna did not confirm one of them.
 */
export async function endFaunaLogins(req: Request, settings: ServerAppSettings): Promise<void> {
  const now = Date.now();
  const earlier = (appSession(req)?.faunaEarlier ?? []).filter((login) => login.expiresAt > now);
  const endings: Promise<unknown>[] = earlier.map((login) =>
    new faunadb.Client({ secret: login.secret, endpoint: settings.faunaEndpoint, fetch: globalThis.fetch as never, checkNewVersion: false })
      .query(fql.endLogin())
      .catch((err: unknown) => {
        if (!(err instanceof faunadb.errors.Unauthorized)) throw err;
      }),
  );
  if (currentLogin(req, settings) !== undefined) endings.push(faunaFor(req, settings).logout());
  const outcomes = await Promise.allSettled(endings);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** FQL of the notes page and API, run with the user's own secret: the ABAC roles decide. */
export const fql = {
  me: () => q.Get(q.Call(q.Function('current_user'))),
  notes: () =>
    q.Map(
      q.Paginate(q.Match(q.Index('notes_by_owner'), q.Call(q.Function('current_user'))), { size: 100 }),
      q.Lambda('ref', q.Get(q.Var('ref'))),
    ),
  note: (id: string) => q.Get(q.Ref(q.Collection('notes'), id)),
  addNote: (text: string) => q.Create(q.Collection('notes'), { data: { owner: q.Call(q.Function('current_user')), text } }),
  endLogin: () => q.Call(q.Function(END_LOGIN_FUNCTION)),
};
