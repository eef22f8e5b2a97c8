/**
 * Why a deploy or smoke run stopped before (or instead of) touching the tenant. Each problem
 * names a variable, setting, file or Action and says what to do; never a value.
 */
export type DeployErrorCode =
  /** A credential or Action setting is missing or fails the Action's own validation. */
  | 'ERR_DEPLOY_SETTINGS'
  /** tenant.yaml is malformed, has an unresolved keyword, or a value cannot pass through it. */
  | 'ERR_DEPLOY_TENANT_FILE'
  /** A bundle is missing, too large, has no version header or carries a keyword marker. */
  | 'ERR_DEPLOY_BUNDLE'
  /** `npm run build` failed. */
  | 'ERR_DEPLOY_BUILD'
  /** A binding already in the tenant could not be carried over, so importing would drop it. */
  | 'ERR_DEPLOY_BINDINGS';

export class DeployRefusedError extends Error {
  readonly code: DeployErrorCode;
  readonly problems: readonly string[];

  constructor(code: DeployErrorCode, summary: string, problems: readonly string[]) {
    super(`${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = new.target.name;
    this.code = code;
    this.problems = problems;
  }
}
