import faunadb, { type Client, type ClientConfig, type Expr } from 'faunadb';
import { FaunaQueryError, type ErrorCode } from './errors';
import type { FaunaConnectionSettings } from './settings';

/**
 * The Fauna client and the one way this project runs a query: with the runtime's global fetch
 * (the driver's HTTP/2 default would hide from nock and keep a session open after the Action
 * returns) and inside a fixed time budget, retrying only what a retry can mend.
 */

export type FetchLike = typeof globalThis.fetch;

// The default import, not named ones: the app's helper (client/) bundles this file into an ES
// module, and Node's ESM loader offers the CommonJS driver only as a default export. Member
// access, not destructuring, so the Action bundles' rollup still keeps only what is used.
const faunaErrors = faunadb.errors;

export function createFaunaClient(
  connection: Pick<FaunaConnectionSettings, 'faunaSecret' | 'faunaEndpoint'>,
  fetchImpl: FetchLike = globalThis.fetch,
): Client {
  return new faunadb.Client({
    secret: connection.faunaSecret,
    endpoint: connection.faunaEndpoint,
    // The driver types fetch as cross-fetch's; the global one is call-compatible.
    fetch: withNativeAbortSignal(fetchImpl) as unknown as ClientConfig['fetch'],
    keepAlive: false,
    checkNewVersion: false,
  });
}

/**
 * Unbundled, the driver aborts through the `node-abort-controller` polyfill, whose signal the
 * global fetch cannot follow (the request would hang past our budget). Bridge it to a native
 * signal. In the Action bundles the polyfill is already the native class, so this passes through.
 */
function withNativeAbortSignal(fetchImpl: FetchLike): FetchLike {
  return (input, init) => {
    const signal: unknown = init?.signal;
    if (signal === undefined || signal === null || signal instanceof AbortSignal) return fetchImpl(input, init);
    const polyfill = signal as { aborted: boolean; addEventListener(type: 'abort', listener: () => void): void };
    const native = new AbortController();
    if (polyfill.aborted) native.abort();
    else polyfill.addEventListener('abort', () => native.abort());
    return fetchImpl(input, { ...init, signal: native.signal });
  };
}

/** The failure as this project sees it: our code, Fauna's code, and whether a retry may mend it. */
export interface FaunaFailure {
  readonly code: ErrorCode;
  /** Fauna's code; for a failure inside a function, `call error: <the cause's code>`. */
  readonly faunaCode: string;
  readonly status: number | undefined;
  readonly transient: boolean;
  readonly hint: string;
  /** Inside a function: the cause's own description (an Abort's message names the bad argument). */
  readonly description?: string;
}

const NOT_UNIQUE = 'instance not unique';
const CALL_ERROR = 'call error';

const BAD_REQUEST_HINT = 'the database schema does not match; run `npm run setup:fauna`';
/**
 * The core's 400s that name a cause (fauna/faunadb ast/Error.scala): a schema name the database
 * does not know is `invalid ref` (not a 404), and a Match on an index still building in the
 * background is `instance not found`.
 */
const BAD_REQUEST_HINTS: Readonly<Record<string, string>> = {
  'invalid ref':
    'a function, collection, index or role the query names does not exist (the Actions call login and revoke_user); run `npm run setup:fauna`',
  'instance not found': 'an index is still being built (new index on a database with data); `npm run setup:fauna` waits until it is active',
};

interface WireError {
  readonly code?: string;
  readonly description?: string;
  readonly cause?: readonly WireError[];
}

/** An Abort's message, as far as a log line should carry it. */
const MAX_DESCRIPTION = 200;

/**
 * A failure inside a function body: the core answers 400 `call error` with the real error nested
 * in `cause` (fauna/faunadb doc/LambdaWrapper.scala, ast/Error.scala), so that is what counts.
 */
