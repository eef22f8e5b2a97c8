import { CREDENTIALS, secretsPrinted } from './support/deploy-env';
import { runScript } from './support/run-script';
import { MINTED, NAMESPACE, broken, healthy } from './support/smoke-seeds';

// The script end to end, in a child process against the fake tenant (not part of the mutation run).
describe('npm run smoke:tenant', () => {
  const env = { ...CREDENTIALS, CLAIM_NAMESPACE: NAMESPACE };

  it('exits 0 with a PASS line per check on a healthy tenant', async () => {
    const run = await runScript('smoke-tenant', [], { env, seed: healthy });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/All \d+ checks passed\./);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout).not.toContain(MINTED);
    expect(run.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token').map((r) => r.path)).toEqual([
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
});
