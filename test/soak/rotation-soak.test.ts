import { DEFAULT_ROTATION_SOAK, formatRotationSoakReport, rotationSoakProblems, runRotationSoak, type RotationSoakReport } from '../../scripts/bench/rotation-soak';

// Logins through the built login Action while rotate:keys replaces the keys (npm test builds
// first), then the same rotation deleting the old keys at once. It asserts counts, never a
// timing: the Actions get the default 5 s Fauna budget, far above a login's time even on a loaded machine,
// so a login fails only for the key it holds; the propagation (1 s) stays well inside the wait.
const SHORT = { ...DEFAULT_ROTATION_SOAK, concurrency: 8, users: 50, warmupLogins: 100, tailLogins: 100, timeoutMs: 5000, marginMs: 1500, propagationMs: 1000 };

describe('rotation soak: logins through the built Action while rotate:keys replaces the keys', () => {
  jest.setTimeout(120_000);
  let report: RotationSoakReport;
  beforeAll(async () => {
    report = await runRotationSoak(SHORT);
  });
  const run = (variant: 'rotate:keys' | 'no wait') => {
    const found = report.runs.find((r) => r.variant === variant);
    if (!found) throw new Error(`no ${variant} run`);
    return found;
  };

  it('rotate:keys finishes with no failed login, no secret in any output, and only minted secrets in claims', () => {
    const ours = run('rotate:keys');
    expect(ours.exitCode).toBe(0);
    expect(ours.failedLogins).toBe(0);
    expect(ours.onOldKeyAtDelete).toBe(0);
    expect(ours.mustBeZero).toEqual({ secretsInOutput: 0, claimsWithUnknownSecret: 0 });
    expect(ours.waitMs).toBe(SHORT.timeoutMs + SHORT.marginMs);
    expect(rotationSoakProblems(report)).toEqual([]);
    expect(formatRotationSoakReport(report)).toContain('rotation soak passed: 0 failed logins during rotate:keys');
  });

  it('really overlapped the switch: logins in flight on the old key at the deploy, started on it after, then on the new one', () => {
    const ours = run('rotate:keys');
    expect(ours.loginsDuringRotation).toBeGreaterThan(0);
    expect(ours.inFlightAtDeploy).toBeGreaterThan(0);
    expect(ours.startedOnOldAfterDeploy).toBeGreaterThan(0);
    expect(ours.onNewVersion).toBeGreaterThan(0);
    expect(ours.logins).toBe(ours.onOldVersion + ours.onNewVersion);
  });

  it('deleting the old keys without the wait fails logins still on the old key: what the wait is for', () => {
    const naive = run('no wait');
    expect(naive.waitMs).toBe(0);
    expect(naive.failedLogins).toBeGreaterThan(0);
    // Every failed login was on the old key at the delete (a few of those got their answer just before it).
    expect(naive.failedLogins).toBeLessThanOrEqual(naive.onOldKeyAtDelete);
    expect(naive.mustBeZero).toEqual({ secretsInOutput: 0, claimsWithUnknownSecret: 0 });
  });

  it('reports a failed login, a must-be-0, and a baseline that saw no failure as problems', () => {
    const ours = run('rotate:keys');
    const naive = run('no wait');
    const broken: RotationSoakReport = {
      ...report,
      runs: [{ ...ours, failedLogins: 2, mustBeZero: { ...ours.mustBeZero, secretsInOutput: 1 } }, { ...naive, failedLogins: 0 }],
    };
    expect(rotationSoakProblems(broken)).toEqual([
      'rotate:keys: 2 failed login(s) (must be 0)',
      'rotate:keys: secretsInOutput: 1 (must be 0)',
      'the no-wait baseline failed no login: the soak did not overlap the switch, so its 0 proves nothing',
    ]);
    expect(formatRotationSoakReport(broken)).toContain('rotation soak FAILED');
  });
});
