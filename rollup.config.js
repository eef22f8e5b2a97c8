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
const MagicString = require('magic-string');
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
      // Our own code's `faunadb` is the tree-shakable facade of the driver's index.
      if (source === 'faunadb' && importer && !importer.includes(`${path.sep}node_modules${path.sep}`)) {
        return stub('faunadb-index.mjs');
      }
      if (!importer || !importer.includes(`${path.sep}faunadb${path.sep}`)) return null;
      if (STUBS[source]) return STUBS[source];
      if (/(^|\/)package\.json$/.test(source)) return stub('faunadb-package.js');
      return null;
    },
  };
}

// faunadb's src/query.js hands every FQL function (~200) out in one CommonJS `module.exports`
// object, so a bundle keeps all of them, used or not. The plugin below reads that file, and the
// two driver files that use it (Client.js, PageHelper.js), as the ES modules they are in all but
// syntax: top-level requires become imports, `module.exports` becomes exports (deprecate()
// wrappers marked pure). No function body changes. rollup then keeps only the FQL functions that
// an Action or the driver itself (wrap, arity, Map, Filter, Paginate) reaches.
const FAUNADB_SRC = path.dirname(require.resolve('faunadb/src/query.js'));
const QUERY_FILE = path.join(FAUNADB_SRC, 'query.js');
const AS_ESM = new Set([QUERY_FILE, path.join(FAUNADB_SRC, 'Client.js'), path.join(FAUNADB_SRC, 'PageHelper.js')]);

function requiredSource(node) {
  const isRequire =
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    node.arguments[0].type === 'Literal';
  return isRequire ? node.arguments[0].value : undefined;
}

function moduleExportsValue(node) {
  const e = node.type === 'ExpressionStatement' ? node.expression : null;
  const isIt =
    e?.type === 'AssignmentExpression' &&
    e.left.type === 'MemberExpression' &&
    e.left.object.name === 'module' &&
    e.left.property.name === 'exports';
  return isIt ? e.right : undefined;
}

function faunadbAsEsm() {
  return {
    name: 'faunadb-as-esm',
    transform(code, id) {
      if (!AS_ESM.has(id)) return null;
      const fail = (what) => this.error(`faunadb-as-esm: ${what} in ${path.basename(id)}; update rollup.config.js for this faunadb version`);
      const ast = this.parse(code);
      const out = new MagicString(code);
      let exported = false;
      for (const node of ast.body) {
        if (node.type === 'VariableDeclaration' && node.declarations.every((d) => requiredSource(d.init) !== undefined)) {
          const imports = node.declarations.map((d) => {
            const source = requiredSource(d.init);
            const target = path.resolve(path.dirname(id), source);
            // query.js has only named exports now: its users get its namespace, read by member.
            const clause = target === QUERY_FILE || `${target}.js` === QUERY_FILE ? `* as ${d.id.name}` : d.id.name;
            return `import ${clause} from ${JSON.stringify(source)};`;
          });
          out.overwrite(node.start, node.end, imports.join('\n'));
          continue;
        }
        const value = moduleExportsValue(node);
        if (value === undefined) continue;
        if (value.type === 'Identifier') {
          out.overwrite(node.start, node.end, `export default ${value.name};`);
        } else if (value.type === 'ObjectExpression') {
          const names = [];
          const computed = [];
          for (const prop of value.properties) {
            if (prop.type !== 'Property' || prop.computed || prop.key.type !== 'Identifier') fail('an unexpected export');
            const name = prop.key.name;
            if (prop.value.type === 'Identifier') {
              names.push(prop.value.name === name ? name : `${prop.value.name} as ${name}`);
            } else {
              // e.g. `Contains: deprecate(Contains, '…')`: still computed once at load when kept.
              computed.push(`const __export_${name} = /*#__PURE__*/ ${code.slice(prop.value.start, prop.value.end)};`);
              names.push(`__export_${name} as ${name}`);
            }
          }
          out.overwrite(node.start, node.end, `${computed.join('\n')}\nexport { ${names.join(', ')} };`);
        } else {
          fail('an unexpected module.exports');
        }
        exported = true;
      }
      if (!exported) fail('no module.exports');
      const result = out.toString();
      if (/\brequire\s*\(|\bmodule\.exports\b|\bexports\./.test(result.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) fail('a require or exports left');
      return { code: result, map: out.generateMap({ hires: true }) };
    },
  };
}

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
