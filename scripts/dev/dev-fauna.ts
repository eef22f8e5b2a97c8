/**
 * The dev login's Fauna when none is configured: the in-process Fauna (an FQL v4 subset, in
 * memory, ABAC evaluated as the core does) served over HTTP on 127.0.0.1, with the schema applied
 * and the login Action's key created by setup:fauna's own code (fauna/plan.ts, through
 * fauna-in-process/project-schema.ts), so the Action runs with the real bounded key and the
 * app's secrets under the real roles.
 */
import { randomBytes } from 'node:crypto';
import { FakeFauna } from '../../fauna-in-process';
import { serveInProcessFauna } from '../../fauna-in-process/http';
import { applyProjectSchema } from '../../fauna-in-process/project-schema';
import { DevError } from './dev-error';
import { refuseForeignHost } from './host-check';

export interface DevFauna {
  /** e.g. `http://127.0.0.1:8443` */
  readonly url: string;
  /** The login Action's key (role auth0_fauna_login_action): its FAUNA_SECRET. */
  readonly loginKey: string;
  readonly close: () => Promise<void>;
}

/**
 * The core caches token records (a deleted token authenticates until its entry expires) but
 * re-reads the login document on every request; the dev Fauna does the same, so the app's
 * logout (end_login deletes the login document) is shown to work as it will on a real server.
 */
const TOKEN_CACHE_MS = 10_000;

export async function startInProcessFauna(options: { port: number; allowOrigins: readonly string[] }): Promise<DevFauna> {
  const adminKey = `fnDEV_ADMIN_${randomBytes(16).toString('base64url')}`;
  // Only this admin key and the keys and tokens minted inside are accepted: a random bearer gets 401.
  const fake = new FakeFauna({ secrets: { [adminKey]: 'admin' }, tokenCacheMs: TOKEN_CACHE_MS });
  let served;
  try {
    served = await serveInProcessFauna(fake, { port: options.port, allowOrigins: options.allowOrigins, admit: refuseForeignHost });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new DevError('ERR_DEV_PORT_IN_USE', `Port ${options.port} (DEV_FAUNA_PORT) is in use: stop what holds it or set DEV_FAUNA_PORT to a free port.`);
    }
    throw err;
  }
  try {
    const { keys } = await applyProjectSchema(fake, { adminSecret: adminKey, keys: ['create-action-key'] });
    const loginKey = keys['create-action-key'];
    if (loginKey === undefined) throw new DevError('ERR_DEV_FAUNA_SETUP', 'setup created no key for the login Action.');
    return { url: served.url, loginKey, close: served.close };
  } catch (err) {
    await served.close();
    if (err instanceof DevError) throw err;
    throw new DevError('ERR_DEV_FAUNA_SETUP', `Applying the schema to the in-process Fauna failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
