/**
 * The Management API scopes each command needs, with what each is for, as Auth0's Management API
 * reference documents them per endpoint (docs/deploy-and-operate.md has the same table):
 * `GET` Actions, versions and bindings need read:actions; `POST /actions/actions` (create),
 * `POST …/{id}/deploy` (a new version) and `POST …/{id}/test` need create:actions;
 * `PATCH …/{id}` (update) and `PATCH …/triggers/{triggerId}/bindings` need update:actions.
 */
export interface ScopeUse {
  readonly scope: string;
  readonly usedFor: string;
}

export const DEPLOY_SCOPES: readonly ScopeUse[] = [
  { scope: 'read:actions', usedFor: 'list the Actions, read each Action and its deployed version, read trigger bindings' },
  { scope: 'create:actions', usedFor: 'create an Action on a first deploy, and deploy every new version (POST …/actions/{id}/deploy)' },
  { scope: 'update:actions', usedFor: 'update an Action in place, and write trigger bindings (PATCH …/triggers/{id}/bindings)' },
];

export const SMOKE_SCOPES: readonly ScopeUse[] = [
  { scope: 'read:actions', usedFor: 'read each Action, its deployed version and the trigger bindings' },
  { scope: 'create:actions', usedFor: 'test-run each Action (POST …/actions/{id}/test)' },
];

/** rotate:keys deploys new versions and test-runs them with the deploy's credential. */
export const ROTATE_SCOPES: readonly ScopeUse[] = [
  { scope: 'read:actions', usedFor: 'read each Action, its draft and its deployed version' },
  { scope: 'create:actions', usedFor: 'deploy each new version holding the new key (POST …/actions/{id}/deploy), and test-run it (POST …/actions/{id}/test)' },
  { scope: 'update:actions', usedFor: "write the new key into each Action's secrets (PATCH …/actions/{id})" },
];

/** revoke:user's own credential: each step runs only when its scope is granted. */
export const REVOKE_USER_SCOPES: readonly ScopeUse[] = [
  { scope: 'delete:sessions', usedFor: "end the user's Auth0 sessions (DELETE /api/v2/users/{id}/sessions; Enterprise plans)" },
  { scope: 'delete:refresh_tokens', usedFor: "revoke the user's refresh tokens (DELETE /api/v2/users/{id}/refresh-tokens; Enterprise plans)" },
  { scope: 'delete:grants', usedFor: "delete the user's grants, which revokes their refresh tokens (DELETE /api/v2/grants?user_id=; every plan)" },
];

export interface ScopeReport {
  readonly missing: readonly ScopeUse[];
  /** Granted but not needed by this command: a stronger credential than it needs. */
  readonly extra: readonly string[];
  readonly lines: readonly string[];
}

/** The granted scopes against what a command needs, as lines for the admin. */
export function compareScopes(granted: readonly string[], needed: readonly ScopeUse[], command: string): ScopeReport {
  const have = new Set(granted);
  const missing = needed.filter((use) => !have.has(use.scope));
  const neededNames = new Set(needed.map((use) => use.scope));
  const extra = granted.filter((scope) => !neededNames.has(scope));
  const lines = [`Management API scopes granted: ${granted.join(', ') || '(none)'}`];
  lines.push(`${command} needs: ${needed.map((use) => use.scope).join(', ')}`);
  for (const use of missing) lines.push(`  MISSING ${use.scope}: ${use.usedFor}`);
  if (missing.length === 0) lines.push('  none missing');
  if (extra.length > 0) lines.push(`  also granted, not needed here (a stronger credential than this needs): ${extra.join(', ')}`);
  return { missing, extra, lines };
}
