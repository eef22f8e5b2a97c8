import { query as q, values } from 'faunadb';
import {
  BUILDING,
  buildApplyQuery,
  buildReadStateQuery,
  buildingIndexes,
  decodeState,
  fingerprint,
  isApplyResult,
  planChanges,
  type ObservedIndex,
  type PlanEntry,
  type SchemaState,
} from '../../fauna/plan';
import type {
  CollectionDefinition,
  FunctionDefinition,
  IndexDefinition,
  RoleDefinition,
  SchemaDefinition,
} from '../../fauna/schema';
import { TOKENS, collectionRef } from '../../fauna/schema';
import { findCalls } from '../support/fauna-wire';
import { inProcessSetup } from '../support/setup-in-process';

// fauna/plan.ts on a small schema of its own, so each case shows the one thing it is about.

const THINGS: CollectionDefinition = { kind: 'collection', name: 'things', purpose: 'the things', historyDays: null };
const KEPT_A_WEEK: CollectionDefinition = { kind: 'collection', name: 'events', purpose: 'the events', historyDays: 7 };
const THINGS_BY_OWNER: IndexDefinition = {
  kind: 'index',
  name: 'things_by_owner',
  purpose: "a user's things",
  source: collectionRef('things'),
  terms: [['data', 'owner']],
  unique: false,
};
const THINGS_BY_SHELF_AND_SLOT: IndexDefinition = {
  kind: 'index',
  name: 'things_by_shelf_and_slot',
  purpose: 'one thing per slot',
  source: collectionRef('things'),
  terms: [['data', 'shelf'], ['data', 'slot']],
  unique: true,
};
const TOKENS_BY_INSTANCE: IndexDefinition = {
  kind: 'index',
  name: 'tokens_by_instance',
  purpose: "a document's tokens",
  source: TOKENS,
  terms: [['instance']],
  unique: false,
};
const ANSWER: FunctionDefinition = { kind: 'function', name: 'answer', purpose: 'answers', body: q.Query(q.Lambda([], 42)) };
const THING_READER: RoleDefinition = {
  kind: 'role',
  name: 'thing_reader',
  purpose: 'reads things',
  membership: [{ resource: collectionRef('things') }],
  privileges: [{ resource: collectionRef('things'), actions: { read: true, write: q.Query(q.Lambda(['old', 'new'], true)) } }],
};

/** The wire JSON of an expression: what the driver sends. */
const wire = (expr: unknown): unknown => JSON.parse(JSON.stringify(expr));

const collectionRefValue = (name: string) => new values.Ref(name, values.Native.COLLECTIONS);
/** An index as the read query reports it when it is exactly as `def` says. */
function asDefined(def: IndexDefinition): ObservedIndex {
  return {
    source: def.source.kind === 'tokens' ? new values.Ref('tokens') : collectionRefValue(def.source.name),
    terms: def.terms.map((field) => ({ field: [...field] })),
    values: (def.values ?? []).map((field) => ({ field: [...field] })),
    unique: def.unique,
    active: true,
  };
}

/** A state holding only `def`, observed as given. */
function stateOf(def: SchemaDefinition, observed: unknown): SchemaState {
  const state = { collection: {}, index: {}, function: {}, role: {} } as Record<string, Record<string, unknown>>;
  state[def.kind][def.name] = observed;
  return state as unknown as SchemaState;
}

const planOne = (def: SchemaDefinition, observed: unknown): PlanEntry => planChanges([def], stateOf(def, observed))[0];

const conflict = (def: IndexDefinition, fields: string) => ({
  definition: def,
  action: 'conflict',
  reason: `exists with a different ${fields}, which Fauna cannot change in place: delete index ${def.name} (documents are kept) and run setup again`,
});

const UNEXPECTED = 'check that FAUNA_ENDPOINT is an FQL v4 endpoint';

