import { readServerAppSettings, sessionCookie } from '../../examples/server/src/settings';

// The server-side example's settings: what an operator gets wrong is named, never echoed.
const GOOD = {
  AUTH0_ISSUER_BASE_URL: 'https://tenant.eu.auth0.com',
  AUTH0_CLIENT_ID: 'client-id',
  AUTH0_CLIENT_SECRET: 'client-secret-value-not-to-be-echoed',
  BASE_URL: 'https://notes.example.com',
  SESSION_SECRET: 'a'.repeat(32),
  CLAIM_NAMESPACE: 'https://app.example.com/',
  FAUNA_ENDPOINT: 'https://fauna.example.com:8443',
};

describe('examples/server settings', () => {
  it('reads a complete environment', () => {
    expect(readServerAppSettings({ ...GOOD, RENEW_BEFORE_MS: '5000' })).toEqual({
      issuerBaseURL: 'https://tenant.eu.auth0.com',
      clientID: 'client-id',
      clientSecret: GOOD.AUTH0_CLIENT_SECRET,
      baseURL: 'https://notes.example.com',
      sessionSecret: GOOD.SESSION_SECRET,
      claimNamespace: 'https://app.example.com/',
      faunaEndpoint: 'https://fauna.example.com:8443',
      renewBeforeMs: 5000,
    });
  });

  it('names every missing or malformed setting at once, and quotes no value', () => {
    let message = '';
    try {
      readServerAppSettings({ ...GOOD, AUTH0_CLIENT_ID: '', SESSION_SECRET: 'short', BASE_URL: 'https://notes.example.com/app', RENEW_BEFORE_MS: 'soon' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('AUTH0_CLIENT_ID is required');
    expect(message).toContain('SESSION_SECRET must be at least 32 characters');
    expect(message).toContain('BASE_URL must be an origin only');
    expect(message).toContain('RENEW_BEFORE_MS must be a whole number');
    expect(message).not.toContain('short');
    expect(message).not.toContain(GOOD.AUTH0_CLIENT_SECRET);
  });

  it('refuses plain http outside localhost (the session cookie would travel unencrypted)', () => {
    expect(() => readServerAppSettings({ ...GOOD, BASE_URL: 'http://notes.example.com' })).toThrow('BASE_URL must use https outside localhost');
    expect(readServerAppSettings({ ...GOOD, BASE_URL: 'http://localhost:3002' }).baseURL).toBe('http://localhost:3002');
  });

  it('seals the session cookie: HttpOnly, SameSite=Lax, Secure wherever the app is served over https', () => {
    expect(sessionCookie('https://notes.example.com')).toEqual({ httpOnly: true, sameSite: 'Lax', secure: true });
    expect(sessionCookie('http://localhost:3002')).toEqual({ httpOnly: true, sameSite: 'Lax', secure: false });
  });
});
