import { query as q, type Client, type Expr } from 'faunadb';
import type { FakeFauna } from '../../fauna-in-process';
import { buildLoginQuery, isLoginQueryResult } from '../../actions/fauna-login/login-query';
import { createFaunaClient, type FetchLike } from '../../actions/lib/fauna-client';
import { MAX_LIVE_LOGINS_PER_USER } from '../../actions/lib/login-contract';
import { AUTH0_JWT_COLLECTION } from '../../actions/lib/schema-names';
import { revokeUserSecrets } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import { buildDirectLoginQuery, isDirectLoginResult } from './direct-login-query';
import { FAUNA_ENDPOINT, FAUNA_SECRET } from './fauna-in-process';
import { captureConsole, loadLoginAction, loginEvent, loginSecrets, runLogin, SECRET_CLAIM } from './login-through-bundle';
import { summarize, type Summary } from './percentiles';

/** What one flow of logins costs: Fauna requests and documents written per login, wall time per login. */
export interface LoginFlowCost {
  readonly logins: number;
  readonly requestsPerLogin: number;
  readonly writesPerLogin: number;
  /** Wall time per login: the driver and the in-process Fauna evaluating it, milliseconds. */
  readonly wallMs: Summary;
}

export interface CapAndRevokeReport {
  readonly cap: number;
  /** One user at the cap logging in again and again: `login` (the cap's eviction included) beside the previous version's query (no cap). */
  readonly steadyState: { readonly withCap: LoginFlowCost; readonly previousQuery: LoginFlowCost };
  /** One user logging in `logins` times through the built Action, then revoked. */
  readonly manyLogins: {
    readonly logins: number;
    readonly wallMs: Summary;
    readonly liveAfter: number;
    /** Secrets of logins the cap ended, sampled: each refused (401), its token gone. */
    readonly evicted: { readonly checked: number; readonly refused: number; readonly tokensLeft: number };
    /** The newest `cap` secrets, all working before the revocation. */
    readonly newestLiveBefore: number;
    readonly revoke: { readonly requests: number; readonly logins: number; readonly secrets: number; readonly wallMs: number };
    /** After the revocation: the sample and the newest `cap` secrets, each refused (401). */
    readonly afterRevoke: { readonly checked: number; readonly refused: number };
  };
}

const TTL_SECONDS = 36_000;
const SAMPLE = 200;

/** How a secret fares: works, or refused with 401 (anything else is a bench failure). */
async function answers(fake: FakeFauna, secret: string): Promise<'works' | 'refused'> {
  const response = await fake.handle({ body: JSON.stringify(q.Get(q.CurrentIdentity())), authorization: `Bearer ${secret}` });
  if (response.status === 200) return 'works';
  if (response.status === 401) return 'refused';
  throw new Error(`a secret answered HTTP ${response.status}, neither 200 nor 401`);
}

/** Every `step`-th of `items`, `count` of them at most. */
function spread<T>(items: readonly T[], count: number): T[] {
  const step = Math.max(1, Math.floor(items.length / count));
  return items.filter((_, i) => i % step === 0).slice(0, count);
}

/**
 * One user logging in `logins` times, one flow per in-process Fauna so that neither's documents
 * slow the other's reads, interleaved login by login so machine noise hits both alike: `login`
 * with the cap (the user at 100 live logins after the first 100, so each login also ends one)
 * against the previous version's query, which keeps every login.
 */
async function steadyState(faunas: { readonly withCap: FakeFauna; readonly previous: FakeFauna }, logins: number): Promise<CapAndRevokeReport['steadyState']> {
  const client = (fake: FakeFauna): Client => createFaunaClient({ faunaEndpoint: FAUNA_ENDPOINT, faunaSecret: FAUNA_SECRET }, fake.fetch as FetchLike);
  const flows = [
    { fake: faunas.withCap, client: client(faunas.withCap), query: (): Expr => buildLoginQuery({ auth0UserId: 'auth0|bench-steady', clientId: 'bench-client', ttlSeconds: TTL_SECONDS }), ok: isLoginQueryResult },
    { fake: faunas.previous, client: client(faunas.previous), query: (): Expr => buildDirectLoginQuery({ auth0UserId: 'auth0|bench-steady', clientId: 'bench-client', ttlSeconds: TTL_SECONDS }), ok: isDirectLoginResult },
  ];
  // Fill the cap first: the flows are compared where the cap works on every login.
  for (const flow of flows) for (let i = 0; i < MAX_LIVE_LOGINS_PER_USER; i += 1) await flow.client.query(flow.query());
  const samples = flows.map(() => [] as number[]);
  const before = flows.map((flow) => ({ requests: flow.fake.stats.requests, writes: flow.fake.stats.writes }));
  for (let i = 0; i < logins; i += 1) {
    for (const [f, flow] of flows.entries()) {
      const started = performance.now();
      const result = await flow.client.query(flow.query());
      samples[f].push(performance.now() - started);
      if (!flow.ok(result)) throw new Error('a steady-state login answered without a secret');
    }
  }
  const cost = (f: number): LoginFlowCost => ({
    logins,
    requestsPerLogin: (flows[f].fake.stats.requests - before[f].requests) / logins,
    writesPerLogin: (flows[f].fake.stats.writes - before[f].writes) / logins,
    wallMs: summarize(samples[f]),
  });
  return { withCap: cost(0), previousQuery: cost(1) };
}

