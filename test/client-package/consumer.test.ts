/**
 * The helper as an app gets it: `npm pack` of client/, installed offline into a scratch project
 * under the OS temp folder, and there type-checked (strict; moduleResolution bundler and node16,
 * ESM and CommonJS), imported from an ES module and required from CommonJS by Node (each runs a
 * real query against the in-process Fauna over loopback HTTP, then logs out, and renders the React
 * entry's provider), and bundled for the browser by esbuild. publint and arethetypeswrong judge
 * the tarball. The vanilla and React examples of docs/in-your-app.md are among the files checked,
 * so the docs show code that compiles and bundles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { errors as faunaErrors, query as q } from 'faunadb';
import { serveInProcessFauna, type ServedFauna } from '../../fauna-in-process/http';
import { staleClientSources } from '../../scripts/dev/client-package';
import { NAMESPACE, createLoginFixture, type LoginFixture } from '../client/fauna-login-fixture';
import { createScratchProject, REPO_ROOT, run, type ScratchProject } from './scratch-project';

const bin = (name: string) => path.join(REPO_ROOT, 'node_modules/.bin', name);
const DOCS_FILE = path.join(REPO_ROOT, 'docs/in-your-app.md');

/** The code block right after `<!-- checked: NAME -->` in docs/in-your-app.md. */
export function docsExample(name: string): string {
  const docs = fs.readFileSync(DOCS_FILE, 'utf8');
  const match = new RegExp(`<!-- checked: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(docs);
  if (match === null) throw new Error(`docs/in-your-app.md has no code block marked <!-- checked: ${name} -->`);
  return match[1];
}

// What an app's TypeScript writes: the package's types, error codes narrowed, the driver's
// default import (the one form Node's ESM loader accepts for the CommonJS faunadb).
const TYPED_APP = `import faunadb from 'faunadb';
import { FaunaClientError, FaunaSession, readFaunaLogin, type FaunaClientErrorCode, type FaunaSessionOptions, type IdTokenClaims } from 'auth0-fauna-client';

const { query: q } = faunadb;
const options: FaunaSessionOptions = {
  endpoint: 'https://fauna.example.com:8443',
  namespace: 'https://app.example.com/',
  renew: async (): Promise<IdTokenClaims | undefined> => undefined,
  onRenewError: (err: FaunaClientError) => console.warn(err.code),
};
export async function greet(claims: IdTokenClaims): Promise<string> {
  const session = FaunaSession.fromClaims(claims, options);
  const name = await session.query<string>(q.Select(['data', 'name'], q.Get(q.Call(q.Function('current_user')))));
  const expires: number = readFaunaLogin(claims, options.namespace).expiresAt;
  return \`\${name} until \${new Date(expires).toISOString()}\`;
}
export function codeOf(err: unknown): FaunaClientErrorCode | undefined {
  return err instanceof FaunaClientError ? err.code : undefined;
}
`;

// The React entry as an app's TypeScript uses it: the states narrowed by status, and its errors
// of the same FaunaClientError type as the main entry's (one shared chunk, one class).
const TYPED_REACT_APP = `import faunadb from 'faunadb';
import { FaunaClientError } from 'auth0-fauna-client';
import { FaunaProvider, useFauna, type FaunaProviderProps, type FaunaState } from 'auth0-fauna-client/react';
import type { ReactElement } from 'react';

export function Status(): ReactElement {
  const state: FaunaState = useFauna();
  if (state.status === 'closed') {
    const reason: FaunaClientError = state.reason;
    return <button onClick={() => void state.startOver()}>{reason.code}</button>;
  }
  if (state.status !== 'ready') return <p>{state.status}</p>;
  const expires: number = state.expiresAt;
  const name = (): Promise<string> => state.query<string>(faunadb.query.Select(['data', 'name'], faunadb.query.Get(faunadb.query.Call(faunadb.query.Function('current_user')))));
  return <button onClick={() => void name().then(() => state.logout({ everywhere: true, logoutParams: { returnTo: 'https://app.example.com/' } }))}>{String(state.user.email)} {expires}</button>;
}
const props: FaunaProviderProps = { endpoint: 'https://fauna.example.com:8443', namespace: 'https://app.example.com/', renewBeforeMs: 30_000, tabSync: false };
export const App = (): ReactElement => <FaunaProvider {...props}><Status /></FaunaProvider>;
`;

const TYPED_REACT_CJS_APP = `import { FaunaClientError } from 'auth0-fauna-client';
import { FaunaProvider, useFauna, type FaunaState } from 'auth0-fauna-client/react';
export const provider: typeof FaunaProvider = FaunaProvider;
export const reasonOf = (state: FaunaState): FaunaClientError | undefined => (state.status === 'closed' ? state.reason : undefined);
export const hook: () => FaunaState = useFauna;
`;

const TYPED_CJS_APP = `import { FaunaSession, END_LOGIN_FUNCTION, type FaunaLogin } from 'auth0-fauna-client';
export const endLogin: string = END_LOGIN_FUNCTION;
export const expiry = (login: FaunaLogin): number => login.expiresAt;
export const make = (claims: Record<string, unknown>) => FaunaSession.fromClaims(claims, { endpoint: 'http://127.0.0.1:8443', namespace: 'https://app.example.com/', renew: async () => undefined });
`;

const tsconfig = (module: string, moduleResolution: string, files: string[], skipLibCheck = false) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module,
      moduleResolution,
      lib: ['ES2022', 'DOM'],
      jsx: 'react-jsx',
      types: [],
      strict: true,
      noEmit: true,
      // The package's declarations are checked too, not skipped (but where said otherwise).
      skipLibCheck,
      isolatedModules: true,
    },
    files,
  });

