/**
 * Builds the example app (examples/spa) with esbuild into a git-ignored folder and serves it,
 * with its one configuration file, `config.json`, generated for the dev login or read from a
 * file you point EXAMPLE_APP_CONFIG at (e.g. your Auth0 tenant's values).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build } from 'esbuild';
import { parseExampleAppConfig, type ExampleAppConfig } from '../../examples/spa/src/config';
import { securityHeaders } from '../../examples/spa/src/security-headers';
import { DevError } from './dev-error';

export const EXAMPLE_APP_DIR = path.resolve(__dirname, '../../examples/spa');
/** Git-ignored: what `buildExampleApp` writes. */
export const EXAMPLE_APP_OUT_DIR = path.join(EXAMPLE_APP_DIR, 'dist');
const STATIC_FILES = ['index.html', 'style.css'] as const;

export interface ExampleAppBuild {
  readonly outDir: string;
  /** Bytes of app.js (minified, everything bundled) and its gzip size. */
  readonly scriptBytes: number;
}

/** Bundles src/main.ts (auth0-spa-js, faunadb, the client helper) into one minified ES module. */
export async function buildExampleApp(outDir: string = EXAMPLE_APP_OUT_DIR): Promise<ExampleAppBuild> {
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(EXAMPLE_APP_DIR, 'src/main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    // faunadb's Node-only paths (http2 transport, colourful console notes) are mapped out by its
    // package.json "browser" field; the helper always gives it the page's fetch, so its fetch
    // polyfill is swapped for the stub the Action bundles use (build/stubs).
    alias: { 'cross-fetch': path.resolve(__dirname, '../../build/stubs/cross-fetch.js') },
    logLevel: 'silent',
    legalComments: 'none',
  });
  for (const file of STATIC_FILES) fs.copyFileSync(path.join(EXAMPLE_APP_DIR, file), path.join(outDir, file));
  return { outDir, scriptBytes: fs.statSync(path.join(outDir, 'app.js')).size };
}

/** Reads and checks the config file EXAMPLE_APP_CONFIG names. */
export function readExampleAppConfig(file: string): ExampleAppConfig {
  try {
    return parseExampleAppConfig(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    throw new DevError('ERR_DEV_APP_CONFIG', `EXAMPLE_APP_CONFIG ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the built app and `/config.json`, every answer with the app's security headers (its
 * Content-Security-Policy, generated from the same config); a path without a file extension
 * gets index.html (the callback is `/`).
 */
export function exampleAppHandler(outDir: string, config: ExampleAppConfig): (req: IncomingMessage, res: ServerResponse) => void {
  const configBody = JSON.stringify(config, null, 2);
  const headers = securityHeaders(config);
  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(configBody);
      return;
    }
    const name = path.basename(pathname);
    const file = path.join(outDir, name);
    const known = CONTENT_TYPES[path.extname(name)] !== undefined && fs.existsSync(file);
    if (!known && path.extname(name) !== '') {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const served = known ? file : path.join(outDir, 'index.html');
    res
      .writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[path.extname(served)] ?? 'application/octet-stream', 'cache-control': 'no-cache' })
      .end(req.method === 'HEAD' ? undefined : fs.readFileSync(served));
  };
}