function classifyCallError(cause: WireError, status: number): FaunaFailure {
  const inner = cause.code ?? 'unknown';
  const faunaCode = `${CALL_ERROR}: ${inner}`;
  const description = cause.description?.slice(0, MAX_DESCRIPTION);
  const failure = (code: ErrorCode, hint: string, transient = false): FaunaFailure => ({
    code,
    faunaCode,
    status,
    transient,
    hint,
    ...(description === undefined ? {} : { description }),
  });
  switch (inner) {
    case NOT_UNIQUE:
      // Two first logins of one user racing on the unique index: the loser re-runs the call and
      // then finds the winner's document.
      return failure('ERR_FAUNA_UNAVAILABLE', 'a concurrent write won the unique index; retried', true);
    case 'transaction aborted':
      return failure(
        'ERR_FAUNA_CALL_ABORTED',
        `the function refused the call (${description ?? 'no reason given'}); the Actions and the schema must be of one version: run \`npm run setup:fauna\` and deploy the Actions`,
      );
    case 'permission denied':
      return failure(
        'ERR_FAUNA_FUNCTION_DENIED',
        "a function's own role lacks a privilege (a role edited by hand, or a schema of another version); run `npm run setup:fauna`, then `npm run verify:fauna`",
      );
    case 'invalid ref':
      return failure('ERR_FAUNA_SCHEMA_MISSING', BAD_REQUEST_HINTS[inner]);
    case 'missing identity':
      return failure('ERR_FAUNA_BAD_REQUEST', "the function works on the caller's login (end_login, end_all_logins): call it with a minted secret, not a key");
    default:
      return failure('ERR_FAUNA_BAD_REQUEST', BAD_REQUEST_HINTS[inner] ?? BAD_REQUEST_HINT);
  }
}

/** `secretName`: the setting the key came from, for the 401 hint (FAUNA_SECRET in the Actions). */
export function classifyFaunaError(err: unknown, secretName = 'FAUNA_SECRET'): FaunaFailure {
  if (err instanceof faunaErrors.FaunaHTTPError) {
    const status = err.requestResult.statusCode;
    // The driver rewrites some messages (401); the first error's code is what Fauna said.
    const first = (err.errors() as unknown as readonly WireError[])[0];
    const cause = first?.code === CALL_ERROR ? innermostCause(first) : undefined;
    if (cause !== undefined) return classifyCallError(cause, status);
    const faunaCode = first?.code ?? `http ${status}`;
    switch (status) {
      case 400:
        if (faunaCode === NOT_UNIQUE) {
          return { code: 'ERR_FAUNA_UNAVAILABLE', faunaCode, status, transient: true, hint: 'a concurrent write won the unique index; retried' };
        }
        if (faunaCode === 'invalid ref') {
          return { code: 'ERR_FAUNA_SCHEMA_MISSING', faunaCode, status, transient: false, hint: BAD_REQUEST_HINTS[faunaCode] };
        }
        return { code: 'ERR_FAUNA_BAD_REQUEST', faunaCode, status, transient: false, hint: BAD_REQUEST_HINTS[faunaCode] ?? BAD_REQUEST_HINT };
      case 401:
        return { code: 'ERR_FAUNA_UNAUTHORIZED', faunaCode, status, transient: false, hint: `${secretName} is not a valid key for this endpoint; create a key and update the secret` };
      case 403:
        return {
          code: 'ERR_FAUNA_PERMISSION_DENIED',
          faunaCode,
          status,
          transient: false,
          hint: "the key's role lacks a privilege (the login key may call only login, the revoke key only revoke_user); run `npm run setup:fauna` and use the key it describes",
        };
      case 404:
        return { code: 'ERR_FAUNA_NOT_FOUND', faunaCode, status, transient: false, hint: 'a collection or index is missing; run `npm run setup:fauna`' };
      case 409:
      case 429:
      case 500:
      case 502:
      case 503:
      case 504:
        return { code: 'ERR_FAUNA_UNAVAILABLE', faunaCode, status, transient: true, hint: 'Fauna is busy or unavailable; check its health' };
      case 410:
        return { code: 'ERR_FAUNA_V4_DISABLED', faunaCode, status, transient: false, hint: 'the server has FQL v4 switched off; enable it (allow_v4_queries) on the Fauna server' };
      default:
        return { code: 'ERR_FAUNA_BAD_REQUEST', faunaCode, status, transient: false, hint: 'unexpected answer from Fauna; check FAUNA_ENDPOINT points at an FQL v4 endpoint' };
    }
  }
  if (isAbort(err)) {
    return { code: 'ERR_FAUNA_TIMEOUT', faunaCode: 'timeout', status: undefined, transient: false, hint: 'Fauna did not answer within FAUNA_TIMEOUT_MS; check the endpoint and its latency' };
  }
  if (err instanceof Error && err.name === 'ProtocolError') {
    return { code: 'ERR_FAUNA_UNAVAILABLE', faunaCode: 'empty response', status: undefined, transient: true, hint: 'Fauna answered with an empty body; check the endpoint and any proxy in front of it' };
  }
  // fetch rejects with a TypeError on DNS, TLS and connection failures.
  return { code: 'ERR_FAUNA_UNAVAILABLE', faunaCode: 'network error', status: undefined, transient: true, hint: 'could not reach FAUNA_ENDPOINT; check the URL and that the server is up' };
}

