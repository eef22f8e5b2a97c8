import { AsyncLocalStorage } from 'node:async_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FakeFauna } from '../../fauna-in-process';
import { FAUNA_SECRET, faunaWithSchema } from './fauna-in-process';
import {
  DEFAULT_FAULT_RATES,
  FAULT_KINDS,
  faultInjectingFetch,
  seededRandom,
  type AnswerKind,
  type FaultRates,
} from './fault-injection';
import {
  SECRET_CLAIM,
  captureConsole,
  loadLoginAction,
  loginEvent,
  loginSecrets,
  runLogin,
  type LoginResult,
  type OnExecutePostLogin,
} from './login-through-bundle';
import { summarize, type Summary } from './percentiles';

export type FailurePolicy = 'deny' | 'continue';

export interface SoakOptions {
  readonly logins: number;
  readonly concurrency: number;
  /** Distinct users; logins pick among them at random, so first logins race and most return. */
  readonly users: number;
  readonly policy: FailurePolicy;
  /** FAUNA_TIMEOUT_MS given to the Action: the budget a hang must be aborted within. */
  readonly timeoutMs: number;
  readonly rates: FaultRates;
  readonly seed: number;
  /**
   * While first logins are still happening, the in-process Fauna holds commits for this long
   * (holdCommits), so concurrent transactions see the same snapshot as on a real server and two
   * first logins of one user really race on the unique index. 0 turns it off.
   */
  readonly commitWindowMs: number;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  logins: 10_000,
  concurrency: 16,
  users: 200,
  policy: 'deny',
  timeoutMs: 300,
  rates: DEFAULT_FAULT_RATES,
  seed: 1,
  commitWindowMs: 2,
};

/** Outcome rows are keyed by the last fault a login met (`none`: it met none). */
export type OutcomeRow = { logins: number } & Record<LoginResult, number>;

export interface SoakReport {
  readonly options: SoakOptions;
  readonly wallMs: number;
  readonly outcomes: Readonly<Record<AnswerKind, OutcomeRow>>;
  /** Requests per answer kind, and how many of the in-process Fauna's own answers were errors. */
  readonly requests: { readonly total: number; readonly byKind: Readonly<Record<AnswerKind, number>>; readonly serverErrors: number };
  /** `instance not unique` the in-process Fauna itself answered: first logins that really raced. */
  readonly realRaces: number;
  readonly loginMs: Summary;
  /** What the slowest login met, request by request. */
  readonly slowest: { readonly ms: number; readonly answers: readonly AnswerKind[] };
  readonly logLines: number;
  readonly heap: { readonly beforeBytes: number; readonly afterBytes: number; readonly afterGc: boolean };
  readonly mustBeZero: {
    /** Log lines and deny reasons containing FAUNA_SECRET or any secret Fauna minted. */
    readonly secretsInOutput: number;
    readonly unhandledRejections: number;
    readonly usersWithSeveralDocuments: number;
    /** Logins whose outcome is not what ON_FAUNA_ERROR and Fauna's last answer call for. */
    readonly policyViolations: number;
    /** The Action threw instead of ending the login (Auth0 would fail the login with a stack). */
    readonly actionThrew: number;
    /** Hung requests the Action never aborted (they would hold the login to Auth0's 20 s). */
    readonly hangsNotAborted: number;
    /** Claims whose secret the in-process Fauna never minted. */
    readonly claimsWithUnknownSecret: number;
  };
}

interface Answer {
  readonly kind: AnswerKind;
  status?: number;
}

interface LoginRecord {
  readonly answers: Answer[];
}

const ANSWER_KINDS: readonly AnswerKind[] = ['none', ...FAULT_KINDS];

function emptyByKind<T>(make: () => T): Record<AnswerKind, T> {
  return Object.fromEntries(ANSWER_KINDS.map((kind) => [kind, make()])) as Record<AnswerKind, T>;
}

/**
 * A gc() to measure a settled heap: node's own when started with --expose-gc, otherwise the same
 * function obtained by setting the flag at run time (V8 exposes `gc` to contexts created after).
 */
function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fromContext: unknown = vm.runInNewContext('gc');
    return typeof fromContext === 'function' ? (fromContext as () => void) : undefined;
  } catch {
    return undefined;
  }
}

