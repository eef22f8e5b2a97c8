/**
 * `npm run revoke:user -- '<auth0 user id>'`
 *
 * Logs a user out of Fauna everywhere, from an admin's shell, in this order:
 * 1. Auth0 (when AUTH0_REVOKE_CLIENT_ID / AUTH0_REVOKE_CLIENT_SECRET are set, with AUTH0_DOMAIN):
 *    ends what the tenant's plan lets it end of what would mint a new secret (sessions, refresh
 *    tokens, grants: scripts/deploy/end-user-access.ts), and says what it could not;
 * 2. Fauna: every secret minted for the user's logins, with the revoke Action's key
 *    (FAUNA_REVOKE_SECRET; no admin key needed) and a longer budget than the Action's.
 * Auth0 first, so that no renewal in between mints a secret the Fauna step would miss.
 */
import { parseArgs } from 'node:util';
import type { ErrorCode } from '../actions/lib/errors';
import type { LogLevel } from '../actions/lib/log';
import { parseFaunaEndpoint } from '../actions/lib/settings';
import { revokeUserSecrets, type RevokeOutcome } from '../actions/revoke-fauna-secrets/revoke-user-secrets';
import type { AdminScriptDependencies } from '../fauna/admin-connection';
import { DeployRefusedError } from './deploy/deploy-refused';
import { endUserAccess } from './deploy/end-user-access';
import { REVOKE_CREDENTIAL, controlCharacterProblems, maskSecrets, readAuth0Credentials, secretValues } from './deploy/environment';
import { connectManagementApi } from './deploy/tenant-state';
import { readEnvironment, runScript } from './environment';

export const USAGE = `Usage: npm run revoke:user -- '<auth0 user id>'

Quote the id: it contains a | (e.g. 'auth0|64f0c2a1b2c3d4e5f6a7b8c9'), which a shell takes as a pipe.
Ends the user's Auth0 sessions, refresh tokens and grants as far as the plan allows (with
AUTH0_DOMAIN, AUTH0_REVOKE_CLIENT_ID, AUTH0_REVOKE_CLIENT_SECRET), then deletes every auth0_jwt
document of the user and every Fauna secret minted for them (with FAUNA_ENDPOINT and
FAUNA_REVOKE_SECRET). Reads the environment and .env.`;

const ADMIN_BUDGET_MS = 60_000;

export type RevokeUserDependencies = AdminScriptDependencies;

interface FaunaConnection {
  readonly faunaEndpoint: string;
  readonly faunaSecret: string;
  /** Which variable the key came from, to name in hints. */
  readonly keyVariable: 'FAUNA_REVOKE_SECRET' | 'FAUNA_ADMIN_SECRET';
}

/** FAUNA_ENDPOINT and the revoke key (an admin key also works, but is far stronger than needed). */
function readFaunaConnection(env: RevokeUserDependencies['env']): { connection?: FaunaConnection; problems: string[]; notes: string[] } {
  const problems = controlCharacterProblems(env, ['FAUNA_ENDPOINT', 'FAUNA_REVOKE_SECRET', 'FAUNA_ADMIN_SECRET']);
  const notes: string[] = [];
  const endpointRaw = env.FAUNA_ENDPOINT?.trim() ?? '';
  let faunaEndpoint = '';
  if (endpointRaw === '') problems.push('FAUNA_ENDPOINT is missing: set it in the environment or .env (e.g. https://fauna.example.com:8443)');
  else {
    try {
      faunaEndpoint = parseFaunaEndpoint(endpointRaw, 'put the key in FAUNA_REVOKE_SECRET');
    } catch (err) {
      problems.push(`FAUNA_ENDPOINT ${(err as Error).message}`);
    }
  }
  const revokeKey = env.FAUNA_REVOKE_SECRET?.trim() ?? '';
  const adminKey = env.FAUNA_ADMIN_SECRET?.trim() ?? '';
  let key: Pick<FaunaConnection, 'faunaSecret' | 'keyVariable'> | undefined;
  if (revokeKey !== '') key = { faunaSecret: revokeKey, keyVariable: 'FAUNA_REVOKE_SECRET' };
  else if (adminKey !== '') {
    key = { faunaSecret: adminKey, keyVariable: 'FAUNA_ADMIN_SECRET' };
    notes.push('Using FAUNA_ADMIN_SECRET because FAUNA_REVOKE_SECRET is not set: the revoke key is enough, and far weaker if it leaks.');
  } else {
    problems.push('FAUNA_REVOKE_SECRET is missing: set it to the revoke Action\'s key (npm run setup:fauna -- --create-revoke-key)');
  }
  if (problems.length > 0 || key === undefined) return { problems, notes };
  return { connection: { faunaEndpoint, ...key }, problems, notes };
}

