/**
 * A scratch app that installs the packed helper the way an app does, offline: its lockfile is
 * cut from this repository's own (the tarball, plus the entries of the packages it names and
 * everything they need, at the same places and versions), so `npm ci --offline` finds every
 * tarball in the npm cache that the repository's `npm ci` filled, and nothing is resolved anew.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLIENT_DIR = path.join(REPO_ROOT, 'client');

export const run = promisify(execFile);

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** Where Node (and npm's tree) finds `name` from the package installed at `from`. */
function locate(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up === -1 ? '' : dir.slice(0, up);
  }
}

/**
 * The root lock's entries for `roots` and everything they depend on (peers too, optional ones
 * when present), each at its own path, with the dev/peer flags dropped (they describe the root's
 * tree, not this one). Throws naming a package the root lock does not hold.
 */
export function lockEntriesFor(roots: readonly string[]): Record<string, LockEntry> {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const picked: Record<string, LockEntry> = {};
  const queue = roots.map((name) => {
    const at = locate(lock.packages, '', name);
    if (at === undefined) throw new Error(`package-lock.json does not hold ${name}: the scratch install cannot be offline`);
    return at;
  });
  while (queue.length > 0) {
    const at = queue.shift() as string;
    if (picked[at] !== undefined) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, optional: _optional, ...entry } = lock.packages[at];
    if (entry.link === true) throw new Error(`${at} is a workspace link in package-lock.json, not a package to install`);
    picked[at] = entry;
    const needs = { ...entry.dependencies, ...entry.peerDependencies };
    for (const name of Object.keys(needs)) {
      const found = locate(lock.packages, at, name);
      const optionalPeer = entry.peerDependenciesMeta?.[name]?.optional === true;
      if (found === undefined && !optionalPeer) throw new Error(`package-lock.json has no ${name} for ${at}`);
      if (found !== undefined && !(optionalPeer && entry.dependencies?.[name] === undefined)) queue.push(found);
    }
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      const found = locate(lock.packages, at, name);
      if (found !== undefined) queue.push(found);
    }
  }
  return picked;
}

export interface ScratchProject {
  readonly dir: string;
  readonly tarball: string;
  write(file: string, text: string): void;
  remove(): void;
}

/**
 * Packs client/ (its built dist), then makes a scratch project under the OS temp folder that
 * installs the tarball and `registryDeps` (names from the root lock, at its versions) offline.
 */
export async function createScratchProject(registryDeps: readonly string[]): Promise<ScratchProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-client-consumer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: CLIENT_DIR });
  const [packed] = JSON.parse(stdout) as { filename: string; integrity: string; version: string; name: string }[];
  const tarball = path.join(dir, packed.filename);
  const pkg = JSON.parse(fs.readFileSync(path.join(CLIENT_DIR, 'package.json'), 'utf8')) as Pick<LockEntry, 'peerDependencies' | 'peerDependenciesMeta'>;

  const entries = lockEntriesFor(registryDeps);
  const versions = Object.fromEntries(registryDeps.map((name) => [name, entries[`node_modules/${name}`]?.version as string]));
  const dependencies = { [packed.name]: `file:${packed.filename}`, ...versions };
  const manifest = { name: 'scratch-app', version: '1.0.0', private: true, type: 'module', dependencies };
  const lockfile = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: manifest.name, version: manifest.version, dependencies },
      [`node_modules/${packed.name}`]: {
        version: packed.version,
        resolved: `file:${packed.filename}`,
        integrity: packed.integrity,
        peerDependencies: pkg.peerDependencies,
        peerDependenciesMeta: pkg.peerDependenciesMeta,
      },
      ...entries,
    },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
  // --offline: every tarball must come from the npm cache; a network fetch is an error here.
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir });
  return {
    dir,
    tarball,
    write: (file, text) => fs.writeFileSync(path.join(dir, file), text),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
