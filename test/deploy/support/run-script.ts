import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakeAction, RecordedRequest, TenantSeed } from './fake-tenant';
import type { PreflightFaunaState } from './preflight-fauna';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const PRELOAD = path.join(__dirname, 'fake-tenant-preload.ts');

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every HTTP request the script made, in order. */
  readonly requests: RecordedRequest[];
  readonly finalState: { actions: FakeAction[]; bindings: Record<string, string[]> };
}

/**
 * Runs scripts/<script>.ts as `npm run` would (tsx), in a fresh process whose HTTP goes to a
 * FakeTenant (see fake-tenant-preload.ts). The environment is exactly `env` plus PATH/HOME, and
 * the working directory is an empty temp dir (so a developer's .env never leaks in) unless a
 * `.env` text is given for it.
 */
export async function runScript(
  script: 'deploy-tenant' | 'smoke-tenant' | 'rotate-keys',
  args: readonly string[],
  options: {
    env: Record<string, string>;
    seed?: TenantSeed;
    dotEnv?: string;
    /** State of the Fauna the preflight reaches (default ready). */
    fauna?: PreflightFaunaState;
    /** Folders to put first on PATH (a stand-in `npm`, say). */
    pathPrefix?: string;
  },
): Promise<ScriptRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `auth0-fauna-${script}-test-`));
  try {
    const files = { seed: path.join(dir, 'seed.json'), log: path.join(dir, 'requests.jsonl'), state: path.join(dir, 'state.json') };
    fs.writeFileSync(files.seed, JSON.stringify(options.seed ?? {}));
    fs.writeFileSync(files.log, '');
    // Private, as the docs ask: a world-readable .env would add a warning to stderr.
    if (options.dotEnv !== undefined) fs.writeFileSync(path.join(dir, '.env'), options.dotEnv, { mode: 0o600 });
    const child = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), '--require', PRELOAD, path.join(REPO_ROOT, 'scripts', `${script}.ts`), ...args],
      {
        cwd: dir,
        env: {
          PATH: [options.pathPrefix, process.env.PATH].filter((p) => p).join(path.delimiter),
          HOME: process.env.HOME ?? dir,
          ...options.env,
          FAKE_TENANT_SEED: files.seed,
          FAKE_TENANT_LOG: files.log,
          FAKE_TENANT_STATE_OUT: files.state,
          FAKE_FAUNA_STATE: options.fauna ?? 'ready',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const requests = fs
      .readFileSync(files.log, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RecordedRequest);
    const finalState = fs.existsSync(files.state)
      ? (JSON.parse(fs.readFileSync(files.state, 'utf8')) as ScriptRun['finalState'])
      : { actions: [], bindings: {} };
    return { code, stdout, stderr, requests, finalState };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
