import { randomBytes } from 'node:crypto';
import { query as q, values, type Client, type Expr } from 'faunadb';
import { FaunaQueryError } from '../../actions/lib/errors';
import { createFaunaClient, queryWithRetry, type FetchLike } from '../../actions/lib/fauna-client';
import {
  AUTH0_JWT_BY_USER_INDEX,
  LOGIN_ACTION_ROLE,
  REVOKE_ACTION_ROLE,
  TOKENS_BY_INSTANCE_INDEX,
  USERS_BY_AUTH0_ID_INDEX,
} from '../../actions/lib/schema-names';
import { revokeUserSecrets } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import { APP_COLLECTIONS } from '../../fauna/app-data';
import { ownerIndexName } from '../../fauna/owned-collections';
import {
  CheckSetupFailure,
  arranged,
  describeAttempt,
  isRef,
  type Attempt,
  type AttemptOptions,
  type CheckContext,
  type LoginOptions,
  type Subject,
  type UserName,
} from './check-kit';

/**
 * Where the security checks run: the keys, how a user signs in, how time passes, and a record of
 * everything the run creates so that `cleanup()` can remove it with the admin key.
 */

/** Every throwaway Auth0 id starts with this, so a leftover is recognisable at a glance. */
export const THROWAWAY_ID_PREFIX = 'auth0|auth0-fauna-verify-';

export interface SessionOptions {
  readonly endpoint: string;
  readonly fetch: FetchLike;
  readonly adminKey: string;
  /** The login Action's key; when absent, a temporary key with its role is made (and removed). */
  readonly loginKey?: string;
  /** The revoke Action's key; when absent, a temporary key with its role is made (and removed). */
  readonly revokeKey?: string;
  /** Signs a user in as the login Action does, with `ctx.keys.login`; resolves with the minted secret. */
  readonly signIn: (auth0Id: string, login: { readonly ttlSeconds: number; readonly sessionId?: string }, ctx: CheckContext) => Promise<string>;
  readonly defaultTtlSeconds: number;
  readonly shortTtlSeconds: number;
  readonly logoutGraceSeconds: number;
  readonly sleep: (seconds: number) => Promise<void>;
  /** Budget per query, retries included. */
  readonly budgetMs?: number;
  /** Marks the run's ids; random by default. */
  readonly runId?: string;
}

/** What the cleanup removed, counted per collection (`users`, `auth0_jwt`, `tokens`, `keys`, …). */
export type RemovedCounts = Readonly<Record<string, number>>;

export interface CheckSession {
  /** Makes the temporary keys the options did not give. */
  prepare(): Promise<CheckContext>;
  readonly runId: string;
  /** Runs `expr` with `secret` (e.g. the admin key before `prepare()`). */
  attempt: CheckContext['attempt'];
  /** Every credential the session has held, to redact from anything printed. */
  credentials(): string[];
  /** Removes what the run created; safe to call more than once. */
  cleanup(): Promise<RemovedCounts>;
}

const DEFAULT_BUDGET_MS = 15_000;
const CLEANUP_PAGE = 1000;
/** Tracked refs removed per cleanup query. */
const REFS_PER_QUERY = 100;
const NO_KEYS = { admin: '', login: '', revoke: '' };

