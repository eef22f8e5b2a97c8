/**
 * The latency the server-side mode adds: the same notes query, from the browser's side of the
 * wire, made two ways against one `npm run dev -- --server` started in this process (dev login,
 * in-process Fauna, both example apps, all on loopback): straight to Fauna with the user's secret,
 * as the single-page app does; and as `GET /api/notes` to the server-side example, which runs the
 * same query with the secret from its session. Interleaved, so both see the same machine load.
 */
import { randomUUID } from 'node:crypto';
import faunadb from 'faunadb';
import { FaunaSession } from 'auth0-fauna-client';
import { DEV_CLIENT_ID, startDev } from '../dev';
import { authorize, discover, tokenRequest } from '../../test/e2e/support/code-flow';
import { summarize, type Summary } from './percentiles';

const { query: q } = faunadb;

export interface ServerHopReport {
  readonly requests: number;
  /** Browser mode: the page's FaunaSession.query straight to Fauna. */
  readonly direct: Summary;
  /** Server mode: GET /api/notes to the server-side example, which queries Fauna. */
  readonly throughServer: Summary;
}

/** Cookies of localhost (the dev apps and login share the host; cookies ignore ports). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(response: globalThis.Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now());
      if (expired || pair.slice(eq + 1) === '') this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }
}

/** Logs `user` in to the server-side example as a browser would: its /login, the login page, back. */
async function serverLogin(serverUrl: string, user: string): Promise<CookieJar> {
  const jar = new CookieJar();
  let next = new URL('/login', serverUrl);
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await fetch(next, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: form?.toString(),
    });
    jar.take(response);
    form = undefined;
    const location = response.headers.get('location');
    if (location !== null) {
      next = new URL(location, next);
      continue;
    }
    const page = await response.text();
    if (next.origin === serverUrl && next.pathname === '/' && response.status === 200) return jar;
    // The dev login's page: one button per test user, posted to /interaction/<uid>/login.
    const action = /<form method="post" action="(\/interaction\/[^"]+\/login)">/.exec(page)?.[1];
    if (action === undefined) throw new Error(`server login: ${next.pathname} answered HTTP ${response.status} without a login form`);
    next = new URL(action, next);
    form = new URLSearchParams({ user });
  }
  throw new Error('server login: too many hops');
}

/** Claims of a code-flow login of `user` for the single-page app's client (login_hint, no page). */
async function spaClaims(loginUrl: string, appUrl: string, user: string): Promise<Record<string, unknown>> {
  const discovery = await discover(loginUrl);
  const redirectUri = `${appUrl}/`;
  const flow = await authorize(discovery, { clientId: DEV_CLIENT_ID, redirectUri, loginHint: user, scope: 'openid profile email' });
  const tokens = await tokenRequest(discovery, {
    grant_type: 'authorization_code',
    code: flow.callback.searchParams.get('code') ?? '',
    redirect_uri: redirectUri,
    client_id: DEV_CLIENT_ID,
    code_verifier: flow.codeVerifier,
  });
  const idToken = String(tokens.body.id_token);
  return JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export async function compareServerHop(options: { requests: number }): Promise<ServerHopReport> {
  const dev = await startDev({ env: { DEV_APP_PORT: '0', DEV_LOGIN_PORT: '0', DEV_FAUNA_PORT: '0', DEV_SERVER_PORT: '0' }, server: true, log: () => undefined });
  try {
    const serverUrl = dev.serverUrl as string;
    const jar = await serverLogin(serverUrl, 'alice');
    const fauna = FaunaSession.fromClaims(await spaClaims(dev.loginUrl, dev.appUrl, 'alice'), {
      endpoint: dev.faunaUrl,
      namespace: dev.claimNamespace,
      tabSync: false,
      renew: async () => {
        throw new Error('the measurement is shorter than a secret lives');
      },
    });
    const notes = q.Map(q.Paginate(q.Match(q.Index('notes_by_owner'), q.Call(q.Function('current_user'))), { size: 100 }), q.Lambda('ref', q.Get(q.Var('ref'))));
    await fauna.query(q.Create(q.Collection('notes'), { data: { owner: q.Call(q.Function('current_user')), text: `bench ${randomUUID()}` } }));
    const viaServer = async () => {
      const response = await fetch(new URL('/api/notes', serverUrl), { headers: { cookie: jar.header() } });
      if (response.status !== 200) throw new Error(`GET /api/notes answered HTTP ${response.status}`);
      await response.json();
    };
    const direct: number[] = [];
    const throughServer: number[] = [];
    const time = async (run: () => Promise<unknown>, into: number[]) => {
      const started = process.hrtime.bigint();
      await run();
      into.push(Number(process.hrtime.bigint() - started) / 1e6);
    };
    // Warm both paths (connections, JIT, the server's discovery and JWKS) before counting.
    for (let i = 0; i < 20; i += 1) {
      await fauna.query(notes);
      await viaServer();
    }
    for (let i = 0; i < options.requests; i += 1) {
      await time(() => fauna.query(notes), direct);
      await time(viaServer, throughServer);
    }
    return { requests: options.requests, direct: summarize(direct), throughServer: summarize(throughServer) };
  } finally {
    await dev.stop();
  }
}
