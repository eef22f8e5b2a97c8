import { CREDENTIALS, FAUNA_KEY, REVOKE_KEY, secretsPrinted } from '../deploy/support/deploy-env';
import { runScript } from '../deploy/support/run-script';

// npm run rotate:keys as a child process: its entry reads .env and the shell, and answers usage
// and settings problems with their codes, never a stack trace or a secret. The rotation itself is
// tested in process (rotate-keys.test.ts).
describe('npm run rotate:keys', () => {
  it('prints its usage with --help', async () => {
    const run = await runScript('rotate-keys', ['--help'], { env: {} });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Usage: npm run rotate:keys -- --key-file FILE [options]');
    expect(run.stdout).toContain('--margin-seconds N');
  }, 60_000);

  it('exits 2 without --key-file, saying why it is required', async () => {
    const run = await runScript('rotate-keys', [], { env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ERR_USAGE: --key-file FILE is required: the new secrets are written there (mode 600), never printed');
  }, 60_000);

  it('exits 1 naming each missing variable (from .env and the shell), touching nothing and printing no secret', async () => {
    const run = await runScript('rotate-keys', ['--dry-run'], {
      env: { AUTH0_DOMAIN: CREDENTIALS.AUTH0_DOMAIN, FAUNA_SECRET: FAUNA_KEY },
      dotEnv: `AUTH0_CLIENT_SECRET=${CREDENTIALS.AUTH0_CLIENT_SECRET}\nFAUNA_REVOKE_SECRET=${REVOKE_KEY}\n`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERR_ROTATE_SETTINGS: Refusing to rotate: fix these variables/m);
    expect(run.stderr).toContain('AUTH0_CLIENT_ID is missing');
    expect(run.stderr).toContain('FAUNA_ADMIN_SECRET is missing');
    expect(run.stderr).not.toContain('AUTH0_CLIENT_SECRET is missing');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.requests).toEqual([]);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  }, 60_000);
});
