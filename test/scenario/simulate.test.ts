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

/** The environment without any Action setting, run from an empty folder so no `.env` is read. */
async function simulate(args: string[] = []) {
  const env = { ...process.env };
  for (const name of Object.keys(SETTINGS)) delete env[name];
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
    expect(stdout).toContain('no FAUNA_ENDPOINT/FAUNA_SECRET: using the in-process mocked Fauna the tests use');
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

  it('refuses an event file it cannot read, with exit 2 and the usage', async () => {
    const { code, stderr, stdout } = await simulate(['--event', 'no-such-event.json']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('ERR_USAGE: --event');
    expect(stderr).toContain('Usage: npm run simulate');
  });
});
