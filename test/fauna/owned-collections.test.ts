import { APP_OWNER_ROLE, ownedCollectionSchema } from '../../fauna/owned-collections';

// What the notes rules let a secret do, and refuse it, is proven by the notes-* checks of the
// security model (test/security, scripts/verify/checks.ts). Here: the definitions they come from.
describe('ownedCollectionSchema', () => {
  it('gives each collection an owner index, then one role for all of them, named in its purpose', () => {
    const schema = ownedCollectionSchema([
      { name: 'notes', ownerField: 'owner', purpose: 'notes' },
      { name: 'photos', ownerField: 'taken_by', purpose: 'photos' },
    ]);

    expect(schema.map((def) => `${def.kind} ${def.name}`)).toEqual([
      'collection notes',
      'index notes_by_owner',
      'collection photos',
      'index photos_by_taken_by',
      `role ${APP_OWNER_ROLE}`,
    ]);
    expect(schema.at(-1)?.purpose).toBe('every minted secret while its login is live: its own documents of notes, photos');
  });

  it('declares nothing, not even the role, when the app has no collections', () => {
    expect(ownedCollectionSchema([])).toEqual([]);
  });
});
