import { execFileSync } from 'node:child_process';
import { summarize, type Summary } from './percentiles';

// Run in a fresh `node` (no tsx, no loaders): the time from just before `require(bundle)` to just
// after it, i.e. what an Auth0 instance spends loading the Action once, without Node's own boot.
// Then the time Node takes to load its fetch implementation (undici, lazy), which the Action's
// first query pays before its budget starts (actions/lib/fauna-client.ts).
const LOAD_ONCE = `
const file = process.argv[1];
const started = process.hrtime.bigint();
require(file);
const loaded = process.hrtime.bigint();
Reflect.get(globalThis, 'Response');
const fetchLoaded = process.hrtime.bigint();
process.stdout.write(Number(loaded - started) / 1e6 + ' ' + Number(fetchLoaded - loaded) / 1e6);
`;

function loadOnceMs(nodeBinary: string, file: string): { readonly load: number; readonly fetchLoad: number } {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // whatever loader runs the bench must not slow the child down
  const out = execFileSync(nodeBinary, ['-e', LOAD_ONCE, file], { env, encoding: 'utf8' });
  const [load, fetchLoad] = out.trim().split(' ').map(Number);
  if (!Number.isFinite(load) || !Number.isFinite(fetchLoad)) throw new Error(`cold load of ${file} printed ${JSON.stringify(out)}`);
  return { load, fetchLoad };
}

/** A Node to load the bundles in: the bench's own, or another (Auth0's Node 22). */
export interface Runtime {
  /** `process.version` of that binary, e.g. `v22.23.5`. */
  readonly version: string;
  readonly binary: string;
}

export const CURRENT_RUNTIME: Runtime = { version: process.version, binary: process.execPath };

export interface ColdLoadComparison {
  /** The runtime these figures were measured on. */
  readonly node: string;
  readonly built: Summary;
  readonly naive: Summary;
  /** After the built bundle's load: Node loading its fetch implementation, ms. */
  readonly fetchLoad: Summary;
  /** built median / naive median. */
  readonly ratio: number;
}

/**
 * Loads each bundle in `processes` fresh Node processes per runtime, alternating built and naive
 * and going through the runtimes in turn, so that any drift in machine load hits every series
 * alike. One comparison per runtime, in the order given.
 */
export function compareColdLoad(builtFile: string, naiveFile: string, processes: number, runtimes: readonly Runtime[] = [CURRENT_RUNTIME]): ColdLoadComparison[] {
  const samples = runtimes.map(() => ({ built: [] as number[], naive: [] as number[], fetchLoad: [] as number[] }));
  // One untimed load of each first: the OS file cache then serves both alike.
  for (const runtime of runtimes) {
    loadOnceMs(runtime.binary, builtFile);
    loadOnceMs(runtime.binary, naiveFile);
  }
  for (let i = 0; i < processes; i += 1) {
    runtimes.forEach((runtime, r) => {
      const { built, naive, fetchLoad } = samples[r];
      const loadBuilt = () => {
        const once = loadOnceMs(runtime.binary, builtFile);
        built.push(once.load);
        fetchLoad.push(once.fetchLoad);
      };
      const loadNaive = () => naive.push(loadOnceMs(runtime.binary, naiveFile).load);
      if (i % 2 === 0) {
        loadBuilt();
        loadNaive();
      } else {
        loadNaive();
        loadBuilt();
      }
    });
  }
  return runtimes.map((runtime, r) => {
    const built = summarize(samples[r].built);
    const naive = summarize(samples[r].naive);
    return { node: runtime.version, built, naive, fetchLoad: summarize(samples[r].fetchLoad), ratio: built.median / naive.median };
  });
}
