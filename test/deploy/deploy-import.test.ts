import { deploy } from 'auth0-deploy-cli';
import { runImport, type ImportRun } from '../../scripts/deploy/import';

/**
 * The one call into auth0-deploy-cli. Its import is slow and is run for real by the
 * deploy-*-tenant suites in a child process; here it is replaced, to see exactly what it is
 * given: no environment keywords, no deletes, only Actions and triggers, our mappings, and debug
 * logging (which can print the secrets' values) off for the call.
 */
jest.mock('auth0-deploy-cli', () => ({ deploy: jest.fn() }));
const deployCli = jest.mocked(deploy);

const run: ImportRun = {
  credentials: { domain: 'deploy-test.eu.auth0.com', clientId: 'deploy-test-client-id', clientSecret: 'm2m-CLIENT-secret-never-printed-7f3a' },
  inputFile: '/tmp/auth0-fauna-deploy-x/tenant.yaml',
  basePath: '/repo',
  mappings: { FAUNA_SECRET: "fnKEY''quoted", FAUNA_ENDPOINT: 'https://fauna.example.com:8443' },
};

const LOGGING = ['AUTH0_DEBUG', 'AUTH0_LOG'] as const;
const shellLogging = Object.fromEntries(LOGGING.map((name) => [name, process.env[name]]));

function setLogging(values: Partial<Record<(typeof LOGGING)[number], string>>): void {
  for (const name of LOGGING) {
    const value = values[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** Which of the logging variables deploy() saw set, and to what. */
let seenDuringCall: Record<string, string | undefined> | undefined;

beforeEach(() => {
  seenDuringCall = undefined;
  deployCli.mockReset();
  deployCli.mockImplementation(async () => {
    seenDuringCall = Object.fromEntries(LOGGING.filter((name) => name in process.env).map((name) => [name, process.env[name]]));
  });
});

afterAll(() => setLogging(shellLogging));

describe('runImport', () => {
  it('hands deploy-cli exactly our configuration: no environment keywords, no deletes, only actions and triggers', async () => {
    setLogging({});
    await runImport(run);
    expect(deployCli.mock.calls).toStrictEqual([
      [
        {
          input_file: '/tmp/auth0-fauna-deploy-x/tenant.yaml',
          base_path: '/repo',
          env: false,
          config: {
            AUTH0_DOMAIN: 'deploy-test.eu.auth0.com',
            AUTH0_CLIENT_ID: 'deploy-test-client-id',
            AUTH0_CLIENT_SECRET: 'm2m-CLIENT-secret-never-printed-7f3a',
            AUTH0_KEYWORD_REPLACE_MAPPINGS: { FAUNA_SECRET: "fnKEY''quoted", FAUNA_ENDPOINT: 'https://fauna.example.com:8443' },
            AUTH0_ALLOW_DELETE: false,
            AUTH0_INCLUDED_ONLY: ['actions', 'triggers'],
          },
        },
      ],
    ]);
  });

  it('turns deploy-cli debug logging off for the call and restores the shell\'s settings after', async () => {
    setLogging({ AUTH0_DEBUG: 'true', AUTH0_LOG: 'debug' });
    await runImport(run);
    expect(seenDuringCall).toEqual({});
    expect({ AUTH0_DEBUG: process.env.AUTH0_DEBUG, AUTH0_LOG: process.env.AUTH0_LOG }).toEqual({ AUTH0_DEBUG: 'true', AUTH0_LOG: 'debug' });
  });

  it('leaves a logging variable the shell did not set unset after the call', async () => {
    setLogging({ AUTH0_LOG: 'debug' });
    await runImport(run);
    expect(seenDuringCall).toEqual({});
    expect('AUTH0_DEBUG' in process.env).toBe(false);
    expect(process.env.AUTH0_LOG).toBe('debug');
  });

  it('passes a failed import on, and still restores the logging settings', async () => {
    setLogging({ AUTH0_DEBUG: '*' });
    const failure = new Error('Problem deploying actions: 403 Insufficient scope');
    deployCli.mockImplementation(async () => {
      seenDuringCall = Object.fromEntries(LOGGING.filter((name) => name in process.env).map((name) => [name, process.env[name]]));
      throw failure;
    });
    await expect(runImport(run)).rejects.toBe(failure);
    expect(seenDuringCall).toEqual({});
    expect(process.env.AUTH0_DEBUG).toBe('*');
    expect('AUTH0_LOG' in process.env).toBe(false);
  });
});
