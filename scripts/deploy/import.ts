import { deploy } from 'auth0-deploy-cli';
import type { Auth0Credentials } from './environment';

export interface ImportRun {
  readonly credentials: Auth0Credentials;
  /** The generated tenant file (keywords in place). */
  readonly inputFile: string;
  /** Where `code:` paths resolve; must contain the bundles. */
  readonly basePath: string;
  readonly mappings: Readonly<Record<string, string>>;
}

/**
 * The real auth0-deploy-cli import, through its programmatic `deploy()`. Unlike the CLI (whose
 * `--env` defaults to true and turns every environment variable into a keyword), `env: false`
 * means deploy-cli sees exactly this configuration: our keyword mappings, no deletes, and only
 * the `actions` and `triggers` resource types.
 */
export async function runImport(run: ImportRun): Promise<void> {
  // deploy-cli's debug logging (and the SDK's under it) can print request payloads, which carry
  // the Action secrets' values: keep it off for this call whatever the shell says.
  const saved = { AUTH0_DEBUG: process.env.AUTH0_DEBUG, AUTH0_LOG: process.env.AUTH0_LOG };
  delete process.env.AUTH0_DEBUG;
  delete process.env.AUTH0_LOG;
  try {
    await deploy({
      input_file: run.inputFile,
      base_path: run.basePath,
      env: false,
      config: {
        AUTH0_DOMAIN: run.credentials.domain,
        AUTH0_CLIENT_ID: run.credentials.clientId,
        AUTH0_CLIENT_SECRET: run.credentials.clientSecret,
        AUTH0_KEYWORD_REPLACE_MAPPINGS: { ...run.mappings },
        AUTH0_ALLOW_DELETE: false,
        AUTH0_INCLUDED_ONLY: ['actions', 'triggers'],
      },
    });
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}
