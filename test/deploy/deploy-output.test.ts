import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childEnvironment, clearDebugLogging, maskSecrets, readEnvironment } from '../../scripts/deploy/environment';
import { describeRequestFailure } from '../../scripts/deploy/deploy-refused';
import { withMaskedOutput } from '../../scripts/deploy/import';
import { envFilePermissionWarning } from '../../scripts/environment';
import { deployInProcess } from './support/deploy-in-process';
import { CREDENTIALS, FAUNA_KEY, REVOKE_KEY, SETTINGS_ENV, secretsPrinted } from './support/deploy-env';
import { TEST_CLIENT_SECRET } from './support/fake-tenant';

/**
 * No secret in any output: values with a control character are refused before anything runs
 * (so no parser ever quotes one), every line the deploy prints passes through one mask that also
 * catches any 8-character piece of a secret, a library's own printing is masked too, debug
 * logging is off for good, and the build runs without any key in its environment.
 */
const ARGS = ['--skip-build', '--allow-dirty'];
const ENV = { ...CREDENTIALS, ...SETTINGS_ENV };

describe('a value with a control character', () => {
  it.each([
    ['FAUNA_SECRET', `${FAUNA_KEY.slice(0, 20)}\u0007${FAUNA_KEY.slice(20)}`],
    ['FAUNA_REVOKE_SECRET', `${REVOKE_KEY}\u001b[0m`],
    ['FAUNA_ENDPOINT', 'https://fauna.exa\u0000mple.com'],
    ['AUTH0_CLIENT_SECRET', `${TEST_CLIENT_SECRET.slice(0, 9)}\t${TEST_CLIENT_SECRET.slice(9)}`],
  ])('in %s is refused before any request, named without its value', async (name, value) => {
    const run = await deployInProcess(ARGS, { env: { ...ENV, [name]: value } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${name} contains a control character (a line break, tab or similar, often from a paste); enter the value again`);
    expect(run.stderr).toMatch(/^ERR_DEPLOY_SETTINGS: /);
    expect(run.tenant.requests).toEqual([]);
    expect(run.faunaCalls).toBe(0);
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });
});

describe('an error that quotes part of a secret', () => {
  it('is masked wherever it comes from: the tail of a key in an API error does not get out', async () => {
    const tail = FAUNA_KEY.slice(-29);
    const run = await deployInProcess(ARGS, {
      seed: { failures: [{ method: 'POST', path: '/deploy$', status: 400, message: `Problem at line 3: value: '${tail}' is invalid` }] },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Problem at line 3: value: '****' is invalid");
    expect(secretsPrinted(run.stdout + run.stderr)).toEqual([]);
  });
});

describe('maskSecrets', () => {
  const secret = 'fnAAAA1111BBBB2222CCCC';

  it('masks the whole value and any run of 8 or more of its characters, leaving shorter runs', () => {
    expect(maskSecrets(`key ${secret}!`, [secret])).toBe('key ****!');
    expect(maskSecrets(`tail '${secret.slice(-8)}' head '${secret.slice(0, 8)}'`, [secret])).toBe("tail '****' head '****'");
    expect(maskSecrets(`short '${secret.slice(-7)}'`, [secret])).toBe(`short '${secret.slice(-7)}'`);
    expect(maskSecrets(`${secret.slice(3, 15)}-${secret.slice(5, 14)}`, [secret])).toBe('****-****');
  });

  it('masks a secret of under 8 characters only whole, and ignores empty ones', () => {
    expect(maskSecrets('pw abc123 and abc', ['abc123', ''])).toBe('pw **** and abc');
  });
});

describe('what a library prints itself', () => {
  it('goes through the mask while an import runs, and the streams are restored after', async () => {
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await withMaskedOutput([FAUNA_KEY], async () => {
        process.stdout.write(`debug: {"secrets":[{"name":"FAUNA_SECRET","value":"${FAUNA_KEY}"}]}\n`);
        process.stdout.write(Buffer.from(`again ${FAUNA_KEY.slice(4, 20)}\n`));
      });
      process.stdout.write('after\n');
    } finally {
      process.stdout.write = original;
    }
    expect(written).toEqual(['debug: {"secrets":[{"name":"FAUNA_SECRET","value":"****"}]}\n', 'again ****\n', 'after\n']);
  });
});

describe('debug logging and the build environment', () => {
  it('clears every debug switch for good and names those it cleared', () => {
    const env: NodeJS.ProcessEnv = { AUTH0_LOG: 'debug', AUTH0_DEBUG: 'true', DEBUG: '*', NODE_DEBUG: 'fetch', PATH: '/bin' };
    expect(clearDebugLogging(env)).toEqual(['AUTH0_LOG', 'AUTH0_DEBUG', 'DEBUG', 'NODE_DEBUG']);
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('gives the build no setting, credential, anything named like one, or debug switch', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/admin',
      npm_config_cache: '/tmp/npm',
      FAUNA_SECRET: FAUNA_KEY,
      FAUNA_REVOKE_SECRET: REVOKE_KEY,
      FAUNA_ADMIN_SECRET: 'fnADMIN',
      FAUNA_ENDPOINT: 'https://fauna.example.com',
      CLAIM_NAMESPACE: 'https://app.example.com/',
      AUTH0_CLIENT_ID: 'id',
      AUTH0_CLIENT_SECRET: TEST_CLIENT_SECRET,
      AUTH0_REVOKE_CLIENT_SECRET: 'revoke',
      GITHUB_TOKEN: 'ghp_x',
      DB_PASSWORD: 'pw',
      AUTH0_LOG: 'debug',
    };
    expect(childEnvironment(env)).toEqual({ PATH: '/usr/bin', HOME: '/home/admin', npm_config_cache: '/tmp/npm' });
  });
});

describe('.env at rest', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-mode-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [0o644, 'Warning: .env is open to other users (mode 644) and holds keys; run: chmod 600 .env'],
    [0o640, 'Warning: .env is open to other users (mode 640) and holds keys; run: chmod 600 .env'],
    [0o604, 'Warning: .env is open to other users (mode 604) and holds keys; run: chmod 600 .env'],
    [0o600, undefined],
    [0o400, undefined],
  ])('mode %o: %s', (mode, warning) => {
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, 'FAUNA_ENDPOINT=https://fauna.example.com\n');
    fs.chmodSync(file, mode);
    expect(envFilePermissionWarning(file, 'linux')).toBe(warning);
    const warnings: string[] = [];
    expect(readEnvironment(dir, {}, { warn: (line) => warnings.push(line) }).FAUNA_ENDPOINT).toBe('https://fauna.example.com');
    expect(warnings).toEqual(warning === undefined ? [] : [warning]);
  });

  it('warns about the file AUTH0_FAUNA_ENV_FILE names too, when a Fauna-side command reads it', () => {
    fs.writeFileSync(path.join(dir, 'local.env'), 'FAUNA_ADMIN_SECRET=fnX\n', { mode: 0o644 });
    fs.chmodSync(path.join(dir, 'local.env'), 0o644);
    const warnings: string[] = [];
    readEnvironment(dir, { AUTH0_FAUNA_ENV_FILE: 'local.env' }, { faunaEnvFile: true, warn: (line) => warnings.push(line) });
    expect(warnings).toEqual(['Warning: local.env is open to other users (mode 644) and holds keys; run: chmod 600 local.env']);
  });

  it('says nothing when there is no .env, or on Windows (no such mode bits)', () => {
    expect(envFilePermissionWarning(path.join(dir, '.env'), 'linux')).toBeUndefined();
    fs.writeFileSync(path.join(dir, '.env'), '', { mode: 0o666 });
    expect(envFilePermissionWarning(path.join(dir, '.env'), 'win32')).toBeUndefined();
  });
});

describe('an Auth0 domain that cannot be reached', () => {
  it('a dry run names the host and the cause, and the variable to check', async () => {
    // No interceptor for this host: the request fails as an unreachable one does (here nock's refusal is the cause).
    const run = await deployInProcess([...ARGS, '--dry-run'], { env: { ...ENV, AUTH0_DOMAIN: 'no-such-tenant.eu.auth0.com' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^ERR_DEPLOY_AUTH0_UNREACHABLE: Cannot reach the Auth0 tenant no-such-tenant\.eu\.auth0\.com:\n {2}- could not reach no-such-tenant\.eu\.auth0\.com \(.*Disallowed net connect.*\); check AUTH0_DOMAIN \(the tenant host name, e\.g\. your-tenant\.eu\.auth0\.com\) and this machine's network$/,
    );
  });

  it('names the network cause fetch hides behind "fetch failed"', () => {
    const dns = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND no-such-tenant.eu.auth0.com'), { code: 'ENOTFOUND' }) });
    expect(describeRequestFailure(dns, 'https://no-such-tenant.eu.auth0.com/oauth/token')).toBe(
      'could not reach no-such-tenant.eu.auth0.com (getaddrinfo ENOTFOUND no-such-tenant.eu.auth0.com)',
    );
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }) });
    expect(describeRequestFailure(refused, 'https://127.0.0.1/')).toBe('could not reach 127.0.0.1 (connect ECONNREFUSED 127.0.0.1:443)');
    const tls = new TypeError('fetch failed', { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) });
    expect(describeRequestFailure(tls, 'https://t.example.com/')).toBe('could not reach t.example.com (CERT_HAS_EXPIRED certificate has expired)');
    expect(describeRequestFailure(new TypeError('fetch failed'), 'https://t.example.com/')).toBe('could not reach t.example.com (no cause given)');
  });

  it('an unexpected failure is called a dry run\'s, not a deploy\'s', async () => {
    const run = await deployInProcess([...ARGS, '--dry-run'], { seed: { failures: [{ method: 'GET', path: '^/api/v2/actions/actions$', status: 400, message: 'bad page' }] } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Dry run failed: HTTP 400: bad page/);
  });
});
