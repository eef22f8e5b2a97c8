/**
 * Conformance, pagination and set order: what the core answers for Paginate, its cursors and
 * options, Count of a page, the order of index entries and which documents an index holds, case by
 * case with where it decides it (see ./support.ts). The core's own expectations:
 * ext/api/src/test/scala/queries/ReadFunctionsSpec.scala (PaginationTest, "paginate with cursor
 * object"), and the driver's test/page.test.js and test/query.test.js.
 */
import { PageHelper, query as q, type values } from 'faunadb';
import { SERVER, fakeUnderTest, type FakeUnderTest } from '../support';
import { check, collection, ref, type ConformanceCase, type Json } from './support';

const PAGINATE = 'model/ast/functions/PaginateFunction.scala';
const READ = 'model/ast/functions/ReadAdaptor.scala paginate/PaginateImpl';
const CURSORS = 'model/ast/Parser.scala CursorParser';
const ORDER = 'ext/codex/src/main/scala/cbor/CBOROrdering.scala (index terms: ext/storage/src/main/scala/ir/IRValue.scala)';
const INDEXER = 'ext/repo/src/main/scala/doc/Indexer.scala tuples (fields: model/doc/Index.scala legacyDataExtractor)';

let under: FakeUnderTest;
/** Widget refs by n, n = 1..5. */
let widget: Json[];
const widgets = collection('widgets');
const byN = () => q.Match(q.Index('widgets_by_n'));
const all = () => q.Documents(q.Collection('widgets'));

beforeEach(async () => {
  under = fakeUnderTest();
  await under.query(SERVER, q.CreateCollection({ name: 'widgets' }));
  await under.query(SERVER, q.CreateIndex({ name: 'widgets_by_n', source: q.Collection('widgets'), values: [{ field: ['data', 'n'] }] }));
  await under.query(SERVER, q.CreateIndex({ name: 'widgets_by_tag', source: q.Collection('widgets'), terms: [{ field: ['data', 'tags'] }] }));
  await under.query(SERVER, q.CreateIndex({ name: 'widgets_by_kind', source: q.Collection('widgets'), terms: [{ field: ['data', 'kind'] }], unique: true }));
  widget = [];
  for (let n = 1; n <= 5; n += 1) {
    const created = await under.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('widgets'), { data: { n, tags: n % 2 === 0 ? ['even', 'all'] : ['all'] } })));
    widget.push(ref(widgets, created.id));
  }
});

const w = (n: number) => widget[n - 1];
/** The cursor of widgets_by_n's entry for n: its values, then the document's ref (IndexTuple cursor). */
const cursor = (n: number): Json => [n, w(n)];

