// One self-contained CommonJS file per Action: actions/<name>/index.ts -> dist/actions/<name>.js.
// Each bundle carries its own code and the faunadb driver; what the driver requires but never
// uses with a global fetch is swapped for the stubs in build/stubs (see README there).
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');
const typescript = require('@rollup/plugin-typescript');
const { nodeResolve } = require('@rollup/plugin-node-resolve');
const commonjs = require('@rollup/plugin-commonjs');
const terser = require('@rollup/plugin-terser');
const { builtinModules } = require('node:module');

const pkg = require('./package.json');
const faunadbVersion = require('faunadb/package.json').version;
const stub = (name) => path.resolve(__dirname, 'build/stubs', name);

// Keyed by what the requiring file asks for, resolved from the driver's own folders.
const STUBS = {
  'cross-fetch': stub('cross-fetch.js'),
  'node-abort-controller': stub('node-abort-controller.js'),
  chalk: stub('unused.js'),
  boxen: stub('unused.js'),
  'object-assign': stub('object-assign.js'),
  './http2Adapter': stub('http2-adapter.js'),
  './stream': stub('stream.js'),
};

function faunadbStubs() {
  return {
    name: 'faunadb-stubs',
    resolveId(source, importer) {
      if (!importer || !importer.includes(`${path.sep}faunadb${path.sep}`)) return null;
      if (STUBS[source]) return STUBS[source];
      if (/(^|\/)package\.json$/.test(source)) return stub('faunadb-package.js');
      return null;
    },
  };
}

function gitCommit() {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
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
    nodeResolve({ preferBuiltins: true }),
    commonjs(),
    typescript({ tsconfig: './tsconfig.json', module: 'esnext', noEmit: false, include: ['actions/**/*.ts'], types: ['node'] }),
    terser({ compress: { passes: 2 }, format: { comments: /^ auth0-fauna / } }),
  ],
  onwarn(warning, warn) {
    // faunadb uses `this` at module top level in CJS code; harmless.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
}));