export function createCheckSession(options: SessionOptions): CheckSession {
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const clients = new Map<string, Client>();
  const userIds = new Set<string>();
  const tracked: values.Ref[] = [];
  const signedIn = new Map<UserName, Promise<Subject>>();
  const secrets: string[] = [];
  let keys = { ...NO_KEYS, admin: options.adminKey };

  async function attempt(secret: string, expr: Expr, attemptOptions: AttemptOptions = {}): Promise<Attempt> {
    let client = clients.get(secret);
    if (client === undefined) {
      client = createFaunaClient({ faunaEndpoint: options.endpoint, faunaSecret: secret }, options.fetch);
      clients.set(secret, client);
    }
    try {
      const retry = attemptOptions.retry === false ? { maxAttempts: 1 } : {};
      return { ok: true, value: (await queryWithRetry<unknown>(client, expr, { budgetMs, ...retry })).value };
    } catch (err) {
      if (err instanceof FaunaQueryError) {
        return { ok: false, status: err.status, code: err.faunaCode, ...(err.faunaDescription === undefined ? {} : { description: err.faunaDescription }) };
      }
      throw err;
    }
  }

  const auth0Id = (name: UserName): string => {
    const id = `${THROWAWAY_ID_PREFIX}${runId}-${name}`;
    userIds.add(id);
    return id;
  };

  async function newLogin(name: UserName, login: LoginOptions = {}): Promise<Subject> {
    const id = auth0Id(name);
    let secret: string;
    try {
      const sessionId = login.sessionId;
      secret = await options.signIn(id, { ttlSeconds: login.ttlSeconds ?? options.defaultTtlSeconds, ...(sessionId === undefined ? {} : { sessionId }) }, context);
    } catch (err) {
      throw new CheckSetupFailure(`could not sign ${name} in: ${err instanceof Error ? err.message : 'failed'}`);
    }
    secrets.push(secret);
    const identity = arranged(await attempt(secret, q.CurrentIdentity()), `read the identity of ${name}'s secret`);
    if (!isRef(identity)) throw new CheckSetupFailure(`${name}'s secret has no document identity`);
    tracked.push(identity);
    const user = arranged(
      await attempt(keys.admin, q.Select('ref', q.Get(q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), id)))),
      `find ${name}'s user with the admin key`,
    );
    if (!isRef(user)) throw new CheckSetupFailure(`${name}'s user document has no ref`);
    return { name, auth0Id: id, secret, userRef: user, loginRef: identity };
  }

  const context: CheckContext = {
    get keys() {
      return keys;
    },
    attempt,
    user(name) {
      let subject = signedIn.get(name);
      if (subject === undefined) {
        subject = newLogin(name);
        signedIn.set(name, subject);
      }
      return subject;
    },
    newLogin,
    sessionId: (label) => `auth0-fauna-verify-${runId}-${label}`,
    auth0Id,
    track: (ref) => void tracked.push(ref),
    async revokeUser(id) {
      const outcome = await revokeUserSecrets(
        id,
        () => ({ faunaEndpoint: options.endpoint, faunaSecret: keys.revoke, timeoutMs: budgetMs }),
        { fetch: options.fetch, log: () => undefined },
      );
      if (outcome.kind !== 'revoked') throw new CheckSetupFailure(`revocation with the revoke key ended ${outcome.kind}`);
    },
    defaultTtlSeconds: options.defaultTtlSeconds,
    shortTtlSeconds: options.shortTtlSeconds,
    logoutGraceSeconds: options.logoutGraceSeconds,
    sleep: options.sleep,
  };

  async function temporaryKey(role: string): Promise<string> {
    const created = await attempt(
      keys.admin,
      q.CreateKey({ role: q.Role(role), data: { description: `auth0-fauna verify ${runId}: temporary, removed at the end` } }),
    );
    if (!created.ok) throw new CheckSetupFailure(`could not create a temporary key with role ${role}: ${describeAttempt(created)}`);
    const value = created.value as { ref?: unknown; secret?: unknown };
    if (isRef(value.ref)) tracked.push(value.ref);
    if (typeof value.secret !== 'string') throw new CheckSetupFailure(`the temporary key with role ${role} came without a secret`);
    return value.secret;
  }

  return {
    runId,
    attempt,
    async prepare() {
      const login = options.loginKey ?? (await temporaryKey(LOGIN_ACTION_ROLE));
      keys = { ...keys, login };
      const revoke = options.revokeKey ?? (await temporaryKey(REVOKE_ACTION_ROLE));
      keys = { ...keys, revoke };
      return context;
    },
    credentials: () => [keys.admin, keys.login, keys.revoke, ...secrets].filter((s) => s !== ''),
    async cleanup() {
      const removed: values.Ref[] = [];
      for (const id of userIds) {
        const answer = await attempt(keys.admin, removeUserQuery(id));
        if (!answer.ok) throw new CheckSetupFailure(`could not remove ${id}: ${describeAttempt(answer)}`);
        collectRefs(answer.value, removed);
      }
      userIds.clear();
      while (tracked.length > 0) {
        const batch = tracked.splice(0, REFS_PER_QUERY);
        const answer = await attempt(keys.admin, removeRefsQuery(batch));
        if (!answer.ok) {
          tracked.unshift(...batch);
          throw new CheckSetupFailure(`could not remove what the checks created: ${describeAttempt(answer)}`);
        }
        collectRefs(answer.value, removed);
      }
      const counts: Record<string, number> = {};
      for (const ref of removed) {
        const kind = ref.collection?.id ?? ref.id;
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      return counts;
    },
  };
}

const deleteAll = (set: Expr): Expr =>
  q.Select('data', q.Foreach(q.Paginate(set, { size: CLEANUP_PAGE }), q.Lambda('doc', q.Delete(q.Var('doc')))));

const tokensOf = (ref: Expr): Expr => q.Match(q.Index(TOKENS_BY_INSTANCE_INDEX), ref);

/** One user with everything hanging off it: owned app documents, logins and their tokens. */
function removeUserQuery(auth0Id: string): Expr {
  const found = q.Match(q.Index(USERS_BY_AUTH0_ID_INDEX), auth0Id);
  const user = q.Var('user');
  return q.If(
    q.Exists(found),
    q.Let({ user: q.Select('ref', q.Get(found)) }, [
      ...APP_COLLECTIONS.map((collection) => deleteAll(q.Match(q.Index(ownerIndexName(collection)), user))),
      q.Map(
        q.Select('data', q.Paginate(q.Match(q.Index(AUTH0_JWT_BY_USER_INDEX), user), { size: CLEANUP_PAGE })),
        q.Lambda('login', [deleteAll(tokensOf(q.Var('login'))), q.Select('ref', q.Delete(q.Var('login')))]),
      ),
      deleteAll(tokensOf(user)),
      q.Select('ref', q.Delete(user)),
    ]),
    [],
  );
}

/** Anything else the run made: each one's tokens, then the thing itself if it still exists. */
function removeRefsQuery(refs: readonly values.Ref[]): Expr {
  return q.Map(
    [...refs],
    q.Lambda('ref', [deleteAll(tokensOf(q.Var('ref'))), q.If(q.Exists(q.Var('ref')), q.Select('ref', q.Delete(q.Var('ref'))), [])]),
  );
}

function collectRefs(value: unknown, into: values.Ref[]): void {
  if (isRef(value)) into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
}
