import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { runRotation, type RotationDependencies } from '../../../scripts/rotate/run-rotation';
import { rotationWorld, ROTATION_FAUNA_ENDPOINT, type RotationWorld, type RotationWorldOptions } from '../../../scripts/bench/rotation-world';
import { requestsLikeDeployCli } from '../../deploy/support/sdk-deployer';
import { REPO_ROOT } from '../../deploy/support/deploy-env';
import { TEST_CLIENT_SECRET } from '../../deploy/support/fake-tenant';

/**
 * npm run rotate:keys in this process: the real orchestration against the fake tenant (the
 * `auth0` SDK, requests like deploy-cli's per import, the test endpoint running the draft for
 * real) and the in-process Fauna, on one virtual clock that the rotation's waits move. Every
 * Fauna request and tenant write lands on one timeline, so tests can check what came before what.
 */
export interface RotationRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  readonly text: string;
}

export interface Harness {
  readonly world: RotationWorld;
  readonly dir: string;
  /** The key file path the runs are given by default. */
  readonly keyFile: string;
  /** `fauna:<first form>` and `tenant:<METHOD path>` and `sleep:<ms>`, in order. */
  readonly timeline: string[];
  now(): number;
  advance(ms: number): void;
  /** Requests to Fauna pass through this first: answer one yourself to inject a failure. */
  faunaFault: ((body: string, authorization: string) => Response | undefined) | undefined;
  /** Called by each sleep of the rotation, after the clock moved (e.g. to deploy something meanwhile). */
  onSleep: ((ms: number) => Promise<void>) | undefined;
  run(argv?: readonly string[], deps?: Partial<RotationDependencies>): Promise<RotationRun>;
  close(): void;
}

/** What a request to Fauna does, by the first of these forms its body holds (`{"create_key": …}`). */
function kindOf(body: string): string {
  return ['create_key', 'delete', 'update', 'call', 'current_token', 'paginate', 'get'].find((form) => body.includes(`"${form}"`)) ?? 'other';
}

export async function rotationHarness(options: Omit<RotationWorldOptions, 'now' | 'hooks'> = {}): Promise<Harness> {
  let clock = Date.UTC(2030, 0, 1, 12, 0, 0);
  const timeline: string[] = [];
  const world = await rotationWorld({
    ...options,
    now: () => clock,
    hooks: { onRecord: (r) => (r.method !== 'GET' && r.path !== '/oauth/token' ? timeline.push(`tenant:${r.method} ${r.path} ${r.status}`) : undefined) },
  });
  // test/support/no-network.ts removes every interceptor after each test: each run puts them back.
  const intercept = () => {
    if (nock.activeMocks().length > 0) return;
    world.tenant.install();
    world.fauna.intercept(ROTATION_FAUNA_ENDPOINT);
  };
  intercept();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotate-keys-'));
  const harness: Harness = {
    world,
    dir,
    keyFile: path.join(dir, '.env.rotation'),
    timeline,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    faunaFault: undefined,
    onSleep: undefined,
    run: async (argv = ['--key-file', harness.keyFile, '--allow-dirty'], deps = {}) => {
      intercept();
      const out: string[] = [];
      const err: string[] = [];
      const faunaFetch: typeof globalThis.fetch = async (input, init) => {
        const body = typeof init?.body === 'string' ? init.body : '';
        const authorization = new Headers(init?.headers).get('authorization') ?? '';
        timeline.push(`fauna:${kindOf(body)}${authorization.includes(world.env.FAUNA_ADMIN_SECRET ?? '') ? ':admin' : ''}`);
        return harness.faunaFault?.(body, authorization) ?? world.fauna.fetch(input, init);
      };
      const code = await runRotation(argv, {
        env: world.env,
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        root: REPO_ROOT,
        deployAction: requestsLikeDeployCli,
        faunaFetch,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
          timeline.push(`sleep:${ms}`);
          await harness.onSleep?.(ms);
        },
        pollIntervalMs: 5000,
        ...deps,
      });
      return { code, out, err, text: [...out, ...err].join('\n') };
    },
    close: () => {
      world.tenant.uninstall();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Every secret of the world and of `keyFile` that appears in `output`, whole or as any 8-character piece. */
export function secretsIn(output: string, harness: Harness, extra: readonly string[] = []): string[] {
  const fileValues = fs.existsSync(harness.keyFile) ? Object.values(require('dotenv').parse(fs.readFileSync(harness.keyFile, 'utf8')) as Record<string, string>) : [];
  const secrets = [harness.world.oldKeys.login, harness.world.oldKeys.revoke, harness.world.env.FAUNA_ADMIN_SECRET ?? '', TEST_CLIENT_SECRET, ...fileValues, ...extra];
  const pieces = (secret: string) => Array.from({ length: Math.max(0, secret.length - 7) }, (_, i) => secret.slice(i, i + 8));
  return secrets.filter((secret) => pieces(secret).some((piece) => output.includes(piece)));
}
