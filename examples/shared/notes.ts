/**
 * The FQL both browser examples run with the user's own secret, under the rules setup:fauna
 * wrote: the user's document through current_user(), and the user's own notes (listed through
 * the owner index, created with the owner field the rules read). Pure expressions: the session
 * that runs them decides whose secret they go with.
 */
import faunadb, { type values } from 'faunadb';

// faunadb is CommonJS: its parts come from the default import (the form Node's ESM accepts too).
const { query: q } = faunadb;

export interface UserDocument {
  readonly data: { readonly name?: string; readonly email?: string };
}

export interface NoteDocument {
  readonly ref: values.Ref;
  readonly data: { readonly text: string };
}

/** The longest note the apps let a user type (the input's maxlength). */
export const NOTE_MAX_LENGTH = 500;

const currentUser = q.Call(q.Function('current_user'));

export const fql = {
  me: () => q.Get(currentUser),
  notes: () => q.Map(q.Paginate(q.Match(q.Index('notes_by_owner'), currentUser), { size: 100 }), q.Lambda('ref', q.Get(q.Var('ref')))),
  addNote: (text: string) => q.Create(q.Collection('notes'), { data: { owner: currentUser, text } }),
  editNote: (ref: values.Ref, text: string) => q.Update(ref, { data: { text } }),
  deleteNote: (ref: values.Ref) => q.Delete(ref),
};
