import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONNECTION_SETTING_NAMES, LOGIN_SETTING_NAMES, SETTINGS } from '../../actions/lib/settings';
import { mergeBindings } from '../../scripts/deploy/bindings';
import { MAX_BUNDLE_BYTES, bundleHeaderPattern, checkBundle } from '../../scripts/deploy/bundles';
import { REVOKE_CREDENTIAL, type DeploySettings, maskSecrets, readAuth0Credentials, readDeploySettings, readEnvironment, secretValues } from '../../scripts/deploy/environment';
import { buildImportFile, keywordReplace } from '../../scripts/deploy/import-file';
import { REPO_ROOT, readTenantFile, type ActionSpec } from '../../scripts/deploy/tenant-file';

const FAUNA_KEY = "fnUNIT'key-never-printed";
const validEnv = {
  FAUNA_SECRET: FAUNA_KEY,
  FAUNA_ENDPOINT: 'https://fauna.example.com:8443',
  CLAIM_NAMESPACE: 'https://app.example.com',
  ALLOWED_CLIENT_IDS: 'spa-client-id',
};

describe('tenant.yaml', () => {
  const file = readTenantFile();
  const action = (name: string) => {
    const found = file.actions.find((a) => a.name === name);
    if (!found) throw new Error(`tenant.yaml has no ${name}`);
    return found;
  };

  it('gives each Action exactly the settings its parser reads, each from its own keyword', () => {
    const secrets = (name: string) => action(name).secrets.map((s) => [s.name, s.value]);
    expect(secrets('fauna-login')).toEqual(LOGIN_SETTING_NAMES.map((n) => [n, `##${n}##`]));
    // The revoke Action's key is its own: FAUNA_REVOKE_SECRET, never the login key.
    const ownKey = (n: string) => (n === 'FAUNA_SECRET' ? 'FAUNA_REVOKE_SECRET' : n);
    expect(secrets('revoke-fauna-secrets')).toEqual(CONNECTION_SETTING_NAMES.map((n) => [n, `##${ownKey(n)}##`]));
  });

  it('declares node22, deployed, the built bundle and the trigger versions', () => {
    expect(action('fauna-login')).toMatchObject({
      runtime: 'node22',
      deployed: true,
      code: './dist/actions/fauna-login.js',
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
    });
    expect(action('revoke-fauna-secrets')).toMatchObject({
      runtime: 'node22',
      deployed: true,
      code: './dist/actions/revoke-fauna-secrets.js',
      supported_triggers: [{ id: 'post-change-password', version: 'v2' }],
    });
    expect(file.triggers).toEqual({
      'post-login': [{ action_name: 'fauna-login', display_name: 'fauna-login' }],
      'post-change-password': [{ action_name: 'revoke-fauna-secrets', display_name: 'revoke-fauna-secrets' }],
    });
  });
});

