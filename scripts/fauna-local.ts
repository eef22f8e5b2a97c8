/**
 * `npm run fauna:local [-- --port N] [-- --settings-file PATH]`
 *
 * A Fauna to rehearse the deploy steps against: the in-process Fauna (fauna-in-process/, a
 * subset of FQL v4 that answers as the open-source core does or refuses with a 400 naming what it
 * lacks) served over HTTP on 127.0.0.1, empty, with a fresh admin key. It writes FAUNA_ENDPOINT and
 * FAUNA_ADMIN_SECRET to a git-ignored file created with mode 600 (never to the terminal), which
 * setup:fauna, verify:fauna, revoke:user and simulate read when AUTH0_FAUNA_ENV_FILE names it.
 * Everything lives in memory: Ctrl-C (or SIGTERM) stops it, and the file goes with it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FakeFauna } from '../fauna-in-process';
import { serveInProcessFauna, type ServedFauna } from '../fauna-in-process/http';
import { FAUNA_ENV_FILE_VARIABLE } from './environment';

export const DEFAULT_PORT = 8443;
export const DEFAULT_ENV_FILE = '.env.fauna-local';
/** The first line of every file this command writes: how it knows a file is its own to replace. */
export const ENV_FILE_HEADER = '# Written by `npm run fauna:local`';
/**
 * The core caches token records (a token removed by Logout may authenticate a little longer) and
 * re-reads the identity document on every request; the local Fauna does the same, as `npm run
 * dev`'s does, so verify:fauna's logout check sees what it will see on a real server.
 */
const TOKEN_CACHE_MS = 10_000;

export const USAGE = `Usage: npm run fauna:local -- [--port N] [--settings-file PATH]

Serves an in-memory Fauna (the in-process FQL v4 subset the tests use) on 127.0.0.1 to rehearse
setup:fauna, verify:fauna, revoke:user and simulate against. Writes FAUNA_ENDPOINT and
FAUNA_ADMIN_SECRET to PATH (default ${DEFAULT_ENV_FILE}, mode 600, removed on exit); the other
commands read it when ${FAUNA_ENV_FILE_VARIABLE}=PATH is set.

  --port N              the port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --settings-file PATH  where to write the endpoint and admin key (default ${DEFAULT_ENV_FILE})`;

export class FaunaLocalError extends Error {
  constructor(
    readonly code: 'ERR_USAGE' | 'ERR_FAUNA_LOCAL_PORT_IN_USE' | 'ERR_FAUNA_LOCAL_ENV_FILE',
    message: string,
  ) {
    super(message);
    this.name = 'FaunaLocalError';
  }
}

export interface FaunaLocalOptions {
  readonly port: number;
  /** As given (relative to cwd or absolute). */
  readonly envFile: string;
}

// Not `--env-file`: Node 20 reads that flag anywhere on its command line, the script's arguments
// included, and stops when the file does not exist yet.
export function parseFaunaLocalArgs(argv: readonly string[]): FaunaLocalOptions | 'help' {
  let values: { port?: string; 'settings-file'?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, 'settings-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new FaunaLocalError('ERR_USAGE', (err as Error).message);
  }
  if (values.help === true) return 'help';
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!/^\d+$/.test(values.port ?? String(DEFAULT_PORT)) || port > 65_535) {
    throw new FaunaLocalError('ERR_USAGE', '--port must be a whole number from 0 to 65535 (0 picks a free port)');
  }
  const envFile = values['settings-file'] ?? DEFAULT_ENV_FILE;
  if (envFile.trim() === '') throw new FaunaLocalError('ERR_USAGE', '--settings-file must name a file');
  return { port, envFile };
}

export interface RunningFaunaLocal {
  /** e.g. `http://127.0.0.1:8443` */
  readonly url: string;
  /** Absolute path of the env file written. */
  readonly envFile: string;
  /** For tests: the fake itself. */
  readonly fake: FakeFauna;
  /** Stops serving and removes the env file (only if it is still the one this run wrote). */
  close(): Promise<void>;
}

function envFileText(url: string, adminSecret: string, envFileName: string): string {
  return [
    `${ENV_FILE_HEADER} for the in-process Fauna at ${url} (pid ${process.pid}).`,
    '# In memory: this key and everything made with it are gone when that command stops, and so is',
    `# this file. Read by setup:fauna, verify:fauna, revoke:user and simulate when ${FAUNA_ENV_FILE_VARIABLE}=${envFileName}.`,
    `FAUNA_ENDPOINT=${url}`,
    `FAUNA_ADMIN_SECRET=${adminSecret}`,
    '',
  ].join('\n');
}