describe("decodeState: the schema read's answer", () => {
  const schema = [THINGS, THINGS_BY_OWNER, ANSWER, THING_READER];
  const answer = (observed: Partial<Record<string, unknown>> = {}) => ({
    collection: { things: 'things' in observed ? observed.things : { history_days: 30 } },
    index: { things_by_owner: 'things_by_owner' in observed ? observed.things_by_owner : { ...asDefined(THINGS_BY_OWNER) } },
    function: { answer: 'answer' in observed ? observed.answer : { fingerprint: 'f1' } },
    role: { thing_reader: 'thing_reader' in observed ? observed.thing_reader : { fingerprint: 'r1' } },
  });

  it('keeps the fields the plan compares, and null for what is missing', () => {
    expect(decodeState(answer(), schema)).toStrictEqual({
      collection: { things: { historyDays: 30 } },
      index: { things_by_owner: asDefined(THINGS_BY_OWNER) },
      function: { answer: { fingerprint: 'f1' } },
      role: { thing_reader: { fingerprint: 'r1' } },
    });
    expect(decodeState(answer({ things: null, things_by_owner: null, answer: null, thing_reader: null }), schema)).toStrictEqual({
      collection: { things: null },
      index: { things_by_owner: null },
      function: { answer: null },
      role: { thing_reader: null },
    });
  });

  it('reads a history_days or fingerprint that is not of its type as none', () => {
    const state = decodeState(answer({ things: { history_days: '30' }, answer: { fingerprint: 7 }, thing_reader: {} }), schema);

    expect(state.collection.things).toStrictEqual({ historyDays: null });
    expect(state.function.answer).toStrictEqual({ fingerprint: null });
    expect(state.role.thing_reader).toStrictEqual({ fingerprint: null });
    expect(decodeState(answer({ things: {} }), schema).collection.things).toStrictEqual({ historyDays: null });
  });

  it('takes an index as active unless the answer says false', () => {
    const index = (active: unknown) =>
      decodeState(answer({ things_by_owner: { ...asDefined(THINGS_BY_OWNER), active } }), schema).index.things_by_owner?.active;

    expect(index(false)).toBe(false);
    expect(index(true)).toBe(true);
    expect(index(undefined)).toBe(true);
  });

  it('refuses an answer that is not a state object, naming the endpoint setting', () => {
    for (const notState of [null, 'collection', ['collection'], 42]) {
      expect(() => decodeState(notState, schema)).toThrow(`Fauna answered the schema read without a state object; ${UNEXPECTED}`);
    }
  });

  it('refuses an answer that lacks an object it asked about, or whose object is not a record', () => {
    expect(() => decodeState({ ...answer(), role: {} }, schema)).toThrow(
      `Fauna answered the schema read without role thing_reader; ${UNEXPECTED}`,
    );
    expect(() => decodeState({ ...answer(), role: 'thing_reader' }, schema)).toThrow('without role thing_reader;');
    expect(() => decodeState(answer({ things_by_owner: 'things_by_owner' }), schema)).toThrow(
      `Fauna answered the schema read without the fields of index things_by_owner; ${UNEXPECTED}`,
    );
    expect(() => decodeState(answer({ answer: ['f1'] }), schema)).toThrow('without the fields of function answer;');
  });
});

