import fs from 'node:fs';
import { deployWithDeployCli, type OneActionImport } from '../../scripts/deploy/import';

/**
 * The one call into auth0-deploy-cli, per Action. Its import is slow and runs for real in the
 * deploy-*-tenant suites (child processes); here it is replaced, to see exactly what it is given
 * and when it loads: after the debug switches are gone (its logger reads AUTH0_LOG when it
 * loads), with no environment keywords, no deletes, only Actions, our mappings, and its own
 * printing masked.
 */
const loaded: { AUTH0_LOG?: string; AUTH0_DEBUG?: string }[] = [];
const mockDeploy = jest.fn();
jest.mock('auth0-deploy-cli', () => {
  loaded.push({ AUTH0_LOG: process.env.AUTH0_LOG, AUTH0_DEBUG: process.env.AUTH0_DEBUG });
  return { deploy: (...args: unknown[]) => mockDeploy(...args) };
});

const KEY = "fnKEY''quoted-never-printed-77";
const run: OneActionImport = {
  credentials: { domain: 'deploy-test.eu.auth0.com', clientId: 'deploy-test-client-id', clientSecret: 'm2m-CLIENT-secret-never-printed-7f3a' },
  file: { text: "actions:\n  - name: 'fauna-login'\n", mappings: { FAUNA_SECRET: KEY, FAUNA_ENDPOINT: 'https://fauna.example.com:8443' }, secretNames: { 'fauna-login': ['FAUNA_SECRET'] } },
  basePath: '/repo',
  secrets: [KEY],
};

const shell = { AUTH0_LOG: process.env.AUTH0_LOG, AUTH0_DEBUG: process.env.AUTH0_DEBUG };
afterAll(() => {
  for (const [name, value] of Object.entries(shell)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('deployWithDeployCli', () => {
  it('loads deploy-cli only after its debug switches are cleared, and they stay cleared', async () => {
    process.env.AUTH0_LOG = 'debug';
    process.env.AUTH0_DEBUG = 'true';
    mockDeploy.mockResolvedValue(undefined);
    await deployWithDeployCli(run);
    expect(loaded).toEqual([{ AUTH0_LOG: undefined, AUTH0_DEBUG: undefined }]);
    expect({ AUTH0_LOG: process.env.AUTH0_LOG, AUTH0_DEBUG: process.env.AUTH0_DEBUG }).toEqual({ AUTH0_LOG: undefined, AUTH0_DEBUG: undefined });
  });

  it('hands deploy-cli exactly our configuration: one file, no environment keywords, no deletes, only actions', async () => {
    const files: { text: string; mode: number }[] = [];
    mockDeploy.mockReset();
    mockDeploy.mockImplementation(async (options: { input_file: string }) => {
      files.push({ text: fs.readFileSync(options.input_file, 'utf8'), mode: fs.statSync(options.input_file).mode & 0o777 });
    });
    await deployWithDeployCli(run);
    expect(mockDeploy.mock.calls).toStrictEqual([
      [
        {
          input_file: expect.stringMatching(/auth0-fauna-deploy-[^/]+\/tenant\.yaml$/),
          base_path: '/repo',
          env: false,
          config: {
            AUTH0_DOMAIN: 'deploy-test.eu.auth0.com',
            AUTH0_CLIENT_ID: 'deploy-test-client-id',
            AUTH0_CLIENT_SECRET: 'm2m-CLIENT-secret-never-printed-7f3a',
            AUTH0_KEYWORD_REPLACE_MAPPINGS: { FAUNA_SECRET: KEY, FAUNA_ENDPOINT: 'https://fauna.example.com:8443' },
            AUTH0_ALLOW_DELETE: false,
            AUTH0_INCLUDED_ONLY: ['actions'],
          },
        },
      ],
    ]);
    expect(files).toEqual([{ text: run.file.text, mode: 0o600 }]);
    // The generated file is gone after the import.
    expect(fs.existsSync((mockDeploy.mock.calls[0]?.[0] as { input_file: string }).input_file)).toBe(false);
  });

  it('masks what deploy-cli prints itself, and passes a failure on', async () => {
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const failure = new Error('Problem deploying actions');
    mockDeploy.mockReset();
    mockDeploy.mockImplementation(async () => {
      process.stdout.write(`error: payload {"value":"${KEY}"} and '${KEY.slice(-12)}'\n`);
      throw failure;
    });
    try {
      await expect(deployWithDeployCli(run)).rejects.toBe(failure);
    } finally {
      process.stdout.write = original;
    }
    expect(written).toEqual([`error: payload {"value":"****"} and '****'\n`]);
  });
});
