import { SettingsError } from '../../actions/lib/errors';
import {
  SETTINGS,
  parseConnectionSettings,
  parseLoginSettings,
  readAllowedClientIds,
  readFailurePolicy,
  readSettings,
} from '../../actions/lib/settings';

const FAUNA_KEY = 'fnSETTINGS_TEST_KEY_never_printed';
const valid = {
  FAUNA_SECRET: FAUNA_KEY,
  FAUNA_ENDPOINT: 'https://fauna.example.com:8443',
  CLAIM_NAMESPACE: 'https://app.example.com',
  ALLOWED_CLIENT_IDS: 'spa-client',
};

function problemsOf(secrets: Record<string, string | undefined>) {
  try {
    parseLoginSettings(secrets);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    const e = err as SettingsError;
    expect(e.code).toBe('ERR_SETTINGS_INVALID');
    expect(e.message).not.toContain(FAUNA_KEY);
    return e.problems.map((p) => `${p.setting}:${p.reason}`);
  }
  throw new Error('expected a SettingsError');
}

describe('parseLoginSettings', () => {
  it('applies the documented defaults', () => {
    expect(parseLoginSettings(valid)).toEqual({
      faunaSecret: FAUNA_KEY,
      faunaEndpoint: 'https://fauna.example.com:8443',
      claimNamespace: 'https://app.example.com/',
      secretTtlSeconds: 36000,
      allowedClientIds: ['spa-client'],
      onFaunaError: 'deny',
      timeoutMs: 5000,
    });
  });

  it('reads every optional setting', () => {
    const s = parseLoginSettings({
      ...valid,
      CLAIM_NAMESPACE: 'https://app.example.com/claims/',
      FAUNA_SECRET_TTL: '3600',
      ALLOWED_CLIENT_IDS: ' abc , def ,',
      ON_FAUNA_ERROR: 'Continue',
      FAUNA_TIMEOUT_MS: '2500',
    });
    expect(s.claimNamespace).toBe('https://app.example.com/claims/');
    expect(s.secretTtlSeconds).toBe(3600);
    expect(s.allowedClientIds).toEqual(['abc', 'def']);
    expect(s.onFaunaError).toBe('continue');
    expect(s.timeoutMs).toBe(2500);
  });

  it('names every missing required setting at once', () => {
    expect(problemsOf({})).toEqual(['FAUNA_SECRET:missing', 'FAUNA_ENDPOINT:missing', 'CLAIM_NAMESPACE:missing', 'ALLOWED_CLIENT_IDS:missing']);
    expect(problemsOf({ ...valid, FAUNA_SECRET: '   ' })).toEqual(['FAUNA_SECRET:missing']);
  });

  it.each([
    ['FAUNA_ENDPOINT', 'db.internal:8443'],
    ['FAUNA_ENDPOINT', 'ftp://fauna.example.com'],
    ['FAUNA_ENDPOINT', 'https://fauna.example.com/api'],
    ['FAUNA_ENDPOINT', 'https://user:pw@fauna.example.com'],
    ['FAUNA_ENDPOINT', 'https://fauna.example.com/?x=1'],
    ['FAUNA_ENDPOINT', 'http://fauna.example.com:8443'],
    ['FAUNA_ENDPOINT', 'http://10.0.0.5:8443'],
    ['FAUNA_ENDPOINT', 'http://localhost.example.com'],
    ['CLAIM_NAMESPACE', 'claims.example.org'],
    ['CLAIM_NAMESPACE', 'urn:auth0:claims'],
    ['CLAIM_NAMESPACE', 'https://auth0.com/'],
    ['CLAIM_NAMESPACE', 'https://tenant.eu.auth0.com/'],
    ['CLAIM_NAMESPACE', 'https://x.webtask.io/'],
    ['CLAIM_NAMESPACE', 'https://x.webtask.run/'],
    ['FAUNA_SECRET_TTL', '59'],
    ['FAUNA_SECRET_TTL', '2592001'],
    ['FAUNA_SECRET_TTL', '3600.5'],
    ['FAUNA_SECRET_TTL', '1e4'],
    ['FAUNA_TIMEOUT_MS', '99'],
    ['FAUNA_TIMEOUT_MS', '9001'],
    ['ON_FAUNA_ERROR', 'ignore'],
    ['ALLOWED_CLIENT_IDS', ' , ,'],
  ])('refuses %s=%j, naming the setting but not the value', (name, value) => {
    const secrets = { ...valid, [name]: value };
    expect(problemsOf(secrets)).toEqual([`${name}:invalid`]);
    try {
      parseLoginSettings(secrets);
    } catch (err) {
      expect((err as Error).message).toContain(name);
      if (value.trim().length > 3) expect((err as Error).message).not.toContain(value.trim());
    }
  });

  it('accepts the limits of each range', () => {
    expect(parseLoginSettings({ ...valid, FAUNA_SECRET_TTL: '60', FAUNA_TIMEOUT_MS: '100' }).secretTtlSeconds).toBe(60);
    expect(parseLoginSettings({ ...valid, FAUNA_SECRET_TTL: '2592000', FAUNA_TIMEOUT_MS: '9000' }).timeoutMs).toBe(9000);
    expect(parseLoginSettings({ ...valid, FAUNA_ENDPOINT: 'http://localhost:8443/' }).faunaEndpoint).toBe('http://localhost:8443');
  });

  it('accepts plain http only to a loopback host, where nothing crosses a network', () => {
    for (const loopback of ['http://localhost:8443', 'http://127.0.0.1:8443', 'http://127.8.9.10', 'http://[::1]:8443', 'http://fauna.localhost:8443']) {
      expect(parseLoginSettings({ ...valid, FAUNA_ENDPOINT: loopback }).faunaEndpoint).toBe(new URL(loopback).origin);
    }
    expect(() => parseLoginSettings({ ...valid, FAUNA_ENDPOINT: 'http://fauna.internal:8443' })).toThrow(
      'FAUNA_ENDPOINT must use https: every request carries a Fauna key or secret (plain http is accepted only for a loopback host such as http://127.0.0.1:8443), e.g. https://fauna.example.com:8443',
    );
  });

  it('gives each URL setting its own example', () => {
    expect(() => parseLoginSettings({ ...valid, CLAIM_NAMESPACE: 'auth0.com' })).toThrow('CLAIM_NAMESPACE must be an absolute URL such as https://app.example.com/');
    expect(() => parseLoginSettings({ ...valid, CLAIM_NAMESPACE: 'auth0.com' })).not.toThrow(/fauna/);
    expect(() => parseLoginSettings({ ...valid, FAUNA_ENDPOINT: 'fauna' })).toThrow('FAUNA_ENDPOINT must be an absolute URL such as https://fauna.example.com:8443');
  });
});

