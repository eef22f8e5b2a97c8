import { APP_OWNER_ROLE, ownedCollectionSchema } from '../../fauna/owned-collections';
import type { OwnedCollection } from '../../fauna/app-data';

// What the notes rules let a secret do, and refuse it, is proven by the notes-* checks of the
// security model (test/security, scripts/verify/checks.ts). Here: the definitions they come from.
const collection = (name: string, ownerField: string, extra: Partial<OwnedCollection> = {}): OwnedCollection => ({
  name,
  ownerField,
  purpose: name,
  fields: [{ name: 'text', type: 'string', maxLength: 10 }],
  maxDataChars: 10,
  ...extra,
});

describe('ownedCollectionSchema', () => {
  it('gives each collection an owner index, then one role for all of them, named in its purpose', () => {
    const schema = ownedCollectionSchema([collection('notes', 'owner'), collection('photos', 'taken_by')]);

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

  it('refuses a declaration whose fields cannot work, naming the collection, the problems and what to do', () => {
    const broken = collection('notes', 'owner', {
      fields: [
        { name: 'owner', type: 'string', maxLength: 5 },
        { name: 'text', type: 'string', maxLength: 50 },
      ],
    });
    expect(() => ownedCollectionSchema([broken])).toThrow(
      'ERR_APP_DATA_INVALID: fauna/app-data.ts, collection notes: field owner is reserved (the owner field is declared by ownerField); ' +
        'field text: maxLength 50 is more than maxDataChars 10. Fix the entry, then run npm run setup:fauna.',
    );
  });
});
