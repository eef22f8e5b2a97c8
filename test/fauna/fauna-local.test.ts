/**
 * `npm run fauna:local`: the in-process Fauna on a loopback port with a fresh admin key in a mode
 * 600 env file, which setup:fauna (run as `npm run` runs it, in a child process) reads through
 * AUTH0_FAUNA_ENV_FILE; and readEnvironment's rules for that file.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import nock from 'nock';
import { EnvFileError, FAUNA_ENV_FILE_VARIABLE, readEnvironment } from '../../scripts/environment';
import {
  DEFAULT_ENV_FILE,
  DEFAULT_PORT,
  ENV_FILE_HEADER,
  FaunaLocalError,
  describeFaunaLocal,
  parseFaunaLocalArgs,
  startFaunaLocal,
  type RunningFaunaLocal,
} from '../../scripts/fauna-local';
import { SCHEMA } from '../../fauna/definitions';

const REPO_ROOT = path.resolve(__dirname, '../..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts scripts/<script>.ts as `npm run` would (tsx) in `cwd`, with exactly `env` plus PATH/HOME. */
function spawnScript(script: string, args: readonly string[], cwd: string, env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(REPO_ROOT, 'scripts', `${script}.ts`), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcessWithoutNullStreams): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let dir: string;
let running: RunningFaunaLocal | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fauna-local-test-'));
});

afterEach(async () => {
  nock.disableNetConnect();
  await running?.close();
  running = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parseFaunaLocalArgs', () => {
  it('defaults to port 8443 and .env.fauna-local, and takes --port and --settings-file', () => {
    expect(parseFaunaLocalArgs([])).toEqual({ port: DEFAULT_PORT, envFile: DEFAULT_ENV_FILE });
    expect(DEFAULT_PORT).toBe(8443);
    expect(parseFaunaLocalArgs(['--port', '0', '--settings-file', 'x.env'])).toEqual({ port: 0, envFile: 'x.env' });
    expect(parseFaunaLocalArgs(['--help'])).toBe('help');
  });

  it.each([[['--port', 'abc']], [['--port', '70000']], [['--port', '-1']], [['--host', '0.0.0.0']], [['--settings-file', ' ']]])(
    'refuses %j with ERR_USAGE',
    (argv) => {
      expect(() => parseFaunaLocalArgs(argv)).toThrow(FaunaLocalError);
      try {
        parseFaunaLocalArgs(argv);
      } catch (err) {
        expect((err as FaunaLocalError).code).toBe('ERR_USAGE');
      }
    },
  );
});

describe('startFaunaLocal', () => {
  it('serves an empty Fauna on 127.0.0.1 and writes its endpoint and a fresh admin key to a mode 600 file, removed on close', async () => {
    running = await startFaunaLocal({ port: 0, envFile: DEFAULT_ENV_FILE }, dir);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.envFile).toBe(path.join(dir, DEFAULT_ENV_FILE));
    expect(fs.statSync(running.envFile).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(running.envFile, 'utf8');
    expect(text.startsWith(ENV_FILE_HEADER)).toBe(true);
    const settings = dotenv.parse(text);
    expect(settings.FAUNA_ENDPOINT).toBe(running.url);
    expect(settings.FAUNA_ADMIN_SECRET).toMatch(/^fnLOCAL_ADMIN_[\w-]{32}$/);
    expect(running.fake.documents('collections')).toEqual([]);

    nock.enableNetConnect(new URL(running.url).host);
    const ask = (secret: string) =>
      fetch(`${running?.url}/`, { method: 'POST', headers: { authorization: `Bearer ${secret}` }, body: '{"add":[1,2]}' });
    expect((await ask(settings.FAUNA_ADMIN_SECRET)).status).toBe(200);
    expect((await ask('fnFAKE_ADMIN_KEY')).status).toBe(401);

    // What it prints names the file, never the key.
    const printed = describeFaunaLocal(running, dir).join('\n');
    expect(printed).toContain(`${FAUNA_ENV_FILE_VARIABLE}=${DEFAULT_ENV_FILE}`);
    expect(printed).toMatch(/IN MEMORY/);
    expect(printed).toMatch(/SUBSET of FQL v4/);
    expect(printed).not.toContain(settings.FAUNA_ADMIN_SECRET);

    await running.close();
    running = undefined;
    expect(fs.existsSync(path.join(dir, DEFAULT_ENV_FILE))).toBe(false);
  });

  it('never writes over a file it did not write, and replaces one a run that did not stop cleanly left', async () => {
    const file = path.join(dir, DEFAULT_ENV_FILE);
    fs.writeFileSync(file, 'FAUNA_ENDPOINT=https://mine.example.com\n');
    await expect(startFaunaLocal({ port: 0, envFile: DEFAULT_ENV_FILE }, dir)).rejects.toMatchObject({ code: 'ERR_FAUNA_LOCAL_ENV_FILE' });
    expect(fs.readFileSync(file, 'utf8')).toBe('FAUNA_ENDPOINT=https://mine.example.com\n');

    fs.writeFileSync(file, `${ENV_FILE_HEADER} for an old run.\nFAUNA_ADMIN_SECRET=fnOLD\n`);
    running = await startFaunaLocal({ port: 0, envFile: DEFAULT_ENV_FILE }, dir);
    expect(dotenv.parse(fs.readFileSync(file, 'utf8')).FAUNA_ADMIN_SECRET).not.toBe('fnOLD');
  });

  it('says which port is taken', async () => {
    running = await startFaunaLocal({ port: 0, envFile: 'a.env' }, dir);
    const port = Number(new URL(running.url).port);
    await expect(startFaunaLocal({ port, envFile: 'b.env' }, dir)).rejects.toMatchObject({
      code: 'ERR_FAUNA_LOCAL_PORT_IN_USE',
      message: expect.stringContaining(`port ${port}`),
    });
    expect(fs.existsSync(path.join(dir, 'b.env'))).toBe(false);
  });

  it('is what `npm run setup:fauna` sets up when AUTH0_FAUNA_ENV_FILE names its file (setup run as a child process)', async () => {
    running = await startFaunaLocal({ port: 0, envFile: DEFAULT_ENV_FILE }, dir);
    const adminSecret = dotenv.parse(fs.readFileSync(running.envFile, 'utf8')).FAUNA_ADMIN_SECRET;
    const setup = await finished(spawnScript('setup-fauna', ['--create-action-key'], dir, { [FAUNA_ENV_FILE_VARIABLE]: DEFAULT_ENV_FILE }));

    expect(setup.stderr).toBe('');
    expect(setup.code).toBe(0);
    expect(setup.stdout).toContain(`Fauna schema at ${running.url}:`);
    expect(setup.stdout).not.toContain(adminSecret);
    const collections = running.fake.documents('collections').map((c) => c.id);
    const wanted = SCHEMA.filter((d) => d.kind === 'collection').map((d) => d.name);
    expect(collections.sort()).toEqual([...wanted].sort());
    expect(running.fake.documents('roles').length).toBe(SCHEMA.filter((d) => d.kind === 'role').length);
    expect(running.fake.documents('keys')).toHaveLength(1);
  });
});

