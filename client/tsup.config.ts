import { defineConfig } from 'tsup';

/**
 * The package an app installs: ES module and CommonJS, each with its declarations, from
 * client/index.ts. What it imports from ../actions/lib (the claim names, the endpoint and namespace
 * parsers, the Fauna client factory) is ours and bundled in; faunadb, a peer dependency, stays
 * external so the app has one driver. A `./react` entry will sit beside `index` here.
 */
export default defineConfig({
  entry: { index: 'index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // Browsers and Node alike: nothing platform-specific is bundled (faunadb is external).
  platform: 'neutral',
  target: 'es2022',
  outDir: 'dist',
  clean: true,
  sourcemap: false,
  splitting: false,
  external: ['faunadb'],
  tsconfig: 'tsconfig.json',
  // dist/metafile-*.json: what each output was built from (npm run dev checks it is not stale).
  metafile: true,
  silent: true,
});
