/**
 * What the example app shows about problems: one fixed sentence per error code, never text from
 * the URL or an exception; and the expiry as people read it.
 */
import { errors as faunaErrors } from 'faunadb';
import { FaunaClientError } from '../../client';
import { timeLeft } from '../../examples/shared/format';
import {
  LOGIN_ERROR_TEXTS,
  TEXTS,
  UNKNOWN_LOGIN_ERROR,
  endsSignIn,
  loginErrorText,
  problemText,
  restoreProblemText,
} from '../../examples/shared/messages';

const oauthError = (error: string, description = 'Click https://evil.example to verify your account') =>
  Object.assign(new Error(description), { error, error_description: description });

describe('login errors: a fixed text per OAuth error code', () => {
  it.each(Object.entries(LOGIN_ERROR_TEXTS))('%s has its own sentence', (code, text) => {
    expect(loginErrorText(code)).toBe(text);
    expect(text).not.toContain(code);
  });

  it('anything else, including inherited property names, gets the one generic sentence', () => {
    for (const code of ['<script>alert(1)</script>', 'Please call +1 555 0100', 'toString', '__proto__', '', null, undefined, 42]) {
      expect(loginErrorText(code)).toBe(UNKNOWN_LOGIN_ERROR);
    }
  });

  it("never renders an error_description: the restore text is chosen by the code alone", () => {
    const text = restoreProblemText(oauthError('access_denied'));
    expect(text).toBe(`Your session could not be restored. ${LOGIN_ERROR_TEXTS.access_denied}`);
    expect(text).not.toContain('evil');
    expect(restoreProblemText(new TypeError('Failed to fetch'))).toBe(`Your session could not be restored. ${TEXTS.loginUnreachable}`);
  });
});

describe('problems of the Fauna session, in words', () => {
  const clientError = (code: FaunaClientError['code'], cause?: unknown) => new FaunaClientError(code, 'internal detail the page must not show', cause === undefined ? undefined : { cause });

  it.each<[string, unknown, string, boolean]>([
    ['a failed fetch (Fauna down)', new TypeError('Failed to fetch'), TEXTS.databaseUnreachable, false],
    ['another account', clientError('ERR_ACCOUNT_CHANGED'), TEXTS.accountChanged, true],
    ['a logout in another tab', clientError('ERR_LOGGED_OUT'), TEXTS.loggedOutElsewhere, true],
    ['a revoked login', clientError('ERR_SECRET_REJECTED'), TEXTS.secretRevoked, true],
    ['a renewal the login refused', clientError('ERR_RENEW_FAILED', oauthError('access_denied')), LOGIN_ERROR_TEXTS.access_denied, true],
    ['a renewal with the login unreachable', clientError('ERR_RENEW_FAILED', new TypeError('Failed to fetch')), TEXTS.loginUnreachable, false],
    ['an unconfirmed logout', clientError('ERR_LOGOUT_FAILED'), TEXTS.logoutIncomplete, false],
    ['a login without the claims', clientError('ERR_CLAIM_MISSING'), TEXTS.noDatabaseAccess, false],
  ])('%s', (_case, err, text, ends) => {
    expect(problemText(err)).toBe(text);
    expect(endsSignIn(err)).toBe(ends);
  });

  it("names Fauna's refusals without the driver's text", () => {
    const response = { statusCode: 403, responseRaw: '', responseContent: { errors: [{ code: 'permission denied', description: 'Insufficient privileges to perform the action.' }] } };
    // The driver's .d.ts names two parameters; its constructor takes only the request result.
    const denied = new (faunaErrors.PermissionDenied as unknown as new (result: unknown) => faunaErrors.PermissionDenied)(response);
    expect(problemText(denied)).toBe(TEXTS.databaseRefused);
    expect(problemText(new Error('anything'))).toBe(TEXTS.unexpected);
  });
});

describe('timeLeft', () => {
  const now = 1_800_000_000_000;
  it.each([
    [35_999_000, 'in 9 h 59 min'],
    [3_600_000, 'in 1 h 0 min'],
    [3_540_000, 'in 59 min'],
    [305_000, 'in 5 min 05 s'],
    [59_999, 'in 59 s'],
    [999, 'expired'],
    [-5_000, 'expired'],
  ])('%d ms ahead: %s', (ahead, text) => {
    expect(timeLeft(now + ahead, now)).toBe(text);
  });
});
