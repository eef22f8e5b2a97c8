import { query as q, type Expr } from 'faunadb';
import { createFaunaClient } from '../../../actions/lib/fauna-client';
import { LOGIN_ACTION_ROLE, REVOKE_ACTION_ROLE } from '../../../actions/lib/schema-names';
import { SCHEMA } from '../../../fauna/definitions';
import { buildApplyQuery, fingerprint } from '../../../fauna/plan';
import type { FunctionDefinition, RoleDefinition } from '../../../fauna/schema';
import { FakeFauna } from '../../../fauna-in-process';
import { runSetup } from '../../../scripts/setup-fauna';
import { printedKeys } from '../../support/setup-in-process';

/**
 * An in-process Fauna set up exactly as `npm run setup:fauna -- --create-action-key
 * --create-revoke-key` sets up a server: the schema, and the two Action keys it prints (custom
 * roles; never a server or admin key). Optionally with roles widened by hand afterwards.
 */

export const ADMIN_KEY = 'fnSECURITY_SUITE_ADMIN_KEY_never_printed';
export const START = Date.UTC(2030, 0, 1, 8, 0, 0);

export interface SecuredFauna {
  readonly fake: FakeFauna;
  readonly loginKey: string;
  readonly revokeKey: string;
  /** The fake's clock, epoch ms; `advance` moves it. */
  now(): number;
  advance(seconds: number): void;
  /** What setup printed (minus the key secrets), for assertions on the run itself. */
  readonly setupLines: readonly string[];
}

/**
 * `shared`: one key with both roles (`--create-shared-key`) as both Actions' key.
 * `tokenCacheMs`: cache token records as the core does (a logged-out token lives a little longer).
 */
export async function startSecuredFauna(endpoint: string, options: { shared?: boolean; tokenCacheMs?: number } = {}): Promise<SecuredFauna> {
  let clock = START;
  const fake = new FakeFauna({ now: () => clock, secrets: { [ADMIN_KEY]: 'admin' }, tokenCacheMs: options.tokenCacheMs });
  const lines: string[] = [];
  const flags = options.shared === true ? ['--create-shared-key'] : ['--create-action-key', '--create-revoke-key'];
  const code = await runSetup(flags, {
    env: { FAUNA_ENDPOINT: endpoint, FAUNA_ADMIN_SECRET: ADMIN_KEY },
    fetch: fake.fetch,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
  });
  const keys = printedKeys(lines);
  const sharedKey = keys[`${LOGIN_ACTION_ROLE} + ${REVOKE_ACTION_ROLE}`]?.secret;
  const loginKey = options.shared === true ? sharedKey : keys[LOGIN_ACTION_ROLE]?.secret;
  const revokeKey = options.shared === true ? sharedKey : keys[REVOKE_ACTION_ROLE]?.secret;
  if (code !== 0 || loginKey === undefined || revokeKey === undefined) {
    throw new Error(`setup:fauna did not set up the fake (exit ${code}):\n${lines.filter((l) => !/^\s+\S+$/.test(l)).join('\n')}`);
  }
  return {
    fake,
    loginKey,
    revokeKey,
    now: () => clock,
    advance: (seconds) => {
      clock += seconds * 1000;
    },
    setupLines: lines.filter((line) => line.trim() !== loginKey && line.trim() !== revokeKey),
  };
}

// ---- widened roles and functions: the mutations the checks must catch ----------------------

export function schemaRole(name: string): RoleDefinition {
  const role = SCHEMA.find((def): def is RoleDefinition => def.kind === 'role' && def.name === name);
  if (role === undefined) throw new Error(`no role ${name} in fauna/`);
  return role;
}

type Actions = RoleDefinition['privileges'][number]['actions'];
type Resource = RoleDefinition['privileges'][number]['resource'];

/** The real role with one privilege's actions changed; every other privilege as defined. */
export function widenPrivilege(role: RoleDefinition, resource: Resource, change: (actions: Actions) => Actions): RoleDefinition {
  const sameResource = (other: typeof resource) => JSON.stringify(other) === JSON.stringify(resource);
  if (!role.privileges.some((p) => sameResource(p.resource))) throw new Error(`role ${role.name} has no privilege on ${JSON.stringify(resource)}`);
  return {
    ...role,
    privileges: role.privileges.map((p) => (sameResource(p.resource) ? { ...p, actions: change(p.actions) } : p)),
  };
}

/** The real role with a privilege it does not have: what an admin granting "just one more thing" does. */
export function addPrivilege(role: RoleDefinition, resource: Resource, actions: Actions): RoleDefinition {
  if (role.privileges.some((p) => JSON.stringify(p.resource) === JSON.stringify(resource))) throw new Error(`role ${role.name} already has a privilege on ${JSON.stringify(resource)}`);
  return { ...role, privileges: [...role.privileges, { resource, actions }] };
}

/** `Query(Lambda(params, body))` → `Query(Lambda(params, Not(body)))`: the predicate inverted. */
export function negatePredicate(predicate: true | Expr | undefined): Expr {
  const lambda = (predicate as unknown as { raw?: { query?: { raw?: { lambda?: unknown; expr?: Expr } } } } | undefined)?.raw?.query?.raw;
  if (lambda?.lambda === undefined || lambda.expr === undefined) throw new Error('not a Query(Lambda(…)) predicate');
  return q.Query(q.Lambda(lambda.lambda as string, q.Not(lambda.expr)));
}

/**
 * Applies `widened` (a role or a function) to the database as an admin editing it by hand would:
 * the rules change, the stored fingerprint still says "as defined", so setup:fauna's plan sees
 * nothing to do and only the security checks can notice.
 */
export async function applyByHand(
  endpoint: string,
  fetchImpl: typeof globalThis.fetch,
  widened: RoleDefinition | FunctionDefinition,
): Promise<void> {
  const original = SCHEMA.find((def) => def.kind === widened.kind && def.name === widened.name);
  if (original === undefined) throw new Error(`no ${widened.kind} ${widened.name} in fauna/`);
  const admin = createFaunaClient({ faunaEndpoint: endpoint, faunaSecret: ADMIN_KEY }, fetchImpl);
  await admin.query(buildApplyQuery([{ definition: widened, action: 'update', reason: 'widened by hand' }], []));
  const ref = widened.kind === 'role' ? q.Role(widened.name) : q.Function(widened.name);
  await admin.query(q.Update(ref, { data: { fingerprint: fingerprint(original) } }));
}
