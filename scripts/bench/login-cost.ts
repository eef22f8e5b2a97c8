import type { FakeFauna } from '../../fauna-in-process';
import { summarize, type Summary } from './percentiles';
import { captureConsole, loadLoginAction, loginEvent, loginSecrets, runLogin, type OnExecutePostLogin } from './login-through-bundle';

export interface LoginCost {
  /** CPU time of our code per login (bundle: Action + driver), microseconds. */
  readonly ownCpuUs: Summary;
  /** 1e6 / mean own CPU per login: what one core could sustain on our side. */
  readonly loginsPerSecondOneCore: number;
  readonly requestsPerLogin: number;
  readonly writesPerLogin: number;
  readonly userWritesPerLogin: number;
  readonly logins: number;
}

export interface LoginCostReport {
  readonly newUser: LoginCost;
  readonly returningUser: LoginCost;
}

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

/**
 * Per-login cost through the built bundle with Fauna answered in-process. process.cpuUsage() is
 * read around each Action call; the in-process Fauna's own CPU is read around each of its fetch
 * calls and subtracted. Logins run one at a time, so nothing else runs inside either window: what
 * remains is the Action, the driver (building and encoding the query, decoding the answer) and
 * the Response plumbing a real fetch would also need.
 */
export async function measureLoginCost(fake: FakeFauna, options: { logins: number; warmup: number }): Promise<LoginCostReport> {
  let fakeCpuUs = 0;
  const timedFetch: typeof globalThis.fetch = async (input, init) => {
    const started = process.cpuUsage();
    try {
      return await fake.fetch(input, init);
    } finally {
      fakeCpuUs += cpuMicros(process.cpuUsage(started));
    }
  };
  const savedFetch = globalThis.fetch;
  globalThis.fetch = timedFetch;
  let logLines = 0;
  const restoreConsole = captureConsole(() => {
    logLines += 1;
  });
  try {
    const action = loadLoginAction();
    const secrets = loginSecrets();
    let nextUser = 0;
    // Warm-up: JIT and caches (the module-level client) as on a long-lived Auth0 instance.
    for (let i = 0; i < options.warmup; i += 1) await runChecked(action, loginEvent(nextUser++, secrets));

    const firstNew = nextUser;
    const newUser = await measure(options.logins, () => loginEvent(nextUser++, secrets));
    // Returning, unchanged: the same users log in again with the same profile.
    let returning = firstNew;
    const returningUser = await measure(options.logins, () => loginEvent(returning++, secrets));
    if (logLines === 0) throw new Error('the Action logged nothing; was console captured from the right realm?');
    return { newUser, returningUser };

    async function measure(logins: number, nextEvent: () => ReturnType<typeof loginEvent>): Promise<LoginCost> {
      const samples: number[] = [];
      const requestsBefore = fake.stats.requests;
      const writesBefore = fake.stats.writes;
      const userWritesBefore = fake.stats.writesByCollection.users ?? 0;
      for (let i = 0; i < logins; i += 1) {
        const event = nextEvent();
        const fakeBefore = fakeCpuUs;
        const started = process.cpuUsage();
        await runChecked(action, event);
        const total = cpuMicros(process.cpuUsage(started));
        samples.push(total - (fakeCpuUs - fakeBefore));
      }
      const ownCpuUs = summarize(samples);
      return {
        ownCpuUs,
        loginsPerSecondOneCore: 1e6 / ownCpuUs.mean,
        requestsPerLogin: (fake.stats.requests - requestsBefore) / logins,
        writesPerLogin: (fake.stats.writes - writesBefore) / logins,
        userWritesPerLogin: ((fake.stats.writesByCollection.users ?? 0) - userWritesBefore) / logins,
        logins,
      };
    }
  } finally {
    restoreConsole();
    globalThis.fetch = savedFetch;
  }
}

async function runChecked(action: OnExecutePostLogin, event: ReturnType<typeof loginEvent>): Promise<void> {
  const run = await runLogin(action, event);
  if (run.result !== 'claims') throw new Error(`bench login for ${event.user.user_id} ended ${run.result}, not with claims`);
}
