import { query as q, values, type Expr } from 'faunadb';
import { ADMIN, SERVER, fakeUnderTest, type FakeUnderTest } from './support';

// ToArray, ContainsValue, All, Any and Length, the functions the shape rules of fauna/field-rules.ts
// use, answered as the core answers them (fauna/faunadb ext/model/src/main/scala/ast/functions/).

let t: FakeUnderTest;
let note: values.Ref;

beforeEach(async () => {
  t = fakeUnderTest();
  await t.query(ADMIN, q.CreateCollection({ name: 'notes' }));
  note = await t.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('notes'), { data: { text: 'a' } })));
});

const plain = (v: unknown): unknown =>
  v instanceof values.Ref ? `ref:${v.collection?.id ?? ''}/${v.id}` : Array.isArray(v) ? v.map(plain) : v;

describe('value functions', () => {
  const cases: [string, () => Expr, unknown][] = [
    // ConversionFunctions.scala ToArrayFunction: `[key, value]` pairs, in the object's order.
    ['ToArray of an object', () => q.ToArray({ b: 1, a: 'x' }), [['b', 1], ['a', 'x']]],
    ['ToArray of an empty object', () => q.ToArray({}), []],
    ['ToArray of an array is the array', () => q.ToArray([1, 2]), [1, 2]],
    ['ToArray of a document: ref, ts, then its fields', () => q.Map(q.ToArray(q.Get(note)), q.Lambda(['k', 'v'], q.Var('k'))), ['ref', 'ts', 'data']],
    // BasicFunctions.scala ContainsValueFunction.
    ['ContainsValue in an array', () => [q.ContainsValue('a', ['a', 'b']), q.ContainsValue('c', ['a', 'b'])] as unknown as Expr, [true, false]],
    ['ContainsValue in an object: its top-level values only', () => [q.ContainsValue(1, { a: 1 }), q.ContainsValue(1, { a: { b: 1 } })] as unknown as Expr, [true, false]],
    ['ContainsValue in a ref: its id and its collection', () => [q.ContainsValue(note.id, note), q.ContainsValue(q.Collection('notes'), note), q.ContainsValue('x', note)] as unknown as Expr, [true, true, false]],
    ['ContainsValue compares refs as values', () => q.ContainsValue(q.Collection('notes'), [q.Collection('notes')]), true],
    // ReduceFunctions.scala AbstractBooleanFunction: seeds true (All) and false (Any).
    ['All and Any of booleans', () => [q.All([true, true]), q.All([true, false]), q.Any([false, true]), q.Any([false])] as unknown as Expr, [true, false, true, false]],
    ['All of an empty array is true, Any false', () => [q.All([]), q.Any([])] as unknown as Expr, [true, false]],
    ['All of a page is a page holding the result', () => q.Select(['data'], q.All(q.Map(q.Paginate(q.Documents(q.Collection('notes'))), q.Lambda('r', q.IsRef(q.Var('r')))))), [true]],
    // StringFunctions.scala LengthStringFunction: `value.codePoints.count`.
    ['Length counts code points, not UTF-16 units', () => [q.Length('abc'), q.Length('🙂🙂'), q.Length('é'), q.Length('')] as unknown as Expr, [3, 2, 1, 0]],
  ];

  it.each(cases)('%s', async (_name, expr, expected) => {
    expect(plain(await t.query(SERVER, expr()))).toEqual(expected);
  });

  it('All of a set reads its elements, here refs: an error, they are not booleans', async () => {
    expect(await t.failure(SERVER, q.All(q.Documents(q.Collection('notes'))))).toMatchObject({
      status: 400,
      code: 'invalid argument',
      description: 'Boolean expected, Ref provided.',
    });
  });
});

describe('what the core refuses', () => {
  it.each([
    ['ToArray of a string', () => q.ToArray('s'), 'invalid argument', 'Cannot cast String to Array.'],
    ['ContainsValue in a string', () => q.ContainsValue('s', 'so'), 'invalid argument', 'Object, Array, Page, Set, or Ref expected, String provided.'],
    ['All with a non-boolean element', () => q.All([true, 1]), 'invalid argument', 'Boolean expected, Integer provided.'],
    ['Any of a number', () => q.Any(1), 'invalid argument', 'Array, Set, or Page expected, Integer provided.'],
    ['Length of a number', () => q.Length(5), 'invalid argument', 'String expected, Integer provided.'],
  ] as const)('%s', async (_name, expr, code, description) => {
    expect(await t.failure(SERVER, expr())).toMatchObject({ status: 400, code, description });
  });

  it('names what it does not model: ContainsValue in a document or a set', async () => {
    expect(await t.failure(SERVER, q.ContainsValue('a', q.Get(note)))).toMatchObject({
      status: 400,
      code: 'invalid expression',
      description: 'The in-process Fauna does not support ContainsValue in a document.',
    });
    expect((await t.failure(SERVER, q.ContainsValue('a', q.Documents(q.Collection('notes'))))).description).toMatch(/in a set/);
  });

  it('still answers an FQL v4 function it lacks with 400 invalid expression naming it and saying so', async () => {
    expect(await t.failure(SERVER, q.Mean([1, 2]))).toMatchObject({
      status: 400,
      code: 'invalid expression',
      description: expect.stringMatching(/^No form\/function found, or invalid argument keys: \{ mean \}\. The in-process Fauna does not support this form of FQL v4 `mean`/),
    });
  });
});
