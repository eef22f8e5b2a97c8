import { errorBody, faunaHeaders } from '../../test/support/fauna-wire';

/**
 * Faults a Fauna endpoint really produces, answered in its FQL v4 wire format: status, error
 * code and description as the open-source core's fql1 endpoint renders them (codeStr/
 * ProtocolErrorCode: 503 "time out", 429 "too many requests", 401 "unauthorized"; 409
 * "contended transaction" from TransactionContentionResponse; 400 "instance not unique" from a
 * lost unique-index race). A `hang` never answers until the request's signal aborts it.
 */
export type FaultKind = '503' | '429' | '409' | 'hang' | 'not-unique' | '401';

export const FAULT_KINDS: readonly FaultKind[] = ['503', '429', '409', 'hang', 'not-unique', '401'];

/** What a Fauna request met: one of the faults, or the real (fake) server's answer. */
export type AnswerKind = FaultKind | 'none';

export type FaultRates = Readonly<Record<FaultKind, number>>;

export const DEFAULT_FAULT_RATES: FaultRates = {
  '503': 0.05,
  '429': 0.02,
  '409': 0.01,
  hang: 0.01,
  'not-unique': 0.01,
  '401': 0.005,
};

const WIRE_FAULTS: Readonly<Record<Exclude<FaultKind, 'hang'>, { status: number; code: string; description: string }>> = {
  '503': { status: 503, code: 'time out', description: 'The request timed out; the service may be overloaded.' },
  '429': { status: 429, code: 'too many requests', description: 'Rate limit exceeded.' },
  '409': {
    status: 409,
    code: 'contended transaction',
    description: 'Transaction was aborted due to detection of concurrent modification.',
  },
  'not-unique': { status: 400, code: 'instance not unique', description: 'document is not unique.' },
  '401': { status: 401, code: 'unauthorized', description: 'Unauthorized' },
};

/** Auth0 ends every Action at 20 s: a hang still pending then was never aborted by the Action. */
export const HANG_LIMIT_MS = 20_000;

export type FetchLike = typeof globalThis.fetch;

export interface FaultInjectionOptions {
  readonly rates: FaultRates;
  /** Uniform in [0, 1); seeded by the caller so a run can be replayed. */
  readonly random: () => number;
  /** Told of every request and what it met, before the answer is given. */
  readonly onAnswer?: (kind: AnswerKind) => void;
  /** Told when a hang reached HANG_LIMIT_MS without being aborted. */
  readonly onHangNotAborted?: () => void;
}

export function checkFaultRates(rates: FaultRates): void {
  const total = FAULT_KINDS.reduce((sum, kind) => sum + rates[kind], 0);
  for (const kind of FAULT_KINDS) {
    if (!(rates[kind] >= 0 && rates[kind] <= 1)) throw new RangeError(`fault rate for ${kind} must be between 0 and 1`);
  }
  if (total > 1) throw new RangeError(`fault rates add up to ${total}; at most 1`);
}

export function drawFault(rates: FaultRates, random: () => number): AnswerKind {
  let x = random();
  for (const kind of FAULT_KINDS) {
    if (x < rates[kind]) return kind;
    x -= rates[kind];
  }
  return 'none';
}

export function faultResponse(kind: Exclude<FaultKind, 'hang'>): Response {
  const fault = WIRE_FAULTS[kind];
  return new Response(errorBody(fault.code, fault.description), { status: fault.status, headers: faunaHeaders() });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Like fetch on a dead connection: settles only when the request's signal aborts. */
function hang(signal: AbortSignal | null | undefined, onHangNotAborted?: () => void): Promise<Response> {
  return new Promise<Response>((_resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const limit = setTimeout(() => {
      onHangNotAborted?.();
      reject(new TypeError('fetch failed: the request hung past Auth0 20 s limit without being aborted'));
    }, HANG_LIMIT_MS);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(limit);
        reject(abortReason(signal));
      },
      { once: true },
    );
  });
}

/** Wraps a fetch: each request first draws a fault at the configured rates. */
export function faultInjectingFetch(inner: FetchLike, options: FaultInjectionOptions): FetchLike {
  checkFaultRates(options.rates);
  return (input, init) => {
    const kind = drawFault(options.rates, options.random);
    options.onAnswer?.(kind);
    if (kind === 'none') return inner(input, init);
    if (kind === 'hang') return hang(init?.signal, options.onHangNotAborted);
    return Promise.resolve(faultResponse(kind));
  };
}

/** mulberry32: a small seeded PRNG, so a soak with a given --seed injects the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
