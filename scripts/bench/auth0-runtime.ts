import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { FakeVersion, TestRunRequest } from '../../test/deploy/support/fake-tenant';
import { loadBundleCode, recordingPostLoginApi } from '../../test/support/load-bundle';
import type { PostLoginApi, PostLoginEvent } from '../../actions/types/auth0-actions';

/**
 * Auth0 as a key rotation meets it, over the fake tenant (test/deploy/support/fake-tenant.ts):
 * each deployed version of an Action runs in instances of its own (a fresh load of its code,
 * whose module-level Fauna client then holds that version's key), and an execution runs to its
 * end on the version it started on. A new version takes `propagationMs` to reach every
 * execution that starts after its deploy (Auth0 does not document how long that is; the
 * rotation's margin is for it). And the test endpoint runs an Action's draft with the draft's
 * secrets, answering `{payload: {commands, logs}}` as smoke:tenant reads it.
 */

type Handler = (event: Record<string, unknown>, api: unknown) => Promise<void>;

export interface RunningVersion {
  readonly number: number;
  /** When the deploy happened (ms on the runtime's clock); the first version counts as always there. */
  readonly deployedAt: number;
  readonly secrets: Readonly<Record<string, string>>;
  /** When executions starting from now on get it (ms on the runtime's clock). */
  readonly effectiveAt: number;
  readonly handler: Handler;
}

const HANDLERS: Readonly<Record<string, string>> = {
  'fauna-login': 'onExecutePostLogin',
  'revoke-fauna-secrets': 'onExecutePostChangePassword',
};

function handlerOf(action: string, code: string): Handler {
  const name = HANDLERS[action];
  const handler = name === undefined ? undefined : loadBundleCode(action, code).exports[name];
  if (typeof handler !== 'function') throw new Error(`${action}: its code exports no ${name ?? 'known handler'}`);
  return handler as Handler;
}

// Console lines of the execution in whose async context they are written: the test endpoint
// answers each run's own logs, while other executions keep logging elsewhere.
const currentLog = new AsyncLocalStorage<string[]>();
let routed = 0;
let restore: (() => void) | undefined;

async function withOwnLog<T>(work: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  if (routed === 0) {
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const saved = methods.map((m) => [m, console[m]] as const);
    for (const [method, original] of saved) {
      console[method] = (...args: unknown[]) => {
        const lines = currentLog.getStore();
        if (lines) lines.push(format(...args));
        else original(...args);
      };
    }
    restore = () => {
      for (const [method, original] of saved) console[method] = original;
    };
  }
  routed += 1;
  const lines: string[] = [];
  try {
    return { value: await currentLog.run(lines, work), lines };
  } finally {
    routed -= 1;
    if (routed === 0) restore?.();
  }
}

export interface ExecutionResult {
  /** The deployed version the execution ran on. */
  readonly version: number;
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  readonly denials: readonly string[];
  /** It threw: Auth0 would fail the login with an error page. */
  readonly threw: boolean;
}

export class ActionRuntime {
  private readonly versions = new Map<string, RunningVersion[]>();
  private readonly now: () => number;

  constructor(private readonly options: { readonly propagationMs: number; readonly now?: () => number }) {
    this.now = options.now ?? (() => performance.now());
  }

  /** The fake tenant's onDeploy hook: a new version, reaching new executions after the propagation delay. */
  readonly deployed = (action: string, version: FakeVersion, secrets: Readonly<Record<string, string>>): void => {
    // Only ours run here; the tenant's other Actions (an audit Action, say) are not modelled.
    if (!(action in HANDLERS)) return;
    const list = this.versions.get(action) ?? [];
    const deployedAt = list.length === 0 ? Number.NEGATIVE_INFINITY : this.now();
    list.push({ number: version.number, secrets: { ...secrets }, deployedAt, effectiveAt: deployedAt + this.options.propagationMs, handler: handlerOf(action, version.code) });
    this.versions.set(action, list);
  };

  /** Every version of the Action deployed so far, oldest first. */
  history(action: string): readonly RunningVersion[] {
    return this.versions.get(action) ?? [];
  }

  /** The version an execution starting now runs. */
  versionNow(action: string): RunningVersion {
    const now = this.now();
    const list = this.versions.get(action) ?? [];
    const current = [...list].reverse().find((v) => v.effectiveAt <= now);
    if (current === undefined) throw new Error(`${action} has no deployed version`);
    return current;
  }

  /** One post-login execution as Auth0 runs it: the version in effect when it starts, that version's secrets, to the end. */
  async login(event: Omit<PostLoginEvent, 'secrets'>): Promise<ExecutionResult> {
    const version = this.versionNow('fauna-login');
    const recorder = recordingPostLoginApi();
    try {
      await version.handler({ ...event, secrets: version.secrets }, recorder.api as PostLoginApi);
      return { version: version.number, idTokenClaims: recorder.idTokenClaims, denials: recorder.denials, threw: false };
    } catch {
      return { version: version.number, idTokenClaims: recorder.idTokenClaims, denials: recorder.denials, threw: true };
    }
  }
}

/**
 * The Management API's test endpoint: runs the draft's code with the draft's secrets on the given
 * event, answering as Auth0 does: `{payload: {commands, logs}}`, or `{payload: {error}}` when the
 * Action threw.
 */
export async function runTestEndpoint(run: TestRunRequest): Promise<{ status: number; body: unknown }> {
  const handler = handlerOf(run.action, run.code);
  const event = { ...((run.payload as Record<string, unknown> | undefined) ?? {}), secrets: run.secrets };
  const recorder = recordingPostLoginApi();
  const { value: error, lines } = await withOwnLog(async () => {
    try {
      await handler(event, run.action === 'fauna-login' ? recorder.api : {});
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  });
  const logs = lines.map((line) => `${line}\n`).join('');
  if (error !== undefined) return { status: 200, body: { payload: { error: { id: 'a0-test-error', msg: error }, logs } } };
  const commands = [
    ...Object.entries(recorder.idTokenClaims).map(([key, value]) => ({ name: 'SetCustomClaim', target: 'idToken', key, value })),
    ...Object.entries(recorder.accessTokenClaims).map(([key, value]) => ({ name: 'SetCustomClaim', target: 'accessToken', key, value })),
    ...recorder.denials.map((reason) => ({ name: 'Deny', reason })),
  ];
  return { status: 200, body: { payload: { commands, logs, stats: { action_duration_ms: 0 } } } };
}
