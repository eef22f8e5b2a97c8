// The rollup plugins that keep each Action bundle to its own code and the faunadb driver:
// - faunadbStubs: what the driver requires but never uses with a global fetch is swapped for
//   the stand-ins in ./stubs (see ./stubs/README.md);
// - faunadbAsEsm: the driver's src/query.js, Client.js and PageHelper.js are read as the ES
//   modules they are in all but syntax, so rollup keeps only the FQL functions an Action reaches.
// CommonJS like rollup.config.js, which loads it; test/build/rollup-faunadb.test.ts tests it.
const path = require('node:path');
const MagicString = require('magic-string');

const STUBS_DIR = path.join(__dirname, 'stubs');

/** What the requiring driver file asks for -> the stand-in file in ./stubs. */
const STUBS = {
  'cross-fetch': 'cross-fetch.js',
  'node-abort-controller': 'node-abort-controller.js',
  chalk: 'unused.js',
  boxen: 'unused.js',
  'object-assign': 'object-assign.js',
  './http2Adapter': 'http2-adapter.js',
  './stream': 'stream.js',
};

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const FAUNADB_DIR = `${path.sep}faunadb${path.sep}`;

/**
 * Resolves, for the driver's own files only, what STUBS names to its stand-in, and any
 * `package.json` it reads to a stand-in holding only what it uses. Our own code's `faunadb` is
 * the tree-shakable facade of the driver's index (stubs/faunadb-index.mjs).
 */
function faunadbStubs({ stubsDir = STUBS_DIR } = {}) {
  const stub = (name) => path.join(stubsDir, name);
  return {
    name: 'faunadb-stubs',
    resolveId(source, importer) {
      if (source === 'faunadb' && importer && !importer.includes(NODE_MODULES)) return stub('faunadb-index.mjs');
      if (!importer || !importer.includes(FAUNADB_DIR)) return null;
      if (Object.prototype.hasOwnProperty.call(STUBS, source)) return stub(STUBS[source]);
      if (/(^|\/)package\.json$/.test(source)) return stub('faunadb-package.js');
      return null;
    },
  };
}

/** `require('x')` with one string literal: its 'x'; anything else: undefined. */
function requiredSource(node) {
  const isRequire =
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    node.arguments[0].type === 'Literal' &&
    typeof node.arguments[0].value === 'string';
  return isRequire ? node.arguments[0].value : undefined;
}

/** The right-hand side of a top-level `module.exports = …` statement, else undefined. */
function moduleExportsValue(node) {
  const e = node.type === 'ExpressionStatement' ? node.expression : null;
  const isIt =
    e?.type === 'AssignmentExpression' &&
    e.operator === '=' &&
    e.left.type === 'MemberExpression' &&
    !e.left.computed &&
    e.left.object.type === 'Identifier' &&
    e.left.object.name === 'module' &&
    e.left.property.name === 'exports';
  return isIt ? e.right : undefined;
}

/** Driver source files read as ES modules: query.js and the two driver files that use it. */
function esmFiles(srcDir) {
  const queryFile = path.join(srcDir, 'query.js');
  return { queryFile, files: new Set([queryFile, path.join(srcDir, 'Client.js'), path.join(srcDir, 'PageHelper.js')]) };
}

const DEFAULT_SRC_DIR = () => path.dirname(require.resolve('faunadb/src/query.js'));

/**
 * faunadb's src/query.js hands every FQL function (~200) out in one CommonJS `module.exports`
 * object, so a bundle keeps all of them, used or not. This reads that file, and the two driver
 * files that use it (Client.js, PageHelper.js): top-level requires become imports,
 * `module.exports` becomes exports (deprecate() wrappers marked pure). No function body changes.
 * A driver whose files no longer have that shape fails the build with the file and what changed.
 */
function faunadbAsEsm({ srcDir = DEFAULT_SRC_DIR() } = {}) {
  const { queryFile, files } = esmFiles(srcDir);
  return {
    name: 'faunadb-as-esm',
    transform(code, id) {
      if (!files.has(id)) return null;
      const fail = (what) =>
        this.error(`faunadb-as-esm: ${what} in ${path.basename(id)}; update build/rollup-faunadb.js for this faunadb version`);
      const ast = this.parse(code);
      const out = new MagicString(code);
      let exported = false;
      for (const node of ast.body) {
        if (node.type === 'VariableDeclaration' && node.declarations.every((d) => requiredSource(d.init) !== undefined)) {
          const imports = node.declarations.map((d) => {
            if (d.id.type !== 'Identifier') fail('a destructuring require');
            const source = requiredSource(d.init);
            const target = path.resolve(path.dirname(id), source);
            // query.js has only named exports now: its users get its namespace, read by member.
            const clause = target === queryFile || `${target}.js` === queryFile ? `* as ${d.id.name}` : d.id.name;
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

module.exports = { STUBS, STUBS_DIR, faunadbStubs, faunadbAsEsm, requiredSource, moduleExportsValue };
