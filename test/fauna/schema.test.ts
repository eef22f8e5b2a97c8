import { query as q } from 'faunadb';
import * as names from '../../actions/lib/schema-names';
import { SCHEMA } from '../../fauna/definitions';
import { decodeState, fingerprint, planChanges, resolveByName } from '../../fauna/plan';
import { APP_COLLECTIONS } from '../../fauna/app-data';
import { APP_OWNER_ROLE, ownedCollectionSchema, ownerIndexName } from '../../fauna/owned-collections';
import {
  LOGIN_ACTION,
  LOGIN_FUNCTION_RIGHTS,
  LOGIN_SECRET,
  LOGOUT_FUNCTION_RIGHTS,
  REVOKE_ACTION,
  REVOKE_FUNCTION_RIGHTS,
} from '../../fauna/roles';
import { KEY_ROLE_UPGRADES, desiredSchema, finalizeTooEarly, rolesAwaitingFinalize } from '../../fauna/upgrade';
import { MAX_TTL_SECONDS } from '../../actions/lib/settings';
import type { RoleDefinition, SchemaDefinition, SchemaRef } from '../../fauna/schema';

/** A role's privileges as `resource -> actions`, predicates shown as their FQL wire JSON. */
function privileges(role: RoleDefinition): Record<string, Record<string, unknown>> {
  const label = (ref: SchemaRef) => (ref.kind === 'tokens' ? 'Tokens()' : `${ref.kind}:${ref.name}`);
  return Object.fromEntries(
    role.privileges.map((p) => [
      label(p.resource),
      Object.fromEntries(Object.entries(p.actions).map(([action, rule]) => [action, rule === true ? true : JSON.parse(JSON.stringify(rule))])),
    ]),
  );
}

const isPredicate = (value: unknown) => typeof value === 'object' && value !== null && 'query' in value;

