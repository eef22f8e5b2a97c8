import { spawn } from 'node:child_process';

/**
 * Runs a built Action once in a fresh `node` process (the one running the tests, so Node 22
 * under `npm run test:runtime`): plain `require(bundle)`, the runtime's own global fetch and
 * AbortController, no jest realm and no nock in between. What Auth0's runtime does, minus Auth0.
 */
const RUN_ONCE = `
const [file, handlerName] = process.argv.slice(1);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const logs = [];
  for (const level of ['log', 'info', 'warn', 'error']) console[level] = (...args) => logs.push(args.map(String).join(' '));
  const idTokenClaims = {};
  const denials = [];
  const api = {
    access: { deny(reason) { denials.push(reason); return api; } },
    idToken: { setCustomClaim(name, value) { idTokenClaims[name] = value; return api; } },
    accessToken: { setCustomClaim() { throw new Error('the Action set an access token claim'); } },
  };
  let threw = null;
  try { await require(file)[handlerName](JSON.parse(input), api); } catch (err) { threw = String(err && err.name); }
  process.stdout.write(JSON.stringify({ node: process.version, idTokenClaims, denials, logs, threw }));
});
`;

export interface FreshRun {
  /** `process.version` of the child. */
  readonly node: string;
  readonly idTokenClaims: Record<string, unknown>;
  readonly denials: readonly string[];
  readonly logs: readonly string[];
  /** The name of what the handler threw, or null (an Action should never throw). */
  readonly threw: string | null;
  /** Everything the child wrote to stderr: runtime warnings and deprecations land here. */
  readonly stderr: string;
}

/** Longer than any budget a test gives the Action: a child still alive then is stuck on a socket. */
const CHILD_LIMIT_MS = 15_000;

export function runBundleInFreshNode(bundleFile: string, handlerName: string, event: unknown): Promise<FreshRun> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // no loader or flag of the test run in the Action's process
  const child = spawn(process.execPath, ['-e', RUN_ONCE, bundleFile, handlerName], { env, timeout: CHILD_LIMIT_MS });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  // The event goes through stdin, not argv: it carries the (test) Fauna key.
  child.stdin.end(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = signal === null ? `exit code ${code}` : `${signal} after ${CHILD_LIMIT_MS} ms (a request or socket kept it alive)`;
        reject(new Error(`${handlerName} in a fresh node ended with ${why}; stderr: ${stderr}`));
        return;
      }
      resolve({ ...(JSON.parse(stdout) as Omit<FreshRun, 'stderr'>), stderr });
    });
  });
}