describe('planChanges', () => {
  it('creates what the state does not hold, giving the purpose as the reason', () => {
    const empty = { collection: {}, index: {}, function: {}, role: {} };

    expect(planChanges([THINGS, THINGS_BY_OWNER], empty)).toEqual([
      { definition: THINGS, action: 'create', reason: 'the things' },
      { definition: THINGS_BY_OWNER, action: 'create', reason: "a user's things" },
    ]);
    expect(planOne(ANSWER, null)).toEqual({ definition: ANSWER, action: 'create', reason: 'answers' });
  });

  it('leaves a collection alone when its history_days is as defined or left to the server', () => {
    expect(planOne(KEPT_A_WEEK, { historyDays: 7 })).toEqual({ definition: KEPT_A_WEEK, action: 'unchanged', reason: 'as defined' });
    expect(planOne(THINGS, { historyDays: 30 })).toEqual({ definition: THINGS, action: 'unchanged', reason: 'as defined' });
  });

  it("updates a collection's history_days, saying from what to what", () => {
    expect(planOne(KEPT_A_WEEK, { historyDays: 30 })).toEqual({ definition: KEPT_A_WEEK, action: 'update', reason: 'history_days 30 -> 7' });
    expect(planOne(KEPT_A_WEEK, { historyDays: null })).toEqual({
      definition: KEPT_A_WEEK,
      action: 'update',
      reason: 'history_days default -> 7',
    });
  });

  it('leaves a role or function with its own fingerprint alone, and updates one with another', () => {
    expect(planOne(THING_READER, { fingerprint: fingerprint(THING_READER) })).toEqual({
      definition: THING_READER,
      action: 'unchanged',
      reason: 'as defined',
    });
    expect(planOne(ANSWER, { fingerprint: fingerprint(ANSWER) })).toEqual({ definition: ANSWER, action: 'unchanged', reason: 'as defined' });
    expect(planOne(ANSWER, { fingerprint: fingerprint(THING_READER) })).toEqual({ definition: ANSWER, action: 'update', reason: 'definition changed' });
    expect(planOne(ANSWER, { fingerprint: null })).toEqual({
      definition: ANSWER,
      action: 'update',
      reason: 'exists but was not made by setup:fauna; replacing it',
    });
  });

  it('leaves an index alone when it is as defined, and says when it is still building', () => {
    for (const def of [THINGS_BY_OWNER, THINGS_BY_SHELF_AND_SLOT, TOKENS_BY_INSTANCE]) {
      expect(planOne(def, asDefined(def))).toEqual({ definition: def, action: 'unchanged', reason: 'as defined', building: false });
      expect(planOne(def, { ...asDefined(def), active: false })).toEqual({ definition: def, action: 'unchanged', reason: BUILDING, building: true });
    }
  });

  it('takes a single-field term given as a string for its one-element path', () => {
    const observed = { ...asDefined(TOKENS_BY_INSTANCE), terms: [{ field: 'instance' }] };

    expect(planOne(TOKENS_BY_INSTANCE, observed)).toMatchObject({ action: 'unchanged', building: false });
    expect(planOne(TOKENS_BY_INSTANCE, { ...observed, terms: [{ field: 'instances' }] })).toEqual(conflict(TOKENS_BY_INSTANCE, 'terms'));
  });

  it('refuses an index on Tokens() whose source is anything but Tokens()', () => {
    for (const source of [collectionRefValue('users'), new values.Ref('indexes'), collectionRefValue('tokens'), 'tokens', null]) {
      expect(planOne(TOKENS_BY_INSTANCE, { ...asDefined(TOKENS_BY_INSTANCE), source })).toEqual(conflict(TOKENS_BY_INSTANCE, 'source'));
    }
  });

  it('refuses an index on a collection whose source is another collection or not a collection', () => {
    const sources = [
      collectionRefValue('other_things'),
      new values.Ref('things', values.Native.INDEXES),
      new values.Ref('things'),
      new values.Ref('tokens'),
      'things',
    ];
    for (const source of sources) {
      expect(planOne(THINGS_BY_OWNER, { ...asDefined(THINGS_BY_OWNER), source })).toEqual(conflict(THINGS_BY_OWNER, 'source'));
    }
  });

  it('refuses an index whose terms differ in number, order, path or shape', () => {
    const [shelf, slot] = THINGS_BY_SHELF_AND_SLOT.terms.map((field) => ({ field: [...field] }));
    const otherTerms = [[], [shelf], [slot, shelf], [shelf, { field: ['data', 'row'] }], [shelf, slot, slot], [shelf, 'slot'], 'shelf', null];
    for (const terms of otherTerms) {
      expect(planOne(THINGS_BY_SHELF_AND_SLOT, { ...asDefined(THINGS_BY_SHELF_AND_SLOT), terms })).toEqual(
        conflict(THINGS_BY_SHELF_AND_SLOT, 'terms'),
      );
    }
    expect(planOne(THINGS_BY_OWNER, { ...asDefined(THINGS_BY_OWNER), terms: [] })).toEqual(conflict(THINGS_BY_OWNER, 'terms'));
    expect(planOne(THINGS_BY_OWNER, { ...asDefined(THINGS_BY_OWNER), terms: [['data', 'owner']] })).toEqual(conflict(THINGS_BY_OWNER, 'terms'));
  });

  it('refuses an index whose values differ (the order a read sees), and leaves one as defined alone', () => {
    const byExp: IndexDefinition = { ...THINGS_BY_OWNER, name: 'things_by_owner_exp', values: [['data', 'exp'], ['ref']] };
    expect(planOne(byExp, asDefined(byExp))).toMatchObject({ action: 'unchanged' });
    // A single-field value given as a string, like a term.
    expect(planOne(byExp, { ...asDefined(byExp), values: [{ field: ['data', 'exp'] }, { field: 'ref' }] })).toMatchObject({ action: 'unchanged' });
    for (const other of [[], [{ field: ['data', 'exp'] }], [{ field: ['ref'] }, { field: ['data', 'exp'] }]]) {
      expect(planOne(byExp, { ...asDefined(byExp), values: other })).toEqual(conflict(byExp, 'values'));
    }
    // An index defined without values is the document refs: values declared on the server conflict.
    expect(planOne(THINGS_BY_OWNER, { ...asDefined(THINGS_BY_OWNER), values: [{ field: ['ref'] }] })).toEqual(conflict(THINGS_BY_OWNER, 'values'));
  });

  it('refuses an index that is unique where the definition is not, and the other way round', () => {
    expect(planOne(THINGS_BY_OWNER, { ...asDefined(THINGS_BY_OWNER), unique: true })).toEqual(conflict(THINGS_BY_OWNER, 'unique'));
    for (const unique of [false, 'true', undefined]) {
      expect(planOne(THINGS_BY_SHELF_AND_SLOT, { ...asDefined(THINGS_BY_SHELF_AND_SLOT), unique })).toEqual(
        conflict(THINGS_BY_SHELF_AND_SLOT, 'unique'),
      );
    }
  });

  it('names every difference of a conflicting index in one reason', () => {
    const observed = { source: collectionRefValue('other_things'), terms: [], unique: true, active: true };

    expect(planOne(THINGS_BY_OWNER, observed)).toEqual(conflict(THINGS_BY_OWNER, 'source, terms, unique'));
  });
});