function settledHeapBytes(gc: (() => void) | undefined): number {
  if (gc !== undefined) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/** How many texts contain any of the secrets; secrets are looked up by every window of their length. */
export function countTextsWithSecrets(texts: readonly string[], secrets: Iterable<string>): number {
  const byLength = new Map<number, Set<string>>();
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    const set = byLength.get(secret.length) ?? new Set<string>();
    set.add(secret);
    byLength.set(secret.length, set);
  }
  let count = 0;
  for (const text of texts) {
    let found = false;
    for (const [length, set] of byLength) {
      for (let i = 0; !found && i + length <= text.length; i += 1) found = set.has(text.slice(i, i + length));
      if (found) break;
    }
    if (found) count += 1;
  }
  return count;
}

/** One login through the Action against a fresh, empty Fauna: leaves the Action's module-level client pointing there. */
async function loginAgainstFreshFauna(action: OnExecutePostLogin, secrets: ReturnType<typeof loginSecrets>): Promise<void> {
  const fresh = await faunaWithSchema();
  const saved = globalThis.fetch;
  globalThis.fetch = fresh.fetch;
  try {
    const run = await runLogin(action, loginEvent(0, secrets, 'soak-heap-probe'));
    if (run.result !== 'claims') throw new Error(`soak: the heap probe login ended ${run.result}`);
  } finally {
    globalThis.fetch = saved;
  }
}

