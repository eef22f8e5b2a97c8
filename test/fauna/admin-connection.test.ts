import { SettingsError } from '../../actions/lib/errors';
import { adminConnectionOrReport, readAdminConnection, type Environment } from '../../fauna/admin-connection';

const ADMIN_KEY = 'fnADMIN_KEY_for_connection_tests_never_printed_5';
const ENDPOINT = 'https://fauna.example.com:8443';

const MISSING_ENDPOINT = {
  setting: 'FAUNA_ENDPOINT',
  reason: 'missing',
  message: 'FAUNA_ENDPOINT is missing: set it in the environment or .env (e.g. https://fauna.example.com:8443)',
};
const MISSING_SECRET = {
  setting: 'FAUNA_ADMIN_SECRET',
  reason: 'missing',
  message: "FAUNA_ADMIN_SECRET is missing: set it in the environment or .env to an admin key of the app's database",
};

/** The problems readAdminConnection names for `env`; fails the test when it names none. */
function problemsOf(env: Environment): unknown[] {
  try {
    readAdminConnection(env);
  } catch (e) {
    if (e instanceof SettingsError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a SettingsError');
}

describe("the admin scripts' connection (FAUNA_ENDPOINT, FAUNA_ADMIN_SECRET)", () => {
  it('gives the endpoint as an origin and the key without the whitespace a paste or .env leaves', () => {
    expect(readAdminConnection({ FAUNA_ENDPOINT: ` ${ENDPOINT}/\n`, FAUNA_ADMIN_SECRET: `  ${ADMIN_KEY}\n` })).toEqual({
      faunaEndpoint: ENDPOINT,
      faunaSecret: ADMIN_KEY,
    });
  });

  it('names both settings when neither is set', () => {
    expect(problemsOf({})).toEqual([MISSING_ENDPOINT, MISSING_SECRET]);
  });

  it('counts a value of only whitespace as missing', () => {
    expect(problemsOf({ FAUNA_ENDPOINT: '  \t', FAUNA_ADMIN_SECRET: ' \n' })).toEqual([MISSING_ENDPOINT, MISSING_SECRET]);
  });

  it('names an invalid endpoint and what is wrong with it, without repeating its value', () => {
    const problems = problemsOf({ FAUNA_ENDPOINT: 'ftp://fauna.example.com', FAUNA_ADMIN_SECRET: ADMIN_KEY });

    expect(problems).toEqual([
      {
        setting: 'FAUNA_ENDPOINT',
        reason: 'invalid',
        message: 'FAUNA_ENDPOINT must use https, e.g. https://fauna.example.com:8443',
      },
    ]);
  });

  it('names an endpoint carrying credentials and the missing key together, printing neither value', () => {
    const problems = problemsOf({ FAUNA_ENDPOINT: 'https://admin:hunter2@fauna.example.com', FAUNA_ADMIN_SECRET: '' });

    expect(problems).toEqual([
      {
        setting: 'FAUNA_ENDPOINT',
        reason: 'invalid',
        message: 'FAUNA_ENDPOINT must not carry credentials; put the key in FAUNA_ADMIN_SECRET',
      },
      MISSING_SECRET,
    ]);
  });
});

describe('adminConnectionOrReport', () => {
  it('prints each problem as its own line with the error code, and gives no connection', () => {
    const lines: string[] = [];

    expect(adminConnectionOrReport({ FAUNA_ENDPOINT: 'not a url', FAUNA_ADMIN_SECRET: ADMIN_KEY }, (line) => lines.push(line))).toBeUndefined();
    expect(adminConnectionOrReport({}, (line) => lines.push(line))).toBeUndefined();

    expect(lines).toEqual([
      'ERR_SETTINGS_INVALID: FAUNA_ENDPOINT must be an absolute URL such as https://fauna.example.com:8443',
      `ERR_SETTINGS_INVALID: ${MISSING_ENDPOINT.message}`,
      `ERR_SETTINGS_INVALID: ${MISSING_SECRET.message}`,
    ]);
    for (const line of lines) expect(line).not.toContain(ADMIN_KEY);
  });

  it('gives the connection and prints nothing when both settings are good', () => {
    const lines: string[] = [];

    expect(adminConnectionOrReport({ FAUNA_ENDPOINT: ENDPOINT, FAUNA_ADMIN_SECRET: ADMIN_KEY }, (line) => lines.push(line))).toEqual({
      faunaEndpoint: ENDPOINT,
      faunaSecret: ADMIN_KEY,
    });
    expect(lines).toEqual([]);
  });
});
