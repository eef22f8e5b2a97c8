import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SETTINGS } from '../../../actions/lib/settings';

const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface DevProcess {
  readonly appUrl: string;
  readonly loginUrl: string;
  readonly faunaUrl: string;
  readonly claimNamespace: string;
  /** The server-side example's origin, when started with `--server`. */
  readonly serverUrl: string | undefined;
  /** The React example's origin, when started with `--react`. */
  readonly reactUrl: string | undefined;
  /** Everything it printed so far, stdout and stderr. */
  readonly output: () => string;
  /** Ctrl-C, as a developer would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function printedValue(output: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(output);
  if (match === null) throw new Error(`npm run dev printed no "${label}" line:\n${output}`);
  return match[1];
}

function spawnDev(settings: Record<string, string>, args: readonly string[] = []): { child: ChildProcess; cwd: string } {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-dev-e2e-'));
  const blank = Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, '']));
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(REPO_ROOT, 'scripts/dev.ts'), ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? cwd,
      ...blank,
      DEV_APP_PORT: '0',
      DEV_LOGIN_PORT: '0',
      DEV_FAUNA_PORT: '0',
      DEV_SERVER_PORT: '0',
      DEV_REACT_PORT: '0',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, cwd };
}

/** Runs `npm run dev` expecting it to refuse to start: its exit code and what it printed. */
export async function runDevUntilExit(settings: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { child, cwd } = spawnDev(settings);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGINT'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  fs.rmSync(cwd, { recursive: true, force: true });
  return { code, output };
}

/**
 * Runs `scripts/dev.ts` as `npm run dev` does (tsx), on free ports, in an empty working directory
 * (a developer's .env never leaks in), with exactly the given settings: every Action setting not
 * given is passed empty, so the parent's environment cannot leak one in either.
 */
export async function startDevProcess(settings: Record<string, string>, timeoutMs = 60_000, args: readonly string[] = []): Promise<DevProcess> {
  const { child, cwd } = spawnDev(settings, args);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run dev did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (/^Open http/m.test(output)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`npm run dev exited with ${code} before it was ready:\n${output}`));
    });
  });

  return {
    appUrl: printedValue(output, 'App'),
    loginUrl: printedValue(output, 'Login'),
    faunaUrl: printedValue(output, 'Fauna'),
    claimNamespace: printedValue(output, 'CLAIM_NAMESPACE'),
    serverUrl: args.includes('--server') ? printedValue(output, 'Server') : undefined,
    reactUrl: args.includes('--react') ? printedValue(output, 'React') : undefined,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      fs.rmSync(cwd, { recursive: true, force: true });
      return code;
    },
  };
}