// The same program, ESM and CommonJS: a real query with the login's secret, an error code, logout.
const consumerScript = (load: string) => `${load}
const input = JSON.parse(process.env.CONSUMER_INPUT);
const session = FaunaSession.fromClaims(input.claims, {
  endpoint: input.endpoint,
  namespace: input.namespace,
  now: () => input.now,
  renew: async () => { throw new Error('this check does not renew'); },
});
(async () => {
  const who = await session.query(q.Select(['data', 'auth0_id'], q.Get(q.Call(q.Function('current_user')))));
  let missing;
  try { readFaunaLogin({}, input.namespace); } catch (err) { missing = err instanceof FaunaClientError ? err.code : 'not a FaunaClientError'; }
  await session.logout();
  console.log(JSON.stringify({ who, missing, endLogin: END_LOGIN_FUNCTION, loggedOut: session.loggedOut }));
})().catch((err) => { console.error(err && err.name, err && err.code); process.exit(1); });
`;

const ESM_CONSUMER = consumerScript(`import faunadb from 'faunadb';
import { END_LOGIN_FUNCTION, FaunaClientError, FaunaSession, readFaunaLogin } from 'auth0-fauna-client';
const { query: q } = faunadb;`);

const CJS_CONSUMER = consumerScript(`const { query: q } = require('faunadb');
const { END_LOGIN_FUNCTION, FaunaClientError, FaunaSession, readFaunaLogin } = require('auth0-fauna-client');`);

// The React entry, server-rendered by Node (effects do not run there): outside an Auth0Provider
// it refuses with the main entry's FaunaClientError class; inside one that is signed out it
// renders the signed-out state.
const reactScript = (load: string) => `${load}
const namespace = 'https://app.example.com/';
const Status = () => { const state = useFauna(); return createElement('p', null, state.status); };
let outside;
try {
  renderToString(createElement(FaunaProvider, { endpoint: 'https://fauna.example.com:8443', namespace }));
} catch (err) {
  outside = { sameClass: err instanceof FaunaClientError, code: err.code };
}
const signedOut = { ...initialContext, isLoading: false, isAuthenticated: false };
const html = renderToString(createElement(Auth0Context.Provider, { value: signedOut },
  createElement(FaunaProvider, { endpoint: 'https://fauna.example.com:8443', namespace }, createElement(Status))));
console.log(JSON.stringify({ outside, html }));
`;

const ESM_REACT_CONSUMER = reactScript(`import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { Auth0Context, initialContext } from '@auth0/auth0-react';
import { FaunaClientError } from 'auth0-fauna-client';
import { FaunaProvider, useFauna } from 'auth0-fauna-client/react';`);

