/**
 * Conformance cases: an FQL v4 query, the answer the open-source core gives it (as it travels on
 * the wire: the `resource` JSON, or the first error), and where in the core (github.com/fauna/faunadb,
 * commit 4f8f8be3) that answer is decided. Or, for what the in-process Fauna does not implement,
 * its refusal: a 400 `invalid expression` naming what it lacks, never an answer that might differ.
 * Paths are under ext/ of that repository; `model/` is ext/model/src/main/scala/.
 */
import type { Expr } from 'faunadb';
import type { FakeUnderTest, WireError } from '../support';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ConformanceCase {
  readonly name: string;
  /** Where the core decides it: a source path (and the function, line or spec there). */
  readonly core: string;
  readonly query: () => Expr | unknown;
  /** Default: the suite's server key. */
  readonly secret?: () => string;
  /** The core's answer: its `resource`, or its (first) error; or the in-process Fauna's refusal. */
  readonly expect:
    /** A function when the answer names what the suite created (read when the case runs). */
    | { readonly resource: Json | (() => Json) }
    | { readonly error: { readonly status: number; readonly code: string; readonly description?: string | RegExp; readonly position?: (string | number)[] } }
    | { readonly refused: RegExp };
}

/** Runs each case against the fake and checks it against the core's answer. */
export async function check(under: FakeUnderTest, defaultSecret: string, c: ConformanceCase): Promise<void> {
  const { status, body } = await under.answer(c.secret?.() ?? defaultSecret, c.query());
  const expected = c.expect;
  if ('resource' in expected) {
    expect({ status, errors: body.errors }).toEqual({ status: expect.any(Number), errors: undefined });
    expect([200, 201]).toContain(status);
    expect(body.resource).toEqual(typeof expected.resource === 'function' ? expected.resource() : expected.resource);
    return;
  }
  const [first] = body.errors ?? [];
  if ('refused' in expected) {
    expect({ status, code: first?.code }).toEqual({ status: 400, code: 'invalid expression' });
    expect(first?.description).toMatch(/The in-process Fauna does not support/);
    expect(first?.description).toMatch(expected.refused);
    return;
  }
  const { status: wantStatus, code, description, position } = expected.error;
  expect({ status, code: first?.code }).toEqual({ status: wantStatus, code });
  if (description instanceof RegExp) expect(first?.description).toMatch(description);
  else if (description !== undefined) expect(first?.description).toBe(description);
  if (position !== undefined) expect((first as WireError).position).toEqual(position);
}

export const ref = (collection: Json, id: string): Json => ({ '@ref': { id, collection } });
export const native = (name: string): Json => ({ '@ref': { id: name } });
export const collection = (name: string): Json => ref(native('collections'), name);
export const ts = (iso: string): Json => ({ '@ts': iso });
export const date = (iso: string): Json => ({ '@date': iso });
