import { createLogger, consoleSink } from '../lib/log';
import type { PostLoginApi, PostLoginEvent } from '../types/auth0-actions';
import { endStaleSession } from './eligibility';
import { ACTION_NAME, mintLoginSecret } from './mint-login-secret';

/** Auth0 post-login trigger (v3): wires the event to the core and the outcome to the api. */
export async function onExecutePostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
  const outcome = await mintLoginSecret({
    secrets: event.secrets,
    user: event.user,
    clientId: event.client.client_id,
    transaction: event.transaction,
    authentication: event.authentication,
    sessionId: event.session?.id ?? event.refresh_token?.session_id,
  });
  if (outcome.kind === 'claims') {
    // ID token only: access tokens travel to third-party APIs, the Fauna secret must not.
    for (const [name, value] of Object.entries(outcome.claims)) api.idToken.setCustomClaim(name, value);
  } else if (outcome.kind === 'denied') {
    api.access.deny(outcome.reason);
  } else if (outcome.kind === 'stale-session') {
    const ended = endStaleSession(event, api, outcome.reason);
    createLogger(ACTION_NAME, consoleSink, [])('warn', `${outcome.code}: ${ended}`);
  }
}
