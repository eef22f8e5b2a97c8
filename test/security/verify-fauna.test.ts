/**
 * `npm run verify:fauna` against the in-process Fauna served over HTTP on 127.0.0.1, set up by
 * setup:fauna's own code: it passes on a fresh setup, fails with the right FAIL lines when a role
 * is widened by hand, says to run setup when the schema is missing, and leaves the data exactly as
 * it found it: after a pass, a failure, and an interruption (in process and by a real SIGINT).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { query as q } from 'faunadb';
import nock from 'nock';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { FakeFauna } from '../../fauna-in-process';
import { serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { runSetup } from '../../scripts/setup-fauna';
import { EXIT_INTERRUPTED, runVerify } from '../../scripts/verify-fauna';
import { SECURITY_CHECKS } from '../../scripts/verify/checks';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { applyPreviousVersion } from '../support/previous-version';
import { dataSnapshot } from './support/data-snapshot';
import { ADMIN_KEY, applyByHand, startSecuredFauna, type SecuredFauna } from './support/secured-fauna';
import { WIDENINGS } from './support/widenings';

let secured: SecuredFauna;
let served: ServedFauna;

/** Any Fauna secret the fake hands out (keys and tokens) starts with "fn". */
const SECRET_LIKE = /\bfn[A-Za-z0-9_-]{20,}/;

async function serve(fake: FakeFauna): Promise<void> {
  served = await serveInProcessFauna(fake);
}

beforeEach(() => {
  // The served Fauna is real HTTP on loopback; everything else stays blocked.
  nock.enableNetConnect('127.0.0.1');
});

afterEach(async () => {
  await served?.close();
  nock.disableNetConnect();
});

async function verify(options: { env?: Record<string, string>; signal?: AbortSignal; fetch?: typeof globalThis.fetch } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerify([], {
    env: { FAUNA_ENDPOINT: served.url, FAUNA_ADMIN_SECRET: ADMIN_KEY, ...options.env },
    fetch: options.fetch,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    signal: options.signal,
    // The expiry and logout checks wait on the fake's clock, not on the wall clock.
    sleep: async (seconds) => secured.advance(seconds),
  });
  const lines = [...out, ...err];
  for (const line of lines) {
    expect(line).not.toMatch(SECRET_LIKE);
    for (const key of [ADMIN_KEY, secured.loginKey, secured.revokeKey]) expect(line).not.toContain(key);
  }
  return { code, out, err, lines };
}

/** What a key holding both roles may do that neither Action's own key may: call the other's function. */
const SHARED_KEY_FAILURES = ['login-key-calls-only-login', 'revoke-key-calls-only-revoke-user'];

const resultLines = (lines: readonly string[], verdict: 'PASS' | 'FAIL') =>
  lines.filter((line) => line.startsWith(`${verdict}  `)).map((line) => line.split(/\s+/)[1]);