/** A call inside a call nests again: the innermost cause is what went wrong. */
function innermostCause(error: WireError): WireError | undefined {
  let cause = error.cause?.[0];
  while (cause?.code === CALL_ERROR && cause.cause?.[0] !== undefined) cause = cause.cause[0];
  return cause;
}

function isAbort(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { isAbortError?: unknown; isTimeoutError?: unknown; name?: unknown };
  return e.isAbortError === true || e.isTimeoutError === true || e.name === 'AbortError';
}

export interface RetryOptions {
  /** The whole budget: attempts, waits between them, everything. */
  readonly budgetMs: number;
  /** At most this many attempts even when the budget allows more (default 8). */
  readonly maxAttempts?: number;
  /** Injected for tests and the benchmark; default real time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told of each failed attempt that will be retried (for logs and counters). */
  readonly onRetry?: (failure: FaunaFailure, attempt: number) => void;
  /** The setting the key came from, named when Fauna refuses it (default FAUNA_SECRET). */
  readonly secretName?: string;
}

const FIRST_BACKOFF_MS = 25;
// Enough for a busy or racing Fauna inside a login's budget; a long budget (the admin scripts)
// should not keep knocking on an endpoint that is plainly down.
const DEFAULT_MAX_ATTEMPTS = 8;
const MAX_BACKOFF_MS = 1_000;
// Not worth starting an attempt with less time than this left: it could only time out.
const MIN_ATTEMPT_MS = 50;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface QueryOutcome<T> {
  readonly value: T;
  readonly attempts: number;
}

/**
 * Runs `expr`, retrying transient failures with jittered exponential backoff, and aborting the
 * request in flight when the budget runs out. Throws FaunaQueryError with the last failure.
 */
export async function queryWithRetry<T>(client: Client, expr: Expr, options: RetryOptions): Promise<QueryOutcome<T>> {
  loadRuntimeFetch();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const deadline = now() + options.budgetMs;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    let failure: FaunaFailure;
    try {
      const value = await queryBefore<T>(client, expr, deadline - now());
      return { value, attempts: attempt };
    } catch (err) {
      failure = classifyFaunaError(err, options.secretName);
    }
    const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1)) * (0.5 + random() / 2);
    const left = deadline - now();
    const outOfTries = attempt >= (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    if (!failure.transient || outOfTries || left - backoff < MIN_ATTEMPT_MS) {
      throw new FaunaQueryError(failure.code, { ...failure, attempts: attempt });
    }
    options.onRetry?.(failure, attempt);
    await sleep(backoff);
  }
}

let runtimeFetchLoaded = false;

/**
 * Node loads its fetch implementation (undici) on first use of fetch or Response: tens of ms,
 * more on Node 22 (Auth0's runtime) than on 20, more again on a busy host. Load it before the
 * budget starts, so a fresh Action instance's first login spends FAUNA_TIMEOUT_MS on Fauna and
 * not on the runtime (a 100 ms budget could otherwise run out before the request leaves).
 */
function loadRuntimeFetch(): void {
  if (runtimeFetchLoaded) return;
  // Reflect.get: a plain read of the global looks side-effect free to rollup and terser, which would drop it.
  Reflect.get(globalThis, 'Response');
  runtimeFetchLoaded = true;
}

async function queryBefore<T>(client: Client, expr: Expr, timeLeftMs: number): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, timeLeftMs));
  try {
    // `signal` is passed through to the fetch adapter, which aborts the request with it.
    return await client.query<T>(expr, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}