/**
 * The revocation that cannot be outrun: one user logs in `logins` times through the built
 * Action (every page load of a long day, or someone holding a stolen session), then a password
 * change revokes. With the cap the user holds 100 logins at the end, whatever `logins` is, so the
 * revocation is one call of revoke_user; every secret, sampled and the newest 100, answers 401.
 */
async function manyLogins(fake: FakeFauna, logins: number): Promise<CapAndRevokeReport['manyLogins']> {
  const savedFetch = globalThis.fetch;
  globalThis.fetch = fake.fetch as typeof globalThis.fetch;
  const restoreConsole = captureConsole(() => undefined);
  try {
    const action = loadLoginAction();
    const secrets = loginSecrets({ FAUNA_SECRET_TTL: String(TTL_SECONDS) });
    const event = loginEvent(9_000_000, secrets);
    const minted: string[] = [];
    const wall: number[] = [];
    for (let i = 0; i < logins; i += 1) {
      const started = performance.now();
      const run = await runLogin(action, event);
      wall.push(performance.now() - started);
      const secret = run.claims[SECRET_CLAIM];
      if (run.result !== 'claims' || typeof secret !== 'string') throw new Error(`login ${i + 1} of ${logins} ended ${run.result}`);
      minted.push(secret);
    }
    const newest = minted.slice(-MAX_LIVE_LOGINS_PER_USER);
    const evictedSample = spread(minted.slice(0, -MAX_LIVE_LOGINS_PER_USER), SAMPLE);
    const liveAfter = fake.documents(AUTH0_JWT_COLLECTION).length;
    const sampled = new Set(evictedSample);
    const tokensLeft = fake.tokens().filter((token) => sampled.has(token.secret)).length;
    let evictedRefused = 0;
    for (const secret of evictedSample) if ((await answers(fake, secret)) === 'refused') evictedRefused += 1;
    let newestLive = 0;
    for (const secret of newest) if ((await answers(fake, secret)) === 'works') newestLive += 1;

    const requestsBefore = fake.stats.requests;
    const started = performance.now();
    const outcome = await revokeUserSecrets(event.user.user_id, () => ({ faunaEndpoint: FAUNA_ENDPOINT, faunaSecret: FAUNA_SECRET, timeoutMs: 9_000 }), {
      fetch: fake.fetch as FetchLike,
      log: () => undefined,
    });
    const revokeMs = performance.now() - started;
    if (outcome.kind !== 'revoked') throw new Error(`the revocation ended ${outcome.kind}`);
    const revokeRequests = fake.stats.requests - requestsBefore;

    const afterSample = [...evictedSample, ...newest];
    let afterRefused = 0;
    for (const secret of afterSample) if ((await answers(fake, secret)) === 'refused') afterRefused += 1;
    return {
      logins,
      wallMs: summarize(wall),
      liveAfter,
      evicted: { checked: evictedSample.length, refused: evictedRefused, tokensLeft },
      newestLiveBefore: newestLive,
      revoke: { requests: revokeRequests, logins: outcome.logins, secrets: outcome.secrets, wallMs: revokeMs },
      afterRevoke: { checked: afterSample.length, refused: afterRefused },
    };
  } finally {
    restoreConsole();
    globalThis.fetch = savedFetch;
  }
}

export async function measureCapAndRevoke(
  faunas: { readonly withCap: FakeFauna; readonly previous: FakeFauna; readonly many: FakeFauna },
  options: { readonly steadyLogins: number; readonly logins: number },
): Promise<CapAndRevokeReport> {
  return {
    cap: MAX_LIVE_LOGINS_PER_USER,
    steadyState: await steadyState(faunas, options.steadyLogins),
    manyLogins: await manyLogins(faunas.many, options.logins),
  };
}
