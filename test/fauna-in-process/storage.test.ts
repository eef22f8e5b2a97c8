import { Transaction, applyEntry, entries, isLive, uniqueConflict, type Store } from '../../fauna-in-process/storage';
import { Doc, FaunaTime, Ref, collectionRef, nativeRef } from '../../fauna-in-process/values';

const user = (id: string, data: Record<string, string>, ttl?: number) =>
  new Doc(new Ref(id, collectionRef('users')), 1, ttl === undefined ? { data } : { data, ttl: FaunaTime.ofMicros(ttl) });
const byAuth0Id = new Doc(new Ref('users_by_auth0_id', nativeRef('indexes')), 1, {
  source: collectionRef('users'),
  terms: [{ field: ['data', 'auth0_id'] }],
  unique: true,
});

function storeWith(...docs: [string, Doc][]): Store {
  const store: Store = new Map();
  for (const [key, doc] of docs) applyEntry(store, { key, id: doc.ref.id, doc, pos: [] });
  return store;
}

describe('storage', () => {
  it('shows a transaction its own writes and deletes over the base store, and leaves the base alone', () => {
    const store = storeWith(['users', user('1', { auth0_id: 'a' })]);
    const tx = new Transaction(store, 10);
    tx.put('users', user('2', { auth0_id: 'b' }));
    tx.remove('users', '1');
    expect(tx.scan('users').map((d) => d.ref.id)).toEqual(['2']);
    expect(tx.get('users', '1')).toBeUndefined();
    expect(store.get('users')?.size).toBe(1);
    expect(tx.writeLog).toEqual(['users', 'users']);
  });

  it('hides documents whose ttl has passed', () => {
    const expiring = user('1', {}, 100);
    expect(isLive(expiring, 99)).toBe(true);
    expect(isLive(expiring, 100)).toBe(false);
    expect(new Transaction(storeWith(['users', expiring]), 100).get('users', '1')).toBeUndefined();
  });

  it('computes index entries and finds a unique conflict, but not against the document itself or an expired one', () => {
    const tx = new Transaction(storeWith(['#indexes', byAuth0Id], ['users', user('1', { auth0_id: 'a' })], ['users', user('3', { auth0_id: 'c' }, 5)]), 10);
    expect(entries(tx, byAuth0Id).map((e) => e.terms)).toEqual([['a']]);
    expect(uniqueConflict(tx, 'users', user('2', { auth0_id: 'a' }))?.id).toBe('1');
    expect(uniqueConflict(tx, 'users', user('1', { auth0_id: 'a' }))).toBeUndefined();
    expect(uniqueConflict(tx, 'users', user('4', { auth0_id: 'c' }))).toBeUndefined();
  });
});