describe('the schema under fauna/', () => {
  it('defines every name the Actions use, spelled once in schema-names', () => {
    const defined = SCHEMA.map((def) => def.name).sort();
    const expected = [
      names.USERS_COLLECTION,
      names.AUTH0_JWT_COLLECTION,
      names.USERS_BY_AUTH0_ID_INDEX,
      names.AUTH0_JWT_BY_USER_INDEX,
      names.AUTH0_JWT_BY_USER_EXP_INDEX,
      names.AUTH0_JWT_BY_USER_SESSION_INDEX,
      names.TOKENS_BY_INSTANCE_INDEX,
      names.CURRENT_USER_FUNCTION,
      names.END_LOGIN_FUNCTION,
      names.END_ALL_LOGINS_FUNCTION,
      names.LOGIN_FUNCTION,
      names.REVOKE_USER_FUNCTION,
      names.LOGIN_ACTION_ROLE,
      names.REVOKE_ACTION_ROLE,
      names.LOGIN_FUNCTION_ROLE,
      names.REVOKE_FUNCTION_ROLE,
      names.LOGOUT_FUNCTION_ROLE,
      names.LOGIN_SECRET_ROLE,
      ...APP_COLLECTIONS.flatMap((c) => [c.name, ownerIndexName(c)]),
      APP_OWNER_ROLE,
    ].sort();
    expect(defined).toEqual(expected);
  });

  it('lists every object after the objects it refers to (the write creates them in order)', () => {
    const seen = new Set<string>();
    const refsOf = (def: SchemaDefinition): SchemaRef[] => {
      if (def.kind === 'index') return [def.source];
      if (def.kind === 'role') return [...def.membership.map((m) => m.resource), ...def.privileges.map((p) => p.resource)];
      if (def.kind === 'function') return def.role === undefined ? [] : [def.role];
      return [];
    };
    for (const def of SCHEMA) {
      for (const ref of refsOf(def)) if (ref.kind !== 'tokens') expect(seen).toContain(`${ref.kind}:${ref.name}`);
      seen.add(`${def.kind}:${def.name}`);
    }
  });

  it("gives the Actions' keys the right to call their one function and nothing else", () => {
    expect(privileges(LOGIN_ACTION)).toEqual({ [`function:${names.LOGIN_FUNCTION}`]: { call: true } });
    expect(privileges(REVOKE_ACTION)).toEqual({ [`function:${names.REVOKE_USER_FUNCTION}`]: { call: true } });
    expect(LOGIN_ACTION.membership).toEqual([]);
    expect(REVOKE_ACTION.membership).toEqual([]);
  });

  it('runs login, revoke_user, end_login and end_all_logins with roles of their own; current_user with the caller\'s rights', () => {
    const roleOf = (name: string) => {
      const fn = SCHEMA.find((def) => def.kind === 'function' && def.name === name);
      return fn?.kind === 'function' ? fn.role?.name : 'missing';
    };
    expect(roleOf(names.LOGIN_FUNCTION)).toBe(names.LOGIN_FUNCTION_ROLE);
    expect(roleOf(names.REVOKE_USER_FUNCTION)).toBe(names.REVOKE_FUNCTION_ROLE);
    expect(roleOf(names.END_LOGIN_FUNCTION)).toBe(names.LOGOUT_FUNCTION_ROLE);
    expect(roleOf(names.END_ALL_LOGINS_FUNCTION)).toBe(names.LOGOUT_FUNCTION_ROLE);
    expect(roleOf(names.CURRENT_USER_FUNCTION)).toBeUndefined();
  });

  it('gives login only what a login needs, bounded, tokens only for auth0_jwt documents', () => {
    const granted = privileges(LOGIN_FUNCTION_RIGHTS);
    expect(Object.keys(granted).sort()).toEqual([
      'Tokens()',
      'collection:auth0_jwt',
      'collection:users',
      `index:${names.AUTH0_JWT_BY_USER_EXP_INDEX}`,
      `index:${names.TOKENS_BY_INSTANCE_INDEX}`,
      'index:users_by_auth0_id',
    ]);
    expect(granted['index:users_by_auth0_id']).toEqual({ read: true });
    expect(Object.keys(granted['collection:users'])).toEqual(['read', 'create', 'write']);
    // The upsert may refresh a user, never move its auth0_id.
    expect(JSON.stringify(granted['collection:users'].write)).toContain('"equals":[{"select":["data","auth0_id"],"from":{"var":"old"}},{"select":["data","auth0_id"],"from":{"var":"new"}}]');
    expect(Object.keys(granted['collection:auth0_jwt'])).toEqual(['create', 'delete']);
    expect(Object.keys(granted['Tokens()'])).toEqual(['create', 'delete']);
    const bounded = `{"time_add":{"now":null},"offset":${MAX_TTL_SECONDS},"unit":"seconds"}`;
    const login = JSON.stringify(granted['collection:auth0_jwt'].create);
    expect(login).toContain('{"is_timestamp":{"var":"ttl"}}');
    expect(login).toContain(bounded);
    expect(login).toContain('{"select":["data","exp"],"from":{"var":"params"},"default":null}');
    const token = JSON.stringify(granted['Tokens()'].create);
    expect(token).toContain('"select":["instance","collection"]');
    expect(token).toContain(`{"collection":"${names.AUTH0_JWT_COLLECTION}"}`);
    expect(token).toContain('{"is_timestamp":{"var":"ttl"}}');
    expect(token).toContain(bounded);
    expect(JSON.stringify(granted['Tokens()'].delete)).toContain('"select":["instance","collection"]');
  });

  it('allow-lists the top-level fields of every create and write it grants: data, and the bounded ttl of a login and its token', () => {
    // hasOnlyFields (fauna/field-rules.ts): All(Map(ToArray(fields), Lambda([key, value], ContainsValue(key, allowed)))).
    const allowList = (rule: unknown) => /"all":\{"map":\{"lambda":\["key","value"\],"expr":\{"contains_value":\{"var":"key"\},"in":(\[[^\]]*\])\}\},"collection":\{"to_array"/.exec(JSON.stringify(rule))?.[1];
    const writtenBy = [LOGIN_FUNCTION_RIGHTS, REVOKE_FUNCTION_RIGHTS, LOGOUT_FUNCTION_RIGHTS, LOGIN_SECRET, LOGIN_ACTION, REVOKE_ACTION];
    const rules = writtenBy.flatMap((role) =>
      role.privileges.flatMap((p) =>
        (['create', 'write'] as const).filter((a) => p.actions[a] !== undefined).map((a) => [`${role.name} ${a} ${p.resource.kind === 'tokens' ? 'Tokens()' : p.resource.name}`, allowList(p.actions[a])]),
      ),
    );
    expect(Object.fromEntries(rules)).toEqual({
      [`${names.LOGIN_FUNCTION_ROLE} create users`]: '["data"]',
      [`${names.LOGIN_FUNCTION_ROLE} write users`]: '["data"]',
      [`${names.LOGIN_FUNCTION_ROLE} create auth0_jwt`]: '["data","ttl"]',
      [`${names.LOGIN_FUNCTION_ROLE} create Tokens()`]: '["instance","ttl"]',
    });
    expect(JSON.stringify(writtenBy)).not.toContain('credentials');
  });

  it('gives revoke_user lookups and deletes of logins and their tokens, nothing written or created', () => {
    const granted = privileges(REVOKE_FUNCTION_RIGHTS);
    const actions = new Set(Object.values(granted).flatMap((a) => Object.keys(a)));
    expect([...actions].sort()).toEqual(['delete', 'read', 'unrestricted_read']);
    expect(granted['collection:auth0_jwt']).toEqual({ delete: true });
    expect(granted['collection:users']).toEqual({ read: true });
    expect(isPredicate(granted['Tokens()'].delete)).toBe(true);
  });

  it("gives end_login and end_all_logins the caller's own user's logins and their tokens only", () => {
    const granted = privileges(LOGOUT_FUNCTION_RIGHTS);
    const caller = '{"select":["data","user"],"from":{"get":{"current_identity":null}}}';
    for (const rule of Object.values(granted).flatMap((a) => Object.values(a))) {
      expect(isPredicate(rule)).toBe(true);
      expect(JSON.stringify(rule)).toContain(caller);
    }
    const actions = new Set(Object.values(granted).flatMap((a) => Object.keys(a)));
    expect([...actions].sort()).toEqual(['delete', 'read', 'unrestricted_read']);
  });

  it('lets a minted secret in only while its login has not expired, and only to its own documents', () => {
    expect(LOGIN_SECRET.membership).toHaveLength(1);
    expect(LOGIN_SECRET.membership[0].resource).toEqual({ kind: 'collection', name: names.AUTH0_JWT_COLLECTION });
    const membership = JSON.stringify(LOGIN_SECRET.membership[0].predicate);
    expect(membership).toContain('"gt":[{"select":["data","exp"]');
    expect(membership).toContain('{"now":null}');

    const granted = privileges(LOGIN_SECRET);
    expect(JSON.stringify(granted['collection:auth0_jwt'].read)).toContain('"equals":[{"var":"ref"},{"current_identity":null}]');
    expect(JSON.stringify(granted['collection:users'].read)).toContain('{"select":["data","user"],"from":{"get":{"current_identity":null}}}');
    expect(granted[`function:${names.CURRENT_USER_FUNCTION}`]).toEqual({ call: true });
    // Its own login only: end_login() deletes the caller's auth0_jwt document.
    expect(JSON.stringify(granted['collection:auth0_jwt'].delete)).toContain('"equals":[{"var":"ref"},{"current_identity":null}]');
    expect(granted[`function:${names.END_LOGIN_FUNCTION}`]).toEqual({ call: true });
    expect(granted[`function:${names.END_ALL_LOGINS_FUNCTION}`]).toEqual({ call: true });
    // Nothing is written or created by a minted secret through this role.
    const actions = new Set(Object.values(granted).flatMap((a) => Object.keys(a)));
    expect([...actions].sort()).toEqual(['call', 'delete', 'read']);
  });

  it("gives each app collection to its owner only, through one role with the login secrets' membership", () => {
    const [collection, index, role] = ownedCollectionSchema([{ name: 'things', ownerField: 'by', purpose: 'test', fields: [], maxDataChars: 1 }]);
    expect(collection).toMatchObject({ kind: 'collection', name: 'things' });
    expect(index).toMatchObject({ kind: 'index', name: 'things_by_by', terms: [['data', 'by']], unique: false });
    if (role.kind !== 'role') throw new Error('expected the role last');
    expect(role.membership).toEqual(LOGIN_SECRET.membership);
    const granted = privileges(role);
    expect(Object.keys(granted['collection:things']).sort()).toEqual(['create', 'delete', 'read', 'write']);
    const owner = '{"select":["data","by"],"from":{"var":"%s"},"default":null}';
    expect(JSON.stringify(granted['collection:things'].create)).toContain(owner.replace('%s', 'params'));
    expect(JSON.stringify(granted['collection:things'].write)).toContain(owner.replace('%s', 'old'));
    expect(JSON.stringify(granted['collection:things'].write)).toContain(owner.replace('%s', 'new'));
    expect(granted['index:things_by_by']).toEqual({ read: true });
    expect(ownedCollectionSchema([])).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('are stable for one definition and change with a predicate', () => {
    expect(fingerprint(LOGIN_SECRET)).toBe(fingerprint({ ...LOGIN_SECRET }));
    const longer: RoleDefinition = {
      ...LOGIN_SECRET,
      membership: [{ ...LOGIN_SECRET.membership[0], predicate: q.Query(q.Lambda('ref', true)) }],
    };
    expect(fingerprint(longer)).not.toBe(fingerprint(LOGIN_SECRET));
  });
});

describe('planning', () => {
  const stateWith = (index: Record<string, unknown>) =>
    decodeState(
      {
        collection: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'collection').map((d) => [d.name, { history_days: 0 }])),
        index: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'index').map((d) => [d.name, index[d.name] ?? null])),
        function: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'function').map((d) => [d.name, { fingerprint: fingerprint(d) }])),
        role: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'role').map((d) => [d.name, { fingerprint: null }])),
      },
      SCHEMA,
    );

  it('replaces a role of the same name that setup:fauna did not make', () => {
    const plan = planChanges(SCHEMA, stateWith({}));
    const roles = plan.filter((entry) => entry.definition.kind === 'role');
    expect(roles.map((entry) => entry.action)).toEqual(SCHEMA.filter((d) => d.kind === 'role').map(() => 'update'));
    expect(roles.length).toBeGreaterThanOrEqual(3);
    expect(roles[0].reason).toContain('not made by setup:fauna');
  });

  it('updates a collection whose history_days differs from the definition', () => {
    const state = stateWith({});
    const plan = planChanges(SCHEMA, {
      ...state,
      collection: { [names.USERS_COLLECTION]: { historyDays: 30 }, [names.AUTH0_JWT_COLLECTION]: { historyDays: 30 } },
    });
    const jwt = plan.find((e) => e.definition.name === names.AUTH0_JWT_COLLECTION);
    expect(jwt?.action).toBe('update');
    expect(jwt?.reason).toBe('history_days 30 -> 0');
    // users leaves history_days to the server.
    expect(plan.find((e) => e.definition.name === names.USERS_COLLECTION)?.action).toBe('unchanged');
  });

  it('refuses to read an answer that lacks an object it asked about', () => {
    expect(() => decodeState({ collection: {}, index: {}, function: {}, role: {} }, SCHEMA)).toThrow(/ERR|without collection users/);
    expect(() => decodeState(null, SCHEMA)).toThrow(/without a state object/);
  });

  it('resolves names the way FQL spells them', () => {
    expect(JSON.parse(JSON.stringify(resolveByName({ kind: 'tokens' })))).toEqual({ tokens: null });
    expect(JSON.parse(JSON.stringify(resolveByName({ kind: 'role', name: 'r' })))).toEqual({ role: 'r' });
  });
});

