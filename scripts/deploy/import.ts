import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearDebugLogging, maskSecrets, type Auth0Credentials } from './environment';
import type { ImportFile } from './import-file';

/** One Action's import: its generated tenant file (keywords in place, no values) and the mappings. */
export interface OneActionImport {
  readonly credentials: Auth0Credentials;
  /** Built by buildImportFile for exactly one Action and no triggers. */
  readonly file: ImportFile;
  /** Where `code:` paths resolve; must contain the bundle. */
  readonly basePath: string;
  /** Values masked in whatever the importer prints. */
  readonly secrets: readonly string[];
}

/** Creates or updates one Action and deploys its new version; writes no bindings. */
export type ActionDeployer = (run: OneActionImport) => Promise<void>;

type Write = typeof process.stdout.write;

/**
 * Runs `work` with everything written to stdout and stderr passed through maskSecrets first: a
 * library's own logger (deploy-cli's winston) prints straight to the streams, not through us.
 */
export async function withMaskedOutput<T>(secrets: readonly string[], work: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    const original = originals[i] as Write;
    stream.write = function masked(chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk;
      const out = typeof text === 'string' ? maskSecrets(text, secrets) : text;
      return (original as (...args: unknown[]) => boolean).call(stream, out, ...rest);
    } as Write;
  });
  try {
    return await work();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as Write;
    });
  }
}

/**
 * The real import, through auth0-deploy-cli's programmatic `deploy()`, one Action at a time (one
 * import deploys its Actions concurrently and writes every trigger's bindings at once, so only
 * one Action per import gives the order the deploy needs; bindings are ours to write). deploy-cli
 * is loaded here, after its debug switches are cleared for good: its logger reads AUTH0_LOG once,
 * when it loads, and at debug level prints request bodies, secrets included. `env: false` means
 * it sees exactly this configuration: our keyword mappings, no deletes, only `actions`.
 */
export const deployWithDeployCli: ActionDeployer = async (run) => {
  clearDebugLogging();
  const { deploy } = require('auth0-deploy-cli') as typeof import('auth0-deploy-cli');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-fauna-deploy-'));
  try {
    const inputFile = path.join(workDir, 'tenant.yaml');
    fs.writeFileSync(inputFile, run.file.text, { mode: 0o600 });
    await withMaskedOutput(run.secrets, () =>
      deploy({
        input_file: inputFile,
        base_path: run.basePath,
        env: false,
        config: {
          AUTH0_DOMAIN: run.credentials.domain,
          AUTH0_CLIENT_ID: run.credentials.clientId,
          AUTH0_CLIENT_SECRET: run.credentials.clientSecret,
          AUTH0_KEYWORD_REPLACE_MAPPINGS: { ...run.file.mappings },
          AUTH0_ALLOW_DELETE: false,
          AUTH0_INCLUDED_ONLY: ['actions'],
        },
      }),
    );
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
};
