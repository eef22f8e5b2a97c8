import { FakeFauna } from '../../fauna-in-process';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { FakeTenant, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_DOMAIN, type FakeTenantHooks, type TenantSeed } from '../../test/deploy/support/fake-tenant';
import { bundle } from '../../test/deploy/support/deploy-env';
import { runTestEndpoint } from './auth0-runtime';

/**
 * A tenant and a Fauna as a key rotation finds them after `setup:fauna` and `deploy:tenant`: the
 * in-process Fauna holding the project's schema and the two Action keys setup creates, and the
 * fake tenant running this checkout's bundles, bound, with those keys in their secrets and the
 * test endpoint running the draft for real. Shared by the rotation tests and the rotation soak.
 */
export const ROTATION_ADMIN_KEY = 'fnROTATION_ADMIN_KEY_never_printed_4f1c';
/** The Actions' endpoint as deployed (https: the deploy refuses http); the in-process Fauna answers it. */
export const ROTATION_FAUNA_ENDPOINT = 'https://fauna.rotation.test:8443';
export const ROTATION_NAMESPACE = 'https://app.example.com/';
export const ROTATION_CLIENTS = ['rotation-client-a', 'rotation-client-b'];

const postLogin = [{ id: 'post-login' as const, version: 'v3' }];
const postChangePassword = [{ id: 'post-change-password' as const, version: 'v2' }];

export interface RotationWorld {
  readonly fauna: FakeFauna;
  readonly tenant: FakeTenant;
  /** The environment deploy:tenant last deployed from, plus the admin key: what rotate:keys reads. */
  readonly env: Record<string, string>;
  readonly oldKeys: { readonly login: string; readonly revoke: string };
}

export interface RotationWorldOptions {
  readonly now?: () => number;
  /** The Fauna key cache (FakeFauna keyCacheMs); default none. */
  readonly keyCacheMs?: number;
  /** One key in both variables (setup:fauna --create-shared-key). */
  readonly shared?: boolean;
  /** Tenant hooks besides the test endpoint's (onDeploy, onRecord). */
  readonly hooks?: Omit<FakeTenantHooks, 'runTest'>;
  /** FAUNA_TIMEOUT_MS, set in the environment and deployed to both Actions; default unset (the Actions' 5 s). */
  readonly timeoutMs?: number;
  /** Changes to the tenant seed (e.g. another build deployed). */
  readonly seed?: (seed: TenantSeed) => TenantSeed;
}

export async function rotationWorld(options: RotationWorldOptions = {}): Promise<RotationWorld> {
  const fauna = new FakeFauna({ secrets: { [ROTATION_ADMIN_KEY]: 'admin' }, keyCacheMs: options.keyCacheMs, ...(options.now ? { now: options.now } : {}) });
  const applied = await applyProjectSchema(fauna, {
    adminSecret: ROTATION_ADMIN_KEY,
    keys: options.shared ? ['create-shared-key'] : ['create-action-key', 'create-revoke-key'],
  });
  const login = applied.keys[options.shared ? 'create-shared-key' : 'create-action-key'] ?? '';
  const revoke = applied.keys[options.shared ? 'create-shared-key' : 'create-revoke-key'] ?? '';
  const timeout: Record<string, string> = options.timeoutMs === undefined ? {} : { FAUNA_TIMEOUT_MS: String(options.timeoutMs) };
  const settings = { FAUNA_ENDPOINT: ROTATION_FAUNA_ENDPOINT, CLAIM_NAMESPACE: ROTATION_NAMESPACE, ALLOWED_CLIENT_IDS: ROTATION_CLIENTS.join(','), ...timeout };
  const seed: TenantSeed = {
    actions: [
      { name: 'audit-login', supported_triggers: postLogin },
      {
        name: 'fauna-login',
        supported_triggers: postLogin,
        code: bundle('fauna-login'),
        secrets: ['FAUNA_SECRET', 'FAUNA_ENDPOINT', 'CLAIM_NAMESPACE', 'ALLOWED_CLIENT_IDS', ...Object.keys(timeout)],
        secretValues: { FAUNA_SECRET: login, ...settings },
      },
      {
        name: 'revoke-fauna-secrets',
        supported_triggers: postChangePassword,
        code: bundle('revoke-fauna-secrets'),
        secrets: ['FAUNA_SECRET', 'FAUNA_ENDPOINT', ...Object.keys(timeout)],
        secretValues: { FAUNA_SECRET: revoke, FAUNA_ENDPOINT: ROTATION_FAUNA_ENDPOINT, ...timeout },
      },
    ],
    bindings: {
      'post-login': [{ action_name: 'audit-login' }, { action_name: 'fauna-login' }],
      'post-change-password': [{ action_name: 'revoke-fauna-secrets' }],
    },
  };
  const tenant = new FakeTenant(options.seed ? options.seed(seed) : seed, { ...options.hooks, runTest: runTestEndpoint });
  const env = {
    AUTH0_DOMAIN: TEST_DOMAIN,
    AUTH0_CLIENT_ID: TEST_CLIENT_ID,
    AUTH0_CLIENT_SECRET: TEST_CLIENT_SECRET,
    FAUNA_ADMIN_SECRET: ROTATION_ADMIN_KEY,
    FAUNA_SECRET: login,
    FAUNA_REVOKE_SECRET: revoke,
    ...settings,
  };
  return { fauna, tenant, env, oldKeys: { login, revoke } };
}
