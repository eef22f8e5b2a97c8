/**
 * build/rollup-faunadb.js: what it stubs and for whom, how it rewrites the driver's query.js,
 * Client.js and PageHelper.js into ES modules, and the errors when a driver's shape changes,
 * fed small synthetic driver files (and once the real driver's query.js).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rollup, type Plugin, type ProgramNode, type TransformPluginContext } from 'rollup';
import { STUBS, STUBS_DIR, faunadbAsEsm, faunadbStubs, moduleExportsValue, requiredSource } from '../../build/rollup-faunadb';

// rollup's own parser, the one `this.parse` uses (a subpath export this tsconfig's resolution cannot type).
const { parseAst } = require('rollup/parseAst') as { parseAst: (code: string) => ProgramNode };

const ROOT = path.resolve(__dirname, '../..');
const DRIVER = path.join(ROOT, 'node_modules', 'faunadb', 'src');

function resolveWith(plugin: Plugin, source: string, importer: string | undefined): unknown {
  const hook = plugin.resolveId as (source: string, importer: string | undefined) => unknown;
  return hook(source, importer);
}

describe('faunadbStubs', () => {
  const plugin = faunadbStubs();
  const driverFile = path.join(DRIVER, 'Client.js');

  it('points our own `faunadb` imports at the tree-shakable facade, not the driver’s own', () => {
    expect(resolveWith(plugin, 'faunadb', path.join(ROOT, 'actions', 'lib', 'fauna-client.ts'))).toBe(path.join(STUBS_DIR, 'faunadb-index.mjs'));
    expect(resolveWith(plugin, 'faunadb', path.join(ROOT, 'node_modules', 'other', 'index.js'))).toBeNull();
  });

  it('swaps each listed module for its stand-in only when the driver asks for it', () => {
    for (const [request, file] of Object.entries(STUBS)) {
      expect(resolveWith(plugin, request, driverFile)).toBe(path.join(STUBS_DIR, file));
      expect(fs.existsSync(path.join(STUBS_DIR, file))).toBe(true);
    }
    expect(resolveWith(plugin, 'cross-fetch', path.join(ROOT, 'node_modules', 'other', 'index.js'))).toBeNull();
    expect(resolveWith(plugin, 'cross-fetch', undefined)).toBeNull();
  });

  it('gives the driver a stand-in for any package.json it reads, and leaves everything else to rollup', () => {
    expect(resolveWith(plugin, '../package.json', driverFile)).toBe(path.join(STUBS_DIR, 'faunadb-package.js'));
    expect(resolveWith(plugin, 'util', driverFile)).toBeNull();
    expect(resolveWith(plugin, './values', driverFile)).toBeNull();
    // Object.prototype's names are not stubs.
    expect(resolveWith(plugin, 'toString', driverFile)).toBeNull();
  });

  it('takes another stubs folder', () => {
    expect(resolveWith(faunadbStubs({ stubsDir: '/elsewhere' }), 'chalk', driverFile)).toBe(path.join('/elsewhere', 'unused.js'));
  });
});

describe('requiredSource and moduleExportsValue', () => {
  const first = (code: string): unknown => (parseAst(code).body[0] as unknown);
  const init = (code: string): unknown => (first(code) as { declarations: { init: unknown }[] }).declarations[0].init;

  it('read `require("x")` with one string literal and nothing else', () => {
    expect(requiredSource(init("var a = require('./a')"))).toBe('./a');
    expect(requiredSource(init('var a = require(name)'))).toBeUndefined();
    expect(requiredSource(init("var a = require('./a', 2)"))).toBeUndefined();
    expect(requiredSource(init("var a = load('./a')"))).toBeUndefined();
    expect(requiredSource(undefined)).toBeUndefined();
  });

  it('read the right-hand side of a plain `module.exports =` only', () => {
    expect(moduleExportsValue(first('module.exports = x'))).toMatchObject({ type: 'Identifier', name: 'x' });
    expect(moduleExportsValue(first('module.exports += x'))).toBeUndefined();
    expect(moduleExportsValue(first('exports.x = x'))).toBeUndefined();
    expect(moduleExportsValue(first("module['exports'] = x"))).toBeUndefined();
  });
});

describe('faunadbAsEsm', () => {
  let srcDir: string;
  let plugin: Plugin;

  beforeEach(() => {
    srcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faunadb-src-'));
    plugin = faunadbAsEsm({ srcDir });
  });
  afterEach(() => fs.rmSync(srcDir, { recursive: true, force: true }));

  const context = {
    parse: (code: string) => parseAst(code),
    error: (message: string): never => {
      throw new Error(message);
    },
  } as unknown as TransformPluginContext;
  const transform = (code: string, file: string) => {
    const hook = plugin.transform as (this: TransformPluginContext, code: string, id: string) => { code: string } | null;
    return hook.call(context, code, path.join(srcDir, file));
  };

  it('turns query.js’s exports object into named exports, renames and deprecate() wrappers included', () => {
    const out = transform(
      [
        "'use strict'",
        "var Expr = require('./Expr'), util = require('./_util')",
        'function Paginate() { return new Expr({}) }',
        'function Contains() {}',
        'module.exports = { Paginate: Paginate, Ref: RefFn, Contains: deprecate(Contains, "use ContainsPath") }',
      ].join('\n'),
      'query.js',
    );
    expect(out?.code).toContain("import Expr from \"./Expr\";\nimport util from \"./_util\";");
    expect(out?.code).toContain('const __export_Contains = /*#__PURE__*/ deprecate(Contains, "use ContainsPath");');
    expect(out?.code).toContain('export { Paginate, RefFn as Ref, __export_Contains as Contains };');
    expect(out?.code).not.toMatch(/require\(|module\.exports/);
  });

  it('gives Client.js and PageHelper.js query.js’s namespace and a default export', () => {
    for (const file of ['Client.js', 'PageHelper.js']) {
      const out = transform("var query = require('./query')\nvar json = require('./_json')\nfunction C() {}\nmodule.exports = C", file);
      expect(out?.code).toContain('import * as query from "./query";');
      expect(out?.code).toContain('import json from "./_json";');
      expect(out?.code).toContain('export default C;');
    }
  });

  it('leaves every other file to the commonjs plugin', () => {
    expect(transform('module.exports = 1', 'values.js')).toBeNull();
  });

  it.each([
    ['no module.exports', "var a = require('./a')\nexports.a = a", 'no module.exports in query.js'],
    ['a computed export', 'module.exports = { [name]: a }', 'an unexpected export in query.js'],
    ['a function as module.exports', 'module.exports = function () {}', 'an unexpected module.exports in query.js'],
    ['a require mixed with other declarations', "var a = require('./a'), b = 2\nmodule.exports = { a: a }", 'a require or exports left in query.js'],
    ['a destructuring require', "var { a } = require('./a')\nmodule.exports = { a: a }", 'a destructuring require in query.js'],
  ])('stops the build with the file and what changed: %s', (_name, code, what) => {
    expect(() => transform(code, 'query.js')).toThrow(`faunadb-as-esm: ${what}; update build/rollup-faunadb.js for this faunadb version`);
  });

  it('lets rollup keep only the FQL functions reached (a bundle of a synthetic driver)', async () => {
    fs.writeFileSync(path.join(srcDir, 'query.js'), 'function Used() { return "used" }\nfunction Unused() { return "unused" }\nmodule.exports = { Used: Used, Unused: Unused }');
    fs.writeFileSync(path.join(srcDir, 'Client.js'), "var query = require('./query.js')\nfunction Client() { return query.Used() }\nmodule.exports = Client");
    fs.writeFileSync(path.join(srcDir, 'entry.js'), "import Client from './Client.js';\nexport const result = Client();");
    const bundle = await rollup({ input: path.join(srcDir, 'entry.js'), plugins: [plugin] });
    const { output } = await bundle.generate({ format: 'cjs' });
    await bundle.close();
    expect(output[0].code).toContain('"used"');
    expect(output[0].code).not.toContain('"unused"');
  });

  it('still reads the installed driver’s query.js (the build fails the same way when it cannot)', () => {
    const real = faunadbAsEsm();
    const file = path.join(DRIVER, 'query.js');
    const hook = real.transform as (this: TransformPluginContext, code: string, id: string) => { code: string };
    const out = hook.call(context, fs.readFileSync(file, 'utf8'), file);
    expect(out.code).toMatch(/export \{[^}]*\bPaginate\b/);
    expect(out.code).not.toMatch(/\bmodule\.exports\b/);
  });
});
