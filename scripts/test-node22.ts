/**
 * `npm run test:node22`: the tests of what Auth0 runs (the built bundles, the login scenarios
 * through them, a short soak) on Node 22, the runtime Auth0 gives both Actions (`node22` in
 * tenant.yaml), while `npm test` runs everything on the machine's Node. Extra arguments go to
 * jest, e.g. `npm run test:node22 -- -t 'hung'`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { AuthFaunaError } from '../actions/lib/errors';
import { REPO_ROOT } from './bench/action-bundles';
import { runScript } from './environment';
import { ensureNode22, RUNTIME_TEST_PATHS } from './runtime/node22';

runScript('test:node22', async () => {
  let node22;
  try {
    node22 = ensureNode22();
  } catch (err) {
    if (!(err instanceof AuthFaunaError)) throw err;
    console.error(`test:node22: ${err.code}: ${err.message}`);
    return 1;
  }
  console.error(`test:node22: running ${RUNTIME_TEST_PATHS.join(', ')} on Node ${node22.version} (${node22.source})`);
  // Its folder first on PATH, so what the tests spawn (`node`, tsx's CLI) runs on Node 22 too.
  const env = { ...process.env, PATH: `${path.dirname(node22.binary)}${path.delimiter}${process.env.PATH ?? ''}` };
  const jest = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const run = spawnSync(node22.binary, [jest, ...RUNTIME_TEST_PATHS, ...process.argv.slice(2)], { cwd: REPO_ROOT, env, stdio: 'inherit' });
  if (run.error !== undefined) throw run.error;
  return run.status ?? 1;
});
