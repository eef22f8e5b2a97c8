/**
 * `npm run revoke:user -- <auth0 user id>`
 *
 * Revokes every Fauna secret minted for the user's logins, from an admin's shell: the same
 * queries as the post-change-password Action, with FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET from the
 * environment or `.env`, and a longer budget (an admin can wait; an Action cannot).
 */
import { parseArgs } from 'node:util';
import type { LogLevel } from '../actions/lib/log';
import { revokeUserSecrets, type RevokeOutcome } from '../actions/revoke-fauna-secrets/revoke-user-secrets';
import {
  ADMIN_KEY_HINTS,
  adminConnectionOrReport,
  type AdminScriptDependencies,
} from '../fauna/admin-connection';
import { readEnvironment, runScript } from './environment';

export const USAGE = `Usage: npm run revoke:user -- <auth0 user id>

Deletes every auth0_jwt document of the user and every Fauna secret minted for them.
Reads FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET from the environment or .env.`;

const ADMIN_BUDGET_MS = 60_000;

export type RevokeUserDependencies = AdminScriptDependencies;

/** Resolves to the exit code: 0 revoked (or nothing to revoke), 1 failed or incomplete, 2 bad usage. */
export async function runRevokeUser(argv: readonly string[], deps: RevokeUserDependencies): Promise<number> {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: [...argv], options: {}, strict: true, allowPositionals: true }).positionals;
  } catch (e) {
    deps.err(`ERR_USAGE: ${(e as Error).message}`);
    deps.err(USAGE);
    return 2;
  }
  const userId = positionals[0]?.trim() ?? '';
  if (positionals.length !== 1 || userId === '') {
    deps.err('ERR_USAGE: give exactly one Auth0 user id, e.g. auth0|64f0c2a1b2c3d4e5f6a7b8c9');
    deps.err(USAGE);
    return 2;
  }

  const connection = adminConnectionOrReport(deps.env, deps.err);
  if (connection === undefined) return 1;

  const outcome: RevokeOutcome = await revokeUserSecrets(
    userId,
    () => ({ ...connection, timeoutMs: deps.budgetMs ?? ADMIN_BUDGET_MS }),
    {
      fetch: deps.fetch,
      // The core's lines are redacted already; its warnings and errors say what went wrong.
      log: (level: LogLevel, line: string) => (level === 'info' ? undefined : deps.err(line)),
    },
  );

  switch (outcome.kind) {
    case 'revoked':
      deps.out(`Revoked ${outcome.secrets} Fauna secret(s) of ${userId} (${outcome.logins} login(s)).`);
      return 0;
    case 'no-user':
      deps.out(`No Fauna user for ${userId}: nothing to revoke (0 secrets).`);
      return 0;
    case 'incomplete':
    case 'failed': {
      const hint = ADMIN_KEY_HINTS[outcome.code];
      if (hint !== undefined) deps.err(hint);
      deps.out(`Revoked ${outcome.secrets} Fauna secret(s) of ${userId} before stopping (${outcome.code}); run the command again.`);
      return 1;
    }
  }
}

if (require.main === module) {
  runScript('revoke:user', () =>
    runRevokeUser(process.argv.slice(2), {
      env: readEnvironment(process.cwd(), process.env, { faunaEnvFile: true }),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    }),
  );
}
