import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { query as q } from 'faunadb';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { LOGIN_ACTION, REVOKE_ACTION } from '../../fauna/roles';
import { KeyFileError, discardKeyFile, openKeyFile, writeKeyFile } from '../../scripts/key-file';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { SETUP_ADMIN_KEY, inProcessSetup } from '../support/setup-in-process';

/**
 * New keys at rest: `--create-*-key --key-file F` writes the secrets to a file made for them
 * (mode 600, never an existing one, created before the key), not to the terminal; and setup lists
 * the live keys of the role it creates, by id and time, never a secret.
 */
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const LOGIN_ROLE = LOGIN_ACTION.name;
const REVOKE_ROLE = REVOKE_ACTION.name;

describe('setup:fauna --create-*-key --key-file', () => {
  it('writes each new secret to the file as its variable, mode 600, and prints none', async () => {
    const fauna = inProcessSetup();
    const file = path.join(dir, '.env.keys');
    const run = await fauna.run(['--create-action-key', '--create-revoke-key', '--key-file', file]);
    expect(run.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const written = dotenv.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(written)).toEqual(['FAUNA_SECRET', 'FAUNA_REVOKE_SECRET']);
    for (const secret of Object.values(written)) {
      expect(secret).toMatch(/^fn/);
      for (const line of [...run.out, ...run.err]) expect(line).not.toContain(secret);
    }
    // The secrets are the keys' own: each authenticates (a pure expression needs no privilege).
    for (const secret of Object.values(written)) {
      const key = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: secret }, fauna.fake.fetch);
      await expect(key.query(q.Add(1, 1))).resolves.toBe(2);
    }
    const ids = fauna.fake.documents('keys').map((k) => k.id);
    expect(run.out).toContain(`Created key ${ids[0]} with role ${LOGIN_ROLE}; its secret is in ${file} (mode 600), not shown here.`);
    expect(fs.readFileSync(file, 'utf8')).toContain(`# key ${ids[0]}, role ${LOGIN_ROLE}, for the fauna-login Action`);
  });

  it('writes a shared key as both variables', async () => {
    const fauna = inProcessSetup();
    const file = path.join(dir, 'shared.env');
    expect((await fauna.run(['--create-shared-key', '--key-file', file])).code).toBe(0);
    const written = dotenv.parse(fs.readFileSync(file, 'utf8'));
    expect(written.FAUNA_SECRET).toBe(written.FAUNA_REVOKE_SECRET);
  });

  it('refuses a file that exists, before creating any key, and leaves the file as it was', async () => {
    const fauna = inProcessSetup();
    const file = path.join(dir, '.env.keys');
    fs.writeFileSync(file, 'FAUNA_SECRET=the-only-copy\n');
    await fauna.run();
    const run = await fauna.run(['--create-action-key', '--key-file', file]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `ERR_KEY_FILE_EXISTS: ${file} already exists; give a new file name (an existing file is never overwritten: it may hold the only copy of a key). Nothing was written.`,
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe('FAUNA_SECRET=the-only-copy\n');
    expect(fauna.fake.documents('keys')).toEqual([]);
  });

  it('refuses a folder that does not exist, before creating any key', async () => {
    const fauna = inProcessSetup();
    const run = await fauna.run(['--create-action-key', '--key-file', path.join(dir, 'missing', 'keys.env')]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/^ERR_KEY_FILE_PATH: cannot create .*keys\.env \(ENOENT\); check the folder exists and is writable\. Nothing was written\.$/);
    expect(fauna.fake.documents('keys')).toEqual([]);
  });

  it('is a usage error without a --create-*-key', async () => {
    const run = await inProcessSetup().run(['--key-file', path.join(dir, 'k.env')]);
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe('ERR_USAGE: --key-file goes with --create-action-key, --create-revoke-key or --create-shared-key');
    expect(fs.existsSync(path.join(dir, 'k.env'))).toBe(false);
  });
});

describe('setup:fauna lists the live keys of the role it creates', () => {
  it('by id and creation time, the new one marked, never a secret, and says to delete old ones', async () => {
    const fauna = inProcessSetup();
    const first = await fauna.run(['--create-action-key', '--key-file', path.join(dir, 'a.env')]);
    expect(first.code).toBe(0);
    await fauna.run(['--create-revoke-key', '--key-file', path.join(dir, 'b.env')]);
    const second = await fauna.run(['--create-action-key', '--key-file', path.join(dir, 'c.env')]);
    const [oldLogin, , newLogin] = fauna.fake.documents('keys').map((k) => k.id);
    const at = second.out.findIndex((line) => line.startsWith(`Live keys with role ${LOGIN_ROLE}`));
    expect(second.out.slice(at, at + 4)).toEqual([
      `Live keys with role ${LOGIN_ROLE} (2; never shown: their secrets):`,
      expect.stringMatching(new RegExp(`^  key ${oldLogin}, created \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`)),
      expect.stringMatching(new RegExp(`^  key ${newLogin}, created \\S+ \\(new\\)$`)),
      '  Keys never expire: delete each one no Action uses any more (docs/deploy-and-operate.md, "Delete old Fauna keys").',
    ]);
    // The revoke key is another role's: not listed here.
    expect(second.out.filter((line) => line.startsWith('  key '))).toHaveLength(2);
    for (const line of second.out) expect(line).not.toMatch(/fn[A-Za-z0-9_-]{20,}/);
  });

  it('on a dry run, lists them and creates nothing', async () => {
    const fauna = inProcessSetup();
    await fauna.run(['--create-revoke-key', '--key-file', path.join(dir, 'r.env')]);
    const run = await fauna.run(['--dry-run', '--create-revoke-key']);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Live keys with role ${REVOKE_ROLE} (1; never shown: their secrets):`);
    expect(fauna.fake.documents('keys')).toHaveLength(1);
  });
});

describe('the key file writer', () => {
  it('quotes a value that is not plain, refuses one that cannot be one line, and removes a file it did not need', () => {
    const file = openKeyFile(path.join(dir, 'k.env'));
    writeKeyFile(file, [{ name: 'A', value: 'fnPLAIN_key-1/2+3=' }, { name: 'B', value: 'has space#hash' }], 'heading');
    expect(fs.readFileSync(path.join(dir, 'k.env'), 'utf8')).toBe("# heading\nA=fnPLAIN_key-1/2+3=\nB='has space#hash'\n");
    expect(dotenv.parse(fs.readFileSync(path.join(dir, 'k.env'), 'utf8'))).toEqual({ A: 'fnPLAIN_key-1/2+3=', B: 'has space#hash' });
    const bad = openKeyFile(path.join(dir, 'bad.env'));
    expect(() => writeKeyFile(bad, [{ name: 'C', value: "it's\nbroken" }], 'h')).toThrow(KeyFileError);
    const unused = openKeyFile(path.join(dir, 'unused.env'));
    discardKeyFile(unused);
    expect(fs.existsSync(path.join(dir, 'unused.env'))).toBe(false);
  });

  it('keeps mode 600 whatever the umask', () => {
    const previous = process.umask(0o000);
    try {
      const file = openKeyFile(path.join(dir, 'umask.env'));
      writeKeyFile(file, [{ name: 'A', value: 'x' }], 'h');
    } finally {
      process.umask(previous);
    }
    expect(fs.statSync(path.join(dir, 'umask.env')).mode & 0o777).toBe(0o600);
  });
});

it('never prints the admin key', async () => {
  const run = await inProcessSetup().run(['--create-action-key', '--key-file', path.join(dir, 'x.env')]);
  for (const line of [...run.out, ...run.err]) expect(line).not.toContain(SETUP_ADMIN_KEY);
});
