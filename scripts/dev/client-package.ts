/**
 * The example apps import the helper as an app does, by its package name (`auth0-fauna-client`,
 * an npm workspace linked to client/), so they run its BUILT output: client/dist, made by
 * `npm run build`. This refuses a missing or stale build, naming what to run, rather than serve
 * an app built from yesterday's helper.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DevError } from './dev-error';

export const CLIENT_PACKAGE_DIR = path.resolve(__dirname, '../../client');
const METAFILE = path.join(CLIENT_PACKAGE_DIR, 'dist/metafile-esm.json');
const OUTPUT = path.join(CLIENT_PACKAGE_DIR, 'dist/index.js');

/** Sources of client/dist that changed since it was built (by size or time), relative to client/. */
export function staleClientSources(): string[] {
  const built = fs.statSync(OUTPUT).mtimeMs;
  const { inputs } = JSON.parse(fs.readFileSync(METAFILE, 'utf8')) as { inputs: Record<string, { bytes: number }> };
  return Object.entries(inputs)
    .filter(([input, { bytes }]) => {
      const file = path.resolve(CLIENT_PACKAGE_DIR, input);
      if (!fs.existsSync(file)) return true;
      const now = fs.statSync(file);
      return now.size !== bytes || now.mtimeMs > built;
    })
    .map(([input]) => input);
}

/** ERR_DEV_BUILD_MISSING or ERR_DEV_BUILD_STALE unless client/dist is this checkout's build. */
export function assertClientPackageBuilt(): void {
  if (!fs.existsSync(OUTPUT) || !fs.existsSync(METAFILE)) {
    throw new DevError('ERR_DEV_BUILD_MISSING', 'client/dist is missing: run `npm run build` first (the example apps use the built auth0-fauna-client package).');
  }
  const stale = staleClientSources();
  if (stale.length > 0) {
    throw new DevError(
      'ERR_DEV_BUILD_STALE',
      `client/dist is older than its sources (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}): run \`npm run build\`.`,
    );
  }
}