describe('the script', () => {
  it('starts, says what it is, and on SIGTERM stops cleanly and removes its file', async () => {
    const child = spawnScript('fauna-local', ['--port', '0', '--settings-file', 'local.env'], dir, {});
    const run = finished(child);
    let printed = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('Ctrl-C stops it.')) resolve();
      });
      child.on('close', () => reject(new Error(`fauna:local ended before it was ready: ${printed}`)));
    });
    const file = path.join(dir, 'local.env');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(printed).not.toContain(dotenv.parse(fs.readFileSync(file, 'utf8')).FAUNA_ADMIN_SECRET);
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Stopped \(SIGTERM\)/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('exits 2 with the usage on a bad option', async () => {
    const { code, stderr } = await finished(spawnScript('fauna-local', ['--port', 'x'], dir, {}));
    expect(code).toBe(2);
    expect(stderr).toContain('ERR_USAGE: --port must be a whole number');
  });
});

describe('readEnvironment with AUTH0_FAUNA_ENV_FILE', () => {
  beforeEach(() => {
    // Private, as the docs ask (an open one adds a warning to every command's stderr).
    fs.writeFileSync(path.join(dir, '.env'), 'FAUNA_ENDPOINT=https://from-dotenv.example.com\nCLAIM_NAMESPACE=https://app.example.com/\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'local.env'), 'FAUNA_ENDPOINT=http://127.0.0.1:8443\nFAUNA_ADMIN_SECRET=fnLOCAL\n', { mode: 0o600 });
  });

  it('reads the named file over .env and under the shell, for the commands that ask for it', () => {
    const env = readEnvironment(dir, { [FAUNA_ENV_FILE_VARIABLE]: 'local.env', FAUNA_ADMIN_SECRET: 'fnSHELL' }, { faunaEnvFile: true });
    expect(env.FAUNA_ENDPOINT).toBe('http://127.0.0.1:8443');
    expect(env.FAUNA_ADMIN_SECRET).toBe('fnSHELL');
    expect(env.CLAIM_NAMESPACE).toBe('https://app.example.com/');
  });

  it('is ignored by the commands that do not ask for it (deploy:tenant, smoke:tenant)', () => {
    const env = readEnvironment(dir, { [FAUNA_ENV_FILE_VARIABLE]: 'local.env' });
    expect(env.FAUNA_ENDPOINT).toBe('https://from-dotenv.example.com');
    expect(env.FAUNA_ADMIN_SECRET).toBeUndefined();
  });

  it('stops setup:fauna with ERR_ENV_FILE_MISSING and the file’s name when that file is gone (the local Fauna stopped)', async () => {
    const run = await finished(spawnScript('setup-fauna', [], dir, { [FAUNA_ENV_FILE_VARIABLE]: '.env.fauna-local' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      'ERR_ENV_FILE_MISSING: AUTH0_FAUNA_ENV_FILE names .env.fauna-local, which does not exist: start `npm run fauna:local` (it writes .env.fauna-local) or unset AUTH0_FAUNA_ENV_FILE',
    );
  });

  it('fails with ERR_ENV_FILE_MISSING naming the file when it does not exist, rather than reading .env alone', () => {
    expect(() => readEnvironment(dir, { [FAUNA_ENV_FILE_VARIABLE]: 'gone.env' }, { faunaEnvFile: true })).toThrow(EnvFileError);
    expect(() => readEnvironment(dir, { [FAUNA_ENV_FILE_VARIABLE]: 'gone.env' }, { faunaEnvFile: true })).toThrow(
      /AUTH0_FAUNA_ENV_FILE names gone\.env, which does not exist/,
    );
  });
});
