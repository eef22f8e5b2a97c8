import { query as q, values, type Expr } from 'faunadb';
import { ADMIN, SERVER, START, fakeUnderTest, type FakeUnderTest } from './support';

// The forms role predicates and the project's functions use, each evaluated by the fake.

let t: FakeUnderTest;
let note: values.Ref;

beforeEach(async () => {
  t = fakeUnderTest();
  await t.query(ADMIN, q.CreateCollection({ name: 'notes' }));
  await t.query(ADMIN, q.CreateIndex({ name: 'notes_by_tag', source: q.Collection('notes'), terms: [{ field: ['data', 'tag'] }] }));
  note = await t.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('notes'), { data: { tag: 'a', n: 1 } })));
  await t.query(ADMIN, q.CreateFunction({ name: 'double', body: q.Query(q.Lambda('x', q.Add(q.Var('x'), q.Var('x')))) }));
});

describe('predicate forms', () => {
  const cases: [string, () => Expr | Expr[], () => unknown][] = [
    ['Equals of refs and collection refs', () => q.Equals(q.Select(['collection'], note), q.Collection('notes')), () => true],
    ['Select with a default', () => q.Select(['data', 'missing'], q.Get(note), 'fallback'), () => 'fallback'],
    ['Select of a ref’s id', () => q.Select('id', note), () => note.id],
    ['Exists', () => q.And(q.Exists(note), q.Not(q.Exists(q.Ref(q.Collection('notes'), '1')))), () => true],
    ['HasCurrentIdentity with a key', () => q.HasCurrentIdentity(), () => false],
    ['Now, TimeAdd, TimeSubtract, ToSeconds', () => q.ToSeconds(q.TimeSubtract(q.TimeAdd(q.Now(), 2, 'hours'), 30, 'minutes')), () => START / 1000 + 5400],
    ['GT, GTE, LT, LTE over times', () => [q.GT(q.TimeAdd(q.Now(), 1, 'second'), q.Now()), q.GTE(q.Now(), q.Now()), q.LT(1, 2, 3), q.LTE(3, 2)], () => [true, true, true, false]],
    ['Or, If, IsNull', () => q.If(q.Or(false, q.IsNull(null)), 'yes', 'no'), () => 'yes'],
    ['IsTimestamp and the other type tests', () => [q.IsTimestamp(q.Now()), q.IsTimestamp('x'), q.IsRef(note), q.IsString('s'), q.IsNumber(1), q.IsArray([]), q.IsObject({}), q.IsCollection(q.Collection('notes')), q.IsIndex(q.Index('notes_by_tag')), q.IsBoolean(null)], () => [true, false, true, true, true, true, true, true, true, false]],
    ['ContainsPath and ContainsField', () => [q.ContainsPath(['data', 'tag'], q.Get(note)), q.ContainsField('ttl', q.Get(note))], () => [true, false]],
    ['Let and Var, Lambda through Map', () => q.Let({ x: 2 }, q.Map([1, 2], q.Lambda('y', q.Add(q.Var('x'), q.Var('y'))))), () => [3, 4]],
    ['Call of a Function with Query(Lambda) body', () => q.Call(q.Function('double'), 21), () => 42],
    ['Match, Paginate, Count, IsEmpty, IsNonEmpty', () => [q.Count(q.Match(q.Index('notes_by_tag'), 'a')), q.IsEmpty(q.Match(q.Index('notes_by_tag'), 'b')), q.IsNonEmpty(q.Match(q.Index('notes_by_tag'), 'a')), q.Select(['data', 0], q.Paginate(q.Match(q.Index('notes_by_tag'), 'a')))], () => [1, true, true, note]],
    ['Tokens() is the tokens collection', () => q.Equals(q.Tokens(), q.Select(['collection'], q.Ref(q.Tokens(), '1'))), () => true],
    ['Do returns its last value; Foreach returns its input', () => q.Do(1, q.Foreach([1, 2], q.Lambda('i', q.Var('i')))), () => [1, 2]],
    ['Sum of an array; of none, 0; of a page, a page', () => [q.Sum([1, 2, 3]), q.Sum([]), q.Sum(q.Paginate(q.Match(q.Index('notes_by_tag'), 'b')))], () => [6, 0, { data: [0] }]],
    ['Take of an array: the first n; a negative count takes nothing', () => [q.Take(2, [1, 2, 3]), q.Take(5, [1]), q.Take(-1, [1, 2])], () => [[1, 2], [1], []]],
  ];

  /** Refs compared by id: the driver decodes them into objects with the same shape. */
  const plain = (v: unknown): unknown =>
    v instanceof values.Ref ? `ref:${v.id}` : Array.isArray(v) ? v.map(plain) : v;

  it.each(cases)('%s', async (_name, expr, expected) => {
    expect(plain(await t.query(SERVER, q.Do(expr())))).toEqual(plain(expected()));
  });

  it.each([
    ['Take with a fractional count', () => q.Take(1.5, [1]), 'invalid argument', 'Integer expected, Double provided.', ['take']],
    ['Sum of a string', () => q.Sum([1, 'x']), 'invalid argument', 'Number expected, String provided.', ['sum']],
  ] as const)('%s: 400 %s, as the core casts', async (_name, expr, code, description, position) => {
    expect(await t.failure(SERVER, expr())).toEqual({ status: 400, code, description, position });
  });

  it('refuses what it does not model rather than answer wrongly: Take of a page', async () => {
    expect(await t.failure(SERVER, q.Take(1, q.Paginate(q.Match(q.Index('notes_by_tag'), 'a'))))).toMatchObject({ status: 400, code: 'invalid expression', position: ['collection'] });
  });

  it('Abort fails the transaction with 400 transaction aborted and its message; nothing is written', async () => {
    const err = await t.failure(SERVER, q.Do(q.Create(q.Collection('notes'), { data: {} }), q.Abort('stop here')));
    expect(err).toMatchObject({ status: 400, code: 'transaction aborted', description: 'stop here', position: ['do', 1] });
    expect(t.fake.documents('notes')).toHaveLength(1);
  });

  it('Delete of a document and a Logout with a key in one Do', async () => {
    expect(await t.query(SERVER, q.Do(q.Delete(note), q.Logout(false)))).toBe(false);
    expect(t.fake.documents('notes')).toHaveLength(0);
  });

  it('wraps an error inside a function in 400 call error with the cause', async () => {
    await t.query(ADMIN, q.CreateFunction({ name: 'fails', body: q.Query(q.Lambda([], q.Abort('inner'))) }));
    expect(await t.failure(SERVER, q.Call(q.Function('fails')))).toEqual({
      status: 400,
      code: 'call error',
      description: 'Calling the function resulted in an error.',
      position: [],
      cause: [{ position: ['expr'], code: 'transaction aborted', description: 'inner' }],
    });
  });
});
