/**
 * Builds a browser example (examples/spa, or examples/react for `npm run dev -- --react`) with
 * esbuild into its git-ignored dist/ and serves it, with its one configuration file,
 * `config.json`, generated for the dev login or read from a file you point EXAMPLE_APP_CONFIG at
 * (e.g. your Auth0 tenant's values). What the two apps share (config, headers, texts, style) is in
 * examples/shared.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build } from 'esbuild';
import { parseExampleAppConfig, type ExampleAppConfig } from '../../examples/shared/config';
import { securityHeaders } from '../../examples/shared/security-headers';
import { DevError } from './dev-error';

const EXAMPLES_DIR = path.resolve(__dirname, '../../examples');

/** The browser examples: where each lives and its entry (dist/ beside it is git-ignored). */
export const EXAMPLE_APPS = {
  /** auth0-spa-js and the helper, plain DOM code. */
  spa: { dir: path.join(EXAMPLES_DIR, 'spa'), entry: 'src/main.ts' },
  /** The same app in React: @auth0/auth0-react and the helper's React entry. */
  react: { dir: path.join(EXAMPLES_DIR, 'react'), entry: 'src/main.tsx' },
} as const;
export type ExampleAppName = keyof typeof EXAMPLE_APPS;

/** Copied beside app.js: the app's own page, the stylesheet both apps share. */
const staticFiles = (app: ExampleAppName) => [path.join(EXAMPLE_APPS[app].dir, 'index.html'), path.join(EXAMPLES_DIR, 'shared/style.css')];

export interface ExampleAppBuild {
  readonly outDir: string;
  /** Bytes of app.js (minified, everything bundled). */
  readonly scriptBytes: number;
}

/** Bundles the app's entry (its SDK, faunadb, the client helper) into one minified ES module, app.js. */
export async function buildExampleApp(app: ExampleAppName = 'spa', outDir: string = path.join(EXAMPLE_APPS[app].dir, 'dist')): Promise<ExampleAppBuild> {
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(EXAMPLE_APPS[app].dir, EXAMPLE_APPS[app].entry)],
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
    // React's production build: no development checks, and no `process` left for the browser.
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    legalComments: 'none',
  });
  for (const file of staticFiles(app)) fs.copyFileSync(file, path.join(outDir, path.basename(file)));
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
