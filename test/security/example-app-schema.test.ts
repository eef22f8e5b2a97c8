import fs from 'node:fs';
import path from 'node:path';
import { APP_COLLECTIONS } from '../../fauna/app-data';
import { ownerIndexName } from '../../fauna/owned-collections';

// The security checks are generated from fauna/app-data.ts, so a renamed or dropped collection
// there still passes them: the example app, which names the collection, its owner index and
// its owner field in its own queries, is what would break. Their queries (examples/shared/notes.ts,
// run by both browser examples) must name what the schema declares and the checks guard.
const app = fs.readFileSync(path.resolve(__dirname, '../../examples/shared/notes.ts'), 'utf8');

describe("the example app's data is the schema's owned notes", () => {
  const notes = APP_COLLECTIONS.find((collection) => collection.name === 'notes');

  it('declares notes as an owned collection, so the security model checks it', () => {
    expect(notes).toBeDefined();
  });

  it('lists notes through the owner index the schema makes, and creates them with the owner field the rules read', () => {
    if (notes === undefined) throw new Error('fauna/app-data.ts declares no notes collection');
    expect(app).toContain(`q.Index('${ownerIndexName(notes)}')`);
    expect(app).toContain(`q.Create(q.Collection('${notes.name}'), { data: { ${notes.ownerField}: currentUser, text } })`);
  });

  it('declares the text field the app writes as a string, so the shape rules let it through', () => {
    expect(notes?.fields).toContainEqual(expect.objectContaining({ name: 'text', type: 'string' }));
  });
});
