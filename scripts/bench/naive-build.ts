import { builtinModules } from 'node:module';
import path from 'node:path';
import { rollup } from 'rollup';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import { REPO_ROOT, type ActionBundle } from './action-bundles';

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * The baseline every figure is compared with: the same entry bundled the obvious way, the driver
 * as it comes (node-resolve + commonjs + typescript, and json because the driver requires its
 * package.json; no stubs, no tree-shaking help, no minify).
 * Built in the same run so both sides see the same sources and the same machine.
 */
export async function buildNaiveBundle(action: ActionBundle, outDir: string): Promise<string> {
  const file = path.join(outDir, `${action.name}.naive.js`);
  const bundle = await rollup({
    input: action.input,
    external: (id) => BUILTINS.has(id),
    plugins: [
      nodeResolve({ preferBuiltins: true }),
      commonjs(),
      json(),
      typescript({
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        module: 'esnext',
        noEmit: false,
        include: [path.join(REPO_ROOT, 'actions/**/*.ts')],
        types: ['node'],
      }),
    ],
    onwarn: () => undefined,
  });
  try {
    await bundle.write({ file, format: 'cjs', exports: 'named' });
  } finally {
    await bundle.close();
  }
  return file;
}
