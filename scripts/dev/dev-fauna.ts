/**
 * The dev login's Fauna when none is configured: the in-process Fauna (an FQL v4 subset, in
 * memory) served over HTTP on 127.0.0.1, with the schema applied and the login Action's key
 * created by setup:fauna's own code (fauna/plan.ts), so the Action runs with the real bounded
 * key and the app's secrets under the real roles.
 */
import { randomBytes } from 'node:crypto';
import { createFaunaClient, queryWithRetry } from '../../actions/lib/fauna-client';
import { FakeFauna } from '../../fauna-in-process';
import { serveInProcessFauna } from '../../fauna-in-process/http';
import { SCHEMA } from '../../fauna/definitions';
import { buildApplyQuery, buildReadStateQuery, decodeState, isApplyResult, planChanges } from '../../fauna/plan';
import { ACTION_KEYS } from '../../fauna/roles';
import { DevError } from './dev-error';

export interface DevFauna {
  /** e.g. `http://127.0.0.1:8443` */
  readonly url: string;
  /** The login Action's key (role auth0_fauna_login_action): its FAUNA_SECRET. */
  readonly loginKey: string;
  /** An admin key of the in-memory database, for tests that look inside. */
  readonly adminKey: string;
  readonly close: () => Promise<void>;
}

const SETUP_BUDGET_MS = 10_000;

export async function startInProcessFauna(options: { port: number; allowOrigins: readonly string[] }): Promise<DevFauna> {
  const adminKey = `fnDEV_ADMIN_${randomBytes(16).toString('base64url')}`;
  // Only this admin key and the keys and tokens minted inside are accepted: a random bearer gets 401.
  const fake = new FakeFauna({ secrets: { [adminKey]: 'admin' } });
  let served;
  try {
    served = await serveInProcessFauna(fake, { port: options.port, allowOrigins: options.allowOrigins });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new DevError('ERR_DEV_PORT_IN_USE', `Port ${options.port} (DEV_FAUNA_PORT) is in use: stop what holds it or set DEV_FAUNA_PORT to a free port.`);
    }
    throw err;
  }
  try {
    const client = createFaunaClient({ faunaEndpoint: served.url, faunaSecret: adminKey }, fake.fetch);
    const loginKeySpec = ACTION_KEYS.find((key) => key.flag === 'create-action-key');
    if (loginKeySpec === undefined) throw new DevError('ERR_DEV_FAUNA_SETUP', 'fauna/roles.ts declares no --create-action-key key.');
    const state = await queryWithRetry<unknown>(client, buildReadStateQuery(SCHEMA), { budgetMs: SETUP_BUDGET_MS });
    const plan = planChanges(SCHEMA, decodeState(state.value, SCHEMA));
    const applied = await queryWithRetry<unknown>(client, buildApplyQuery(plan, [loginKeySpec]), { budgetMs: SETUP_BUDGET_MS });
    if (!isApplyResult(applied.value) || applied.value.keys.length !== 1) {
      throw new DevError('ERR_DEV_FAUNA_SETUP', 'The in-process Fauna answered the schema setup with an unexpected result.');
    }
    return { url: served.url, loginKey: applied.value.keys[0].secret, adminKey, close: served.close };
  } catch (err) {
    await served.close();
    if (err instanceof DevError) throw err;
    throw new DevError('ERR_DEV_FAUNA_SETUP', `Applying the schema to the in-process Fauna failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
