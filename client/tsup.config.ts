import { defineConfig } from 'tsup';

/**
 * The package an app installs: ES module and CommonJS, each with its declarations, from two
 * entries: `index` (client/index.ts, the helper) and `react` (client/react.tsx, the provider and
 * hook on @auth0/auth0-react). What they import from ../actions/lib (the claim names, the endpoint
 * and namespace parsers, the Fauna client factory) is ours and bundled in; the peer dependencies
 * (faunadb, react, @auth0/auth0-react) stay external so the app has one copy of each.
 */
export default defineConfig({
  entry: { index: 'index.ts', react: 'react.tsx' },
  format: ['esm', 'cjs'],
  dts: true,
  // Browsers and Node alike: nothing platform-specific is bundled (the peers are external).
  platform: 'neutral',
  target: 'es2022',
  outDir: 'dist',
  clean: true,
  sourcemap: false,
  // What both entries use (FaunaSession, FaunaClientError, …) goes to ONE shared chunk per format,
  // so `instanceof FaunaClientError` holds for errors of the React entry too, and the types agree.
  splitting: true,
  external: ['faunadb', 'react', 'react/jsx-runtime', '@auth0/auth0-react'],
  tsconfig: 'tsconfig.json',
  // dist/metafile-*.json: what each output was built from (npm run dev checks it is not stale).
  metafile: true,
  silent: true,
});
