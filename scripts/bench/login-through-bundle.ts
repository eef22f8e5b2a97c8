import { format } from 'node:util';
import { loadBundle, recordingPostLoginApi } from '../../test/support/load-bundle';
import type { ActionSecrets, PostLoginApi, PostLoginEvent } from '../../actions/types/auth0-actions';
import { FAUNA_ENDPOINT, FAUNA_SECRET } from './fauna-in-process';

export type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

export const CLAIM_NAMESPACE = 'https://app.example.com/';
export const SECRET_CLAIM = `${CLAIM_NAMESPACE}fauna_secret`;

/** The built login Action, loaded as Auth0 loads it (fresh CJS scope, Node built-ins only). */
export function loadLoginAction(): OnExecutePostLogin {
  const handler = loadBundle('fauna-login').exports.onExecutePostLogin;
  if (typeof handler !== 'function') throw new Error('dist/actions/fauna-login.js does not export onExecutePostLogin');
  return handler as OnExecutePostLogin;
}

export function loginSecrets(overrides: ActionSecrets = {}): ActionSecrets {
  return {
    FAUNA_SECRET,
    FAUNA_ENDPOINT,
    CLAIM_NAMESPACE,
    // Every client the bench and soak log in through.
    ALLOWED_CLIENT_IDS: ['bench-client', 'soak-heap-probe', 'soak-client-0', 'soak-client-1', 'soak-client-2'].join(','),
    ...overrides,
  };
}

/** A post-login event as Auth0 sends it, for user number `n`. */
export function loginEvent(n: number, secrets: ActionSecrets, clientId = 'bench-client'): PostLoginEvent {
  return {
    user: { user_id: `auth0|bench-user-${n}`, email: `user${n}@example.com`, email_verified: true, name: `Bench User ${n}` },
    client: { client_id: clientId, name: 'Bench App' },
    transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile', 'email'] },
    secrets,
  };
}

export type LoginResult = 'claims' | 'denied' | 'continued';

export interface LoginRun {
  readonly result: LoginResult;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly denials: readonly string[];
}

/** Runs one login through the Action with a recording api and says how it ended. */
export async function runLogin(action: OnExecutePostLogin, event: PostLoginEvent): Promise<LoginRun> {
  const recorder = recordingPostLoginApi();
  await action(event, recorder.api as PostLoginApi);
  const result: LoginResult =
    recorder.denials.length > 0 ? 'denied' : typeof recorder.idTokenClaims[SECRET_CLAIM] === 'string' ? 'claims' : 'continued';
  return { result, claims: recorder.idTokenClaims, denials: recorder.denials };
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';
const CONSOLE_METHODS: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];

/**
 * Routes console output to `sink` until the returned restore() is called: the Action logs a line
 * per login, which must be inspected (soak) or kept off the terminal (bench), not printed.
 */
export function captureConsole(sink: (line: string) => void): () => void {
  const saved = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  for (const method of CONSOLE_METHODS) {
    console[method] = (...args: unknown[]) => sink(format(...args));
  }
  return () => {
    for (const [method, original] of saved) console[method] = original;
  };
}