const paging: ConformanceCase[] = [
  { name: 'the first page and the cursor of what follows', core: `${READ} (after = the element at index size)`, query: () => q.Paginate(all(), { size: 2 }), expect: { resource: () => ({ after: [w(3)], data: [w(1), w(2)] }) } },
  { name: 'forward from a cursor: inclusive, and the cursor given is the page’s `before`', core: `${READ} ((before, after) = (origCursor, next))`, query: () => q.Paginate(byN(), { size: 2, after: [2, q.Ref(q.Collection('widgets'), '1')] }), expect: { resource: () => ({ before: [2, ref(widgets, '1')], after: cursor(4), data: [2, 3] }) } },
  { name: 'before: null is the last page', core: `${CURSORS} (null = [null], sorting after every entry); ReadFunctionsSpec Before(JSNull); page.test.js`, query: () => q.Paginate(byN(), { size: 2, before: null }), expect: { resource: () => ({ before: cursor(4), after: [null], data: [4, 5] }) } },
  { name: 'after: null is an empty page', core: `${CURSORS}; ReadFunctionsSpec After(JSNull)`, query: () => q.Paginate(all(), { size: 2, after: null }), expect: { resource: { before: [null], data: [] } } },
  { name: 'before: 0 is empty, numbers sort before refs', core: `${ORDER}; ReadFunctionsSpec Before(0)`, query: () => q.Paginate(all(), { size: 2, before: 0 }), expect: { resource: { after: [0], data: [] } } },
  { name: 'after: 0 is the first page', core: `${ORDER}; ReadFunctionsSpec After(0)`, query: () => q.Paginate(all(), { size: 2, after: 0 }), expect: { resource: () => ({ before: [0], after: [w(3)], data: [w(1), w(2)] }) } },
  { name: 'a prefix cursor backward: strictly before it', core: `${PAGINATE} PaginateBefore (lowerBoundCursor); page.test.js "honors passed in cursor in the reverse direction"`, query: () => q.Paginate(byN(), { before: 3 }), expect: { resource: () => ({ after: [3], data: [1, 2] }) } },
  { name: 'a prefix cursor forward: from it on', core: `${PAGINATE} PaginateAfter (lowerBoundCursor)`, query: () => q.Paginate(byN(), { after: 4 }), expect: { resource: () => ({ before: [4], data: [4, 5] }) } },
  { name: 'cursor: null is the first page', core: `${CURSORS} parseCursorObj (NullL)`, query: () => q.Paginate(byN(), { size: 1, cursor: null }), expect: { resource: () => ({ after: cursor(2), data: [1] }) } },
  {
    name: 'a cursor object needs exactly `before` or `after`',
    core: `${CURSORS} parseCursorObj (InvalidCursorObject); ReadFunctionsSpec "fail on invalid cursor object"`,
    query: () => q.Paginate(byN(), { cursor: { before: 1, more: 2 } }),
    expect: { error: { status: 400, code: 'invalid argument', description: "Invalid cursor object. Expected an object with either 'before' or 'after' key in it.", position: ['cursor'] } },
  },
  { name: 'size 0: no data, the cursor given both ways', core: `${READ} (size == 0: next = origCursor)`, query: () => q.Paginate(byN(), { size: 0, after: 3 }), expect: { resource: { before: [3], after: [3], data: [] } } },
  { name: 'a negative size: no data, no cursor onward', core: `${READ} (page take size, page.lift(size))`, query: () => q.Paginate(byN(), { size: -1 }), expect: { resource: { data: [] } } },
  { name: 'size must be an integer, null included', core: 'model/ast/Parser.scala "size" -> Option(Casts.Integer)', query: () => q.Paginate(byN(), { size: null }), expect: { error: { status: 400, code: 'invalid argument', description: 'Integer expected, Null provided.', position: ['size'] } } },
  { name: 'Count of a page is a page of the count, its cursors kept', core: 'model/ast/functions/AbstractFoldFunction.scala fold (PageL)', query: () => q.Count(q.Paginate(all(), { size: 2 })), expect: { resource: () => ({ after: [w(3)], data: [2] }) } },
  { name: 'Count of a number', core: 'model/ast/Casts.scala Iterable', query: () => q.Count(5), expect: { error: { status: 400, code: 'invalid argument', description: 'Array, Set, or Page expected, Integer provided.', position: ['count'] } } },
  { name: 'events: false is the default', core: `${PAGINATE} toEventSet`, query: () => q.Paginate(byN(), { size: 1, events: false }), expect: { resource: () => ({ after: cursor(2), data: [1] }) } },
];