describe('npm run verify:fauna', () => {
  it('passes on a freshly set-up database with temporary keys, one PASS line per check, and removes what it made', async () => {
    secured = await startSecuredFauna(TEST_ENDPOINT);
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);

    const { code, out } = await verify();

    expect(code).toBe(0);
    expect(resultLines(out, 'PASS')).toEqual(SECURITY_CHECKS.map((check) => check.id));
    expect(out).toContainEqual(expect.stringContaining('login key: temporary, with the same role; revoke key: temporary'));
    expect(out).toContainEqual(expect.stringMatching(/^Removed what the run created: .*10 users.*3 keys/));
    expect(out.at(-1)).toBe(`All ${SECURITY_CHECKS.length} checks passed.`);
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });

  it("uses the Actions' own keys from FAUNA_SECRET and FAUNA_REVOKE_SECRET when set, creating no temporary key", async () => {
    secured = await startSecuredFauna(TEST_ENDPOINT);
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);

    const { code, out } = await verify({ env: { FAUNA_SECRET: secured.loginKey, FAUNA_REVOKE_SECRET: secured.revokeKey } });

    expect(code).toBe(0);
    expect(out).toContainEqual(expect.stringContaining('login key: FAUNA_SECRET; revoke key: FAUNA_REVOKE_SECRET'));
    // The one key left to remove is the one the admin creates in secret-cannot-create-keys.
    expect(out).toContainEqual(expect.stringMatching(/ 1 keys\.$/));
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });

  it('reports the shared key\'s weakness: with one key for both Actions, exactly the two checks that separate keys pass fail', async () => {
    secured = await startSecuredFauna(TEST_ENDPOINT, { shared: true });
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);

    const { code, out } = await verify({ env: { FAUNA_SECRET: secured.loginKey, FAUNA_REVOKE_SECRET: secured.revokeKey } });

    expect(code).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^Note: FAUNA_SECRET and FAUNA_REVOKE_SECRET are one key \(the shared key\)/));
    expect(resultLines(out, 'FAIL').sort()).toEqual(SHARED_KEY_FAILURES);
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });

  const VERIFY_WIDENINGS = [
    'minted secrets may read every user',
    'anyone signed in may read every note',
    'the login key may read users',
    'the login key may mint any token',
    'login without the cap on live logins',
    'end_login ending its own login only',
  ];

  it.each(WIDENINGS.filter((w) => VERIFY_WIDENINGS.includes(w.name)).map((w) => [w.name, w] as const))(
    'fails (exit 1) with the right FAIL lines when %s, and still removes everything',
    async (_name, widening) => {
      secured = await startSecuredFauna(TEST_ENDPOINT);
      await applyByHand(TEST_ENDPOINT, secured.fake.fetch, widening.definition);
      await serve(secured.fake);
      const before = dataSnapshot(secured.fake);
      // A hand edit keeps the stored fingerprint: setup sees nothing to do, only the checks notice.
      const setupSays: string[] = [];
      await runSetup(['--dry-run'], { env: { FAUNA_ENDPOINT: served.url, FAUNA_ADMIN_SECRET: ADMIN_KEY }, out: (l) => setupSays.push(l), err: (l) => setupSays.push(l) });
      expect(setupSays.at(-1)).toMatch(/up to date/);

      const { code, out, err } = await verify();

      expect(code).toBe(1);
      expect(resultLines(out, 'FAIL').sort()).toEqual([...widening.failing].sort());
      expect(resultLines(out, 'PASS')).toHaveLength(SECURITY_CHECKS.length - widening.failing.length);
      expect(err.at(-1)).toMatch(new RegExp(`^ERR_SECURITY_CHECK_FAILED: ${widening.failing.length} of ${SECURITY_CHECKS.length} check\\(s\\) failed`));
      expect(dataSnapshot(secured.fake)).toEqual(before);
    },
  );

  it('says to run setup:fauna and creates nothing when the schema is not in place', async () => {
    let clock = Date.now();
    const fake = new FakeFauna({ now: () => clock, secrets: { [ADMIN_KEY]: 'admin' } });
    secured = { fake, loginKey: 'unused-login', revokeKey: 'unused-revoke', now: () => clock, advance: (s) => void (clock += s * 1000), setupLines: [] };
    await serve(fake);
    const before = dataSnapshot(fake);

    const { code, out, err } = await verify();

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/^ERR_SCHEMA_OUT_OF_DATE: /);
    expect(err).toContainEqual(expect.stringMatching(/^ {2}create {4}collection users /));
    expect(err.at(-1)).toBe('Run `npm run setup:fauna` first, then verify again. Nothing was created.');
    expect(dataSnapshot(fake)).toEqual(before);
  });

  it('says when FAUNA_SECRET is not a key the server knows, runs no check, and removes its temporary revoke key', async () => {
    secured = await startSecuredFauna(TEST_ENDPOINT);
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);

    const { code, out, err } = await verify({ env: { FAUNA_SECRET: 'fnNOT_A_KEY_THIS_SERVER_KNOWS_0123456789' } });

    expect(code).toBe(1);
    expect(resultLines(out, 'PASS')).toEqual([]);
    expect(err[0]).toMatch(/^ERR_VERIFY_SETUP: FAUNA_SECRET is not a valid key for FAUNA_ENDPOINT \(401 unauthorized\)/);
    expect(err).toHaveLength(1);
    expect(out).toContainEqual('Removed what the run created: 1 keys.');
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });

  it.each([
    ['FAUNA_SECRET', 'admin'],
    ['FAUNA_REVOKE_SECRET', 'server'],
  ] as const)('says when %s is an %s key (which may do all the checks prove an Action key cannot), runs no check', async (name, kind) => {
    secured = await startSecuredFauna(TEST_ENDPOINT);
    const admin = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: ADMIN_KEY }, secured.fake.fetch);
    const serverKey = await admin.query<string>(q.Select('secret', q.CreateKey({ role: 'server' })));
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);

    const { code, out, err } = await verify({ env: { [name]: kind === 'admin' ? ADMIN_KEY : serverKey } });

    expect(code).toBe(1);
    expect(resultLines(out, 'PASS')).toEqual([]);
    expect(err).toEqual([expect.stringMatching(new RegExp(`^ERR_VERIFY_SETUP: ${name} is an admin or server key, .*--create-action-key`))]);
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });

  it("refuses a database still in the upgrade's expand step, naming --finalize, and creates nothing", async () => {
    let clock = Date.now();
    const fake = new FakeFauna({ now: () => clock, secrets: { [ADMIN_KEY]: 'admin' } });
    secured = { fake, loginKey: 'unused-login', revokeKey: 'unused-revoke', now: () => clock, advance: (s) => void (clock += s * 1000), setupLines: [] };
    await applyPreviousVersion(createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: ADMIN_KEY }, fake.fetch));
    expect(await runSetup([], { env: { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: ADMIN_KEY }, fetch: fake.fetch, out: () => undefined, err: () => undefined })).toBe(0);
    await serve(fake);
    const before = dataSnapshot(fake);

    const { code, out, err } = await verify();

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([expect.stringMatching(/^ERR_SCHEMA_NOT_FINALIZED: auth0_fauna_login_action, auth0_fauna_revoke_action still hold the previous version's direct privileges .*npm run setup:fauna -- --finalize/)]);
    expect(dataSnapshot(fake)).toEqual(before);
  });

  it('prints its usage for --help (exit 0) and refuses an unknown flag (exit 2)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const deps = { env: {}, out: (l: string) => out.push(l), err: (l: string) => err.push(l) };

    expect(await runVerify(['--help'], deps)).toBe(0);
    expect(out[0]).toMatch(/^Usage: npm run verify:fauna/);
    expect(await runVerify(['--keep'], deps)).toBe(2);
    expect(err[0]).toMatch(/^ERR_USAGE: /);
  });

  it('names missing settings and contacts nobody', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVerify([], { env: {}, out: (l) => out.push(l), err: (l) => err.push(l) });

    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/FAUNA_ENDPOINT is missing[\s\S]*FAUNA_ADMIN_SECRET is missing/);
  });

  it('stops when interrupted mid-check, removes everything it created, and exits 130', async () => {
    secured = await startSecuredFauna(TEST_ENDPOINT);
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);
    const controller = new AbortController();
    let requests = 0;
    let atInterrupt: Record<string, unknown> = {};
    const interruptingFetch: typeof globalThis.fetch = (input, init) => {
      requests += 1;
      if (requests === 60) {
        atInterrupt = dataSnapshot(secured.fake);
        controller.abort();
      }
      return globalThis.fetch(input, init);
    };

    const { code, out, err } = await verify({ signal: controller.signal, fetch: interruptingFetch });

    expect(code).toBe(EXIT_INTERRUPTED);
    const ran = resultLines(out, 'PASS').length;
    expect(ran).toBeGreaterThan(0);
    expect(ran).toBeLessThan(SECURITY_CHECKS.length);
    expect(err.at(-1)).toBe(`Interrupted after ${ran} of ${SECURITY_CHECKS.length} check(s); nothing the run created is left.`);
    // The run had created users, logins and tokens by then; all of them are gone.
    expect(atInterrupt).not.toEqual(before);
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });

  it('cleans up on a real SIGINT to the script', async () => {
    secured = await startSecuredFauna(TEST_ENDPOINT);
    await serve(secured.fake);
    const before = dataSnapshot(secured.fake);
    // An empty working directory, so a developer's .env cannot leak keys into the run.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-verify-test-'));
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.resolve(__dirname, '../../scripts/verify-fauna.ts')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, FAUNA_ENDPOINT: served.url, FAUNA_ADMIN_SECRET: ADMIN_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Interrupt once the checks are under way.
      if (stdout.includes('PASS  ') && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    fs.rmSync(cwd, { recursive: true, force: true });

    expect({ code, stderr: stderr.trim().split('\n').at(-1) }).toEqual({
      code: EXIT_INTERRUPTED,
      stderr: expect.stringMatching(/^Interrupted after \d+ of \d+ check\(s\); nothing the run created is left\.$/),
    });
    expect(stdout).toMatch(/^Removed what the run created: /m);
    expect(`${stdout}${stderr}`).not.toMatch(SECRET_LIKE);
    expect(dataSnapshot(secured.fake)).toEqual(before);
  }, 60_000);
});
