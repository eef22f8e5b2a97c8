import { FaunaClientError, readFaunaLogin } from '../../client';
import { describeError, expectNoSecret } from './fauna-login-fixture';

const NS = 'https://app.example.com/';
const SECRET = 'fnSECRET_must_never_show_0123456789';
const EXP = 1_800_000_000;

function codeOf(fn: () => unknown): { code: string; text: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FaunaClientError);
    return { code: (err as FaunaClientError).code, text: describeError(err) };
  }
  throw new Error('expected a FaunaClientError');
}

describe('readFaunaLogin', () => {
  it('reads the secret and turns the NumericDate into epoch milliseconds', () => {
    const login = readFaunaLogin({ [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: EXP, sub: 'auth0|alice' }, NS);
    expect(login).toEqual({ secret: SECRET, expiresAt: EXP * 1000 });
  });

  it('adds the trailing slash to the namespace as the Action does', () => {
    const login = readFaunaLogin({ [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: EXP }, 'https://app.example.com');
    expect(login.secret).toBe(SECRET);
  });

  it.each([
    ['no claims (not logged in)', undefined, 'ERR_CLAIM_MISSING', /log the user in/],
    ['no secret claim', { [`${NS}fauna_secret_exp`]: EXP }, 'ERR_CLAIM_MISSING', /no https:\/\/app\.example\.com\/fauna_secret claim.*ALLOWED_CLIENT_IDS/],
    ['no expiry claim', { [`${NS}fauna_secret`]: SECRET }, 'ERR_CLAIM_MISSING', /fauna_secret_exp claim/],
    ['claims under another namespace', { 'https://other.example.com/fauna_secret': SECRET, 'https://other.example.com/fauna_secret_exp': EXP }, 'ERR_CLAIM_MISSING', /under https:\/\/other\.example\.com\/; pass the same namespace/],
    ['secret is a number', { [`${NS}fauna_secret`]: 42, [`${NS}fauna_secret_exp`]: EXP }, 'ERR_CLAIM_INVALID', /fauna_secret must be a non-empty string, got a number/],
    ['secret is empty', { [`${NS}fauna_secret`]: ' ', [`${NS}fauna_secret_exp`]: EXP }, 'ERR_CLAIM_INVALID', /got an empty string/],
    ['secret is an object', { [`${NS}fauna_secret`]: { secret: SECRET }, [`${NS}fauna_secret_exp`]: EXP }, 'ERR_CLAIM_INVALID', /got an object/],
    ['expiry is a string', { [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: String(EXP) }, 'ERR_CLAIM_INVALID', /fauna_secret_exp must be a positive NumericDate.*got a string/],
    ['expiry is null', { [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: null }, 'ERR_CLAIM_INVALID', /got null/],
    ['expiry is negative', { [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: -1 }, 'ERR_CLAIM_INVALID', /out of range/],
    ['expiry is NaN', { [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: Number.NaN }, 'ERR_CLAIM_INVALID', /out of range/],
    ['expiry in milliseconds', { [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: EXP * 1000 }, 'ERR_CLAIM_INVALID', /seconds since the epoch, not milliseconds/],
  ])('refuses %s with a code and a message without the secret', (_case, claims, code, message) => {
    const { code: got, text } = codeOf(() => readFaunaLogin(claims as Record<string, unknown> | undefined, NS));
    expect(got).toBe(code);
    expect(text).toMatch(message);
    expectNoSecret(text, [SECRET]);
  });

  it.each([
    ['not a URL', 'app.example.com'],
    ['not http(s)', 'urn:example:app/'],
    ["on Auth0's own domain", 'https://tenant.auth0.com/'],
    ['not a string', 42],
  ])('refuses a namespace %s (ERR_NAMESPACE_INVALID)', (_case, namespace) => {
    const claims = { [`${NS}fauna_secret`]: SECRET, [`${NS}fauna_secret_exp`]: EXP };
    const { code, text } = codeOf(() => readFaunaLogin(claims, namespace as string));
    expect(code).toBe('ERR_NAMESPACE_INVALID');
    expect(text).toMatch(/namespace .*CLAIM_NAMESPACE/);
    expectNoSecret(text, [SECRET]);
  });
});
