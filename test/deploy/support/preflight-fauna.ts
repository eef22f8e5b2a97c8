import { query as q } from 'faunadb';
import { createFaunaClient } from '../../../actions/lib/fauna-client';
import { FakeFauna } from '../../../fauna-in-process';

/**
 * An in-process Fauna (fauna-in-process/, answering as the open-source core does) holding the two
 * functions the deploy's preflight calls, as the schema of the keys-and-revocation work declares
 * them: `login(args)` and `revoke_user(id)`, each refusing bad arguments with `Abort` and a known
 * prefix, and a call-only role per Action's key. Variants break it the ways a real database can be
 * out of step with this code.
 */
export type PreflightFaunaState =
  /** Both functions, and keys that may call them. */
  | 'ready'
  /** No functions (setup:fauna never run with this code). */
  | 'no-functions'
  /** The functions exist, but the keys' roles may not call them. */
  | 'no-call'
  /** login() takes any arguments without complaint (a schema this code does not know). */
  | 'accepts-anything'
  /** login() aborts with another message (an older or newer schema). */
  | 'other-abort';

export interface PreflightFauna {
  readonly fake: FakeFauna;
  /** A fetch for the deploy: the test's keys stand for the keys made here. */
  readonly fetch: typeof globalThis.fetch;
  /** Every request's Authorization header as the deploy sent it (before the stand-in swap). */
  readonly authorizations: string[];
}

const ENDPOINT = 'http://127.0.0.1:8443';

export async function preflightFauna(state: PreflightFaunaState, keys: { login: string; revoke: string }): Promise<PreflightFauna> {
  // Only this admin key and the keys made below authenticate: any other secret is 401.
  const fake = new FakeFauna({ now: () => Date.UTC(2030, 0, 1), secrets: { fnPREFLIGHT_FAUNA_ADMIN: 'admin' } });
  const admin = createFaunaClient({ faunaEndpoint: ENDPOINT, faunaSecret: fake.adminSecret }, fake.fetch);
  const abort = (prefix: string) =>
    state === 'accepts-anything' && prefix.startsWith('invalid login') ? q.Query(q.Lambda('args', true)) : q.Query(q.Lambda('args', q.Abort(state === 'other-abort' ? 'bad input' : `${prefix} a required field is missing`)));
  if (state !== 'no-functions') {
    await admin.query(q.CreateFunction({ name: 'login', body: abort('invalid login arguments:') }));
    await admin.query(q.CreateFunction({ name: 'revoke_user', body: abort('invalid revoke arguments:') }));
  }
  const callable = (fn: string) => (state === 'no-functions' || state === 'no-call' ? [] : [{ resource: q.Function(fn), actions: { call: true } }]);
  await admin.query(q.CreateRole({ name: 'login_caller', privileges: callable('login') }));
  await admin.query(q.CreateRole({ name: 'revoke_caller', privileges: callable('revoke_user') }));
  const loginKey = (await admin.query<{ secret: string }>(q.CreateKey({ role: q.Role('login_caller') }))).secret;
  const revokeKey = (await admin.query<{ secret: string }>(q.CreateKey({ role: q.Role('revoke_caller') }))).secret;
  const standIns = new Map([
    [`Bearer ${keys.login}`, `Bearer ${loginKey}`],
    [`Bearer ${keys.revoke}`, `Bearer ${revokeKey}`],
  ]);
  const authorizations: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const sent = headers.get('authorization') ?? '';
    authorizations.push(sent);
    headers.set('authorization', standIns.get(sent) ?? sent);
    return fake.fetch(input, { ...init, headers });
  };
  return { fake, fetch, authorizations };
}
