/**
 * What an app's bundle pays for the helper and the driver, next to auth0-spa-js's own size: each
 * imported as an app imports it (the helper by its package name, so its built ES module entry),
 * bundled for the browser by esbuild, minified, then gzipped. The metafile splits the combined
 * bundle by package (minified bytes each package put in the output); gzip is of whole bundles.
 */
import zlib from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { REPO_ROOT } from './action-bundles';
import type { BundleSize } from './bundle-size';

export interface AppBundleRow {
  /** What the bundle's entry imports. */
  readonly label: string;
  readonly size: BundleSize;
}

export interface AppBundleFigures {
  readonly bundler: string;
  /**
   * auth0-spa-js alone, the helper alone (driver external), the helper with the driver,
   * auth0-react alone, the helper's React entry (with the helper), and all of the first three.
   */
  readonly rows: readonly AppBundleRow[];
  /** Minified bytes each package contributed to the bundle of all of them (metafile bytesInOutput). */
  readonly shareOfAll: Readonly<Record<string, number>>;
}

const ENTRIES = [
  { label: 'auth0-spa-js (baseline)', code: "export { createAuth0Client } from '@auth0/auth0-spa-js';", external: [] },
  { label: 'auth0-fauna-client, faunadb external', code: "export * from 'auth0-fauna-client';", external: ['faunadb'] },
  { label: 'auth0-fauna-client + faunadb', code: "export * from 'auth0-fauna-client';\nexport { default as faunadb } from 'faunadb';", external: [] },
  // The React side: an app has React already, so it stays external to both.
  { label: '@auth0/auth0-react (baseline), React external', code: "export { Auth0Provider, useAuth0 } from '@auth0/auth0-react';", external: ['react', 'react-dom'] },
  {
    label: 'auth0-fauna-client/react (the helper with it), faunadb, React, auth0-react external',
    code: "export * from 'auth0-fauna-client/react';",
    external: ['faunadb', 'react', 'react/jsx-runtime', '@auth0/auth0-react'],
  },
  {
    label: 'auth0-spa-js + auth0-fauna-client + faunadb',
    code: "export { createAuth0Client } from '@auth0/auth0-spa-js';\nexport * from 'auth0-fauna-client';\nexport { default as faunadb } from 'faunadb';",
    external: [],
  },
] as const;

/** The npm package a metafile input path belongs to ("(app)" for the entry itself). */
export function packageOf(input: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match !== null) return match[1];
  // The helper's workspace link resolves to client/ in this repository.
  return input.startsWith('client/') ? 'auth0-fauna-client' : '(entry, esbuild runtime, browser-field stubs)';
}

async function bundle(code: string, external: readonly string[]): Promise<{ size: BundleSize; metafile: Metafile }> {
  const result = await build({
    stdin: { contents: code, resolveDir: REPO_ROOT, sourcefile: 'app-entry.js', loader: 'js' },
    absWorkingDir: REPO_ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: [...external],
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { size: { raw: output.byteLength, gzip: zlib.gzipSync(output).byteLength }, metafile: result.metafile };
}

export async function measureAppBundle(): Promise<AppBundleFigures> {
  const rows: AppBundleRow[] = [];
  let all: Metafile | undefined;
  for (const entry of ENTRIES) {
    const { size, metafile } = await bundle(entry.code, entry.external);
    rows.push({ label: entry.label, size });
    all = metafile;
  }
  const shareOfAll: Record<string, number> = {};
  for (const output of Object.values(all?.outputs ?? {})) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      shareOfAll[name] = (shareOfAll[name] ?? 0) + bytesInOutput;
    }
  }
  const { version } = (await import('esbuild')) as { version: string };
  return { bundler: `esbuild ${version}, minified, ES module, browser`, rows, shareOfAll };
}
