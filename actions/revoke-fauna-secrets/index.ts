import { parseConnectionSettings } from '../lib/settings';
import type { PostChangePasswordApi, PostChangePasswordEvent } from '../types/auth0-actions';
import { revokeUserSecrets } from './revoke-user-secrets';

/**
 * Auth0 post-change-password trigger (v2): a new password ends every Fauna secret the user's
 * earlier logins were given. The trigger cannot fail the password change, so the core never
 * throws; what it did or could not do goes to the Action's log.
 */
export async function onExecutePostChangePassword(event: PostChangePasswordEvent, _api: PostChangePasswordApi): Promise<void> {
  await revokeUserSecrets(event.user.user_id, () => parseConnectionSettings(event.secrets));
}
