/**
 * Why a deploy, dry run, smoke or revoke:user run stopped. Each problem names a variable,
 * setting, file, Action, trigger or endpoint and says what to do; never a value.
 */
export type DeployErrorCode =
  /** A credential or Action setting is missing, has a control character, or fails the Action's own validation. */
  | 'ERR_DEPLOY_SETTINGS'
  /** tenant.yaml is malformed, has an unresolved keyword, or a value cannot pass through it. */
  | 'ERR_DEPLOY_TENANT_FILE'
  /** A bundle is missing, too large, has no version header or carries a keyword marker. */
  | 'ERR_DEPLOY_BUNDLE'
  /** A bundle is not provably this checkout's commit: dirty, stale, outside git or another commit (`--allow-dirty`). */
  | 'ERR_DEPLOY_PROVENANCE'
  /** `npm run build` failed. */
  | 'ERR_DEPLOY_BUILD'
  /** fauna-login would deploy without revoke-fauna-secrets (`--without-revocation`). */
  | 'ERR_DEPLOY_REVOCATION'
  /** The Fauna schema this code needs is not in place, or a key may not call its function. */
  | 'ERR_DEPLOY_FAUNA'
  /** The Auth0 domain could not be reached (DNS, TLS, connection). */
  | 'ERR_DEPLOY_AUTH0_UNREACHABLE'
  /** The Management API refused the credential (token request). */
  | 'ERR_DEPLOY_AUTH0_CREDENTIALS'
  /** The credential's token lacks a scope the run needs. */
  | 'ERR_DEPLOY_SCOPES'
  /** A secret the tenant's Action has would be dropped (`--reset NAME`), or was edited after the deployed version (`--overwrite NAME`). */
  | 'ERR_DEPLOY_SECRETS'
  /** fauna-login exists but is not bound: the kill switch (`--bind` / `--keep-unbound`). */
  | 'ERR_DEPLOY_KILL_SWITCH'
  /** A binding could not be kept, or the bindings read back differ from what was written. */
  | 'ERR_DEPLOY_BINDINGS'
  /** A write to the tenant failed; the tenant was read back and what it holds is printed. */
  | 'ERR_DEPLOY_WRITE'
  /** An Action read back after its import is not the version just sent. */
  | 'ERR_DEPLOY_READ_BACK';

/** An error with a stable code, a summary and the problems behind it, one per line (deploy:tenant, rotate:keys). */
export class ProblemListError<Code extends string> extends Error {
  readonly code: Code;
  readonly problems: readonly string[];

  constructor(code: Code, summary: string, problems: readonly string[]) {
    super(`${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = new.target.name;
    this.code = code;
    this.problems = problems;
  }
}

export class DeployRefusedError extends ProblemListError<DeployErrorCode> {}

/** An SDK or deploy-cli failure, short: the status and Auth0's message when there is one. */
export function failureText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { statusCode, body } = err as { statusCode?: unknown; body?: unknown };
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : err.message;
  return `${typeof statusCode === 'number' ? `HTTP ${statusCode}: ` : ''}${message}`.slice(0, 500);
}

/**
 * What a failed request says about where it went and why, for an admin: the host and the
 * network cause (`getaddrinfo ENOTFOUND …`, `connect ECONNREFUSED …`), never a request body.
 * fetch reports every network failure as `TypeError: fetch failed` with the cause inside.
 */
export function describeRequestFailure(err: unknown, url: string): string {
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const causes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    const text = current.message && current.message !== 'fetch failed' ? current.message : '';
    const part = [typeof code === 'string' && !text.includes(code) ? code : '', text].filter((p) => p !== '').join(' ');
    if (part !== '' && !causes.includes(part)) causes.push(part);
    current = (current as { cause?: unknown }).cause;
  }
  return `could not reach ${host} (${causes.join(': ') || 'no cause given'})`;
}
