import { query as q, values, type Client, type Expr } from 'faunadb';
import { FaunaQueryError } from '../../actions/lib/errors';
import { createFaunaClient, queryWithRetry, type FetchLike } from '../../actions/lib/fauna-client';
import { MANAGED_BY } from '../../fauna/plan';
import { RotationError } from './errors';

/**
 * The Fauna side of rotate:keys: which key a secret is, the keys a rotation made (tagged in their
 * `data`), creating, recording, deleting, and whether Fauna still accepts a secret. The FQL is
 * built by the pure functions below; the admin key (FAUNA_ADMIN_SECRET) runs everything but the
 * two questions asked with a secret itself (`CurrentToken()`, `HasCurrentToken()`), which need
 * no privilege, so they work with call-only Action keys.
 */

/** The variables that hold the Actions' keys. */
export type KeyVariable = 'FAUNA_SECRET' | 'FAUNA_REVOKE_SECRET';
export const KEY_VARIABLES: readonly KeyVariable[] = ['FAUNA_SECRET', 'FAUNA_REVOKE_SECRET'];

/** What a rotation writes into the `data` of each key it creates; how a later run finds it again. */
export interface RotationTag {
  /** The rotation's id, also in its key file's heading. */
  readonly id: string;
  /** The id of the key this one replaces. */
  readonly replaces: string;
  readonly variables: readonly string[];
  /** The Actions' versions deployed holding this key, by Action name (recorded after each deploy). */
  readonly deployed: Readonly<Record<string, number>>;
  /** The Actions whose import with this key was started (recorded just before it): their draft may hold it. */
  readonly deploying: readonly string[];
}

export interface KeyDocument {
  readonly id: string;
  /** The role exactly as Fauna holds it (a Role ref, or an array of them): a new key gets the same. */
  readonly role: unknown;
  /** Its custom roles' names; empty for a built-in role. */
  readonly roleNames: readonly string[];
  /** `admin`, `server`, `server-readonly` or `client`: never an Action's key. */
  readonly builtinRole?: string;
  /** When the key document was last written (ISO 8601). */
  readonly writtenAt: string;
  readonly rotation?: RotationTag;
}

export type SecretIdentity =
  | { readonly kind: 'key'; readonly id: string }
  /** 401: no live key has this secret (deleted, mistyped, another server). */
  | { readonly kind: 'refused' }
  /** The secret of a token, not a key. */
  | { readonly kind: 'token' }
  /** 400 invalid token: a key from outside the database (the root key, a parent database's key). */
  | { readonly kind: 'outside' };

const QUERY_BUDGET_MS = 30_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refOf(value: unknown): { id: string; collection?: string } | undefined {
  if (!(value instanceof values.Ref)) return undefined;
  return { id: value.id, collection: value.collection?.id };
}

/** The key id a secret names, read from its bytes (auth/AuthLike.scala: 126, 112, 8-byte id, 20 random bytes); for messages only. */
export function keyIdInSecret(secret: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = Buffer.from(secret, 'base64url');
  } catch {
    return undefined;
  }
  if (bytes.length !== 30 || bytes[0] !== 126 || bytes[1] !== 112) return undefined;
  return bytes.readBigUInt64BE(2).toString();
}

// ---- FQL ------------------------------------------------------------------------------------

const keyRef = (id: string) => q.Ref(q.Keys(), id);

/** A key's document, or null when there is none (deleted, or never was). */
export function keyDocumentQuery(id: string): Expr {
  return q.Let({ ref: keyRef(id) }, q.If(q.Exists(q.Var('ref')), q.Get(q.Var('ref')), null));
}

/** One page of every key of the database: ref, time, role and data, never a secret or its hash. */
export function keysPageQuery(after?: unknown): Expr {
  const page = after === undefined ? q.Paginate(q.Keys(), { size: 1000 }) : q.Paginate(q.Keys(), { size: 1000, after });
  return q.Map(
    page,
    q.Lambda(
      'ref',
      q.Let(
        { key: q.Get(q.Var('ref')) },
        { ref: q.Var('ref'), ts: q.Select('ts', q.Var('key')), role: q.Select('role', q.Var('key'), null), data: q.Select('data', q.Var('key'), null) },
      ),
    ),
  );
}

