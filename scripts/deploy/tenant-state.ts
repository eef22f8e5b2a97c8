import type { ManagementClient, Management } from 'auth0';
import type { Auth0Credentials } from './environment';
import type { BindingSpec, TriggerId } from './tenant-file';

/**
 * Reads with the `auth0` SDK (v7); the token comes from the client-credentials grant. The SDK is
 * loaded here, on first use, not with this module: it takes ~0.4 s, and the deploy's checks and
 * the smoke test's judge import this module without talking to a tenant.
 */
export function createManagementClient(credentials: Auth0Credentials): ManagementClient {
  const { ManagementClient: Client } = require('auth0') as typeof import('auth0');
  return new Client({
    domain: credentials.domain,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
  });
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
 * The bindings as tenant.yaml entries. deploy-cli rebinds by Action name, so a binding whose
 * Action has no name cannot be carried over: that is reported, never silently dropped.
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
