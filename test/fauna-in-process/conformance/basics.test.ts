/**
 * Conformance, the rest of what the driver's test suite (fauna/faunadb-js test/query.test.js)
 * exercises and the in-process Fauna implements: control flow, type checks, objects and paths,
 * numbers and unknown forms, case by case with where the core decides it (see ./support.ts).
 */
import { query as q, type values } from 'faunadb';
import { SERVER, fakeUnderTest, type FakeUnderTest } from '../support';
import { check, collection, native, ref, type ConformanceCase } from './support';

const PARSER = 'model/ast/Parser.scala';
const TYPES = 'model/ast/functions/TypeCheckFunctions.scala';
const SELECT = 'model/ast/functions/ReadAdaptor.scala valueAtPath';

let under: FakeUnderTest;
let doc: values.Ref;

beforeEach(async () => {
  under = fakeUnderTest();
  await under.query(SERVER, q.CreateCollection({ name: 'widgets' }));
  doc = await under.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('widgets'), { data: { a: { b: 1 }, tags: [{ n: 1 }, { n: [2, 3] }] } })));
});

const docJson = () => ref(collection('widgets'), doc.id);

const cases: ConformanceCase[] = [
  { name: 'And, Or and Do of nothing', core: `${PARSER} "and", "or", "do" (EmptyExpr)`, query: () => ({ and: [] }), expect: { error: { status: 400, code: 'invalid expression', description: 'Expression list cannot be empty.', position: ['and'] } } },
  { name: 'Do of a non-array', core: `${PARSER} "do" (InvalidExprType)`, query: () => ({ do: 1 }), expect: { error: { status: 400, code: 'invalid expression', description: 'Array expected, Integer provided.', position: ['do'] } } },
  { name: 'And stops at the first false', core: 'model/ast/EvalContext.scala AndE', query: () => q.And(false, q.Abort('not reached')), expect: { resource: false } },
  { name: 'Equals and LT of nothing', core: `${PARSER} "equals", "lt" -> OneOrMore`, query: () => ({ equals: [] }), expect: { error: { status: 400, code: 'invalid argument', description: 'Non-empty array expected.', position: ['equals'] } } },
  { name: 'Abort takes a string', core: `${PARSER} "abort" -> Casts.String`, query: () => q.Abort(1 as unknown as string), expect: { error: { status: 400, code: 'invalid argument', description: 'String expected, Integer provided.', position: ['abort'] } } },
  { name: 'IsDoc of any ref, IsSet of a native collection', core: `${TYPES} IsDocFunction (RefL), IsSetFunction (Casts.Identifier); query.test.js 'type check'`, query: () => [q.IsDoc(q.Ref(q.Collection('widgets'), '1')), q.IsDoc(q.Collection('widgets')), q.IsSet(q.Collections()), q.IsRef(q.Collections()), q.IsSet(q.Collection('widgets'))], expect: { resource: [true, true, true, true, false] } },
  { name: 'IsDate, IsTimestamp, IsObject of a page', core: `${TYPES}; query.test.js 'type check'`, query: () => [q.IsDate(q.ToDate(q.Now())), q.IsTimestamp(q.ToDate(q.Now())), q.IsObject(q.Paginate(q.Collections()))], expect: { resource: [true, false, true] } },
  { name: 'a collection ref’s type in errors', core: 'model/ast/Type.scala getType (CollectionRef)', query: () => q.Add(q.Collection('widgets') as unknown as number, 1), expect: { error: { status: 400, code: 'invalid argument', description: 'Number expected, Collection Ref provided.' } } },
  { name: 'Merge with a lambda (a null result drops the key), and of a document', core: `model/ast/functions/ObjectFunctions.scala MergeFunction; query.test.js 'merge'`, query: () => [q.Merge({ x: 'A' }, { x: 'x', y: 'y' }, q.Lambda(['key', 'left', 'right'], q.Var('left'))), q.Select('data', q.Merge(q.Get(doc), { data: null }), 'gone')], expect: { resource: [{ x: 'A' }, 'gone'] } },
  { name: 'Select all through arrays', core: `${SELECT} (all: flattenArray)`, query: () => ({ select: ['data', 'tags', 'n'], from: q.Get(doc), all: true }), expect: { resource: [1, 2, 3] } },
  { name: 'Select a document’s class and ts, a page’s element', core: SELECT, query: () => [q.Select('class', q.Get(doc)), q.IsInteger(q.Select('ts', q.Get(doc))), q.Select(0, q.Paginate(q.Documents(q.Collection('widgets'))))], expect: { resource: () => [collection('widgets'), true, docJson()] } },
  { name: 'a path step that is no string or integer', core: 'model/ast/Casts.scala Path', query: () => q.Select(['a', 1.5], {}), expect: { error: { status: 400, code: 'invalid argument', description: 'String or Integer expected, Double provided.', position: ['select', 1] } } },
  { name: 'Get of a native collection is its first document', core: 'model/ast/Casts.scala Identifier (SchemaSet); ReadAdaptor get of a set', query: () => q.Select('ref', q.Get(q.Collections())), expect: { resource: collection('widgets') } },
  { name: 'Create with null params', core: `${PARSER} "params" -> Option(Casts.Object)`, query: () => ({ create: q.Collection('widgets'), params: null }), expect: { error: { status: 400, code: 'invalid argument', description: 'Object expected, Null provided.', position: ['params'] } } },
  { name: 'a null scope', core: `${PARSER} "scope" -> Option(Casts.DatabaseRef)`, query: () => ({ collection: 'widgets', scope: null }), expect: { error: { status: 400, code: 'invalid argument', description: 'Database Ref expected, Null provided.', position: ['scope'] } } },
  { name: 'Add of nothing', core: `${PARSER} "add" -> OneOrMore(Casts.Number)`, query: () => ({ add: [] }), expect: { error: { status: 400, code: 'invalid argument', description: 'Non-empty array expected.', position: ['add'] } } },
  { name: 'an @query literal without a version renders with 2.12', core: 'ext/atoms/src/main/scala/APIVersion.scala LambdaDefaultVersion; query.test.js "legacy queries/lambdas have default api_version"', query: () => ({ '@query': { lambda: 'X', expr: { var: 'X' } } }), expect: { resource: { '@query': { api_version: '2.12', lambda: 'X', expr: { var: 'X' } } } } },
  { name: 'Tokens() is a native collection ref', core: 'model/ast/Parser.scala "tokens"', query: () => q.Tokens(), expect: { resource: native('tokens') } },
  { name: 'an FQL v4 function it lacks', core: `${PARSER} "reduce" (implemented by the core)`, query: () => q.Reduce(q.Lambda(['a', 'b'], q.Add(q.Var('a'), q.Var('b'))), 0, [1, 2]), expect: { refused: /`reduce`/ } },
  { name: 'an option of a function it implements but not that option', core: `${PARSER} "paginate" -> "ts"`, query: () => q.Paginate(q.Collections(), { ts: 1 }), expect: { refused: /Paginate's `ts`/ } },
  { name: 'keys that are no FQL at all', core: `${PARSER} (InvalidFormExpr)`, query: () => ({ frobnicate: 1 }), expect: { error: { status: 400, code: 'invalid expression', description: 'No form/function found, or invalid argument keys: { frobnicate }.' } } },
];

describe('conformance: what else the driver’s suite exercises', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await check(under, SERVER, c);
  });
});