export interface NewKeySpec {
  readonly role: unknown;
  readonly replaces: string;
  readonly variables: readonly string[];
  readonly usedBy: string;
}

/** Creates the keys in one transaction, each tagged with the rotation; answers `[{id, secret}]`. */
export function createKeysQuery(rotationId: string, specs: readonly NewKeySpec[]): Expr {
  return specs.map((spec) =>
    q.Let(
      {
        key: q.CreateKey({
          role: spec.role as Expr,
          data: {
            managed_by: MANAGED_BY,
            description: `auth0-fauna: ${spec.usedBy} (rotate:keys ${rotationId})`,
            rotation: { id: rotationId, replaces: spec.replaces, variables: [...spec.variables], deployed: {} },
          },
        }),
      },
      { id: q.Select(['ref', 'id'], q.Var('key')), secret: q.Select('secret', q.Var('key')) },
    ),
  ) as unknown as Expr;
}

/** Records in the new key's data that an import of `action` with it is starting. */
export function recordDeployingQuery(keyId: string, action: string): Expr {
  return q.Update(keyRef(keyId), { data: { rotation: { deploying: { [action]: true } } } });
}

/** Records in the new key's data that `action`'s deployed `version` holds it. */
export function recordDeployedQuery(keyId: string, action: string, version: number): Expr {
  return q.Update(keyRef(keyId), { data: { rotation: { deployed: { [action]: version } } } });
}

/** Deletes each key that still exists; answers the ids it deleted. */
export function deleteKeysQuery(ids: readonly string[]): Expr {
  return ids.map((id) => q.If(q.Exists(keyRef(id)), q.Select(['ref', 'id'], q.Delete(keyRef(id))), null)) as unknown as Expr;
}

// ---- decoding -------------------------------------------------------------------------------

function decodeTag(data: unknown): RotationTag | undefined {
  const rotation = isRecord(data) ? data.rotation : undefined;
  if (!isRecord(rotation) || typeof rotation.id !== 'string' || typeof rotation.replaces !== 'string') return undefined;
  const deployed: Record<string, number> = {};
  if (isRecord(rotation.deployed)) {
    for (const [action, version] of Object.entries(rotation.deployed)) if (typeof version === 'number') deployed[action] = version;
  }
  const variables = Array.isArray(rotation.variables) ? rotation.variables.filter((v): v is string => typeof v === 'string') : [];
  const deploying = isRecord(rotation.deploying) ? Object.keys(rotation.deploying).filter((action) => (rotation.deploying as Record<string, unknown>)[action] === true) : [];
  return { id: rotation.id, replaces: rotation.replaces, variables, deployed, deploying };
}

export function decodeKeyDocument(value: unknown): KeyDocument | undefined {
  if (!isRecord(value)) return undefined;
  const ref = refOf(value.ref);
  if (ref === undefined) return undefined;
  const role = value.role;
  const roles = Array.isArray(role) ? role : [role];
  const roleNames = roles.map((r) => refOf(r)).filter((r): r is { id: string; collection?: string } => r?.collection === 'roles').map((r) => r.id);
  const builtinRole = typeof role === 'string' ? role : undefined;
  const ts = typeof value.ts === 'number' ? new Date(Math.floor(value.ts / 1000)).toISOString() : '?';
  const rotation = decodeTag(value.data);
  return { id: ref.id, role, roleNames, ...(builtinRole ? { builtinRole } : {}), writtenAt: ts, ...(rotation ? { rotation } : {}) };
}

export const roleLabel = (key: Pick<KeyDocument, 'roleNames' | 'builtinRole'>): string => key.builtinRole ?? (key.roleNames.join(' + ') || '(no role)');

// ---- running ----------------------------------------------------------------------------------

export interface FaunaAccess {
  readonly endpoint: string;
  readonly adminSecret: string;
  readonly fetch: FetchLike;
  /** Budget per query, retries included (default 30 s). */
  readonly budgetMs?: number;
}

