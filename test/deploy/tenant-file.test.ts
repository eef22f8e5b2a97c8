import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { DeployRefusedError } from '../../scripts/deploy/deploy-refused';
import { actionSourcePath, readTenantFile, selectDeployable, type TenantFile } from '../../scripts/deploy/tenant-file';
import { withCheckout } from './support/checkout';

/**
 * readTenantFile checks the shape the deploy relies on before anything else runs, and names
 * every problem at once: the file (as the admin named it, relative to the working directory),
 * the Action (by name, else by position) or trigger, and what it needs.
 */
const postLogin = [{ id: 'post-login', version: 'v3' }];
const loginBinding = { action_name: 'fauna-login', display_name: 'fauna-login' };

/** A well-formed Action entry, as tenant.yaml writes it; `fields` replace or (undefined) drop keys. */
function action(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name,
    code: `./dist/actions/${name}.js`,
    runtime: 'node22',
    deployed: true,
    dependencies: [],
    supported_triggers: postLogin,
    secrets: [{ name: 'FAUNA_SECRET', value: '##FAUNA_SECRET##' }],
    ...fields,
  };
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

function tenantFile(fields: { actions?: unknown; triggers?: unknown } = {}): Record<string, unknown> {
  return { actions: [action('fauna-login')], triggers: { 'post-login': [loginBinding] }, ...fields };
}

