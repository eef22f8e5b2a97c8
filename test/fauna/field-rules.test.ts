import { query as q, type Expr } from 'faunadb';
import { fieldFits, fieldSpecProblems, hasOnlyFields, isStringUpTo, totalLength, type FieldSpec } from '../../fauna/field-rules';
import { SERVER, fakeUnderTest, type FakeUnderTest } from '../fauna-in-process/support';

// The shape rules, evaluated by the in-process Fauna as the core evaluates them.

let t: FakeUnderTest;
beforeEach(() => {
  t = fakeUnderTest();
});

const run = (expr: Expr) => t.query(SERVER, expr);

describe('hasOnlyFields', () => {
  it.each([
    [{ data: {} }, ['data'], true],
    [{}, ['data'], true],
    [{ data: {}, ttl: 1 }, ['data', 'ttl'], true],
    [{ data: {}, credentials: { password: 'p' } }, ['data'], false],
    [{ data: {}, ttl: 1 }, ['data'], false],
    [{ text: 'a', extra: 1 }, ['text', 'owner'], false],
  ])('%j with %j allowed: %s', async (obj, allowed, expected) => {
    expect(await run(hasOnlyFields(obj, allowed))).toBe(expected);
  });

  it('errors (so a predicate denies) for something that is not an object', async () => {
    expect((await t.failure(SERVER, hasOnlyFields('data', ['data']))).code).toBe('invalid argument');
  });
});

describe('isStringUpTo', () => {
  it('counts characters (code points): 3 emoji fit in 3, 4 do not', async () => {
    expect(await run(isStringUpTo('🙂🙂🙂', 3))).toBe(true);
    expect(await run(isStringUpTo('🙂🙂🙂🙂', 3))).toBe(false);
    expect(await run(isStringUpTo('', 3))).toBe(true);
  });

  it('is false for a value that is not a string', async () => {
    expect(await run(isStringUpTo(3, 3))).toBe(false);
  });
});

describe('fieldFits', () => {
  const text: FieldSpec = { name: 'text', type: 'string', maxLength: 5 };
  const cases: [FieldSpec, Record<string, unknown>, boolean][] = [
    [text, {}, true],
    [text, { text: 'hello' }, true],
    [text, { text: 'hello!' }, false],
    [text, { text: 5 }, false],
    [{ name: 'n', type: 'number' }, { n: 1.5 }, true],
    [{ name: 'n', type: 'number' }, { n: '1' }, false],
    [{ name: 'done', type: 'boolean' }, { done: false }, true],
    [{ name: 'done', type: 'boolean' }, { done: 'no' }, false],
    [{ name: 'at', type: 'time' }, { at: 'now' }, false],
  ];
  it.each(cases)('%j in %j: %s', async (field, container, expected) => {
    expect(await run(fieldFits(container, field))).toBe(expected);
  });

  it('takes a time', async () => {
    expect(await run(fieldFits({ at: q.Now() }, { name: 'at', type: 'time' }))).toBe(true);
  });
});

describe('totalLength', () => {
  it('adds the characters of the named fields, absent ones as 0', async () => {
    expect(await run(totalLength({ title: 'ab', text: '🙂🙂🙂' }, ['title', 'text', 'missing']))).toBe(5);
    expect(await run(totalLength({}, ['title']))).toBe(0);
  });
});

describe('fieldSpecProblems', () => {
  it('accepts a sound declaration', () => {
    expect(fieldSpecProblems([{ name: 'title', type: 'string', maxLength: 200 }, { name: 'done', type: 'boolean' }], 4000, ['owner'])).toEqual([]);
  });

  it('names each problem', () => {
    expect(
      fieldSpecProblems(
        [
          { name: 'owner', type: 'number' },
          { name: 'text', type: 'string', maxLength: 0 },
          { name: 'text', type: 'string', maxLength: 9000 },
          { name: '', type: 'boolean' },
        ],
        4000,
        ['owner'],
      ),
    ).toEqual([
      'field owner is reserved (the owner field is declared by ownerField)',
      'field text: maxLength must be a positive integer (got 0)',
      'field text is declared twice',
      'field text: maxLength 9000 is more than maxDataChars 4000',
      'a field has an empty name',
    ]);
    expect(fieldSpecProblems([], 1.5)).toEqual(['maxDataChars must be a positive integer (got 1.5)']);
  });
});
