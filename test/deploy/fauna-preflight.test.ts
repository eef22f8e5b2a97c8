import { LOGIN_PREFLIGHT, REVOKE_PREFLIGHT, runPreflight } from '../../scripts/deploy/fauna-preflight';
import { preflightFauna, type PreflightFaunaState } from './support/preflight-fauna';

/**
 * The deploy's Fauna preflight against the in-process Fauna (the core's answers): each key calls
 * its function with arguments the function must refuse. Only the expected abort passes; every
 * other answer names what is wrong, and no answer writes anything.
 */
const LOGIN_KEY = 'fnPREFLIGHT-login-key-never-printed-3c4d';
const REVOKE_KEY = 'fnPREFLIGHT-revoke-key-never-printed-8e1f';
const ENDPOINT = 'https://fauna.example.com:8443';

async function preflight(state: PreflightFaunaState, secrets = { login: LOGIN_KEY, revoke: REVOKE_KEY }) {
  const fauna = await preflightFauna(state, { login: LOGIN_KEY, revoke: REVOKE_KEY });
  const writesBefore = fauna.fake.stats.writes;
  const login = await runPreflight(LOGIN_PREFLIGHT, { endpoint: ENDPOINT, secret: secrets.login, fetch: fauna.fetch });
  const revoke = await runPreflight(REVOKE_PREFLIGHT, { endpoint: ENDPOINT, secret: secrets.revoke, fetch: fauna.fetch });
  expect(fauna.fake.stats.writes).toBe(writesBefore);
  for (const result of [login, revoke]) expect(JSON.stringify(result)).not.toMatch(/fnPREFLIGHT/);
  return { login, revoke, fauna };
}

describe('the Fauna preflight', () => {
  it('passes when each function exists, each key may call its own, and both refuse bad arguments', async () => {
    const { login, revoke, fauna } = await preflight('ready');
    expect(login).toEqual({ ok: true, detail: 'FAUNA_SECRET may call login(), and it validates its arguments' });
    expect(revoke).toEqual({ ok: true, detail: 'FAUNA_REVOKE_SECRET may call revoke_user(), and it validates its arguments' });
    // Each with its own key: the login key for login(), the revoke key for revoke_user().
    expect(fauna.authorizations).toEqual([`Bearer ${LOGIN_KEY}`, `Bearer ${REVOKE_KEY}`]);
  });

  it('names the missing function and what to run', async () => {
    const { login, revoke } = await preflight('no-functions');
    expect(login).toEqual({ ok: false, problem: 'the database has no function login (400 invalid ref): run `npm run setup:fauna` with this code (it adds the functions and their roles)' });
    expect(revoke).toMatchObject({ ok: false, problem: expect.stringMatching(/^the database has no function revoke_user \(400 invalid ref\)/) });
  });

  it('names a key whose role may not call its function', async () => {
    const { login } = await preflight('no-call');
    expect(login).toEqual({
      ok: false,
      problem:
        "FAUNA_SECRET (fauna-login's key) may not call login() (403 permission denied): run `npm run setup:fauna` with this code (it adds the functions and their roles), and check FAUNA_SECRET holds the key made for fauna-login",
    });
  });

  it('names the revoke key given where the login key belongs: it may not call login()', async () => {
    const { login, revoke } = await preflight('ready', { login: REVOKE_KEY, revoke: REVOKE_KEY });
    expect(login).toMatchObject({ ok: false, problem: expect.stringContaining("FAUNA_SECRET (fauna-login's key) may not call login() (403 permission denied)") });
    expect(revoke).toMatchObject({ ok: true });
  });

  it('names a key Fauna does not know', async () => {
    const { login } = await preflight('ready', { login: 'fnPREFLIGHT-unknown-key', revoke: REVOKE_KEY });
    expect(login).toEqual({ ok: false, problem: "FAUNA_SECRET (fauna-login's key) is not a valid key for FAUNA_ENDPOINT (401 unauthorized): create it with npm run setup:fauna and set it (after npm run rotate:keys, set the new values from its key file: the old keys are deleted)" });
  });

  it('refuses a function that accepts arguments it must refuse, or refuses them in another way', async () => {
    expect((await preflight('accepts-anything')).login).toMatchObject({ ok: false, problem: expect.stringMatching(/^login\(\) accepted arguments it must refuse/) });
    expect((await preflight('other-abort')).login).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^login\(\) refused its test arguments differently than this code expects \("bad input"\)/),
    });
  });

  it('names the endpoint it could not reach, and the cause', async () => {
    const unreachable: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND fauna.example.com'), { code: 'ENOTFOUND' }) });
    };
    const result = await runPreflight(LOGIN_PREFLIGHT, { endpoint: ENDPOINT, secret: LOGIN_KEY, fetch: unreachable });
    expect(result).toEqual({
      ok: false,
      problem: 'could not reach fauna.example.com:8443 (getaddrinfo ENOTFOUND fauna.example.com); check FAUNA_ENDPOINT and that the server is up',
    });
  });
});