describe('built bundles', () => {
  // deploy-cli applies keyword replacement to code files too: a stray marker would rewrite code.
  it.each(['fauna-login', 'revoke-fauna-secrets'])(
    '%s carries its version header and no ##KEY## / @@KEY@@ marker',
    (name) => {
      const code = fs.readFileSync(path.join(REPO_ROOT, 'dist/actions', `${name}.js`), 'utf8');
      expect(code.split('\n', 1)[0]).toMatch(bundleHeaderPattern(name));
      expect(code.split('\n', 1)[0]).toContain(', faunadb 4.8.2');
      expect(code.match(/##[A-Za-z0-9_]+##|@@[A-Za-z0-9_]+@@/g)).toBeNull();
    },
  );
});

describe('checkBundle', () => {
  let dir: string;
  const spec = (code: string): ActionSpec => ({
    name: 'fauna-login',
    code,
    runtime: 'node22',
    deployed: true,
    dependencies: [],
    supported_triggers: [{ id: 'post-login', version: 'v3' }],
    secrets: [],
  });
  const header = '// auth0-fauna fauna-login v0.1.0 (abc1234), faunadb 4.8.2\n';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-check-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts a bundle with its header and returns the code deploy-cli will send', () => {
    fs.writeFileSync(path.join(dir, 'a.js'), `${header}exports.x=1;`);
    const checked = checkBundle(dir, spec('./a.js'), ['FAUNA_SECRET']);
    expect(checked.problems).toEqual([]);
    expect(checked.bundle?.header).toBe(header.trim());
  });

  it('refuses a missing bundle, an oversize one, a missing header and a keyword marker', () => {
    expect(checkBundle(dir, spec('./none.js'), []).problems[0]).toMatch(/missing; run npm run build/);
    fs.writeFileSync(path.join(dir, 'big.js'), `${header}${'x'.repeat(MAX_BUNDLE_BYTES)}`);
    expect(checkBundle(dir, spec('./big.js'), []).problems.join()).toMatch(/over Auth0's 100000-byte limit/);
    fs.writeFileSync(path.join(dir, 'bare.js'), 'exports.x=1;');
    expect(checkBundle(dir, spec('./bare.js'), []).problems.join()).toMatch(/lacks its version header/);
    fs.writeFileSync(path.join(dir, 'mark.js'), `${header}const s="##FAUNA_SECRET##";`);
    expect(checkBundle(dir, spec('./mark.js'), ['FAUNA_SECRET']).problems.join()).toMatch(/keyword marker\(s\) FAUNA_SECRET/);
  });

  // Exactly `bytes` bytes: the header, then filler.
  const sized = (bytes: number, tail = '') => `${header}${tail}${'x'.repeat(bytes - Buffer.byteLength(header + tail))}`;

  it('accepts a bundle of exactly the limit, and refuses one byte more, naming the file and its size', () => {
    fs.writeFileSync(path.join(dir, 'limit.js'), sized(MAX_BUNDLE_BYTES));
    expect(checkBundle(dir, spec('./limit.js'), [])).toMatchObject({ bundle: { bytes: MAX_BUNDLE_BYTES }, problems: [] });
    fs.writeFileSync(path.join(dir, 'over.js'), sized(MAX_BUNDLE_BYTES + 1));
    expect(checkBundle(dir, spec('./over.js'), [])).toStrictEqual({
      problems: [`fauna-login: bundle over.js is ${MAX_BUNDLE_BYTES + 1} bytes, over Auth0's ${MAX_BUNDLE_BYTES}-byte limit`],
    });
  });

  it('names every marker of a mapped keyword it finds, in either form, and returns no bundle', () => {
    fs.writeFileSync(path.join(dir, 'marks.js'), `${header}const a = "@@FAUNA_ENDPOINT@@", b = "##FAUNA_SECRET##", c = "##OTHER##";`);
    expect(checkBundle(dir, spec('./marks.js'), ['FAUNA_SECRET', 'CLAIM_NAMESPACE', 'FAUNA_ENDPOINT'])).toStrictEqual({
      problems: [
        'fauna-login: bundle marks.js contains the keyword marker(s) FAUNA_SECRET, FAUNA_ENDPOINT that auth0-deploy-cli would replace; change the source so the text does not appear',
      ],
    });
  });

  it('matches the Action name in the header literally, dots and all', () => {
    const stamp = (name: string) => `// auth0-fauna ${name} v0.1.0 (abc1234), faunadb 4.8.2`;
    expect(bundleHeaderPattern('fauna.login').test(stamp('fauna.login'))).toBe(true);
    expect(bundleHeaderPattern('fauna.login').test(stamp('fauna-login'))).toBe(false);
  });
});

describe('readDeploySettings', () => {
  it('validates with the Actions\' parser, names problems without values', () => {
    const { problems } = readDeploySettings({ FAUNA_SECRET: FAUNA_KEY, FAUNA_TIMEOUT_MS: '20000' }, [...LOGIN_SETTING_NAMES]);
    expect(problems.join('\n')).toMatch(/FAUNA_ENDPOINT is missing/);
    expect(problems.join('\n')).toMatch(/CLAIM_NAMESPACE is missing/);
    expect(problems.join('\n')).toMatch(/ALLOWED_CLIENT_IDS is missing/);
    expect(problems.join('\n')).toMatch(/FAUNA_TIMEOUT_MS must be a whole number of milliseconds from 100 to 9000/);
    expect(problems.join('\n')).not.toContain(FAUNA_KEY);
  });

  it('sends exactly the values given, trimmed, and never a documented default in place of an unset one', () => {
    const { settings } = readDeploySettings({ ...validEnv, FAUNA_SECRET_TTL: ' 3600 ' }, [...LOGIN_SETTING_NAMES]);
    expect(Object.fromEntries(settings?.values ?? [])).toEqual({
      FAUNA_SECRET: FAUNA_KEY,
      FAUNA_ENDPOINT: 'https://fauna.example.com:8443',
      CLAIM_NAMESPACE: 'https://app.example.com',
      FAUNA_SECRET_TTL: '3600',
      ALLOWED_CLIENT_IDS: 'spa-client-id',
    });
    expect(settings?.omitted).toEqual(['FAUNA_TIMEOUT_MS', 'ON_FAUNA_ERROR']);
    // The defaults exist (the Action applies them); the deploy just does not send them.
    expect(SETTINGS.FAUNA_TIMEOUT_MS.defaultValue).toBe('5000');
  });

  it('treats a blank optional setting as unset (it is left out) and a blank ALLOWED_CLIENT_IDS as missing', () => {
    const { settings, problems } = readDeploySettings({ ...validEnv, FAUNA_TIMEOUT_MS: '  ' }, [...LOGIN_SETTING_NAMES]);
    expect(problems).toEqual([]);
    expect(settings?.values.has('FAUNA_TIMEOUT_MS')).toBe(false);
    expect(settings?.omitted).toEqual(['FAUNA_TIMEOUT_MS', 'FAUNA_SECRET_TTL', 'ON_FAUNA_ERROR']);
    expect(readDeploySettings({ ...validEnv, ALLOWED_CLIENT_IDS: ' ' }, [...LOGIN_SETTING_NAMES]).problems).toEqual([
      "ALLOWED_CLIENT_IDS is missing: add it to the Action's secrets (or the deploy environment)",
    ]);
  });

  it('refuses an http FAUNA_ENDPOINT, even a loopback one the Action would accept', () => {
    expect(readDeploySettings({ ...validEnv, FAUNA_ENDPOINT: 'http://127.0.0.1:8443' }, [...LOGIN_SETTING_NAMES]).problems).toEqual([
      'FAUNA_ENDPOINT must use https to deploy: the login key and every minted secret travel over it (http is for a loopback Fauna with npm run dev only)',
    ]);
  });

  it('refuses a control character before the parser sees the value, naming the setting only', () => {
    const { settings, problems } = readDeploySettings({ ...validEnv, FAUNA_SECRET: 'fnABC\u0000DEF', CLAIM_NAMESPACE: 'https://app.example.com/\u0085x' }, [...LOGIN_SETTING_NAMES]);
    expect(settings).toBeUndefined();
    expect(problems).toEqual([
      'FAUNA_SECRET contains a control character (a line break, tab or similar, often from a paste); enter the value again',
      'CLAIM_NAMESPACE contains a control character (a line break, tab or similar, often from a paste); enter the value again',
    ]);
  });
});

describe('secretValues and maskSecrets', () => {
  it('lists the value of every credential and secret setting that is set, trimmed, and nothing else', () => {
    const env = {
      AUTH0_DOMAIN: 'deploy-test.eu.auth0.com',
      AUTH0_CLIENT_ID: 'client-id',
      AUTH0_CLIENT_SECRET: ' m2m-secret ',
      AUTH0_REVOKE_CLIENT_SECRET: 'revoke-m2m-secret',
      FAUNA_ADMIN_SECRET: 'fnADMIN-key',
      FAUNA_SECRET: '   ',
      FAUNA_REVOKE_SECRET: 'fnREVOKE-key',
      FAUNA_ENDPOINT: 'https://fauna.example.com',
      CLAIM_NAMESPACE: 'https://app.example.com/',
      FAUNA_SECRET_TTL: '3600',
    };
    // A blank one is not listed: masking '' would garble every message.
    expect(secretValues(env)).toEqual(['m2m-secret', 'revoke-m2m-secret', 'fnADMIN-key', 'fnREVOKE-key']);
    expect(secretValues({ ...env, FAUNA_SECRET: FAUNA_KEY })).toEqual(['m2m-secret', 'revoke-m2m-secret', 'fnADMIN-key', FAUNA_KEY, 'fnREVOKE-key']);
  });

  it('masks every occurrence of each secret', () => {
    expect(maskSecrets(`401 for m2m-secret (key ${FAUNA_KEY}), retried with m2m-secret`, ['m2m-secret', FAUNA_KEY])).toBe(
      '401 for **** (key ****), retried with ****',
    );
  });
});

describe('readAuth0Credentials and readEnvironment', () => {
  it('names each missing credential and refuses a URL for AUTH0_DOMAIN', () => {
    expect(readAuth0Credentials({}).problems.map((p) => p.split(' ')[0])).toEqual([
      'AUTH0_DOMAIN',
      'AUTH0_CLIENT_ID',
      'AUTH0_CLIENT_SECRET',
    ]);
    const bad = readAuth0Credentials({ AUTH0_DOMAIN: 'https://x.auth0.com/', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 's3cr3t' });
    expect(bad.credentials).toBeUndefined();
    expect(bad.problems.join()).toMatch(/AUTH0_DOMAIN must be the tenant host name only/);
    expect(bad.problems.join()).not.toContain('s3cr3t');
  });

  it('returns the credentials trimmed, with the domain in lower case', () => {
    expect(readAuth0Credentials({ AUTH0_DOMAIN: ' Deploy-Test.EU.auth0.com ', AUTH0_CLIENT_ID: ' client-id\t', AUTH0_CLIENT_SECRET: ' s3cr3t ' })).toStrictEqual({
      credentials: { domain: 'deploy-test.eu.auth0.com', clientId: 'client-id', clientSecret: 's3cr3t' },
      problems: [],
    });
  });

  it('counts a blank credential as missing', () => {
    expect(readAuth0Credentials({ AUTH0_DOMAIN: '  ', AUTH0_CLIENT_ID: 'client-id', AUTH0_CLIENT_SECRET: '\t' })).toStrictEqual({
      problems: [
        "AUTH0_DOMAIN is missing: set it to the deploy's Management API machine-to-machine app's value (see .env.example)",
        "AUTH0_CLIENT_SECRET is missing: set it to the deploy's Management API machine-to-machine app's value (see .env.example)",
      ],
    });
    expect(readAuth0Credentials({ AUTH0_DOMAIN: 'x.eu.auth0.com' }, REVOKE_CREDENTIAL).problems).toEqual([
      "AUTH0_REVOKE_CLIENT_ID is missing: set it to revoke:user's own Management API machine-to-machine app's value (see .env.example)",
      "AUTH0_REVOKE_CLIENT_SECRET is missing: set it to revoke:user's own Management API machine-to-machine app's value (see .env.example)",
    ]);
  });

  it('reads .env and lets the real environment win', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
    try {
      fs.writeFileSync(path.join(dir, '.env'), 'FAUNA_ENDPOINT=https://from-file.example.com\nCLAIM_NAMESPACE=https://file.example.com/\n');
      fs.chmodSync(path.join(dir, '.env'), 0o600);
      const env = readEnvironment(dir, { CLAIM_NAMESPACE: 'https://shell.example.com/' }, {
        warn: (line) => {
          throw new Error(`unexpected warning: ${line}`);
        },
      });
      expect(env.FAUNA_ENDPOINT).toBe('https://from-file.example.com');
      expect(env.CLAIM_NAMESPACE).toBe('https://shell.example.com/');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('buildImportFile', () => {
  const login = readTenantFile().actions.filter((a) => a.name === 'fauna-login');
  const triggers = { 'post-login': [{ action_name: 'fauna-login', display_name: 'fauna-login' }] };
  const settingsFor = (env: Record<string, string>) => {
    const { settings } = readDeploySettings(env, [...LOGIN_SETTING_NAMES]);
    if (!settings) throw new Error('settings should be valid');
    return settings;
  };

  it('keeps the keywords in the file, maps exactly the settings set, and leaves out each unset one', () => {
    const { file, problems } = buildImportFile(login, triggers, settingsFor(validEnv));
    expect(problems).toEqual([]);
    expect(file?.text).toContain("'##FAUNA_SECRET##'");
    expect(file?.text).not.toContain(FAUNA_KEY);
    for (const unset of ['FAUNA_SECRET_TTL', 'FAUNA_TIMEOUT_MS', 'ON_FAUNA_ERROR']) expect(file?.text).not.toContain(unset);
    expect(Object.keys(file?.mappings ?? {}).sort()).toEqual(['ALLOWED_CLIENT_IDS', 'CLAIM_NAMESPACE', 'FAUNA_ENDPOINT', 'FAUNA_SECRET']);
    expect(file?.secretNames['fauna-login']).toEqual(['FAUNA_SECRET', 'FAUNA_ENDPOINT', 'CLAIM_NAMESPACE', 'ALLOWED_CLIENT_IDS']);
  });

  it('writes no triggers section for a one-Action import', () => {
    const { file } = buildImportFile(login, undefined, settingsFor(validEnv));
    expect(file?.text).not.toMatch(/^triggers:/m);
    expect(file?.text.startsWith('actions:')).toBe(true);
  });

  it('refuses a keyword that no setting provides, naming it', () => {
    const withExtra = login.map((a) => ({ ...a, secrets: [...a.secrets, { name: 'REGION', value: '##FAUNA_REGION##' }] }));
    const { file, problems } = buildImportFile(withExtra, triggers, settingsFor(validEnv));
    expect(file).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/keyword FAUNA_REGION, which is not a setting this deploy provides/)]);
  });

  it('refuses a value that keyword replacement would not carry unchanged, without printing it', () => {
    // readDeploySettings refuses this first; the import file still refuses it on its own.
    const values = new Map(Object.entries({ ...validEnv, FAUNA_SECRET: 'fnA\nB' })) as DeploySettings['values'];
    const { problems } = buildImportFile(login, triggers, { values, omitted: ['FAUNA_TIMEOUT_MS', 'FAUNA_SECRET_TTL', 'ON_FAUNA_ERROR'] });
    expect(problems.join()).toMatch(/FAUNA_SECRET contains a line break/);
    expect(problems.join()).not.toContain('fnA');
  });

  it('proves each secret arrives exactly: a value that deploy-cli would rewrite is refused', () => {
    const sneaky = 'fnX##FAUNA_ENDPOINT##';
    const { file, problems } = buildImportFile(login, triggers, settingsFor({ ...validEnv, FAUNA_SECRET: sneaky }));
    expect(file).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/^FAUNA_SECRET: the value would not reach Action fauna-login unchanged/)]);
    expect(problems.join()).not.toContain(sneaky);
  });

  const withSecrets = (secrets: ActionSpec['secrets']) => login.map((a) => ({ ...a, secrets }));

  it('names every keyword of a secret whose value would not arrive unchanged', () => {
    const secrets = [
      { name: 'FAUNA_SECRET', value: '##FAUNA_SECRET##' },
      { name: 'FAUNA_ENDPOINT', value: '##FAUNA_ENDPOINT##' },
      { name: 'LABEL', value: '##CLAIM_NAMESPACE##|##FAUNA_SECRET##' },
    ];
    const { problems } = buildImportFile(withSecrets(secrets), triggers, settingsFor({ ...validEnv, FAUNA_SECRET: 'fnX##FAUNA_ENDPOINT##' }));
    expect(problems).toEqual([
      'FAUNA_SECRET: the value would not reach Action fauna-login unchanged through keyword replacement (does it contain another ##NAME## marker?)',
      'CLAIM_NAMESPACE, FAUNA_SECRET: the value would not reach Action fauna-login unchanged through keyword replacement (does it contain another ##NAME## marker?)',
    ]);
  });

  it('refuses a quoted @@NAME@@ marker whose replacement breaks the YAML, naming the keywords used', () => {
    const secrets = [{ name: 'FAUNA_SECRET', value: '##FAUNA_SECRET##' }, { name: 'NOTE', value: "it'@@FAUNA_ENDPOINT@@'s" }];
    expect(buildImportFile(withSecrets(secrets), triggers, settingsFor(validEnv))).toStrictEqual({
      problems: ['a value of FAUNA_SECRET, FAUNA_ENDPOINT breaks the YAML of the tenant file (a line break?); check those settings'],
    });
  });

  it('sends a secret with a fixed value (no keyword) as it is', () => {
    const secrets = [{ name: 'FAUNA_SECRET', value: '##FAUNA_SECRET##' }, { name: 'MODE', value: 'strict' }];
    const { file, problems } = buildImportFile(withSecrets(secrets), triggers, settingsFor(validEnv));
    expect(problems).toEqual([]);
    expect(file?.secretNames).toEqual({ 'fauna-login': ['FAUNA_SECRET', 'MODE'] });
    expect(file?.text).toContain("value: 'strict'");
  });

  it('checks each Action against its own secrets: the revoke Action gets its own key', () => {
    const both = readTenantFile().actions;
    const env = { ...validEnv, FAUNA_REVOKE_SECRET: 'fnREVOKE-key' };
    const { settings } = readDeploySettings(env, [...LOGIN_SETTING_NAMES, 'FAUNA_REVOKE_SECRET']);
    if (!settings) throw new Error('settings should be valid');
    const { file, problems } = buildImportFile(both, triggers, settings);
    expect(problems).toEqual([]);
    expect(file?.secretNames).toEqual({
      'fauna-login': ['FAUNA_SECRET', 'FAUNA_ENDPOINT', 'CLAIM_NAMESPACE', 'ALLOWED_CLIENT_IDS'],
      'revoke-fauna-secrets': CONNECTION_SETTING_NAMES.filter((n) => n !== 'FAUNA_TIMEOUT_MS'),
    });
    expect(file?.mappings).toMatchObject({ FAUNA_SECRET: "fnUNIT''key-never-printed", FAUNA_REVOKE_SECRET: 'fnREVOKE-key' });
  });
});

