import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { PostLoginApi, PostLoginEvent } from '../../actions/types/auth0-actions';
import { bundlePath, loadBundle, recordingPostLoginApi, staleSources } from '../../test/support/load-bundle';
import { DevError } from './dev-error';
import type { DevUser } from './users';

type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

/** What the dev login knows about one authentication, turned into Auth0's post-login event. */
export interface PostLoginInput {
  readonly user: DevUser;
  readonly client: { readonly client_id: string; readonly name: string };
  /** `oidc-basic-profile` for /authorize (login and silent renewal), `oauth2-refresh-token` for a refresh. */
  readonly protocol: 'oidc-basic-profile' | 'oauth2-refresh-token';
  readonly params: Readonly<Record<string, unknown>>;
  readonly request: {
    readonly ip: string;
    readonly hostname: string;
    readonly method: string;
    readonly userAgent?: string;
    readonly language?: string;
    readonly query: Readonly<Record<string, unknown>>;
  };
  /** oidc-provider's session id for logins at /authorize; none on refresh exchanges, as on Auth0. */
  readonly sessionId?: string;
  /** When the session's user last logged in (its first factor), epoch ms. */
  readonly authenticatedAt: number;
}

export type PostLoginResult =
  | { readonly kind: 'continue'; readonly idTokenClaims: Readonly<Record<string, unknown>>; readonly accessTokenClaims: readonly string[] }
  | { readonly kind: 'denied'; readonly reason: string };

export type RunPostLogin = (input: PostLoginInput) => Promise<PostLoginResult>;

const scopesOf = (params: Readonly<Record<string, unknown>>): string[] =>
  typeof params.scope === 'string' ? params.scope.split(' ').filter((s) => s !== '') : [];

const stringParam = (params: Readonly<Record<string, unknown>>, name: string): string | undefined =>
  typeof params[name] === 'string' ? (params[name] as string) : undefined;

/**
 * The built login Action's path. ERR_DEV_BUILD_MISSING when `npm run build` has not run,
 * ERR_DEV_BUILD_STALE when a file it was built from has changed since.
 */
export function assertLoginActionBuilt(): string {
  const file = bundlePath('fauna-login');
  if (!fs.existsSync(file)) {
    throw new DevError(
      'ERR_DEV_BUILD_MISSING',
      `${path.relative(process.cwd(), file)} is missing: run \`npm run build\` first (the dev login runs the built Action).`,
    );
  }
  const stale = staleSources('fauna-login');
  if (stale.length > 0) {
    throw new DevError(
      'ERR_DEV_BUILD_STALE',
      `${path.relative(process.cwd(), file)} is older than its sources (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}): run \`npm run build\`.`,
    );
  }
  return file;
}

/**
 * Loads the BUILT `dist/actions/fauna-login.js` once, as Auth0 loads an Action (a fresh CommonJS
 * scope with only Node built-ins; its module-level code runs once and is reused), and returns a
 * function that runs it with an event shaped like Auth0's post-login event (v3).
 */
export function loadPostLoginAction(secrets: Readonly<Record<string, string>>): RunPostLogin {
  const file = assertLoginActionBuilt();
  const handler = loadBundle('fauna-login').exports.onExecutePostLogin as OnExecutePostLogin | undefined;
  if (typeof handler !== 'function') {
    throw new DevError('ERR_DEV_BUILD_MISSING', `${file} does not export onExecutePostLogin: run \`npm run build\` again.`);
  }
  const loginsCount = new Map<string, number>();

  return async (input) => {
    const count = (loginsCount.get(input.user.user_id) ?? 0) + 1;
    loginsCount.set(input.user.user_id, count);
    const now = new Date().toISOString();
    const { id: _loginHintId, ...user } = input.user;
    // Shaped like Auth0's post-login event (v3); wider than the slice the Action reads.
    const event = {
      transaction: {
        id: `txn_${randomUUID().replace(/-/g, '')}`,
        locale: 'en',
        protocol: input.protocol,
        requested_scopes: scopesOf(input.params),
        redirect_uri: stringParam(input.params, 'redirect_uri'),
        response_mode: stringParam(input.params, 'response_mode') ?? 'query',
        response_type: (stringParam(input.params, 'response_type') ?? 'code').split(' '),
        state: stringParam(input.params, 'state'),
        ui_locales: [],
      },
      authentication: { methods: [{ name: 'pwd', timestamp: new Date(input.authenticatedAt).toISOString() }] },
      authorization: { roles: [] },
      connection: { id: 'con_dev_users', name: 'dev-users', strategy: 'auth0', metadata: {} },
      organization: null,
      tenant: { id: 'dev' },
      ...(input.sessionId === undefined ? {} : { session: { id: input.sessionId } }),
      client: { client_id: input.client.client_id, name: input.client.name, metadata: {} },
      request: {
        ip: input.request.ip,
        hostname: input.request.hostname,
        method: input.request.method,
        language: input.request.language,
        user_agent: input.request.userAgent,
        query: input.request.query,
        body: {},
      },
      stats: { logins_count: count },
      user: { ...user, created_at: now, updated_at: now, identities: [], app_metadata: {}, user_metadata: {}, multifactor: [] },
      // Auth0's refresh exchanges carry no session (event.refresh_token is Enterprise-only).
      secrets,
      configuration: {},
    };

    const recorder = recordingPostLoginApi();
    await handler(event, recorder.api as unknown as PostLoginApi);
    // A revoked session or refresh token also ends this login, with the reason given.
    const refusal = recorder.denials[0] ?? recorder.revocations[0]?.reason;
    if (refusal !== undefined) return { kind: 'denied', reason: refusal };
    return { kind: 'continue', idTokenClaims: recorder.idTokenClaims, accessTokenClaims: Object.keys(recorder.accessTokenClaims) };
  };
}
