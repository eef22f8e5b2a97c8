import { CREDENTIALS, secretsPrinted } from './support/deploy-env';
import { runScript } from './support/run-script';
import { MINTED, NAMESPACE, broken, healthy } from './support/smoke-seeds';

// The script end to end, in a child process against the fake tenant (not part of the mutation run).
describe('npm run smoke:tenant', () => {
  const env = { ...CREDENTIALS, CLAIM_NAMESPACE: NAMESPACE };

  it('exits 0 with a PASS line per check on a healthy tenant running this build, the scopes listed, two test runs', async () => {
    const run = await runScript('smoke-tenant', [], { env, seed: healthy });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('smoke:tenant needs: read:actions, create:actions\n  none missing\n  also granted, not needed here (a stronger credential than this needs): update:actions');
    expect(run.stdout).toMatch(/All 16 checks passed\./);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout).not.toContain(MINTED);
    expect(run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token').map((r) => r.path)).toEqual([
      expect.stringMatching(/\/test$/),
      expect.stringMatching(/\/test$/),
    ]);
  }, 60_000);

  it('exits 1 on a broken tenant and never prints the client secret', async () => {
    const run = await runScript('smoke-tenant', [], { env, seed: broken });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}fauna-login: bound to post-login/m);
    expect(run.stdout).toMatch(/\d+ of \d+ checks failed\./);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  }, 60_000);

  it('leaves revocation out only when told, saying so', async () => {
    const run = await runScript('smoke-tenant', ['--without-revocation'], { env, seed: { ...healthy, bindings: { 'post-login': [{ action_name: 'fauna-login' }] } } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('WARNING --without-revocation: revoke-fauna-secrets is not checked');
    expect(run.stdout).not.toContain('revoke-fauna-secrets: exists');
  }, 60_000);
});
