import path from 'node:path';
import { createRequire } from 'node:module';

/** One Action as rollup.config.js builds it: the source entry and the built bundle. */
export interface ActionBundle {
  readonly name: string;
  readonly input: string;
  readonly file: string;
}

export const REPO_ROOT = path.resolve(__dirname, '../..');

interface RollupActionConfig {
  readonly input: string;
  readonly output: { readonly file: string };
}

/** The Actions rollup.config.js builds, read from the config itself so the two never disagree. */
export function listActionBundles(): ActionBundle[] {
  const requireFromRoot = createRequire(path.join(REPO_ROOT, 'package.json'));
  const configs = requireFromRoot('./rollup.config.js') as readonly RollupActionConfig[];
  return configs.map((config) => ({
    name: path.basename(config.output.file, '.js'),
    input: path.resolve(REPO_ROOT, config.input),
    file: path.resolve(REPO_ROOT, config.output.file),
  }));
}
