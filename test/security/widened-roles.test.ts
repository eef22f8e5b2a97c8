/**
 * The security suite notices a loosened rule: each role or function of fauna/ widened by hand
 * (built from the real definition, applied with the stored fingerprint kept, as a hand edit on a
 * server would be) makes exactly the checks that guard that rule fail, for the reason that rule gave.
 */
import { runCheck, type CheckResult } from '../../scripts/verify/check-kit';
import { SECURITY_CHECKS } from '../../scripts/verify/checks';
import type { CheckSession } from '../../scripts/verify/session';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { capturePrintedLines } from '../support/printed-lines';
import { inProcessSession } from './support/checks-in-process';
import { applyByHand, startSecuredFauna } from './support/secured-fauna';
import { WIDENINGS } from './support/widenings';

let session: CheckSession | undefined;
capturePrintedLines(() => session?.credentials() ?? []);

async function runAllChecks(widening: (typeof WIDENINGS)[number]): Promise<CheckResult[]> {
  const secured = await startSecuredFauna(TEST_ENDPOINT);
  await applyByHand(TEST_ENDPOINT, secured.fake.fetch, widening.definition);
  secured.fake.intercept(TEST_ENDPOINT);
  session = inProcessSession(secured);
  const ctx = await session.prepare();
  const results: CheckResult[] = [];
  try {
    for (const check of SECURITY_CHECKS) results.push(await runCheck(check, ctx));
  } finally {
    await session.cleanup();
  }
  return results;
}

describe('a widened role or function fails the checks that guard it', () => {
  it.each(WIDENINGS.filter((w) => w.failing.length < SECURITY_CHECKS.length).map((w) => [w.name, w] as const))(
    '%s',
    async (_name, widening) => {
      const results = await runAllChecks(widening);
      const failed = results.filter((result) => !result.pass);

      expect(failed.map((result) => result.id).sort()).toEqual([...widening.failing].sort());
      // Failed because the loosened rule let something through, not because a step could not run.
      for (const result of failed) expect(result.reason).toMatch(/: expected (403|401|400|it to succeed)|entry\(ies\) it may not see/);
      if (widening.consequence !== undefined) {
        expect(failed.find((result) => result.id === widening.consequence?.check)?.reason).toMatch(widening.consequence.says);
      }
    },
  );

  it("login's token predicate negated: nobody can sign in, so every check fails", async () => {
    const negated = WIDENINGS.find((w) => w.name.includes('negated'));
    if (negated === undefined) throw new Error('no negated widening');

    const results = await runAllChecks(negated);

    expect(results.filter((result) => result.pass)).toEqual([]);
    // Signing in through the Action, or calling login directly: refused inside login (its role).
    for (const result of results) {
      expect(result.reason).toMatch(/^could not sign \w+ in: the login Action set no secret claim|calling login .*: expected it to succeed, got 400 call error: permission denied/);
    }
  });
});