let dir: string;
let file: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-file-'));
  file = path.join(dir, 'tenant.yaml');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Reads `content` (a document, or the file's raw text) as tenant.yaml, from its own folder. */
function read(content: unknown): TenantFile {
  fs.writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  const cwd = jest.spyOn(process, 'cwd').mockReturnValue(dir);
  try {
    return readTenantFile(file);
  } finally {
    cwd.mockRestore();
  }
}

function refusal(content: unknown): DeployRefusedError {
  try {
    read(content);
  } catch (err) {
    if (err instanceof DeployRefusedError) return err;
    throw err;
  }
  throw new Error('readTenantFile accepted the file');
}

describe('readTenantFile accepts', () => {
  it('each Action with exactly its fields, and each trigger with its bindings in order', () => {
    const dependencies = [{ name: 'lodash', version: '4.17.21' }];
    const secrets = [{ name: 'FAUNA_SECRET', value: '##FAUNA_SECRET##' }, { name: 'MODE', value: '' }];
    const triggers = [{ id: 'post-login', version: 'v3' }, { id: 'credentials-exchange', version: 'v2' }];
    const bindings = [{ action_name: 'audit-login', display_name: 'Audit' }, loginBinding];
    expect(read(tenantFile({ actions: [action('fauna-login', { dependencies, secrets, supported_triggers: triggers })], triggers: { 'post-login': bindings } }))).toStrictEqual({
      actions: [{ name: 'fauna-login', code: './dist/actions/fauna-login.js', runtime: 'node22', deployed: true, dependencies, supported_triggers: triggers, secrets }],
      triggers: { 'post-login': bindings },
    });
  });

  it('an Action without dependencies or secrets, as having none', () => {
    const [only] = read(tenantFile({ actions: [action('fauna-login', { dependencies: undefined, secrets: undefined })] })).actions;
    expect(only).toMatchObject({ dependencies: [], secrets: [] });
  });

  it.each([
    ['true', true, true],
    ['absent', false, undefined],
    ['false', false, false],
    ['the string "true"', false, 'true'],
  ])('deployed: %s, and reads it as %s', (_name, expected, deployed) => {
    expect(read(tenantFile({ actions: [action('fauna-login', { deployed })] })).actions[0]?.deployed).toBe(expected);
  });
});

describe('readTenantFile refuses', () => {
  it('a file it cannot read, naming it and the reason', () => {
    fs.rmSync(file, { force: true });
    const cwd = jest.spyOn(process, 'cwd').mockReturnValue(dir);
    try {
      expect(() => readTenantFile(file)).toThrow(
        expect.objectContaining({
          name: 'DeployRefusedError',
          code: 'ERR_DEPLOY_TENANT_FILE',
          message: `Cannot read tenant.yaml:\n  - ENOENT: no such file or directory, open '${file}'`,
          problems: [`ENOENT: no such file or directory, open '${file}'`],
        }),
      );
    } finally {
      cwd.mockRestore();
    }
  });

  it('a file that is not YAML, with the parser\'s message', () => {
    const err = refusal('actions: [\n');
    expect(err.code).toBe('ERR_DEPLOY_TENANT_FILE');
    expect(err.problems).toEqual([expect.stringMatching(/flow sequence/i)]);
    expect(err.message).toBe(`Cannot read tenant.yaml:\n  - ${err.problems[0]}`);
  });

  it.each([
    ['an empty file', ''],
    ['a list', [tenantFile()]],
    ['actions that are not a list', tenantFile({ actions: { 'fauna-login': action('fauna-login') } })],
    ['no triggers', { actions: [action('fauna-login')] }],
    ['triggers that are a list', tenantFile({ triggers: [{ 'post-login': [loginBinding] }] })],
    ['triggers that are empty', 'actions: []\ntriggers:\n'],
    ['triggers that are a string', tenantFile({ triggers: 'post-login' })],
  ])('%s, as not a tenant file', (_name, content) => {
    const err = refusal(content);
    expect({ code: err.code, message: err.message }).toEqual({
      code: 'ERR_DEPLOY_TENANT_FILE',
      message: 'tenant.yaml is not a tenant file:\n  - expected top-level `actions:` (a list) and `triggers:` (a map of trigger id to bindings)',
    });
  });

  it('an Action without a name, code or runtime, named by its name or else its position', () => {
    const err = refusal(
      tenantFile({
        actions: [
          'fauna-login',
          action('unnamed', { name: undefined }),
          action('blank', { name: '  ' }),
          action('no-code', { code: '' }),
          action('no-runtime', { runtime: undefined }),
          action('fauna-login'),
        ],
      }),
    );
    expect(err.message).toBe(
      [
        'tenant.yaml is invalid:',
        '  - actions[0] needs name, code and runtime',
        '  - actions[1] needs name, code and runtime',
        '  - actions[2] needs name, code and runtime',
        '  - action no-code needs name, code and runtime',
        '  - action no-runtime needs name, code and runtime',
      ].join('\n'),
    );
  });

  it('supported_triggers that are missing, empty, or not all {id, version} of a known trigger', () => {
    const err = refusal(
      tenantFile({
        actions: [
          action('absent', { supported_triggers: undefined }),
          action('empty', { supported_triggers: [] }),
          action('misspelt', { supported_triggers: [{ id: 'post-logon', version: 'v3' }] }),
          action('no-version', { supported_triggers: [...postLogin, { id: 'credentials-exchange' }] }),
          action('blank-version', { supported_triggers: [{ id: 'post-login', version: ' ' }] }),
          action('just-an-id', { supported_triggers: ['post-login'] }),
          action('fauna-login'),
        ],
      }),
    );
    expect(err.problems).toEqual(
      ['absent', 'empty', 'misspelt', 'no-version', 'blank-version', 'just-an-id'].map(
        (name) => `action ${name}: supported_triggers must list {id, version} with a known trigger id`,
      ),
    );
  });

  it('a secret without a name or a string value, and both problems of one Action', () => {
    const err = refusal(
      tenantFile({
        actions: [
          action('blank-name', { secrets: [{ name: ' ', value: '##FAUNA_SECRET##' }] }),
          action('number-value', { secrets: [{ name: 'FAUNA_SECRET_TTL', value: 3600 }] }),
          action('no-value', { secrets: [{ name: 'FAUNA_SECRET' }] }),
          action('one-bad', { secrets: [{ name: 'FAUNA_SECRET', value: '##FAUNA_SECRET##' }, 'FAUNA_ENDPOINT'] }),
          action('both', { supported_triggers: [], secrets: [['FAUNA_SECRET', '##FAUNA_SECRET##']] }),
        ],
      }),
    );
    expect(err.problems).toEqual([
      'action blank-name: every secret needs a name and a string value',
      'action number-value: every secret needs a name and a string value',
      'action no-value: every secret needs a name and a string value',
      'action one-bad: every secret needs a name and a string value',
      'action both: supported_triggers must list {id, version} with a known trigger id',
      'action both: every secret needs a name and a string value',
    ]);
  });

  it('a trigger Auth0 does not have, and bindings that are not all {action_name, display_name}', () => {
    const err = refusal(
      tenantFile({
        triggers: {
          'post-logon': [loginBinding],
          'post-login': [loginBinding, { action_name: 'audit-login' }],
          'post-change-password': 'revoke-fauna-secrets',
          'credentials-exchange': [{ action_name: ' ', display_name: 'M2M claims' }],
          'pre-user-registration': ['fauna-login'],
        },
      }),
    );
    expect(err.problems).toEqual([
      'triggers.post-logon is not an Auth0 trigger id',
      'triggers.post-login must list {action_name, display_name}',
      'triggers.post-change-password must list {action_name, display_name}',
      'triggers.credentials-exchange must list {action_name, display_name}',
      'triggers.pre-user-registration must list {action_name, display_name}',
    ]);
  });
});

describe('selectDeployable', () => {
  it('deploys an Action only when its folder has the index.ts entry point', () => {
    // A folder without its entry point (say, only a README left after a move) is not a source.
    withCheckout({ 'actions/fauna-login/index.ts': '', 'actions/revoke-fauna-secrets/README.md': '' }, (root) => {
      expect(actionSourcePath(root, 'fauna-login')).toBe(path.join(root, 'actions', 'fauna-login', 'index.ts'));
      const file: TenantFile = {
        actions: [
          { name: 'fauna-login', code: 'a.js', runtime: 'node22', deployed: true, dependencies: [], supported_triggers: [{ id: 'post-login', version: 'v3' }], secrets: [] },
          { name: 'revoke-fauna-secrets', code: 'b.js', runtime: 'node22', deployed: true, dependencies: [], supported_triggers: [{ id: 'post-change-password', version: 'v2' }], secrets: [] },
        ],
        triggers: { 'post-login': [loginBinding], 'post-change-password': [{ action_name: 'revoke-fauna-secrets', display_name: 'revoke-fauna-secrets' }] },
      };
      const selected = selectDeployable(file, root);
      expect(selected.actions.map((a) => a.name)).toEqual(['fauna-login']);
      expect(selected.triggers).toEqual({ 'post-login': [loginBinding] });
      expect(selected.skipped).toEqual(['revoke-fauna-secrets']);
    });
  });
});