/**
 * Many logins through the built bundle against the in-process Fauna, with faults injected at the
 * configured rates, several at a time. Returns the figures; `soakProblems` says what broke.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const secrets = loginSecrets({ ON_FAUNA_ERROR: options.policy, FAUNA_TIMEOUT_MS: String(options.timeoutMs) });
  const gc = findGc();
  const lines: string[] = [];
  const restoreConsole = captureConsole((line) => lines.push(line));
  let unhandledRejections = 0;
  const onUnhandled = () => {
    unhandledRejections += 1;
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const action = loadLoginAction();
    await loginAgainstFreshFauna(action, secrets);
    const beforeBytes = settledHeapBytes(gc);
    lines.length = 0;

    const figures = await soakAgainst(await faunaWithSchema(), action, secrets, options, lines);

    // The Action caches its Fauna client, which holds the fetch and so the soak's whole store:
    // point it at a fresh Fauna again, as before the run, so the heap compares like with like.
    await loginAgainstFreshFauna(action, secrets);
    lines.length = 0;
    const afterBytes = settledHeapBytes(gc);
    return {
      ...figures,
      heap: { beforeBytes, afterBytes, afterGc: gc !== undefined },
      mustBeZero: { ...figures.mustBeZero, unhandledRejections },
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    restoreConsole();
  }
}

type SoakFigures = Omit<SoakReport, 'heap' | 'mustBeZero'> & {
  readonly mustBeZero: Omit<SoakReport['mustBeZero'], 'unhandledRejections'>;
};

async function soakAgainst(
  fake: FakeFauna,
  action: OnExecutePostLogin,
  secrets: ReturnType<typeof loginSecrets>,
  options: SoakOptions,
  lines: string[],
): Promise<SoakFigures> {
  const random = seededRandom(options.seed);
  const current = new AsyncLocalStorage<LoginRecord>();
  const byKind = emptyByKind(() => 0);
  let serverErrors = 0;
  let realRaces = 0;
  let hangsNotAborted = 0;

  // Innermost: the in-process Fauna, whose own answers (including real races) are noted. It
  // answers on the next turn of the event loop, as a socket would: answered in microtasks alone,
  // the logins in flight would keep the loop busy and starve every timer (backoff sleeps, the
  // Action's abort at its budget), which no real network allows.
  const observedFauna: typeof globalThis.fetch = async (input, init) => {
    await new Promise((resolve) => setImmediate(resolve));
    const response = await fake.fetch(input, init);
    const answers = current.getStore()?.answers;
    const last = answers?.[answers.length - 1];
    if (last !== undefined) last.status = response.status;
    if (response.status >= 400) {
      serverErrors += 1;
      if ((await response.clone().text()).includes('instance not unique')) realRaces += 1;
    }
    return response;
  };
  const savedFetch = globalThis.fetch;
  globalThis.fetch = faultInjectingFetch(observedFauna, {
    rates: options.rates,
    random,
    onAnswer: (kind) => {
      byKind[kind] += 1;
      current.getStore()?.answers.push({ kind });
    },
    onHangNotAborted: () => {
      hangsNotAborted += 1;
    },
  });

  const seenUsers = new Set<number>();
  let release: (() => void) | undefined = options.commitWindowMs > 0 ? fake.holdCommits() : undefined;
  const window =
    release === undefined
      ? undefined
      : setInterval(() => {
          const done = release;
          // Once every user has started a login, no first login is left to race: stop holding.
          release = seenUsers.size < options.users ? fake.holdCommits() : undefined;
          done?.();
          if (release === undefined) clearInterval(window);
        }, options.commitWindowMs);

  const outcomes = emptyByKind<OutcomeRow>(() => ({ logins: 0, claims: 0, denied: 0, continued: 0 }));
  const durations: number[] = [];
  const denyReasons: string[] = [];
  const claimSecrets: string[] = [];
  let slowest = { ms: -1, answers: [] as AnswerKind[] };
  let policyViolations = 0;
  let actionThrew = 0;
  let next = 0;
  const started = performance.now();

  const oneLogin = async (n: number) => {
    const user = Math.floor(random() * options.users);
    seenUsers.add(user);
    const record: LoginRecord = { answers: [] };
    const loginStarted = performance.now();
    let result: LoginResult;
    try {
      const run = await current.run(record, () => runLogin(action, loginEvent(user, secrets, `soak-client-${n % 3}`)));
      result = run.result;
      denyReasons.push(...run.denials);
      const secret = run.claims[SECRET_CLAIM];
      if (typeof secret === 'string') claimSecrets.push(secret);
    } catch {
      actionThrew += 1;
      return;
    } finally {
      const ms = performance.now() - loginStarted;
      durations.push(ms);
      if (ms > slowest.ms) slowest = { ms, answers: record.answers.map((a) => a.kind) };
    }
    const last = record.answers[record.answers.length - 1];
    const lastFault = [...record.answers].reverse().find((a) => a.kind !== 'none')?.kind ?? 'none';
    const row = outcomes[lastFault];
    row.logins += 1;
    row[result] += 1;
    // Claims exactly when Fauna's last answer was a success; otherwise what ON_FAUNA_ERROR says.
    const succeeded = last !== undefined && last.kind === 'none' && last.status !== undefined && last.status < 300;
    const expected: LoginResult = succeeded ? 'claims' : options.policy === 'deny' ? 'denied' : 'continued';
    if (result !== expected) policyViolations += 1;
  };

  try {
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency) }, async () => {
        while (next < options.logins) await oneLogin(next++);
      }),
    );
  } finally {
    if (window !== undefined) clearInterval(window);
    release?.();
    globalThis.fetch = savedFetch;
  }
  const wallMs = performance.now() - started;

  const minted = new Set(fake.tokens().map((t) => t.secret));
  const usersByAuth0Id = new Map<unknown, number>();
  for (const doc of fake.documents('users')) usersByAuth0Id.set(doc.data.auth0_id, (usersByAuth0Id.get(doc.data.auth0_id) ?? 0) + 1);

  return {
    options,
    wallMs,
    outcomes,
    requests: { total: fake.stats.requests, byKind, serverErrors },
    realRaces,
    loginMs: summarize(durations),
    slowest,
    logLines: lines.length,
    mustBeZero: {
      secretsInOutput: countTextsWithSecrets([...lines, ...denyReasons], [FAUNA_SECRET, ...minted, ...claimSecrets]),
      usersWithSeveralDocuments: [...usersByAuth0Id.values()].filter((count) => count > 1).length,
      policyViolations,
      actionThrew,
      hangsNotAborted,
      claimsWithUnknownSecret: claimSecrets.filter((secret) => !minted.has(secret)).length,
    },
  };
}

/** What broke: every must-be-0 that is not 0. Empty when the soak passed. */
export function soakProblems(report: SoakReport): string[] {
  return Object.entries(report.mustBeZero)
    .filter(([, count]) => count !== 0)
    .map(([name, count]) => `${name}: ${count} (must be 0)`);
}
