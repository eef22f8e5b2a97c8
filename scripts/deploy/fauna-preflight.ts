import { errors as faunaErrors, query as q, type Expr } from 'faunadb';
import { classifyFaunaError, createFaunaClient, type FetchLike } from '../../actions/lib/fauna-client';
import { describeRequestFailure } from './deploy-refused';

/**
 * Before anything is written to Auth0: is the Fauna schema this code needs in place, and may each
 * Action's key call its function? Each key calls its function with arguments the function must
 * refuse. The schema's functions validate their arguments and `Abort` with a known prefix, which
 * the core answers as 400 `call error` whose `cause` is `transaction aborted` with that
 * description: the function exists, this key may call it, and nothing was written. Any other
 * answer says what is wrong.
 */
export interface PreflightCheck {
  /** The Action whose key this is. */
  readonly action: string;
  /** The variable the key comes from, to name in problems. */
  readonly keyVariable: string;
  readonly functionName: string;
  readonly argument: Expr | Record<string, never> | string;
  /** The start of the description the function aborts with on bad arguments. */
  readonly abortPrefix: string;
}

export const LOGIN_PREFLIGHT: PreflightCheck = {
  action: 'fauna-login',
  keyVariable: 'FAUNA_SECRET',
  functionName: 'login',
  argument: {},
  abortPrefix: 'invalid login arguments:',
};

export const REVOKE_PREFLIGHT: PreflightCheck = {
  action: 'revoke-fauna-secrets',
  keyVariable: 'FAUNA_REVOKE_SECRET',
  functionName: 'revoke_user',
  argument: '',
  abortPrefix: 'invalid revoke arguments:',
};

export interface PreflightConnection {
  readonly endpoint: string;
  readonly secret: string;
  readonly fetch?: FetchLike;
  /** How long to wait for Fauna's answer. */
  readonly timeoutMs?: number;
}

export type PreflightResult = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly problem: string };

interface WireError {
  readonly code?: unknown;
  readonly description?: unknown;
  readonly cause?: unknown;
}

function firstError(err: InstanceType<typeof faunaErrors.FaunaHTTPError>): WireError | undefined {
  const list: unknown = (err.requestResult.responseContent as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(list) && typeof list[0] === 'object' && list[0] !== null ? (list[0] as WireError) : undefined;
}

function firstCause(error: WireError | undefined): WireError | undefined {
  const causes = error?.cause;
  return Array.isArray(causes) && typeof causes[0] === 'object' && causes[0] !== null ? (causes[0] as WireError) : undefined;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const SETUP = 'run `npm run setup:fauna` with this code (it adds the functions and their roles)';

/** What an answer other than the expected abort means, for this check. */
function judgeFailure(check: PreflightCheck, err: unknown, endpoint: string): string {
  const fn = `${check.functionName}()`;
  const key = `${check.keyVariable} (${check.action}'s key)`;
  if (!(err instanceof faunaErrors.FaunaHTTPError)) {
    const failure = classifyFaunaError(err);
    if (failure.code === 'ERR_FAUNA_TIMEOUT') return `${endpoint} did not answer the call to ${fn} in time; check FAUNA_ENDPOINT and the server`;
    return `${describeRequestFailure(err, endpoint)}; check FAUNA_ENDPOINT and that the server is up`;
  }
  const status = err.requestResult.statusCode;
  const error = firstError(err);
  const code = text(error?.code);
  if (status === 401) {
    return `${key} is not a valid key for FAUNA_ENDPOINT (401 unauthorized): create it with npm run setup:fauna and set it (after npm run rotate:keys, set the new values from its key file: the old keys are deleted)`;
  }
  if (status === 403) {
    return `${key} may not call ${fn} (403 permission denied): ${SETUP}, and check ${check.keyVariable} holds the key made for ${check.action}`;
  }
  if (status === 400 && code === 'invalid ref') return `the database has no function ${check.functionName} (400 invalid ref): ${SETUP}`;
  if (status === 400 && code === 'call error') {
    const cause = firstCause(error);
    const causeCode = text(cause?.code);
    const description = text(cause?.description);
    if (causeCode === 'transaction aborted') {
      return `${fn} refused its test arguments differently than this code expects ("${description.slice(0, 80)}"): the schema is not the one this code needs; ${SETUP}`;
    }
    return `${fn} failed inside (cause: ${causeCode || 'none given'}) with ${key}: ${SETUP}`;
  }
  const failure = classifyFaunaError(err);
  return `calling ${fn} with ${key} failed (${code || `HTTP ${status}`}): ${failure.hint}`;
}

/** Runs one check; never throws. Problems name the key variable and the function, never the key. */
export async function runPreflight(check: PreflightCheck, connection: PreflightConnection): Promise<PreflightResult> {
  const client = createFaunaClient({ faunaEndpoint: connection.endpoint, faunaSecret: connection.secret }, connection.fetch ?? globalThis.fetch);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), connection.timeoutMs ?? 10_000);
  try {
    await client.query(q.Call(q.Function(check.functionName), check.argument), { signal: controller.signal });
    return {
      ok: false,
      problem: `${check.functionName}() accepted arguments it must refuse: the database's ${check.functionName} is not the one this code needs; ${SETUP}`,
    };
  } catch (err) {
    if (err instanceof faunaErrors.FaunaHTTPError && err.requestResult.statusCode === 400) {
      const error = firstError(err);
      const cause = firstCause(error);
      if (text(error?.code) === 'call error' && text(cause?.code) === 'transaction aborted' && text(cause?.description).startsWith(check.abortPrefix)) {
        return { ok: true, detail: `${check.keyVariable} may call ${check.functionName}(), and it validates its arguments` };
      }
    }
    return { ok: false, problem: judgeFailure(check, err, connection.endpoint) };
  } finally {
    clearTimeout(timer);
  }
}
