// One self-contained CommonJS file per Action: actions/<name>/index.ts -> dist/actions/<name>.js.
// Each bundle carries its own code and the faunadb driver; what the driver requires but never
// uses with a global fetch is swapped for the stubs in build/stubs, and the driver's FQL functions
// are tree-shaken: build/rollup-faunadb.js.
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');
const typescript = require('@rollup/plugin-typescript');
const { nodeResolve } = require('@rollup/plugin-node-resolve');
const commonjs = require('@rollup/plugin-commonjs');
const terser = require('@rollup/plugin-terser');
const { builtinModules } = require('node:module');
const { faunadbStubs, faunadbAsEsm } = require('./build/rollup-faunadb');

const pkg = require('./package.json');
const faunadbVersion = require('faunadb/package.json').version;

// The commit the build came from; `-dirty` when tracked files had uncommitted changes, so the
// header never claims a commit the running code does not match.
function gitCommit() {
  const git = (args) => execSync(`git ${args}`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    const dirty = git('status --porcelain --untracked-files=no') !== '';
    return `${git('rev-parse --short HEAD')}${dirty ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

const actions = fs
  .readdirSync(path.join(__dirname, 'actions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(__dirname, 'actions', entry.name, 'index.ts')))
  .map((entry) => entry.name);

const commit = gitCommit();
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

module.exports = actions.map((name) => ({
  input: `actions/${name}/index.ts`,
  external: (id) => builtins.has(id),
  output: {
    file: `dist/actions/${name}.js`,
    format: 'cjs',
    exports: 'named',
    sourcemap: true,
    // Shown in the Auth0 dashboard's code view: which build is running.
    banner: `// auth0-fauna ${name} v${pkg.version} (${commit}), faunadb ${faunadbVersion}`,
  },
  plugins: [
    faunadbStubs(),
    faunadbAsEsm(),
    nodeResolve({ preferBuiltins: true }),
    // The driver requires http/https only to build a keep-alive agent, which a client with a
    // fetch and keepAlive: false never does. Left in place (not hoisted to the top), they are
    // never loaded: https pulls in tls and crypto, most of the bundle's cold load on Node 22.
    commonjs({ ignore: ['http', 'https'] }),
    typescript({ tsconfig: './tsconfig.json', module: 'esnext', noEmit: false, include: ['actions/**/*.ts'], types: ['node'] }),
    terser({ compress: { passes: 2 }, format: { comments: /^ auth0-fauna / } }),
  ],
  onwarn(warning, warn) {
    // faunadb uses `this` at module top level in CJS code; harmless.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
}));
