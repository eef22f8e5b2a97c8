import { query as q, type Client } from 'faunadb';
import { AUTH0_JWT_COLLECTION } from '../../actions/lib/schema-names';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { loginClaims } from '../../actions/fauna-login/claims';
import { buildLoginQuery, type LoginQueryResult } from '../../actions/fauna-login/login-query';
import { FakeFauna } from '../../fauna-in-process';
import { runSetup } from '../../scripts/setup-fauna';
import { TEST_ENDPOINT } from '../support/fauna-wire';

export const NAMESPACE = 'https://app.example.com/';
/** The `iss` of every ID token the fixture's logins stand for. */
export const ISSUER = 'https://tenant.example.com/';
export const START = Date.UTC(2026, 10, 29, 12, 0, 0);

/**
 * The in-process Fauna with the project's whole schema (applied by setup:fauna's own code), a
 * clock the test moves, and logins minted by the login Action's own query: what an app holding
 * an ID token from Auth0 meets.
 */
export interface LoginFixture {
  readonly fake: FakeFauna;
  readonly clock: { now: number };
  readonly admin: Client;
  /** Every secret minted, to check that no error or log carries one. */
  readonly minted: string[];
  /** Claims of a new login of `user`, as the Action puts them in the ID token. */
  login(user?: string, ttlSeconds?: number): Promise<Record<string, unknown>>;
  /** A raw client for `secret`, to see what Fauna itself says about it. */
  clientFor(secret: string): Client;
  /** What revoke:user or a password change does: every login's auth0_jwt document goes. */
  revokeAllLogins(): Promise<void>;
}

export async function createLoginFixture(): Promise<LoginFixture> {
  const clock = { now: START };
  // Token records cached as the core caches them: logout must not depend on deleting tokens.
  const fake = new FakeFauna({ now: () => clock.now, tokenCacheMs: 60_000 });
  const lines: string[] = [];
  const deps = { env: { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: fake.adminSecret }, fetch: fake.fetch, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  if ((await runSetup([], deps)) !== 0) throw new Error(`setup:fauna failed against the in-process Fauna:\n${lines.join('\n')}`);
  const admin = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: fake.adminSecret }, fake.fetch);
  const minted: string[] = [];
  return {
    fake,
    clock,
    admin,
    minted,
    async login(user = 'auth0|alice', ttlSeconds = 3600) {
      const result = await admin.query<LoginQueryResult>(buildLoginQuery({ auth0UserId: user, name: user, clientId: 'spa', ttlSeconds }));
      minted.push(result.secret);
      // iat: the ID token is issued as the Action mints the secret.
      return { iss: ISSUER, sub: user, aud: 'spa', iat: Math.floor(clock.now / 1000), ...loginClaims(NAMESPACE, result.secret, result.exp) };
    },
    clientFor: (secret) => createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: secret }, fake.fetch),
    async revokeAllLogins() {
      await admin.query(q.Map(q.Paginate(q.Documents(q.Collection(AUTH0_JWT_COLLECTION))), q.Lambda('ref', q.Delete(q.Var('ref')))));
    },
  };
}

/** A fetch that notes the bearer of every request before passing it on. */
export function recordingFetch(inner: typeof globalThis.fetch, bearers: string[]): typeof globalThis.fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    bearers.push((headers.get('authorization') ?? '').replace(/^Bearer /, ''));
    return inner(input, init);
  };
}

/** Everything an error says, its causes included, as one string. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const e = current as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; cause?: unknown };
    parts.push(String(e.name), String(e.code), String(e.message), String(e.stack));
    current = e.cause;
  }
  return parts.join('\n');
}

export function expectNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** Resolves when `promise` rejects, with what it rejected with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** A promise the test resolves when it chooses: holds a renewal or a request in flight. */
export function gate(): { readonly opened: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