const CJS_REACT_CONSUMER = reactScript(`const { createElement } = require('react');
const { renderToString } = require('react-dom/server');
const { Auth0Context, initialContext } = require('@auth0/auth0-react');
const { FaunaClientError } = require('auth0-fauna-client');
const { FaunaProvider, useFauna } = require('auth0-fauna-client/react');`);

describe('auth0-fauna-client, packed and installed into an app', () => {
  let project: ScratchProject;
  let fx: LoginFixture;
  let served: ServedFauna;

  beforeAll(async () => {
    const stale = staleClientSources();
    if (stale.length > 0) throw new Error(`client/dist is older than ${stale.join(', ')}: run npm run build`);
    project = await createScratchProject(['faunadb', '@auth0/auth0-spa-js', '@auth0/auth0-react', 'react', 'react-dom', '@types/react', '@types/react-dom']);
    fx = await createLoginFixture();
    served = await serveInProcessFauna(fx.fake);
    project.write('docs-example.ts', docsExample('vanilla'));
    project.write('docs-react-example.tsx', docsExample('react'));
  }, 120_000);

  afterAll(async () => {
    await served?.close();
    project?.remove();
  });

  it('packs the built entry points, their shared chunk and declarations only (no sources, no build metadata)', async () => {
    const { stdout } = await run('tar', ['-tzf', project.tarball]);
    // The shared chunk's name carries a content hash: shown here as <hash>.
    const files = stdout
      .split('\n')
      .filter(Boolean)
      .map((file) => file.replace(/^(package\/dist\/(?:chunk|session))-[\w-]+\./, '$1-<hash>.'))
      .sort();
    expect(files).toEqual([
      'package/README.md',
      'package/dist/chunk-<hash>.cjs',
      'package/dist/chunk-<hash>.js',
      'package/dist/index.cjs',
      'package/dist/index.d.cts',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/dist/react.cjs',
      'package/dist/react.d.cts',
      'package/dist/react.d.ts',
      'package/dist/react.js',
      'package/dist/session-<hash>.d.cts',
      'package/dist/session-<hash>.d.ts',
      'package/package.json',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(project.dir, 'node_modules/auth0-fauna-client/package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      sideEffects: false,
      peerDependencies: { faunadb: expect.any(String), react: expect.any(String), '@auth0/auth0-react': expect.any(String) },
      // Apps without React install the helper without it.
      peerDependenciesMeta: { react: { optional: true }, '@auth0/auth0-react': { optional: true } },
    });
    expect(manifest.peerDependenciesMeta.faunadb).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.exports)).toEqual(['.', './react', './package.json']);
  });

  it('passes publint (strict) and arethetypeswrong on the tarball', async () => {
    const publint = await run(bin('publint'), ['--strict', project.tarball], { cwd: project.dir });
    expect(publint.stdout).toContain('All good');
    // Exit code 0 only when every resolution mode (node10, node16 CJS and ESM, bundler) is clean.
    const attw = await run(bin('attw'), ['--format', 'json', project.tarball], { cwd: project.dir });
    expect(JSON.parse(attw.stdout).analysis.problems).toEqual([]);
  });

  it('type-checks under strict with moduleResolution bundler (the docs examples too) and node16 (ESM and CommonJS), the React entry too', async () => {
    project.write('app.ts', TYPED_APP);
    project.write('app-cjs.cts', TYPED_CJS_APP);
    project.write('react-app.tsx', TYPED_REACT_APP);
    project.write('react-app-cjs.cts', TYPED_REACT_CJS_APP);
    project.write('tsconfig.bundler.json', tsconfig('esnext', 'bundler', ['app.ts', 'docs-example.ts', 'react-app.tsx', 'docs-react-example.tsx']));
    // The docs examples are browser code for a bundler (auth0-spa-js 2.28's own declarations do not
    // pass node16 with skipLibCheck off); the package's main entry is checked under both. Its React
    // entry's declarations reach auth0-spa-js's through auth0-react's: under node16 the app's use
    // of them is checked with the libraries' own checks off (they are checked under bundler above,
    // and attw checks how node16 resolves them).
    project.write('tsconfig.node16.json', tsconfig('node16', 'node16', ['app.ts', 'app-cjs.cts']));
    project.write('tsconfig.node16-react.json', tsconfig('node16', 'node16', ['react-app.tsx', 'react-app-cjs.cts'], true));
    const check = (config: string) =>
      run(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: project.dir }).then(
        ({ stdout }) => stdout,
        (err: { stdout?: string }) => `tsc -p ${config} failed:\n${err.stdout ?? String(err)}`,
      );
    expect(await Promise.all([check('tsconfig.bundler.json'), check('tsconfig.node16.json'), check('tsconfig.node16-react.json')])).toEqual(['', '', '']);
  });

  it.each([
    ['imported from an ES module', 'consumer.mjs', ESM_CONSUMER],
    ['required from CommonJS', 'consumer.cjs', CJS_CONSUMER],
  ])('runs in Node %s: a real query over HTTP, then logout ends the secret', async (_how, file, script) => {
    const claims = await fx.login('auth0|carol');
    const secret = fx.minted.at(-1) as string;
    project.write(file, script);
    const input = { claims, endpoint: served.url, namespace: NAMESPACE, now: fx.clock.now };
    // Asynchronous: this process serves the in-process Fauna the child queries.
    const { stdout } = await run(process.execPath, [file], { cwd: project.dir, env: { PATH: process.env.PATH ?? '', CONSUMER_INPUT: JSON.stringify(input) } });
    expect(JSON.parse(stdout)).toEqual({ who: 'auth0|carol', missing: 'ERR_CLAIM_MISSING', endLogin: 'end_login', loggedOut: true });
    await expect(fx.clientFor(secret).query(q.Call(q.Function('current_user')))).rejects.toBeInstanceOf(faunaErrors.Unauthorized);
  });

  it.each([
    ['imported from an ES module', 'react-consumer.mjs', ESM_REACT_CONSUMER],
    ['required from CommonJS', 'react-consumer.cjs', CJS_REACT_CONSUMER],
  ])('renders the React entry in Node %s, its errors of the main entry\'s class', async (_how, file, script) => {
    project.write(file, script);
    const { stdout } = await run(process.execPath, [file], { cwd: project.dir, env: { PATH: process.env.PATH ?? '' } });
    expect(JSON.parse(stdout)).toEqual({ outside: { sameClass: true, code: 'ERR_OPTIONS_INVALID' }, html: '<p>signed-out</p>' });
  });

  it('bundles for the browser with esbuild from its ES module entry, with no Node built-in', async () => {
    const result = await build({
      absWorkingDir: project.dir,
      entryPoints: ['docs-example.ts'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('node_modules/auth0-fauna-client/dist/index.js');
    expect(inputs.some((input) => input.startsWith('node_modules/faunadb/'))).toBe(true);
    // Everything resolved into the bundle: nothing left for a runtime to provide (a Node built-in would be).
    const external = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    expect(external).toEqual([]);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/require\(["'](node:)?(http2?|https|net|tls|fs|crypto|os|path)["']\)/);
    expect(code).not.toMatch(/from["'](node:)?(http2?|https|net|tls|fs|crypto|os|path)["']/);
  });
  it('bundles the React example for the browser: one copy of the helper (its shared chunk), React and auth0-react from the app', async () => {
    const result = await build({
      absWorkingDir: project.dir,
      entryPoints: ['docs-react-example.tsx'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const helper = inputs.filter((input) => input.startsWith('node_modules/auth0-fauna-client/'));
    expect(helper.map((input) => input.replace(/chunk-[\w-]+\.js$/, 'chunk-<hash>.js')).sort()).toEqual([
      'node_modules/auth0-fauna-client/dist/chunk-<hash>.js',
      'node_modules/auth0-fauna-client/dist/react.js',
    ]);
    for (const name of ['react', 'react-dom', '@auth0/auth0-react', 'faunadb']) expect(inputs.some((input) => input.startsWith(`node_modules/${name}/`))).toBe(true);
    const external = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    expect(external).toEqual([]);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
  });
});