describe('the upgrade: expand, deploy, contract (fauna/upgrade.ts)', () => {
  /** A database state with every object as `roles` says and the rest as defined. */
  const stateWith = (roles: Record<string, string | null>, functions: Record<string, string | null> = {}) =>
    decodeState(
      {
        collection: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'collection').map((d) => [d.name, { history_days: 0 }])),
        index: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'index').map((d) => [d.name, null])),
        function: Object.fromEntries(
          SCHEMA.filter((d) => d.kind === 'function').map((d) => [d.name, d.name in functions ? (functions[d.name] === null ? null : { fingerprint: functions[d.name] }) : { fingerprint: fingerprint(d) }]),
        ),
        role: Object.fromEntries(SCHEMA.filter((d) => d.kind === 'role').map((d) => [d.name, d.name in roles ? (roles[d.name] === null ? null : { fingerprint: roles[d.name] }) : { fingerprint: fingerprint(d) }])),
      },
      SCHEMA,
    );
  const [login, revoke] = KEY_ROLE_UPGRADES;
  const keyRoles = (schema: readonly SchemaDefinition[]) => schema.filter((d) => d.name === names.LOGIN_ACTION_ROLE || d.name === names.REVOKE_ACTION_ROLE);

  it("expands a key role of the previous version: its privileges and the call, so Actions of either version work", () => {
    expect(login.expanded.privileges).toEqual([...login.previous.privileges, ...LOGIN_ACTION.privileges]);
    expect(revoke.expanded.privileges).toEqual([...revoke.previous.privileges, ...REVOKE_ACTION.privileges]);
    const previous = stateWith({ [names.LOGIN_ACTION_ROLE]: fingerprint(login.previous), [names.REVOKE_ACTION_ROLE]: fingerprint(revoke.previous) }, { [names.LOGIN_FUNCTION]: null });
    expect(keyRoles(desiredSchema(SCHEMA, previous, { finalize: false }))).toEqual([login.expanded, revoke.expanded]);
    // Expanded, it stays expanded on every plain run, and says it awaits --finalize.
    const expanded = stateWith({ [names.LOGIN_ACTION_ROLE]: fingerprint(login.expanded), [names.REVOKE_ACTION_ROLE]: fingerprint(revoke.expanded) });
    expect(keyRoles(desiredSchema(SCHEMA, expanded, { finalize: false }))).toEqual([login.expanded, revoke.expanded]);
    expect(rolesAwaitingFinalize(expanded)).toEqual([names.LOGIN_ACTION_ROLE, names.REVOKE_ACTION_ROLE]);
  });

  it('contracts on --finalize, and a finalized or fresh database stays final on a plain run', () => {
    const expanded = stateWith({ [names.LOGIN_ACTION_ROLE]: fingerprint(login.expanded), [names.REVOKE_ACTION_ROLE]: fingerprint(revoke.expanded) });
    expect(keyRoles(desiredSchema(SCHEMA, expanded, { finalize: true }))).toEqual([LOGIN_ACTION, REVOKE_ACTION]);
    const final = stateWith({});
    expect(keyRoles(desiredSchema(SCHEMA, final, { finalize: false }))).toEqual([LOGIN_ACTION, REVOKE_ACTION]);
    expect(rolesAwaitingFinalize(final)).toEqual([]);
    const fresh = stateWith({ [names.LOGIN_ACTION_ROLE]: null, [names.REVOKE_ACTION_ROLE]: null }, { [names.LOGIN_FUNCTION]: null });
    expect(keyRoles(desiredSchema(SCHEMA, fresh, { finalize: false }))).toEqual([LOGIN_ACTION, REVOKE_ACTION]);
  });

  it('refuses --finalize before the expand step, while the previous version\'s Actions use the keys', () => {
    const previous = stateWith({ [names.LOGIN_ACTION_ROLE]: fingerprint(login.previous) }, { [names.LOGIN_FUNCTION]: null });
    expect(finalizeTooEarly(previous)).toMatch(/function login does not exist yet.*npm run setup:fauna.*--finalize/);
    expect(finalizeTooEarly(stateWith({}))).toBeUndefined();
    expect(finalizeTooEarly(stateWith({ [names.LOGIN_ACTION_ROLE]: null, [names.REVOKE_ACTION_ROLE]: null }, { [names.LOGIN_FUNCTION]: null }))).toBeUndefined();
  });
});
