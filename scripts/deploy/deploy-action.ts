import type { ManagementClient } from 'auth0';
import { sha256, type CheckedBundle } from './bundles';
import { DeployRefusedError } from './deploy-refused';
import type { Auth0Credentials, DeploySettings } from './environment';
import { buildImportFile } from './import-file';
import type { ActionDeployer } from './import';
import type { ActionSpec } from './tenant-file';
import { listActions } from './tenant-state';

export interface OneAction {
  readonly client: ManagementClient;
  readonly credentials: Auth0Credentials;
  readonly action: ActionSpec;
  /** The bundle this run checked: what the deployed version must be. */
  readonly bundle: CheckedBundle | undefined;
  readonly settings: DeploySettings;
  /** Where the tenant file's `code:` paths resolve. */
  readonly basePath: string;
  /** Values masked in whatever the importer prints. */
  readonly secrets: readonly string[];
  readonly deployer: ActionDeployer;
}

export interface DeployedAction {
  readonly id: string;
  readonly version: number | undefined;
  readonly sha256: string | undefined;
}

/**
 * Creates or updates one Action and deploys its new version in one import (no bindings), then
 * reads it back: the deployed version's code must have the sha256 of the bundle sent
 * (ERR_DEPLOY_READ_BACK otherwise), so what runs is what was checked. deploy:tenant runs it per
 * Action, revocation first; rotate:keys will run it to deploy new keys.
 */
export async function deployOneAction(one: OneAction): Promise<DeployedAction> {
  const { action } = one;
  const file = buildImportFile([action], undefined, one.settings);
  if (!file.file) throw new DeployRefusedError('ERR_DEPLOY_TENANT_FILE', `The tenant file for ${action.name} did not build`, file.problems);
  await one.deployer({ credentials: one.credentials, file: file.file, basePath: one.basePath, secrets: one.secrets });
  const now = (await listActions(one.client)).find((a) => a.name === action.name);
  const code = now?.deployed_version?.code;
  const deployed = code === undefined ? undefined : sha256(code);
  if (!now?.id || (action.deployed && deployed !== one.bundle?.sha256)) {
    throw new DeployRefusedError('ERR_DEPLOY_READ_BACK', `${action.name} read back is not the version just sent`, [
      `${action.name}: deployed code sha256 ${deployed ?? '(none)'}, sent ${one.bundle?.sha256 ?? '(none)'}`,
    ]);
  }
  return { id: now.id, version: now.deployed_version?.number, sha256: deployed };
}