const refused: ConformanceCase[] = [
  { name: 'ts (a read in the past)', core: `${READ} (ec.atValidTime(ts))`, query: () => q.Paginate(byN(), { ts: q.Now() }), expect: { refused: /Paginate's `ts`/ } },
  { name: 'events: true (history)', core: `${PAGINATE} toEventSet (HistoricalSet)`, query: () => q.Paginate(byN(), { events: true }), expect: { refused: /`events: true`/ } },
  { name: 'sources: true', core: `${READ} (ElemL with sources)`, query: () => q.Paginate(byN(), { sources: true }), expect: { refused: /`sources: true`/ } },
  { name: 'a document ref (its history)', core: `${PAGINATE} toEventSet (DocSet)`, query: () => q.Paginate(q.Ref(q.Collection('widgets'), '1')), expect: { refused: /document ref/ } },
  { name: 'Get at a time', core: 'model/ast/Parser.scala "get" -> "ts"', query: () => q.Get(q.Ref(q.Collection('widgets'), '1'), q.Now()), expect: { refused: /Get's `ts`/ } },
  { name: 'an index value in reverse', core: 'model/doc/Index.scala TermConfig (reverse)', query: () => q.CreateIndex({ name: 'rev', source: q.Collection('widgets'), values: [{ field: ['data', 'n'], reverse: true }] }), expect: { refused: /index values other than \{field, mva\} \(reverse\)/ } },
];

const order: ConformanceCase[] = [
  { name: 'LT orders by the same rules', core: 'model/ast/functions/ComparisonFunctions.scala (CBOR of the index terms)', query: () => [{ lt: [1, 'a', q.Collection('widgets'), false, true, null] }, { lt: [null, 1] }], expect: { resource: [true, false] } },
  { name: 'strings collate as ICU does: a < A < b < B', core: `${ORDER} compareStrings (Collator)`, query: () => [q.LT('a', 'A', 'b', 'B'), q.LT('B', 'a')], expect: { resource: [true, false] } },
  { name: 'an array field gives an entry per element', core: `${INDEXER} (mva: arrays flattened); Index.scala MVAField default true`, query: () => [q.Select('data', q.Paginate(q.Match(q.Index('widgets_by_tag'), 'even'))), q.Select('data', q.Paginate(q.Match(q.Index('widgets_by_tag'), 'all')))], expect: { resource: () => [[w(2), w(4)], widget] } },
  { name: 'a document without the term field is not in the index', core: `${INDEXER} (isNull: an all-null term combination is left out)`, query: () => ({ paginate: { match: q.Index('widgets_by_kind'), terms: null } }), expect: { resource: { data: [] } } },
];

describe('conformance: pagination', () => {
  // numbers < strings (ICU: a < b < B) < refs < false < true < null: CBOROrdering; the null-valued
  // document is not in a values index at all: Indexer.tuples.
  it.each([...paging, ...refused, ...order].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await check(under, SERVER, c);
  });

  it('leads from page to page with the cursors it returns, and back (ReadFunctionsSpec "paginate with cursor object")', async () => {
    // Through the driver, which decodes the cursors into values it can send back.
    type DriverPage = { before?: unknown[]; after?: unknown[]; data: number[] };
    const p1 = await under.query<DriverPage>(SERVER, q.Paginate(byN(), { size: 2 }));
    const p2 = await under.query<DriverPage>(SERVER, q.Paginate(byN(), { size: 2, cursor: { after: p1.after } }));
    const p3 = await under.query<DriverPage>(SERVER, q.Paginate(byN(), { size: 2, cursor: { before: p2.before } }));
    expect([p1.data, p2.data, p3.data]).toEqual([[1, 2], [3, 4], [1, 2]]);
    expect(p2.before).toEqual(p1.after);
    expect(p3.after).toEqual(p2.before);
  });

  it('orders mixed values as the core’s index terms (numbers, strings by collation, booleans), leaving out the null one', async () => {
    await under.query(SERVER, q.CreateCollection({ name: 'mixed' }));
    await under.query(SERVER, q.CreateIndex({ name: 'mixed_by_v', source: q.Collection('mixed'), values: [{ field: ['data', 'v'] }] }));
    await under.query(SERVER, q.Foreach(['b', 10, true, 'a', false, null, 2.5, 'B'], q.Lambda('v', q.Create(q.Collection('mixed'), { data: { v: q.Var('v') } }))));
    expect((await under.answer(SERVER, q.Select('data', q.Paginate(q.Match(q.Index('mixed_by_v')))))).body.resource).toEqual([2.5, 10, 'a', 'b', 'B', false, true]);
  });

  it('lets two documents without the unique field exist (they are not in the unique index)', async () => {
    await under.query(SERVER, q.Do(q.Create(q.Collection('widgets'), { data: {} }), q.Create(q.Collection('widgets'), { data: {} })));
    expect((await under.failure(SERVER, q.Do(q.Create(q.Collection('widgets'), { data: { kind: 'k' } }), q.Create(q.Collection('widgets'), { data: { kind: 'k' } })))).code).toBe(
      'instance not unique',
    );
  });

  it('walks the set backward from the end with the driver’s PageHelper (page.test.js "iteratively paginates pages in the reverse direction")', async () => {
    const helper = new PageHelper(under.client(SERVER), byN(), { before: null, size: 2 });
    const pages: unknown[] = [];
    await helper.eachReverse((p: object) => {
      pages.push(p);
    });
    expect(pages).toEqual([[4, 5], [2, 3], [1]]);
  });
});
