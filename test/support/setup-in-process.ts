import type { Client, Expr } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { FakeFauna } from '../../fauna-in-process';
import { runSetup } from '../../scripts/setup-fauna';
import { TEST_ENDPOINT } from './fauna-wire';

/**
 * `npm run setup:fauna` against an in-process Fauna (fauna-in-process/), on one clock: setup's
 * waits move the fake's clock, so an index built in the background finishes while setup waits,
 * and no test spends real time.
 */

export const SETUP_ADMIN_KEY = 'fnSETUP_IN_PROCESS_ADMIN_KEY_never_printed_9';

export interface SetupRun {
  readonly code: number;
  readonly out: readonly string[];
  readonly err: readonly string[];
}

export interface InProcessSetup {
  readonly fake: FakeFauna;
  /** The admin key's client on the fake: for seeding objects by hand and reading them back. */
  readonly admin: Client;
  /** Runs `npm run setup:fauna -- ...argv` once. */
  run(argv?: readonly string[]): Promise<SetupRun>;
  /** A query with the admin key, as an admin at a console would send it. */
  byHand(expr: Expr): Promise<unknown>;
}

export function inProcessSetup(options: { readonly indexBuildMs?: number } = {}): InProcessSetup {
  let clock = Date.UTC(2030, 0, 1, 8, 0, 0);
  const fake = new FakeFauna({ now: () => clock, secrets: { [SETUP_ADMIN_KEY]: 'admin' }, indexBuildMs: options.indexBuildMs });
  const admin = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: SETUP_ADMIN_KEY }, fake.fetch);
  return {
    fake,
    admin,
    byHand: (expr) => admin.query(expr),
    run: async (argv = []) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runSetup(argv, {
        env: { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: SETUP_ADMIN_KEY },
        fetch: fake.fetch,
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      });
      return { code, out, err };
    },
  };
}

/**
 * The keys setup printed, by role label: "Created key <id> with role <label>, for …", then the
 * secret alone on an indented line.
 */
export function printedKeys(lines: readonly string[]): Record<string, { readonly id: string; readonly secret: string }> {
  const keys: Record<string, { id: string; secret: string }> = {};
  lines.forEach((line, i) => {
    const created = /^Created key (\S+) with role (.+?), for /.exec(line);
    const secret = lines.slice(i + 1).find((next) => /^\s+\S+$/.test(next));
    if (created !== null && secret !== undefined) keys[created[2]] = { id: created[1], secret: secret.trim() };
  });
  return keys;
}
