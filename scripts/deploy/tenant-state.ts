import type { ManagementClient, Management } from 'auth0';
import type { Auth0Credentials, CredentialNames } from './environment';
import { requestManagementToken } from './management-token';
import type { BindingSpec, TriggerId } from './tenant-file';

/**
 * The `auth0` SDK (v7) with a token we asked for ourselves (so its scopes are known). The SDK is
 * loaded here, on first use, not with this module: it takes ~0.4 s, and the deploy's checks and
 * the smoke test's judge import this module without talking to a tenant.
 */
export function createManagementClient(domain: string, accessToken: string): ManagementClient {
  const { ManagementClient: Client } = require('auth0') as typeof import('auth0');
  return new Client({ domain, token: accessToken });
}

/** A Management API client for `credentials`, and the scopes its token was granted. */
export async function connectManagementApi(
  credentials: Auth0Credentials,
  names: CredentialNames,
): Promise<{ client: ManagementClient; scopes: readonly string[] }> {
  const token = await requestManagementToken(credentials, names);
  return { client: createManagementClient(credentials.domain, token.accessToken), scopes: token.scopes };
}

const ACTIONS_PER_PAGE = 100;
const BINDINGS_PER_PAGE = 50;

/** Every Action in the tenant (all pages). */
export async function listActions(client: ManagementClient): Promise<Management.Action[]> {
  const actions: Management.Action[] = [];
  for await (const action of await client.actions.list({ per_page: ACTIONS_PER_PAGE })) actions.push(action);
  return actions;
}

/** Every binding of a trigger (all pages), in execution order. */
export async function listBindings(client: ManagementClient, trigger: TriggerId): Promise<Management.ActionBinding[]> {
  const bindings: Management.ActionBinding[] = [];
  const pages = await client.actions.triggers.bindings.list(trigger, { per_page: BINDINGS_PER_PAGE });
  for await (const binding of pages) bindings.push(binding);
  return bindings;
}

/**
 * The bindings as named entries, for plans and read-backs. A binding whose Action has no name is
 * reported (by position and id), never silently dropped.
 */
export function toBindingSpecs(
  trigger: TriggerId,
  bindings: readonly Management.ActionBinding[],
): { specs: BindingSpec[]; problems: string[] } {
  const specs: BindingSpec[] = [];
  const problems: string[] = [];
  bindings.forEach((binding, index) => {
    const name = binding.action?.name;
    if (!name) {
      problems.push(`${trigger} binding #${index + 1} (${binding.id ?? 'no id'}) has no Action name, so it could not be kept`);
      return;
    }
    specs.push({ action_name: name, display_name: binding.display_name || name });
  });
  return { specs, problems };
}
