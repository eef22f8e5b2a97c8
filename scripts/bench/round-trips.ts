import type { FakeFauna } from '../../fauna-in-process';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { summarize, type Summary } from './percentiles';
import { FAUNA_ENDPOINT, FAUNA_SECRET } from './fauna-in-process';
import { captureConsole, loadLoginAction, loginEvent, loginSecrets, runLogin } from './login-through-bundle';
import { loginWithSeparateQueries } from './separate-queries-flow';

export interface FlowTiming {
  /** Wall time per login, milliseconds. */
  readonly wallMs: Summary;
  readonly requestsPerLogin: number;
}

export interface RoundTripReport {
  readonly roundTripMs: number;
  readonly action: { readonly newUser: FlowTiming; readonly returningUser: FlowTiming };
  readonly separateQueries: { readonly newUser: FlowTiming; readonly returningUser: FlowTiming };
}

const TTL_SECONDS = 36_000;

/**
 * Each Fauna request waits `roundTripMs` before the in-process Fauna answers, like a network
 * round trip to a Fauna in another region. The Action (one transaction, through the built bundle)
 * and the separate-queries baseline (same driver, same fetch) each log in new and returning users,
 * interleaved login by login so that machine noise hits both alike.
 */
export async function compareRoundTrips(fake: FakeFauna, options: { logins: number; roundTripMs: number }): Promise<RoundTripReport> {
  const delayedFetch: typeof globalThis.fetch = async (input, init) => {
    await new Promise((resolve) => setTimeout(resolve, options.roundTripMs));
    return fake.fetch(input, init);
  };
  const savedFetch = globalThis.fetch;
  globalThis.fetch = delayedFetch;
  const restoreConsole = captureConsole(() => undefined);
  try {
    const action = loadLoginAction();
    const secrets = loginSecrets();
    const client = createFaunaClient({ faunaSecret: FAUNA_SECRET, faunaEndpoint: FAUNA_ENDPOINT }, delayedFetch);
    // Users numbered apart from the other bench sections, one range per flow.
    const actionUsers = 1_000_000;
    const baselineUsers = 2_000_000;
    const samples = { actionNew: [] as number[], actionReturning: [] as number[], baselineNew: [] as number[], baselineReturning: [] as number[] };
    const requests = { actionNew: 0, actionReturning: 0, baselineNew: 0, baselineReturning: 0 };

    const timed = async (key: keyof typeof samples, run: () => Promise<unknown>) => {
      const requestsBefore = fake.stats.requests;
      const started = performance.now();
      await run();
      samples[key].push(performance.now() - started);
      requests[key] += fake.stats.requests - requestsBefore;
    };
    const actionLogin = async (n: number) => {
      const outcome = await runLogin(action, loginEvent(n, secrets));
      if (outcome.result !== 'claims') throw new Error(`round-trip bench: login ended ${outcome.result}`);
    };

    for (let i = 0; i < options.logins; i += 1) {
      await timed('actionNew', () => actionLogin(actionUsers + i));
      await timed('baselineNew', () => loginWithSeparateQueries(client, loginEvent(baselineUsers + i, secrets), TTL_SECONDS));
    }
    for (let i = 0; i < options.logins; i += 1) {
      await timed('actionReturning', () => actionLogin(actionUsers + i));
      await timed('baselineReturning', () => loginWithSeparateQueries(client, loginEvent(baselineUsers + i, secrets), TTL_SECONDS));
    }
    const flow = (key: keyof typeof samples): FlowTiming => ({
      wallMs: summarize(samples[key]),
      requestsPerLogin: requests[key] / options.logins,
    });
    return {
      roundTripMs: options.roundTripMs,
      action: { newUser: flow('actionNew'), returningUser: flow('actionReturning') },
      separateQueries: { newUser: flow('baselineNew'), returningUser: flow('baselineReturning') },
    };
  } finally {
    restoreConsole();
    globalThis.fetch = savedFetch;
  }
}