const KEY_HINTS: Partial<Record<ErrorCode, (variable: string) => string>> = {
  ERR_FAUNA_UNAUTHORIZED: (variable) => `${variable} is not a valid key for FAUNA_ENDPOINT: use the key npm run setup:fauna -- --create-revoke-key made.`,
  ERR_FAUNA_PERMISSION_DENIED: (variable) =>
    `${variable} may not revoke: use the revoke Action's key (role auth0_fauna_revoke_action), and run npm run setup:fauna so its role is current.`,
};

/** The user id, or why it is not one: an id without `|` is most often one a shell cut at an unquoted `|`. */
function userIdFrom(positionals: readonly string[]): { userId?: string; problem?: string } {
  const userId = positionals[0]?.trim() ?? '';
  if (positionals.length !== 1 || userId === '') return { problem: "give exactly one Auth0 user id, quoted, e.g. 'auth0|64f0c2a1b2c3d4e5f6a7b8c9'" };
  if (!userId.includes('|')) {
    return {
      problem: `"${userId.slice(0, 60)}" is not an Auth0 user id (they read provider|id, e.g. auth0|64f0c2a1b2c3d4e5f6a7b8c9). Unquoted, a shell takes | as a pipe and passes only the part before it: quote the id, npm run revoke:user -- '${userId.slice(0, 60)}|…'`,
    };
  }
  return { userId };
}

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
  const { userId, problem } = userIdFrom(positionals);
  if (userId === undefined) {
    deps.err(`ERR_USAGE: ${problem}`);
    deps.err(USAGE);
    return 2;
  }
  const secrets = secretValues(deps.env);
  const out = (line: string) => deps.out(maskSecrets(line, secrets));
  const err = (line: string) => deps.err(maskSecrets(line, secrets));

  const fauna = readFaunaConnection(deps.env);
  const auth0Configured = [REVOKE_CREDENTIAL.clientId, REVOKE_CREDENTIAL.clientSecret].some((name) => (deps.env[name]?.trim() ?? '') !== '');
  const auth0 = auth0Configured ? readAuth0Credentials(deps.env, REVOKE_CREDENTIAL) : undefined;
  const problems = [...fauna.problems, ...(auth0?.problems ?? [])];
  if (problems.length > 0 || fauna.connection === undefined) {
    for (const p of problems) err(`ERR_SETTINGS_INVALID: ${p}`);
    return 1;
  }
  for (const note of fauna.notes) out(note);

  let auth0Failed = false;
  if (auth0?.credentials) {
    try {
      const { client, scopes } = await connectManagementApi(auth0.credentials, REVOKE_CREDENTIAL);
      const report = await endUserAccess(client, userId, scopes, auth0.credentials.domain);
      for (const line of report.lines) out(line);
      auth0Failed = report.failed;
    } catch (e) {
      err(e instanceof DeployRefusedError ? `${e.code}: ${e.message}` : `Auth0 part failed: ${(e as Error).message}`);
      out('Auth0: nothing was ended there; the Fauna secrets are revoked next all the same.');
      auth0Failed = true;
    }
  } else {
    out(
      `Auth0: not contacted (${REVOKE_CREDENTIAL.clientId} / ${REVOKE_CREDENTIAL.clientSecret} are not set). The user's Auth0 session and refresh tokens stay valid: the next silent login or refresh gets a new Fauna secret. See "Revoke a user" in docs/deploy-and-operate.md.`,
    );
  }

  const connection = fauna.connection;
  const outcome: RevokeOutcome = await revokeUserSecrets(
    userId,
    () => ({ faunaEndpoint: connection.faunaEndpoint, faunaSecret: connection.faunaSecret, timeoutMs: deps.budgetMs ?? ADMIN_BUDGET_MS }),
    {
      fetch: deps.fetch,
      secretName: connection.keyVariable,
      // The core's lines are redacted already; its warnings and errors say what went wrong.
      log: (level: LogLevel, line: string) => (level === 'info' ? undefined : err(line)),
    },
  );

  switch (outcome.kind) {
    case 'revoked':
      out(`Fauna: revoked ${outcome.secrets} secret(s) of ${userId} (${outcome.logins} login(s)).`);
      return auth0Failed ? 1 : 0;
    case 'no-user':
      out(`Fauna: no user for ${userId}: nothing to revoke (0 secrets).`);
      return auth0Failed ? 1 : 0;
    case 'incomplete':
    case 'failed': {
      const hint = KEY_HINTS[outcome.code];
      if (hint !== undefined) err(hint(connection.keyVariable));
      out(`Fauna: revoked ${outcome.secrets} secret(s) of ${userId} before stopping (${outcome.code}); run the command again.`);
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
