import type { Client } from 'faunadb';
import { AuthFaunaError, SettingsError, type ErrorCode } from '../lib/errors';
import { createFaunaClient, queryWithRetry, type FetchLike, type RetryOptions } from '../lib/fauna-client';
import { consoleSink, createLogger, type LogSink } from '../lib/log';
import type { FaunaConnectionSettings } from '../lib/settings';
import { buildRevokeCall, isRevokeResult } from './revoke-query';

export const ACTION_NAME = 'revoke-fauna-secrets';

export interface RevokeDependencies extends Pick<RetryOptions, 'now' | 'sleep' | 'random' | 'secretName'> {
  readonly fetch?: FetchLike;
  readonly log?: LogSink;
}

export type RevokeOutcome =
  /** Every login of the user is gone, with its secrets. */
  | { readonly kind: 'revoked'; readonly secrets: number; readonly logins: number; readonly queries: number }
  /** No user document for this Auth0 id: nothing was ever minted, nothing to do. */
  | { readonly kind: 'no-user'; readonly queries: number }
  /** The budget ran out with logins left (those revoked so far stay revoked). */
  | { readonly kind: 'incomplete'; readonly code: ErrorCode; readonly secrets: number; readonly logins: number; readonly queries: number }
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly secrets: number; readonly logins: number; readonly queries: number };

export type ConnectionReader = () => FaunaConnectionSettings;

/**
 * Ends every login of the user and every token minted for them through `revoke_user`: one
 * request while the user holds no more than the cap of live logins, another while it answers
 * `more`, as many as the budget (FAUNA_TIMEOUT_MS) allows. Never throws: a failure is an outcome
 * and a log line with a code and what to do. Settings are read inside, through `readConnection`,
 * so that a broken configuration is reported the same way.
 */
export async function revokeUserSecrets(
  auth0UserId: string,
  readConnection: ConnectionReader,
  deps: RevokeDependencies = {},
): Promise<RevokeOutcome> {
  const sink = deps.log ?? consoleSink;
  // Rebuilt once the key is known, so that every later line is redacted against it.
  let log = createLogger(ACTION_NAME, sink, []);
  const now = deps.now ?? Date.now;
  let secrets = 0;
  let logins = 0;
  let queries = 0;
  const revokeLater = `run \`npm run revoke:user -- ${auth0UserId}\` to finish; secrets also expire by themselves`;

  try {
    const settings = readConnection();
    log = createLogger(ACTION_NAME, sink, [settings.faunaSecret]);
    const client: Client = createFaunaClient(settings, deps.fetch ?? globalThis.fetch);
    const deadline = now() + settings.timeoutMs;
    const expr = buildRevokeCall(auth0UserId);
    for (;;) {
      const left = deadline - now();
      if (left <= 0) {
        log('warn', `ERR_REVOCATION_INCOMPLETE: revoked ${secrets} secret(s) of ${auth0UserId} before FAUNA_TIMEOUT_MS ran out; ${revokeLater}`);
        return { kind: 'incomplete', code: 'ERR_REVOCATION_INCOMPLETE', secrets, logins, queries };
      }
      const outcome = await queryWithRetry<unknown>(client, expr, {
        budgetMs: left,
        now: deps.now,
        sleep: deps.sleep,
        random: deps.random,
        secretName: deps.secretName,
        onRetry: (failure, attempt) =>
          log('warn', `Fauna attempt ${attempt} failed (${failure.faunaCode}, HTTP ${failure.status ?? '-'}); retrying`),
      });
      queries += 1;
      const page = outcome.value;
      if (!isRevokeResult(page)) {
        throw new AuthFaunaError(
          'ERR_FAUNA_UNEXPECTED_RESULT',
          'Fauna answered the revocation query unexpectedly; check that FAUNA_ENDPOINT is an FQL v4 endpoint and run `npm run setup:fauna`',
        );
      }
      if (!page.user) {
        log('info', `no Fauna user for ${auth0UserId}: no secrets to revoke`);
        return { kind: 'no-user', queries };
      }
      secrets += page.tokens;
      logins += page.logins;
      if (!page.more) {
        log('info', `revoked ${secrets} Fauna secret(s) of ${auth0UserId} (${logins} login(s), ${queries} quer${queries === 1 ? 'y' : 'ies'})`);
        return { kind: 'revoked', secrets, logins, queries };
      }
    }
  } catch (err) {
    if (!(err instanceof AuthFaunaError)) {
      // A bug of ours, not Fauna's: still no throw out of a post-change-password Action.
      log('error', `ERR_REVOCATION_INCOMPLETE: unexpected ${err instanceof Error ? err.name : 'failure'} after ${secrets} secret(s); ${revokeLater}`);
      return { kind: 'failed', code: 'ERR_REVOCATION_INCOMPLETE', secrets, logins, queries };
    }
    const hint = err instanceof SettingsError ? 'fix the Action secrets named above' : revokeLater;
    log('error', `${err.code}: ${err.message}; revoked ${secrets} secret(s) of ${auth0UserId} so far; ${hint}`);
    return { kind: 'failed', code: err.code, secrets, logins, queries };
  }
}
