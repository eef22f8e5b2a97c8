import { ProblemListError } from '../deploy/deploy-refused';

/**
 * Why rotate:keys stopped. Each problem names a variable, key id, file, Action or step and says
 * what to do; never a secret.
 */
export type RotationErrorCode =
  /** A variable the rotation needs is missing or invalid (credentials, settings, FAUNA_ADMIN_SECRET). */
  | 'ERR_ROTATE_SETTINGS'
  /** FAUNA_SECRET or FAUNA_REVOKE_SECRET is not a live key of this database with a custom role. */
  | 'ERR_ROTATE_OLD_KEY'
  /** The key file given exists but is not this rotation's (another run's, setup:fauna's, keys deleted since). */
  | 'ERR_ROTATE_KEY_FILE'
  /** An Action is missing, not deployed, has undeployed draft changes, or runs another build than dist/. */
  | 'ERR_ROTATE_TENANT'
  /** dist/ is not provably this commit's build (`--allow-dirty`). */
  | 'ERR_ROTATE_PROVENANCE'
  /** Deploying would drop or overwrite another secret the tenant holds (as deploy:tenant's ERR_DEPLOY_SECRETS). */
  | 'ERR_ROTATE_SECRETS'
  /** The Management API credential lacks a scope the rotation needs. */
  | 'ERR_ROTATE_SCOPES'
  /** A Fauna query of the rotation failed (list, create, record, delete). */
  | 'ERR_ROTATE_FAUNA'
  /** A new key failed the preflight: it may not call its function. Nothing was deployed. */
  | 'ERR_ROTATE_NEW_KEY'
  /** Deploying an Action with its new key failed; the tenant was read back. */
  | 'ERR_ROTATE_DEPLOY'
  /** The deployed Actions did not pass the test run with the new keys. */
  | 'ERR_ROTATE_PROOF'
  /** An Action was deployed again since this rotation deployed it (it may hold the old key): nothing deleted. */
  | 'ERR_ROTATE_REDEPLOYED'
  /** Fauna still accepts an old key after the bound (its key cache). */
  | 'ERR_ROTATE_STILL_ACCEPTED';

export class RotationError extends ProblemListError<RotationErrorCode> {}
