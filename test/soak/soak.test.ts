import { DEFAULT_FAULT_RATES, drawFault, faultInjectingFetch, faultResponse, seededRandom } from '../../scripts/bench/fault-injection';
import { countTextsWithSecrets, DEFAULT_SOAK_OPTIONS, runSoak, soakProblems, type SoakReport } from '../../scripts/bench/soak-run';
import { formatSoakReport } from '../../scripts/bench/soak-report';
import { FAUNA_SECRET } from '../../scripts/bench/fauna-in-process';

// A short soak through the built bundle (npm test builds first). It asserts the must-be-0
// figures and the ON_FAUNA_ERROR policy, never a timing: speed is the bench's business. So the
// Action gets its default 5 s budget, which only an injected hang reaches (a fault-free login
// took 346 ms on a loaded 2-core machine; the bench's 300 ms budget would turn that into a
// denial). Each hang then holds one of the 8 workers for 5 s: a few seconds of wall time.
const CORRECTNESS_BUDGET_MS = 5000;
const SHORT = { ...DEFAULT_SOAK_OPTIONS, logins: 500, concurrency: 8, users: 60, seed: 7, timeoutMs: CORRECTNESS_BUDGET_MS };

function totalLogins(report: SoakReport): number {
  return Object.values(report.outcomes).reduce((sum, row) => sum + row.logins, 0);
}

describe('soak: 500 logins through the built bundle with faults injected', () => {
  jest.setTimeout(120_000);

  it.each(['deny', 'continue'] as const)('ON_FAUNA_ERROR=%s: every must-be-0 is 0 and every outcome follows the policy', async (policy) => {
    const report = await runSoak({ ...SHORT, policy });

    expect(soakProblems(report)).toEqual([]);
    expect(report.mustBeZero).toEqual({
      secretsInOutput: 0,
      unhandledRejections: 0,
      usersWithSeveralDocuments: 0,
      policyViolations: 0,
      actionThrew: 0,
      hangsNotAborted: 0,
      claimsWithUnknownSecret: 0,
    });
    expect(totalLogins(report)).toBe(500);
    expect(report.options.timeoutMs).toBe(CORRECTNESS_BUDGET_MS);
    // The faults really happened, so the zeros above mean something.
    expect(report.requests.byKind['503']).toBeGreaterThan(0);
    expect(report.requests.byKind.hang).toBeGreaterThan(0);
    expect(report.requests.byKind['401']).toBeGreaterThan(0);
    // A hang or a 401 can never end in claims; the failure goes the policy's way only.
    const failed = policy === 'deny' ? 'denied' : 'continued';
    const other = policy === 'deny' ? 'continued' : 'denied';
    for (const kind of ['hang', '401'] as const) {
      expect(report.outcomes[kind].claims).toBe(0);
      expect(report.outcomes[kind][failed]).toBe(report.outcomes[kind].logins);
    }
    for (const row of Object.values(report.outcomes)) expect(row[other]).toBe(0);
    // Logins that met no fault all got their secret.
    expect(report.outcomes.none.claims).toBe(report.outcomes.none.logins);
    expect(report.logLines).toBeGreaterThan(0);
    expect(formatSoakReport(report)).toContain('soak passed');
  });
});

describe('soak checks', () => {
  it('counts texts that carry a secret anywhere, once per text', () => {
    const minted = 'fnEAAAAAAAAAAAEAAAAAAAAAAQmintedSecret1';
    const texts = ['[fauna-login] minted a Fauna secret for auth0|1', `oops ${minted} leaked`, `key ${FAUNA_SECRET} and ${minted}`, 'clean'];
    expect(countTextsWithSecrets(texts, [FAUNA_SECRET, minted])).toBe(2);
    expect(countTextsWithSecrets(texts, [])).toBe(0);
  });

  it('fails the soak report when a must-be-0 is not 0', async () => {
    const report = await runSoak({ ...SHORT, logins: 20, rates: { ...DEFAULT_FAULT_RATES, '401': 0, hang: 0 } });
    const broken: SoakReport = { ...report, mustBeZero: { ...report.mustBeZero, secretsInOutput: 1 } };
    expect(soakProblems(broken)).toEqual(['secretsInOutput: 1 (must be 0)']);
    expect(formatSoakReport(broken)).toContain('soak FAILED');
  });

  it('answers faults in the FQL v4 wire format the driver parses', async () => {
    const response = faultResponse('409');
    expect(response.status).toBe(409);
    expect(response.headers.get('x-txn-time')).toMatch(/^\d+$/);
    expect(await response.json()).toEqual({
      errors: [{ position: [], code: 'contended transaction', description: 'Transaction was aborted due to detection of concurrent modification.' }],
    });
    const notUnique = faultResponse('not-unique');
    expect(notUnique.status).toBe(400);
    expect((await notUnique.json()).errors[0].code).toBe('instance not unique');
  });

  it('draws faults at the configured rates', () => {
    const random = seededRandom(42);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20_000; i += 1) {
      const kind = drawFault(DEFAULT_FAULT_RATES, random);
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    // 5% of 20,000 = 1,000: well inside ±30% for a fair draw, far outside for a broken one.
    expect(counts['503']).toBeGreaterThan(700);
    expect(counts['503']).toBeLessThan(1300);
    expect(counts['401']).toBeGreaterThan(50);
    expect(counts.none).toBeGreaterThan(17_000);
  });

  it('holds a hung request until its signal aborts, then rejects with an AbortError', async () => {
    const inner = jest.fn<Promise<Response>, Parameters<typeof fetch>>();
    const hangAlways = faultInjectingFetch(inner, { rates: { ...DEFAULT_FAULT_RATES, '503': 0, '429': 0, '409': 0, 'not-unique': 0, '401': 0, hang: 1 }, random: Math.random });
    const controller = new AbortController();
    const pending = hangAlways('https://fauna.test/', { method: 'POST', signal: controller.signal });
    let settled = false;
    void pending.catch(() => undefined).finally(() => { settled = true; });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(inner).not.toHaveBeenCalled();
  });
});
