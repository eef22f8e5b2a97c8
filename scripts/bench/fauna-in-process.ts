import { FakeFauna } from '../../fauna-in-process';
import { TEST_ENDPOINT, TEST_FAUNA_KEY } from '../../test/support/fauna-wire';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';

/** The admin key of the in-process Fauna; the Action gets TEST_FAUNA_KEY, a server key. */
const BENCH_ADMIN_KEY = 'fnBENCH_ADMIN_KEY_do_not_log_0123456789';

export { TEST_ENDPOINT as FAUNA_ENDPOINT, TEST_FAUNA_KEY as FAUNA_SECRET };

/**
 * An in-process Fauna (fauna-in-process/) holding the project's schema, applied the way
 * `npm run setup:fauna` applies it (read state, plan, one write), so the Action meets the same
 * collections and unique index as in production.
 */
export async function faunaWithSchema(): Promise<FakeFauna> {
  const fake = new FakeFauna({ secrets: { [BENCH_ADMIN_KEY]: 'admin', [TEST_FAUNA_KEY]: 'server' } });
  await applyProjectSchema(fake, { adminSecret: BENCH_ADMIN_KEY });
  // Schema writes are not login writes: the figures start from zero.
  fake.stats.requests = 0;
  fake.stats.writes = 0;
  for (const name of Object.keys(fake.stats.writesByCollection)) delete fake.stats.writesByCollection[name];
  return fake;
}