describe('mergeBindings', () => {
  const b = (name: string) => ({ action_name: name, display_name: name });

  it('keeps every current binding in order and appends ours when absent', () => {
    expect(mergeBindings([b('audit'), b('geo')], [b('fauna-login')])).toEqual({
      merged: [b('audit'), b('geo'), b('fauna-login')],
      kept: ['audit', 'geo'],
      alreadyBound: [],
      added: ['fauna-login'],
    });
  });

  it('leaves ours where the admin put it, with the admin\'s display name', () => {
    const current = [b('audit'), { action_name: 'fauna-login', display_name: 'Fauna secret' }, b('geo')];
    const result = mergeBindings(current, [b('fauna-login')]);
    expect(result.merged).toEqual(current);
    expect(result.alreadyBound).toEqual(['fauna-login']);
    expect(result.added).toEqual([]);
  });
});

describe('keywordReplace, our own', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['a literal keyword', "value: '##FAUNA_SECRET##'", { FAUNA_SECRET: "fn''key" }],
    ['both forms, one key twice', "a: '##K##'\nb: @@K@@\nc: '@@K@@'\nd: \"@@K@@\"\ne: '##K##'", { K: 'v"1' }],
    ['keys that contain each other', "a: '##FAUNA_SECRET##' b: '##FAUNA_SECRET_TTL##'", { FAUNA_SECRET: 'x', FAUNA_SECRET_TTL: '3600' }],
    ['a value that looks like another marker', "a: '##A##' b: '##B##'", { A: '##B##', B: 'b' }],
    ['replacement patterns in a value', "a: '##A##'", { A: "$' $& $` $$" }],
    ['an unmapped keyword, left alone', "a: '##A##' b: '##OTHER##'", { A: 'a' }],
  ];
  // deploy-cli's own, through its public export (`tools.keywordReplace` of its main module), in a
  // child node: its ESM dependencies do not load under jest.
  const theirs: string[] = JSON.parse(
    execFileSync(
      process.execPath,
      ['-e', "const { tools } = require('auth0-deploy-cli').default; const cases = JSON.parse(require('fs').readFileSync(0, 'utf8')); process.stdout.write(JSON.stringify(cases.map(([, input, mappings]) => tools.keywordReplace(input, mappings))))"],
      { cwd: REPO_ROOT, input: JSON.stringify(cases), env: { PATH: process.env.PATH ?? '' } },
    ).toString(),
  );

  it.each(cases.map((c, i) => [c[0], i] as const))('agrees with deploy-cli\'s on %s', (_name, i) => {
    const [, input, mappings] = cases[i] ?? ['', '', {}];
    expect(keywordReplace(input, mappings)).toBe(theirs[i]);
  });
});

describe('the deploy tools are pinned', () => {
  it('to exact versions of auth0-deploy-cli and auth0, so a bump is a reviewed change', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    for (const name of ['auth0-deploy-cli', 'auth0']) {
      expect(pkg.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
      expect((JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version).toBe(pkg.devDependencies[name]);
    }
  });
});
