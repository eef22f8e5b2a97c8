import { FAULT_KINDS, type AnswerKind } from './fault-injection';
import { soakProblems, type SoakReport } from './soak-run';

const FAULT_LABELS: Readonly<Record<AnswerKind, string>> = {
  none: 'no fault',
  '503': '503 time out',
  '429': '429 too many requests',
  '409': '409 contended transaction',
  hang: 'hang until aborted',
  'not-unique': '400 instance not unique',
  '401': '401 unauthorized',
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The soak's figures as text for a terminal: outcomes per fault, budget, heap, must-be-0s. */
export function formatSoakReport(report: SoakReport): string {
  const { options, outcomes, loginMs, heap, mustBeZero } = report;
  const policyOutcome = options.policy === 'deny' ? 'denied' : 'continued';
  const out: string[] = [];
  out.push(
    `soak: ${options.logins} logins, ${options.users} users, concurrency ${options.concurrency}, ` +
      `ON_FAUNA_ERROR=${options.policy}, FAUNA_TIMEOUT_MS=${options.timeoutMs}, seed ${options.seed}, ` +
      `${(report.wallMs / 1000).toFixed(1)} s`,
  );
  out.push(
    `fault rates: ${FAULT_KINDS.map((k) => `${FAULT_LABELS[k]} ${(options.rates[k] * 100).toFixed(1)}%`).join(', ')}`,
  );
  out.push('');
  out.push('outcomes by the last fault a login met (transient faults before a success were retried):');
  out.push(`  ${'last fault'.padEnd(28)}${'logins'.padStart(8)}${'claims'.padStart(8)}${'denied'.padStart(8)}${'continued'.padStart(11)}`);
  for (const kind of ['none', ...FAULT_KINDS] as const) {
    const row = outcomes[kind];
    out.push(
      `  ${FAULT_LABELS[kind].padEnd(28)}${String(row.logins).padStart(8)}${String(row.claims).padStart(8)}` +
        `${String(row.denied).padStart(8)}${String(row.continued).padStart(11)}`,
    );
  }
  out.push(
    `policy: claims exactly when Fauna's last answer succeeded, otherwise ${policyOutcome}: ` +
      `${mustBeZero.policyViolations === 0 ? 'holds for every login' : `${mustBeZero.policyViolations} logins break it`}`,
  );
  out.push(
    `requests: ${report.requests.total} answered by the in-process Fauna, ` +
      `${Object.values(report.requests.byKind).reduce((a, b) => a + b, 0)} made; ` +
      `${report.realRaces} real first-login races (instance not unique from Fauna itself)`,
  );
  out.push('');
  out.push(
    `login time: median ${loginMs.median.toFixed(1)} ms, p99 ${loginMs.p99.toFixed(1)} ms, slowest ${loginMs.max.toFixed(1)} ms ` +
      `against a FAUNA_TIMEOUT_MS budget of ${options.timeoutMs} ms (Auth0 allows 20,000 ms)`,
  );
  out.push(
    `  slowest login met: ${report.slowest.answers.map((k) => FAULT_LABELS[k]).join(' -> ') || 'no request'}; ` +
      'times include waiting for the one event loop the other logins in flight and the in-process Fauna share',
  );
  out.push(
    `heap${heap.afterGc ? ' after gc' : ' (no gc available: noisy)'}: ${mb(heap.beforeBytes)} before, ${mb(heap.afterBytes)} after ` +
      `(${heap.afterBytes >= heap.beforeBytes ? '+' : ''}${mb(heap.afterBytes - heap.beforeBytes)}), ` +
      `both with the bundle loaded and its client pointed at an empty Fauna`,
  );
  out.push(`log lines captured: ${report.logLines}`);
  out.push('');
  out.push('must be 0:');
  for (const [name, count] of Object.entries(mustBeZero)) out.push(`  ${name.padEnd(28)}${String(count).padStart(6)}`);
  const problems = soakProblems(report);
  out.push('');
  out.push(problems.length === 0 ? 'soak passed' : `soak FAILED: ${problems.join('; ')}`);
  return out.join('\n');
}
