/**
 * An in-process Fauna FQL v4 server, for tests, `npm run simulate`, bench and soak, and (over
 * loopback HTTP, ./http.ts) `npm run dev`, `npm run fauna:local` and `verify:fauna`'s tests.
 *
 * THE RULE: it answers as the open-source core answers, or it refuses. What it implements gives the
 * core's answer (value, rendering, status, error code, description, position); a function, an
 * option, a form of an argument or a value it does not implement is a 400 `invalid expression`
 * whose description names it ("The in-process Fauna does not support …", errors.ts
 * `notSupported`), never ignored and never answered differently. test/fauna-in-process/conformance/
 * holds the core's answers per area (auth and tokens, time, pagination, strings), each case citing
 * where the core decides it; a difference found later is fixed there first.
 *
 * It evaluates the JSON the faunadb 4.8.2 driver really sends (`POST /`, the `q.wrap`ped
 * expression, `Authorization: Bearer <secret>`) and answers in the real wire format, and it
 * evaluates ABAC as the open-source core (github.com/fauna/faunadb, commit 4f8f8be3) does. Paths
 * below are under ext/model/src/main/scala/ unless they say otherwise.
 *
 * Parts:
 * - ./values.ts: FQL values, equality and order (CBOROrdering), Select's paths. ./errors.ts: the
 *   errors and their statuses. ./time.ts: times (nanoseconds) and dates as Timestamp.scala keeps,
 *   parses, prints and moves them. ./format.ts: ToString and Format. ./pagination.ts: Paginate.
 *   ./fql-v4-forms.ts: the FQL v4 function names, to tell a missing one from no FQL at all.
 * - ./wire.ts: request literals, `{"resource"}` / `{"errors"}` bodies (ext/api/.../fql1/APIResponse.scala,
 *   Renderable.scala), secrets in the core's layout (auth/AuthLike.scala: "fnE…" tokens, "fnA…" keys).
 * - ./storage.ts: documents, transactions, index entries, unique checks.
 * - ./evaluator.ts: evaluation, lambdas, and the permission checks with predicates run as the
 *   core runs them (doc/LambdaWrapper.scala). ./forms.ts: the FQL functions, with
 *   ./value-forms.ts (ToArray, ContainsValue, All, Any, Length) and ./auth-forms.ts (Login,
 *   Identify); ./credentials.ts: passwords stored as the core stores them.
 *   ./documents.ts: reads, writes, sets and schema writes, checked where the core checks them
 *   (ast/functions/ReadAdaptor.scala, WriteAdaptor.scala, SetFunctions.scala, set/IndexSet.scala).
 * - ./project-schema.ts: `applyProjectSchema`, fauna/ SCHEMA and its keys as setup:fauna makes them.
 * - ./authorization.ts: who may do what (auth/Permissions.scala, RoleEvalContext.scala,
 *   RoleEvalAction.scala, RoleMembership.scala, doc/LambdaWrapper.scala).
 * - ./server.ts: FakeFauna (authentication, transactions, fetch/nock); ./http.ts: loopback HTTP.
 *
 * Modelled from the core:
 * - Keys: admin; server (everything but databases, keys, roles, access providers); keys whose
 *   `role` is a Role ref or an array of them (the union of their privileges: per resource and
 *   action a static `true` wins, else the predicates are OR-ed). Keys given in `options.secrets`
 *   are admin or server keys.
 * - Tokens authenticate while their `ttl` is in the future and their `instance` document exists
 *   and is live, else 401 `unauthorized`. Each request they hold every role whose membership
 *   names the instance's collection and whose predicate (if any) returns true for the instance
 *   ref, plus the baseline every token has: read and delete its identity's own tokens; `Logout`
 *   needs no privilege.
 * - Privileges `create`, `read`, `write`, `delete`, `call`, index `read` and `unrestricted_read`,
 *   collection `unrestricted_read`, each `true` or a `Query(Lambda)` predicate applied to what the
 *   core passes (authorization.ts `predicateArgument`). Predicates run with internal read-only
 *   rights and the caller's identity; an error or any value but `true` is false. A plain `read`
 *   on an index filters entries by the caller's read right on each document (Paginate, Count),
 *   `unrestricted_read` does not; no read at all is 403 `permission denied`. `Get`, `Exists`,
 *   `IsEmpty` and `IsNonEmpty` of a set look at its first entry unfiltered, as the core does.
 *   `Create` returns the new document (a token's secret) with only `create`. A function with a
 *   `role` runs with that role's rights and the caller's identity; without one, with the
 *   caller's. Denials inside a function arrive as 400 `call error` with the cause, as the core
 *   nests them.
 * - Schema documents (collections, indexes, functions, roles, keys) are documents of native
 *   collections: a custom role may touch them only when granted on `Collections()`, `Indexes()`…
 * - An index created over more than 128 source documents is `active: false` and `Match` on it
 *   is 400 `instance not found` until its build ends (`indexBuildMs` on the fake's clock).
 * - Names (`Collection('x')`, `Index('x')`…) resolve through the committed schema only, as
 *   through the core's schema cache: within one transaction an object it created is reachable
 *   only through the ref its create returned. Schema documents are reference-checked
 *   (util/SharedValidators.scala ReferencesValidator): 400 `validation failed`, `invalid
 *   reference`, for a ref the caller cannot read, that did not resolve or that is missing. A
 *   role whose `privileges` (or `membership`) is one object has its predicates' arity checked
 *   (`invalid arity`); in an array it is not (doc/Role.scala).
 * - Writes patch as the core does (ext/storage/.../doc/Data.scala `patch`: objects merge, nulls
 *   remove, also inside new values). A `write` predicate's `new` is the old fields patched with
 *   the params as written, every top-level field included (`credentials`, unknown ones), for
 *   Update and Replace alike (auth/Auth.scala checkWritePermission; WriteAdaptor.update).
 * - `credentials: {password}` on Create/Update/Replace of a document: hashed into a separate
 *   record, never shown (./credentials.ts); `Login(ref, {password, ttl?, data?})` mints a token
 *   for the document with server rights, needing no privilege, else 400 `authentication failed`;
 *   `Identify(ref, password)` (./auth-forms.ts, ast/functions/AuthFunctions.scala).
 * - `ToArray`, `ContainsValue`, `All`, `Any`, `Length` (code points) for shape rules
 *   (./value-forms.ts: ConversionFunctions, BasicFunctions, ReduceFunctions, StringFunctions.scala).
 * - Options `tokenCacheMs` (the core's token record cache: a deleted token may authenticate
 *   until its entry expires, while deleting its instance ends it at once), `keyCacheMs` (the
 *   core's key cache, doc/Key.scala: a deleted key may authenticate until its entry expires) and `fqlV4Disabled`
 *   (410 `permission denied` after authentication, ext/api/.../fql1/FQL1Routes.scala).
 *
 * - Keys: CurrentToken()/HasCurrentToken() of a key made with CreateKey here is its ref/true; the
 *   configured secrets stand for keys from outside the database (the root key, or a parent's key
 *   for it): 400 `invalid token`/false, as the core answers them (AuthFunctions.scala).
 * - Index entries as Indexer.tuples makes them for FQL v4 indexes: an array field gives one entry
 *   per element (`mva`, the default), a combination of only nulls is left out (so a document
 *   missing every term field is in no Match and in no unique check), entries ordered as the core
 *   orders index terms (numbers, strings by ICU collation, arrays, objects, refs, times, dates,
 *   false, true, null last).
 *
 * Refused with a 400 naming it (a sample; the conformance files list them):
 * - One database: scopes, child databases, `At`, `ts` on Get/Exists/Paginate, history and
 *   events, access providers, JWTs, `history_read`/`history_write`, `create_with_id` (a Create
 *   with an explicit id is checked as `create`).
 * - `Login`/`Identify` through a set, `credentials` other than `{password}`, reads of the
 *   credentials records, `ContainsValue` in a document or a set.
 * - Paginate `sources: true` or a document ref; index `reverse`, `transform` and bindings.
 * - Format's date/time conversions with a suffix, `<`, %@ of refs; a whole-number Double (JS
 *   cannot keep 3.0 apart from 3); integers beyond 2^53 (JSON.parse rounds them).
 * - Any other FQL v4 function: 400 naming its keys and saying it is not supported here.
 *
 * Differences kept, because no answer differs from the core's:
 * - Expired documents (`ttl` <= transaction time) are invisible at once (the core removes them
 *   lazily; reads behave the same). Index reads filter per document before paging, so a page
 *   is never short as the core's can be.
 * - Stored lambdas render as sent, not re-normalised by the server.
 */
import { applyProjectSchema } from './project-schema';
import type { FakeFauna } from './server';

export { FakeFauna } from './server';
export type {
  FakeFaunaDocument,
  FakeFaunaOptions,
  FakeFaunaRequest,
  FakeFaunaResponse,
  FakeFaunaStats,
  FakeFaunaToken,
} from './server';
export { serveInProcessFauna, type ServeOptions, type ServedFauna } from './http';


/**
 * What the login Action needs: since the login is the function `login`, that is fauna/'s whole
 * schema (collections, indexes, functions and their roles), applied as `setup:fauna` applies it
 * (./project-schema.ts), with the fake's admin key.
 */
export async function createLoginSchema(fake: FakeFauna): Promise<void> {
  await applyProjectSchema(fake);
}
