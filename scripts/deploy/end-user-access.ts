import type { ManagementClient } from 'auth0';
import { describeRequestFailure } from './deploy-refused';
import { REVOKE_USER_SCOPES } from './scopes';

/**
 * revoke:user's Auth0 part: end what lets a user's browser or app get a new Fauna secret without
 * signing in again. Every silent authentication and refresh-token exchange runs fauna-login, so a
 * user whose Fauna secrets are revoked but whose Auth0 session or refresh tokens live gets a new
 * secret at the next renewal. What can be ended depends on the plan (Auth0 documents the user
 * sessions and refresh-token endpoints for Enterprise plans; grants on every plan):
 * - `DELETE /api/v2/users/{id}/sessions` (delete:sessions): the user's Auth0 sessions (SSO cookie);
 * - `DELETE /api/v2/users/{id}/refresh-tokens` (delete:refresh_tokens): every refresh token;
 * - `DELETE /api/v2/grants?user_id=` (delete:grants): the user's grants, which revokes the
 *   refresh tokens issued under them.
 * Each step runs only when its scope is granted; a 403 or 404 that is not a missing scope means
 * the plan does not offer the endpoint. Nothing here throws: each step is an outcome.
 */
export type StepOutcome =
  | { readonly kind: 'ended' }
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'not-on-plan'; readonly status: number }
  | { readonly kind: 'failed'; readonly why: string };

export interface AccessStep {
  readonly scope: string;
  /** What it ends, for the "ended" line. */
  readonly ends: string;
  readonly run: (client: ManagementClient, userId: string) => Promise<unknown>;
}

export const ACCESS_STEPS: readonly AccessStep[] = [
  { scope: 'delete:sessions', ends: "the user's Auth0 sessions", run: (client, id) => client.users.sessions.delete(id) },
  { scope: 'delete:refresh_tokens', ends: "the user's refresh tokens", run: (client, id) => client.users.refreshToken.delete(id) },
  { scope: 'delete:grants', ends: "the user's grants (and the refresh tokens issued under them)", run: (client, id) => client.userGrants.deleteByUserId({ user_id: id }) },
];

function isMissingScope(err: unknown): boolean {
  const body = (err as { body?: { errorCode?: unknown; message?: unknown } }).body;
  const text = `${typeof body?.errorCode === 'string' ? body.errorCode : ''} ${typeof body?.message === 'string' ? body.message : ''} ${(err as Error).message ?? ''}`;
  return /insufficient_scope|insufficient scope/i.test(text);
}

async function runStep(step: AccessStep, client: ManagementClient, userId: string, granted: ReadonlySet<string>, domain: string): Promise<StepOutcome> {
  if (!granted.has(step.scope)) return { kind: 'skipped', why: `the credential lacks ${step.scope}` };
  try {
    await step.run(client, userId);
    return { kind: 'ended' };
  } catch (err) {
    const status = (err as { statusCode?: unknown }).statusCode;
    if (typeof status !== 'number') return { kind: 'failed', why: describeRequestFailure(err, `https://${domain}/`) };
    if ((status === 403 || status === 404) && !isMissingScope(err)) return { kind: 'not-on-plan', status };
    return { kind: 'failed', why: `HTTP ${status}${isMissingScope(err) ? ` (the credential lacks ${step.scope})` : ''}` };
  }
}

export interface AccessReport {
  readonly lines: readonly string[];
  /** A step failed for a reason other than the plan or a scope not granted. */
  readonly failed: boolean;
}

/** Runs every step in order and says, per step, what it ended or could not, and what stays open. */
export async function endUserAccess(client: ManagementClient, userId: string, granted: readonly string[], domain: string): Promise<AccessReport> {
  const have = new Set(granted);
  const lines: string[] = [];
  const outcomes = new Map<string, StepOutcome>();
  for (const step of ACCESS_STEPS) {
    const outcome = await runStep(step, client, userId, have, domain);
    outcomes.set(step.scope, outcome);
    const use = REVOKE_USER_SCOPES.find((u) => u.scope === step.scope)?.usedFor ?? step.scope;
    switch (outcome.kind) {
      case 'ended':
        lines.push(`Auth0: ended ${step.ends}.`);
        break;
      case 'skipped':
        lines.push(`Auth0: did not end ${step.ends}: ${outcome.why} (${use}).`);
        break;
      case 'not-on-plan':
        lines.push(`Auth0: could not end ${step.ends}: not available on this tenant's plan (HTTP ${outcome.status}; Enterprise plans only).`);
        break;
      case 'failed':
        lines.push(`Auth0: FAILED to end ${step.ends}: ${outcome.why}; run the command again.`);
        break;
    }
  }
  const ended = (scope: string) => outcomes.get(scope)?.kind === 'ended';
  if (!ended('delete:sessions')) {
    lines.push(
      "Still open: the user's Auth0 session. A browser that holds it gets a new Fauna secret at its next silent login, until the session expires or the user logs out; block the user (Dashboard > User Management) to stop that now.",
    );
  }
  if (!ended('delete:refresh_tokens') && !ended('delete:grants')) {
    lines.push("Still open: the user's refresh tokens. Each refresh-token exchange gets a new Fauna secret until they expire or are revoked.");
  }
  return { lines, failed: [...outcomes.values()].some((o) => o.kind === 'failed') };
}
