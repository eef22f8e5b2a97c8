/**
 * The app's own data, declared here and given to the minted secrets by rules `setup:fauna`
 * writes (fauna/owned-collections.ts): a live login's secret may create, read, update and delete
 * only documents whose `data.<ownerField>` is its user (`current_user()`), may not change the
 * owner, and lists its own documents through the index `<name>_by_<ownerField>`.
 *
 * To add a collection, add an entry and run `npm run setup:fauna`. To drop the example, remove
 * `notes` and run setup again: the rules stop covering it; setup never deletes a collection, so
 * delete it yourself with the admin key if you want its documents gone.
 */
export interface OwnedCollection {
  readonly name: string;
  /** Field under `data` holding the owner's user ref. */
  readonly ownerField: string;
  readonly purpose: string;
}

export const APP_COLLECTIONS: readonly OwnedCollection[] = [
  { name: 'notes', ownerField: 'owner', purpose: "the example app's notes: data.owner (the user's ref) and data.text" },
];
