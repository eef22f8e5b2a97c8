import { runDeploy, type DeployDependencies } from '../../../scripts/deploy/run-deploy';
import { FakeTenant, type TenantSeed } from './fake-tenant';
import { CREDENTIALS, SETTINGS_ENV } from './deploy-env';
import { preflightFauna, type PreflightFaunaState } from './preflight-fauna';
import { requestsLikeDeployCli } from './sdk-deployer';

export interface InProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly tenant: FakeTenant;
  /** Requests to the Fauna preflight. */
  readonly faunaCalls: number;
}

export interface InProcessOptions {
  readonly env?: Record<string, string>;
  readonly seed?: TenantSeed;
  readonly fauna?: PreflightFaunaState;
  readonly deps?: Partial<DeployDependencies>;
  /** Deploy again to a tenant an earlier run left (its state carries over); `seed` is then ignored. */
  readonly tenant?: FakeTenant;
}

/**
 * npm run deploy:tenant in this process: the real orchestration, the `auth0` SDK against a
 * FakeTenant, the preflight against an in-process Fauna, and requests like deploy-cli's for each
 * Action's import (support/sdk-deployer.ts). No build (tests pass --skip-build).
 */
export async function deployInProcess(argv: readonly string[], options: InProcessOptions = {}): Promise<InProcessRun> {
  const env = options.env ?? { ...CREDENTIALS, ...SETTINGS_ENV };
  const fauna = await preflightFauna(options.fauna ?? 'ready', { login: env.FAUNA_SECRET ?? '', revoke: env.FAUNA_REVOKE_SECRET ?? '' });
  const tenant = (options.tenant ?? new FakeTenant(options.seed ?? {})).install();
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runDeploy(argv, {
      env,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      faunaFetch: fauna.fetch,
      deployAction: requestsLikeDeployCli,
      build: () => {
        throw new Error('the in-process deploy tests run with --skip-build');
      },
      ...options.deps,
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n'), tenant, faunaCalls: fauna.authorizations.length };
  } finally {
    tenant.uninstall();
  }
}
