/**
 * `npm run simulate` as a user runs it, minus the build (npm test builds first): a subprocess
 * with no Fauna settings, so it must use the in-process fake and say so.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SETTINGS } from '../../actions/lib/settings';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SCRIPT = path.join(ROOT, 'scripts/simulate.ts');

/** The environment without any Action setting (plus `extra`), run from an empty folder so no `.env` is read. */
async function simulate(args: string[] = [], extra: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...Object.keys(SETTINGS), 'DEV_USE_CONFIGURED_FAUNA']) delete env[name];
  Object.assign(env, extra);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [SCRIPT, ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('npm run simulate without Fauna settings', () => {
  it('uses the mocked Fauna, prints the claims with the secret masked, one request, exit 0', async () => {
    const { code, stdout, stderr } = await simulate();

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain("Mode         in-process mocked Fauna (the tests' own)\n");
    expect(stdout).toContain(
      "Defaults     CLAIM_NAMESPACE=https://app.example.com/, ALLOWED_CLIENT_IDS=aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY (the event's client) (simulate only; the Action has no default)",
    );
    // The secret claim is shown as its first 4 characters and its length, nothing more.
    expect(stdout).toMatch(/https:\/\/app\.example\.com\/fauna_secret +fnE.…\(\d+ chars\)\n/);
    expect(stdout).toMatch(/https:\/\/app\.example\.com\/fauna_secret_exp +\d{10} /);
    // A token secret is "fnE" + ~48 base64url characters: no run of them may be printed.
    expect(stdout).not.toMatch(/fnE[A-Za-z0-9_-]{8,}/);
    expect(stdout).toMatch(/Access token claims\n {2}\(none\)/);
    expect(stdout).toContain('Deny reason  (none)');
    expect(stdout.match(/^ {2}\d+\. +POST /gm)).toHaveLength(1);
    expect(stdout).toContain('1 Fauna request(s)');
  });

  it('keeps to the in-process Fauna when .env holds deploy keys, unless DEV_USE_CONFIGURED_FAUNA=1', async () => {
    const deployKeys = { FAUNA_ENDPOINT: 'https://fauna.example.com:8443', FAUNA_SECRET: 'fnDEPLOY_KEY_never_used_by_simulate' };
    const { code, stdout } = await simulate([], deployKeys);
    expect(code).toBe(0);
    expect(stdout).toContain('FAUNA_ENDPOINT and FAUNA_SECRET are set but not used: DEV_USE_CONFIGURED_FAUNA=1 uses them');
    expect(stdout).toMatch(/1\. +POST https:\/\/fauna\.mock\.invalid +200/);
    expect(stdout).not.toContain('fauna.example.com');

    const halfConfigured = await simulate([], { DEV_USE_CONFIGURED_FAUNA: '1', FAUNA_ENDPOINT: 'https://fauna.example.com:8443' });
    expect(halfConfigured.code).toBe(2);
    expect(halfConfigured.stderr).toContain('ERR_USAGE: DEV_USE_CONFIGURED_FAUNA=1 needs FAUNA_ENDPOINT and FAUNA_SECRET');
    expect(halfConfigured.stderr).toContain('missing: FAUNA_SECRET');
  });

  it('says so when ALLOWED_CLIENT_IDS leaves out the event\'s client: nothing minted, no request, the coded line', async () => {
    const { code, stdout } = await simulate([], { ALLOWED_CLIENT_IDS: 'some-other-app' });
    expect(code).toBe(0);
    expect(stdout).toContain('login continues without Fauna claims');
    expect(stdout).toContain('ERR_CLIENT_NOT_ALLOWED: client aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY is not in ALLOWED_CLIENT_IDS');
    expect(stdout).toMatch(/Fauna requests\n {2}\(none\)/);
  });

  it('refuses an event file it cannot read, with exit 2 and the usage', async () => {
    const { code, stderr, stdout } = await simulate(['--event', 'no-such-event.json']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('ERR_USAGE: --event');
    expect(stderr).toContain('Usage: npm run simulate');
  });
});