describe('readSettings for deploy:tenant', () => {
  it('refuses an http FAUNA_ENDPOINT, even a loopback one, which the Action itself accepts', () => {
    for (const endpoint of ['http://127.0.0.1:8443', 'http://localhost:8443']) {
      expect(readSettings({ FAUNA_ENDPOINT: endpoint }, ['FAUNA_ENDPOINT']).FAUNA_ENDPOINT).toBe(endpoint);
      expect(() => readSettings({ FAUNA_ENDPOINT: endpoint }, ['FAUNA_ENDPOINT'], 'deploy')).toThrow(
        'FAUNA_ENDPOINT must use https to deploy: the login key and every minted secret travel over it (http is for a loopback Fauna with npm run dev only)',
      );
    }
    expect(readSettings({ FAUNA_ENDPOINT: 'https://fauna.example.com' }, ['FAUNA_ENDPOINT'], 'deploy').FAUNA_ENDPOINT).toBe('https://fauna.example.com');
  });
});

describe('parseConnectionSettings', () => {
  it('needs only the connection settings', () => {
    expect(parseConnectionSettings({ FAUNA_SECRET: FAUNA_KEY, FAUNA_ENDPOINT: 'https://db.local' })).toEqual({
      faunaSecret: FAUNA_KEY,
      faunaEndpoint: 'https://db.local',
      timeoutMs: 5000,
    });
    expect(() => parseConnectionSettings({ FAUNA_SECRET: FAUNA_KEY })).toThrow(/FAUNA_ENDPOINT is missing/);
  });
});

describe('the policy and allowlist read on their own', () => {
  it('falls back to deny when ON_FAUNA_ERROR is absent or unreadable', () => {
    expect(readFailurePolicy({})).toBe('deny');
    expect(readFailurePolicy({ ON_FAUNA_ERROR: 'maybe' })).toBe('deny');
    expect(readFailurePolicy({ ON_FAUNA_ERROR: 'continue' })).toBe('continue');
  });

  it('treats an absent or unreadable allowlist as no client, with the problem to log', () => {
    expect(readAllowedClientIds({})).toEqual({ problem: expect.stringContaining('ALLOWED_CLIENT_IDS is missing') });
    expect(readAllowedClientIds({ ALLOWED_CLIENT_IDS: ' , ' })).toEqual({ problem: expect.stringContaining('ALLOWED_CLIENT_IDS must list at least one client id') });
    expect(readAllowedClientIds({ ALLOWED_CLIENT_IDS: 'a,b' })).toEqual({ ids: ['a', 'b'] });
  });

  it('documents every setting', () => {
    for (const [name, spec] of Object.entries(SETTINGS)) {
      expect(spec.description.length).toBeGreaterThan(20);
      if ('defaultValue' in spec) expect(() => spec.parse(spec.defaultValue)).not.toThrow();
      expect(name).toMatch(/^[A-Z_]+$/);
    }
  });
});