/**
 * Writes the env file with mode 600, never over a file this command did not write (a user's
 * settings); a file left by an earlier run that did not stop cleanly is replaced.
 */
function writeEnvFile(file: string, text: string): void {
  if (fs.existsSync(file)) {
    const firstLine = fs.readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
    if (!firstLine.startsWith(ENV_FILE_HEADER)) {
      throw new FaunaLocalError(
        'ERR_FAUNA_LOCAL_ENV_FILE',
        `${file} exists and was not written by fauna:local: move it away or pass --settings-file with another path`,
      );
    }
    fs.rmSync(file);
  }
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
}

export async function startFaunaLocal(options: FaunaLocalOptions, cwd: string = process.cwd()): Promise<RunningFaunaLocal> {
  const envFile = path.resolve(cwd, options.envFile);
  const adminSecret = `fnLOCAL_ADMIN_${randomBytes(24).toString('base64url')}`;
  // Only this admin key and the keys and tokens made inside it are accepted: any other bearer is 401.
  const fake = new FakeFauna({ secrets: { [adminSecret]: 'admin' }, tokenCacheMs: TOKEN_CACHE_MS });
  let served: ServedFauna;
  try {
    served = await serveInProcessFauna(fake, { port: options.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new FaunaLocalError('ERR_FAUNA_LOCAL_PORT_IN_USE', `port ${options.port} on 127.0.0.1 is in use: stop what holds it or pass --port N`);
    }
    throw err;
  }
  const text = envFileText(served.url, adminSecret, options.envFile);
  try {
    writeEnvFile(envFile, text);
  } catch (err) {
    await served.close();
    throw err;
  }
  return {
    url: served.url,
    envFile,
    fake,
    close: async () => {
      await served.close();
      // Remove it only if it is still ours: its key is dead now.
      if (fs.existsSync(envFile) && fs.readFileSync(envFile, 'utf8') === text) fs.rmSync(envFile);
    },
  };
}

/** What it says on start: what this is, where the settings are, and the next commands. */
export function describeFaunaLocal(running: RunningFaunaLocal, cwd: string = process.cwd()): string[] {
  const file = path.relative(cwd, running.envFile) || running.envFile;
  return [
    `In-process Fauna listening on ${running.url} (127.0.0.1 only).`,
    '  It is IN MEMORY: every collection, key and secret made in it is gone when it stops.',
    '  It is a SUBSET of FQL v4: what it implements answers as the open-source core does, the rest',
    '  is refused with a 400 naming it (docs/in-process-fauna.md). A real server: docs/deploy-and-operate.md.',
    `FAUNA_ENDPOINT and FAUNA_ADMIN_SECRET (a fresh admin key) are in ${file} (mode 600, removed on exit).`,
    'In another shell, walk the deploy steps against it:',
    `  export ${FAUNA_ENV_FILE_VARIABLE}=${file}`,
    '  npm run setup:fauna -- --create-action-key --create-revoke-key',
    '  npm run verify:fauna',
    '  npm run revoke:user -- "auth0|someone"',
    `  FAUNA_SECRET=<the login key setup printed> npm run simulate`,
    'Ctrl-C stops it.',
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  let running: RunningFaunaLocal;
  try {
    const options = parseFaunaLocalArgs(argv);
    if (options === 'help') {
      console.log(USAGE);
      return 0;
    }
    running = await startFaunaLocal(options);
  } catch (err) {
    if (!(err instanceof FaunaLocalError)) throw err;
    console.error(`${err.code}: ${err.message}`);
    if (err.code === 'ERR_USAGE') console.error(USAGE);
    return err.code === 'ERR_USAGE' ? 2 : 1;
  }
  // Listen before saying "Ctrl-C stops it.": a signal sent right after that line must find the handler.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  for (const line of describeFaunaLocal(running)) console.log(line);
  const signal = await stopped;
  await running.close();
  console.log(`Stopped (${signal}); the in-memory Fauna and ${path.relative(process.cwd(), running.envFile)} are gone.`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`fauna:local failed unexpectedly: ${err instanceof Error ? err.name : 'unknown error'}`);
      process.exitCode = 1;
    },
  );
}
