import { parseInstant, timeToIso } from '../../fauna-in-process/time';
import {
  Doc,
  FaunaTime,
  Ref,
  SetRef,
  collectionRef,
  compareValues,
  nativeRef,
  selectPath,
  typeName,
  valueEquals,
} from '../../fauna-in-process/values';

const user = (id: string) => new Ref(id, collectionRef('users'));

describe('values', () => {
  it('compares refs by collection and id, whatever their object identity', () => {
    expect(valueEquals(user('1'), user('1'))).toBe(true);
    expect(valueEquals(user('1'), new Ref('1', collectionRef('notes')))).toBe(false);
    expect(valueEquals(collectionRef('users'), new Ref('users', nativeRef('collections')))).toBe(true);
    expect(valueEquals({ a: [user('1'), 2] }, { a: [user('1'), 2] })).toBe(true);
    expect(valueEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('compares sets by what they select', () => {
    const match = (term: string) => new SetRef({ kind: 'match', index: new Ref('ix', nativeRef('indexes')), terms: [term] });
    expect(valueEquals(match('a'), match('a'))).toBe(true);
    expect(valueEquals(match('a'), match('b'))).toBe(false);
    expect(valueEquals(match('a'), new SetRef({ kind: 'documents', collection: collectionRef('users') }))).toBe(false);
  });

  it('orders as the core’s index terms: numbers, strings, refs, booleans, null last; numeric ids by magnitude', () => {
    expect([3, 'a', null, true, 1, user('1'), false].sort(compareValues)).toEqual([1, 3, 'a', user('1'), false, true, null]);
    expect([user('10'), user('9'), user('100')].sort(compareValues).map((r) => r.id)).toEqual(['9', '10', '100']);
  });

  it('parses and prints times with nanoseconds; rejects what is not a time', () => {
    const t = parseInstant('2030-01-01T12:00:00.123456789Z');
    expect(t?.micros).toBe(Date.UTC(2030, 0, 1, 12) * 1000 + 123456);
    expect(t === undefined ? '' : timeToIso(t)).toBe('2030-01-01T12:00:00.123456789Z');
    expect(parseInstant('yesterday')).toBeUndefined();
  });

  it('selects paths through documents and refs', () => {
    const doc = new Doc(user('7'), 1, { data: { tags: ['x', 'y'] } });
    expect(selectPath(doc, ['data', 'tags', 1])).toBe('y');
    expect(selectPath(doc, ['ref', 'collection'])).toEqual(collectionRef('users'));
    expect(selectPath(user('7'), ['id'])).toBe('7');
    expect(selectPath(doc, ['data', 'missing'])).toBeUndefined();
  });

  it('names types as the core does in its errors', () => {
    expect([null, 1, 1.5, 's', [], {}, user('1'), FaunaTime.ofMicros(0), collectionRef('users')].map(typeName)).toEqual([
      'Null', 'Integer', 'Double', 'String', 'Array', 'Object', 'Ref', 'Time', 'Collection Ref',
    ]);
  });
});
