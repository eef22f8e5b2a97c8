import { execFileSync } from 'node:child_process';
import { summarize, type Summary } from './percentiles';

// Run in a fresh `node` (no tsx, no loaders): the time from just before `require(bundle)` to just
// after it, i.e. what an Auth0 instance spends loading the Action once, without Node's own boot.
const LOAD_ONCE = `
const file = process.argv[1];
const started = process.hrtime.bigint();
require(file);
const loaded = process.hrtime.bigint();
process.stdout.write(String(Number(loaded - started) / 1e6));
`;

function loadOnceMs(file: string): number {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // whatever loader runs the bench must not slow the child down
  const out = execFileSync(process.execPath, ['-e', LOAD_ONCE, file], { env, encoding: 'utf8' });
  const ms = Number(out.trim());
  if (!Number.isFinite(ms)) throw new Error(`cold load of ${file} printed ${JSON.stringify(out)}`);
  return ms;
}

export interface ColdLoadComparison {
  readonly built: Summary;
  readonly naive: Summary;
  /** built median / naive median. */
  readonly ratio: number;
}

/**
 * Loads each bundle in `processes` fresh Node processes, alternating built and naive so that any
 * drift in machine load hits both equally.
 */
export function compareColdLoad(builtFile: string, naiveFile: string, processes: number): ColdLoadComparison {
  const built: number[] = [];
  const naive: number[] = [];
  // One untimed load of each first: the OS file cache then serves both alike.
  loadOnceMs(builtFile);
  loadOnceMs(naiveFile);
  for (let i = 0; i < processes; i += 1) {
    if (i % 2 === 0) {
      built.push(loadOnceMs(builtFile));
      naive.push(loadOnceMs(naiveFile));
    } else {
      naive.push(loadOnceMs(naiveFile));
      built.push(loadOnceMs(builtFile));
    }
  }
  const b = summarize(built);
  const n = summarize(naive);
  return { built: b, naive: n, ratio: b.median / n.median };
}
