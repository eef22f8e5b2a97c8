import { FaunaQueryError, SettingsError } from '../../actions/lib/errors';
import { consoleSink, createLogger, redact } from '../../actions/lib/log';
import { classifyFaunaError } from '../../actions/lib/fauna-client';
import {
  nonEmpty,
  parseClaimNamespace,
  parseClientIdList,
  parseFailurePolicy,
  parseFaunaEndpoint,
} from '../../actions/lib/setting-parsers';
import { readAllowedClientIds } from '../../actions/lib/settings';

/**
 * Details of the login path a mutation run showed no test looked at: where each log level goes,
 * which credentials are redacted, how errors read, and how each parser trims and refuses.
 */
describe('log lines', () => {
  it('sends info to console.log, warn to console.warn, error to console.error', () => {
    const seen: string[] = [];
    const spies = (['log', 'warn', 'error'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void seen.push(`${method}:${String(args[0])}`)),
    );
    try {
      consoleSink('info', 'a');
      consoleSink('warn', 'b');
      consoleSink('error', 'c');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(seen).toEqual(['log:a', 'warn:b', 'error:c']);
  });

  it('redacts every credential of four characters or more, wherever it appears, and leaves shorter ones', () => {
    expect(redact('key abcd and abcd', ['abcd'])).toBe('key [redacted] and [redacted]');
    expect(redact('key abc', ['abc', undefined])).toBe('key abc');
    const lines: string[] = [];
    createLogger('fauna-login', (level, line) => lines.push(`${level} ${line}`), ['fnKEY1'])('warn', 'saw fnKEY1');
    expect(lines).toEqual(['warn [fauna-login] saw [redacted]']);
  });
});

describe('error messages', () => {
  it('joins every settings problem', () => {
    const err = new SettingsError([
      { setting: 'A', reason: 'missing', message: 'A is missing' },
      { setting: 'B', reason: 'invalid', message: 'B is wrong' },
    ]);
    expect(err.message).toBe('Invalid settings: A is missing; B is wrong');
  });

  it('says when Fauna never answered', () => {
    expect(new FaunaQueryError('ERR_FAUNA_TIMEOUT', { faunaCode: 'timeout', status: undefined, attempts: 1, hint: 'h' }).message).toBe(
      'Fauna query failed (timeout, no response, 1 attempt(s)): h',
    );
    expect(new FaunaQueryError('ERR_FAUNA_UNAVAILABLE', { faunaCode: 'x', status: 503, attempts: 2, hint: 'h' }).message).toBe(
      'Fauna query failed (x, HTTP 503, 2 attempt(s)): h',
    );
  });

  it('gives a transport failure a hint that says what to check', () => {
    const protocol = Object.assign(new Error('empty'), { name: 'ProtocolError' });
    expect(classifyFaunaError(protocol).hint).toMatch(/^Fauna answered with an empty body; check the endpoint/);
    expect(classifyFaunaError(new TypeError('fetch failed')).hint).toMatch(/^could not reach FAUNA_ENDPOINT; check the URL/);
    expect(classifyFaunaError(undefined)).toMatchObject({ code: 'ERR_FAUNA_UNAVAILABLE', faunaCode: 'network error' });
  });
});

describe('setting parsers', () => {
  it('trims what they keep, and refuses what is only blanks', () => {
    expect(nonEmpty('  fnKEY  ')).toBe('fnKEY');
    expect(() => nonEmpty('   ')).toThrow('must not be empty');
    expect(parseFaunaEndpoint('  https://fauna.example.com:8443  ')).toBe('https://fauna.example.com:8443');
    expect(parseClaimNamespace('  https://app.example.com  ')).toBe('https://app.example.com/');
    expect(parseClaimNamespace(' https://app.example.com/ ')).toBe('https://app.example.com/');
    expect(parseFailurePolicy(' Continue ')).toBe('continue');
    expect(parseClientIdList(' a ,b ')).toEqual(['a', 'b']);
  });

  it('reads an unreadable client list as no client at all, saying why', () => {
    expect(readAllowedClientIds({ ALLOWED_CLIENT_IDS: ' , ' })).toEqual({ problem: 'ALLOWED_CLIENT_IDS must list at least one client id, comma-separated' });
  });

  it('accepts an http claim namespace', () => {
    expect(parseClaimNamespace('http://app.example.com')).toBe('http://app.example.com/');
  });

  it.each([
    ['ftp://fauna.example.com', 'must use https, e.g. https://fauna.example.com:8443'],
    ['https://user@fauna.example.com', 'must not carry credentials; put the key in FAUNA_SECRET'],
    ['https://:pw@fauna.example.com', 'must not carry credentials; put the key in FAUNA_SECRET'],
    ['https://fauna.example.com/#x', 'must be scheme, host and optional port only, with no path or query'],
    ['https://fauna.example.com/v4', 'must be scheme, host and optional port only, with no path or query'],
  ])('refuses the endpoint %s: %s', (raw, message) => {
    expect(() => parseFaunaEndpoint(raw)).toThrow(message);
  });

  it('says why a claim namespace or a client list is refused', () => {
    expect(() => parseClaimNamespace('urn:app:claims')).toThrow('must be an http(s) URL such as https://app.example.com/');
    expect(() => parseClaimNamespace('https://x.auth0.com/')).toThrow(
      "must not be on auth0.com, webtask.io, webtask.run (Auth0 drops such claims); use your app's own domain",
    );
    expect(() => parseClientIdList(' , ')).toThrow('must list at least one client id, comma-separated');
  });
});