describe('buildApplyQuery: the one write', () => {
  const create = (def: SchemaDefinition): PlanEntry => ({ definition: def, action: 'create', reason: def.purpose });
  const update = (def: SchemaDefinition): PlanEntry => ({ definition: def, action: 'update', reason: 'definition changed' });
  const MANAGED = { object: { managed_by: 'auth0-fauna' } };
  const managedWith = (def: SchemaDefinition) => ({ object: { managed_by: 'auth0-fauna', fingerprint: fingerprint(def) } });

  it("creates each object with its definition's fields and setup's mark, and no fingerprint on collections or indexes", () => {
    const query = wire(buildApplyQuery([THINGS, KEPT_A_WEEK, THINGS_BY_OWNER, ANSWER, THING_READER].map(create), []));

    // history_days null leaves the server's default alone: the create does not send it.
    expect(findCalls(query, 'create_collection')).toEqual([
      { object: { name: 'things', data: MANAGED } },
      { object: { name: 'events', history_days: 7, data: MANAGED } },
    ]);
    expect(findCalls(query, 'create_index')).toEqual([
      {
        object: {
          name: 'things_by_owner',
          source: { var: 'collection_0' },
          terms: [{ object: { field: ['data', 'owner'] } }],
          unique: false,
          serialized: true,
          data: MANAGED,
        },
      },
    ]);
    expect(findCalls(query, 'create_function')).toEqual([
      { object: { name: 'answer', body: { query: { lambda: [], expr: 42 } }, role: null, data: managedWith(ANSWER) } },
    ]);
    expect(findCalls(query, 'create_role')).toEqual([
      {
        object: {
          name: 'thing_reader',
          membership: [{ object: { resource: { var: 'collection_0' } } }],
          privileges: [
            {
              object: {
                resource: { var: 'collection_0' },
                actions: { object: { read: true, write: { query: { lambda: ['old', 'new'], expr: true } } } },
              },
            },
          ],
          data: managedWith(THING_READER),
        },
      },
    ]);
    expect((query as { in: unknown }).in).toEqual({ object: { changes: 5, keys: [] } });
  });

  it("updates a function's body and clears a role added by hand", () => {
    const query = wire(buildApplyQuery([update(ANSWER)], []));

    expect(findCalls(query, 'params')).toEqual([
      { object: { body: { query: { lambda: [], expr: 42 } }, role: null, data: managedWith(ANSWER) } },
    ]);
  });

  it('gives a function its role: through the ref the role\'s create returned in the same write, else by name', () => {
    const runner: RoleDefinition = { ...THING_READER, name: 'answer_runner' };
    const roled: FunctionDefinition = { ...ANSWER, role: { kind: 'role', name: 'answer_runner' } };
    expect(findCalls(wire(buildApplyQuery([create(runner), create(roled)], [])), 'create_function')).toEqual([
      { object: { name: 'answer', body: { query: { lambda: [], expr: 42 } }, role: { var: 'role_0' }, data: managedWith(roled) } },
    ]);
    expect(findCalls(wire(buildApplyQuery([update(roled)], [])), 'params')).toEqual([
      { object: { body: { query: { lambda: [], expr: 42 } }, role: { role: 'answer_runner' }, data: managedWith(roled) } },
    ]);
    // The role is part of what the fingerprint covers.
    expect(fingerprint(roled)).not.toBe(fingerprint(ANSWER));
  });

  it('creates an index with its values when it declares them', () => {
    const byExp: IndexDefinition = { ...THINGS_BY_OWNER, name: 'things_by_owner_exp', values: [['data', 'exp'], ['ref']] };
    expect(findCalls(wire(buildApplyQuery([create(byExp)], [])), 'create_index')).toEqual([
      expect.objectContaining({ object: expect.objectContaining({ values: [{ object: { field: ['data', 'exp'] } }, { object: { field: ['ref'] } }] }) }),
    ]);
  });

  it('refuses to build a write with nothing in it', () => {
    const unchanged: PlanEntry = { definition: THINGS, action: 'unchanged', reason: 'as defined' };

    expect(() => buildApplyQuery([], [])).toThrow('buildApplyQuery called with nothing to write');
    expect(() => buildApplyQuery([unchanged, { ...unchanged, action: 'conflict' }], [])).toThrow('buildApplyQuery called with nothing to write');
  });
});

