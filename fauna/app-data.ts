import type { FieldSpec } from './field-rules';

/**
 * The app's own data, declared here and given to the minted secrets by rules `setup:fauna`
 * writes (fauna/owned-collections.ts): a live login's secret may create, read, update and delete
 * only documents whose `data.<ownerField>` is its user (`current_user()`), may not change the
 * owner, and lists its own documents through the index `<name>_by_<ownerField>`.
 *
 * Each collection also declares the shape of `data`: the fields a document may hold besides the
 * owner (anything else is refused), each one's type and, for a string, its longest value in
 * characters; and `maxDataChars`, the most characters its string fields may hold together. A
 * secret may give a document nothing but `data` (no `credentials`, no `ttl`).
 *
 * To add a collection, or a field, edit an entry and run `npm run setup:fauna`. To drop the
 * example, remove `notes` and run setup again: the rules stop covering it; setup never deletes a
 * collection, so delete it yourself with the admin key if you want its documents gone.
 */
export interface OwnedCollection {
  readonly name: string;
  /** Field under `data` holding the owner's user ref. */
  readonly ownerField: string;
  readonly purpose: string;
  /** The fields of `data` besides the owner field; every one optional, nothing else accepted. */
  readonly fields: readonly FieldSpec[];
  /** The most characters (code points) the string fields of `data` may hold together. */
  readonly maxDataChars: number;
}

/**
 * A note is short text: a page of prose is about 3,000 characters, so 4,000 in all (title
 * included) leaves room without inviting files. 4,000 characters are at most 16 KB in UTF-8, so
 * a note costs at most ~16 KB: 500 times under the core's 8 MiB document limit, and a page of
 * 64 notes stays near 1 MB.
 */
export const APP_COLLECTIONS: readonly OwnedCollection[] = [
  {
    name: 'notes',
    ownerField: 'owner',
    purpose: "the example app's notes: data.owner (the user's ref), data.text and an optional data.title",
    fields: [
      { name: 'title', type: 'string', maxLength: 200 },
      { name: 'text', type: 'string', maxLength: 4000 },
    ],
    maxDataChars: 4000,
  },
];