function failed(what: string, err: unknown): RotationError {
  const detail = err instanceof FaunaQueryError ? err.message : err instanceof Error ? err.name : 'unexpected error';
  const admin = err instanceof FaunaQueryError && (err.status === 401 || err.status === 403) ? ' (FAUNA_ADMIN_SECRET must be an admin key of the database)' : '';
  return new RotationError('ERR_ROTATE_FAUNA', `Fauna refused to ${what}`, [`${detail}${admin}`]);
}

/** The admin's queries of a rotation. */
export class RotationFauna {
  private readonly admin: Client;

  constructor(private readonly access: FaunaAccess) {
    this.admin = createFaunaClient({ faunaEndpoint: access.endpoint, faunaSecret: access.adminSecret }, access.fetch);
  }

  private async run<T>(what: string, expr: Expr, maxAttempts?: number): Promise<T> {
    try {
      return (await queryWithRetry<T>(this.admin, expr, { budgetMs: this.access.budgetMs ?? QUERY_BUDGET_MS, ...(maxAttempts ? { maxAttempts } : {}) })).value;
    } catch (err) {
      throw failed(what, err);
    }
  }

  /** Which key (if any) `secret` is, asked with the secret itself: CurrentToken() needs no privilege. */
  async identify(secret: string): Promise<SecretIdentity> {
    const client = createFaunaClient({ faunaEndpoint: this.access.endpoint, faunaSecret: secret }, this.access.fetch);
    try {
      const current = refOf((await queryWithRetry<unknown>(client, q.CurrentToken(), { budgetMs: this.access.budgetMs ?? QUERY_BUDGET_MS })).value);
      if (current?.collection === 'keys') return { kind: 'key', id: current.id };
      return { kind: 'token' };
    } catch (err) {
      if (err instanceof FaunaQueryError && err.status === 401) return { kind: 'refused' };
      if (err instanceof FaunaQueryError && err.status === 400 && err.faunaCode === 'invalid token') return { kind: 'outside' };
      throw failed('say which key a secret is', err);
    }
  }

  /** Whether Fauna still accepts `secret` (HasCurrentToken() answers) or refuses it (401). */
  async accepts(secret: string): Promise<boolean> {
    return (await this.identify(secret)).kind !== 'refused';
  }

  async key(id: string): Promise<KeyDocument | undefined> {
    return decodeKeyDocument(await this.run<unknown>(`read key ${id}`, keyDocumentQuery(id)));
  }

  /** Every key of the database (ids, roles, tags; never a secret). */
  async allKeys(): Promise<KeyDocument[]> {
    const keys: KeyDocument[] = [];
    let after: unknown;
    do {
      const page = await this.run<{ data?: unknown[]; after?: unknown }>('list the keys', keysPageQuery(after));
      for (const entry of page.data ?? []) {
        const key = decodeKeyDocument(entry);
        if (key) keys.push(key);
      }
      after = page.after;
    } while (after !== undefined);
    return keys;
  }

  /** Creates the keys; never retried (a retry after a lost answer would make keys twice). */
  async create(rotationId: string, specs: readonly NewKeySpec[]): Promise<{ id: string; secret: string }[]> {
    const created = await this.run<unknown>('create the new keys', createKeysQuery(rotationId, specs), 1);
    if (!Array.isArray(created) || created.length !== specs.length || !created.every((k) => isRecord(k) && typeof k.id === 'string' && typeof k.secret === 'string')) {
      throw new RotationError('ERR_ROTATE_FAUNA', 'Fauna answered the key creation with an unexpected result', ['run npm run rotate:keys again: keys made without a saved secret are deleted at the end']);
    }
    return created as { id: string; secret: string }[];
  }

  async recordDeploying(keyId: string, action: string): Promise<void> {
    await this.run(`record on key ${keyId} that ${action} is being deployed with it`, recordDeployingQuery(keyId, action));
  }

  async recordDeployed(keyId: string, action: string, version: number): Promise<void> {
    await this.run(`record on key ${keyId} that ${action} version ${version} holds it`, recordDeployedQuery(keyId, action, version));
  }

  async delete(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const deleted = await this.run<unknown>(`delete key(s) ${ids.join(', ')}`, deleteKeysQuery(ids));
    return Array.isArray(deleted) ? deleted.filter((id): id is string => typeof id === 'string') : [];
  }
}