describe("isApplyResult: the write's answer", () => {
  const key = { role: 'auth0_fauna_login_action', id: '381', secret: 'fnKEY' };

  it('accepts a count and the created keys', () => {
    expect(isApplyResult({ changes: 0, keys: [] })).toBe(true);
    expect(isApplyResult({ changes: 3, keys: [key, { ...key, id: '382' }] })).toBe(true);
  });

  it('refuses anything else', () => {
    const others: unknown[] = [
      null,
      'done',
      [],
      { keys: [] },
      { changes: '3', keys: [] },
      { changes: 3 },
      { changes: 3, keys: {} },
      { changes: 3, keys: [null] },
      { changes: 3, keys: ['fnKEY'] },
      { changes: 3, keys: [{ ...key, role: ['auth0_fauna_login_action'] }] },
      { changes: 3, keys: [{ ...key, id: 381 }] },
      { changes: 3, keys: [{ ...key, secret: undefined }] },
      { changes: 3, keys: [key, { ...key, secret: null }] },
    ];
    for (const value of others) expect(isApplyResult(value)).toBe(false);
  });
});

describe("buildingIndexes: the index-activity poll's answer", () => {
  const schema = [THINGS, THINGS_BY_OWNER, ANSWER, TOKENS_BY_INSTANCE];

  it('names the indexes whose active flag is false, in schema order', () => {
    expect(buildingIndexes({ things_by_owner: true, tokens_by_instance: true }, schema)).toEqual([]);
    expect(buildingIndexes({ tokens_by_instance: false, things_by_owner: false, answer: 'ignored' }, schema)).toEqual([
      'things_by_owner',
      'tokens_by_instance',
    ]);
  });

  it('refuses an answer without every index, or with a flag that is not a boolean', () => {
    expect(() => buildingIndexes(null, schema)).toThrow(`Fauna answered the schema read without the indexes; ${UNEXPECTED}`);
    expect(() => buildingIndexes(['things_by_owner'], schema)).toThrow('without the indexes;');
    expect(() => buildingIndexes({ things_by_owner: true }, schema)).toThrow(
      `Fauna answered the schema read without index tokens_by_instance's active flag; ${UNEXPECTED}`,
    );
    expect(() => buildingIndexes({ things_by_owner: 'false', tokens_by_instance: true }, schema)).toThrow(
      "without index things_by_owner's active flag;",
    );
  });
});

describe('fingerprints', () => {
  it('are 32 hex digits, the same for the same definition and release after release', () => {
    // Pinned: databases keep the digests earlier runs stored; were they computed another way,
    // the next run would rewrite every role and function though no definition changed.
    expect(fingerprint(ANSWER)).toBe('947e213d4baec0a59515a85dd402c4d9');
    expect(fingerprint({ ...ANSWER, name: 'another_name', purpose: 'names and purposes are not part of it' })).toBe(fingerprint(ANSWER));
    expect(fingerprint(THING_READER)).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint({ ...ANSWER, body: q.Query(q.Lambda([], 43)) })).not.toBe(fingerprint(ANSWER));
  });
});

describe('the schema read against the in-process Fauna', () => {
  const ALL_THINGS: IndexDefinition = { ...THINGS_BY_OWNER, name: 'all_things', terms: [] };

  it('reads an index made without terms or a unique flag as having none', async () => {
    const fauna = inProcessSetup();
    await fauna.byHand(q.CreateCollection({ name: 'things' }));
    await fauna.byHand(q.CreateIndex({ name: 'all_things', source: q.Collection('things') }));
    await fauna.byHand(q.CreateIndex({ name: 'things_by_owner', source: q.Collection('things'), terms: [{ field: ['data', 'owner'] }] }));
    const schema = [THINGS, ALL_THINGS, THINGS_BY_OWNER];

    const plan = planChanges(schema, decodeState(await fauna.admin.query(buildReadStateQuery(schema)), schema));

    expect(plan.map((entry) => [entry.definition.name, entry.action, entry.reason])).toEqual([
      ['things', 'unchanged', 'as defined'],
      ['all_things', 'unchanged', 'as defined'],
      ['things_by_owner', 'unchanged', 'as defined'],
    ]);
  });
});
