import nock from 'nock';
import { parseConnectionSettings } from '../../actions/lib/settings';
import { buildRevokeCall, isRevokeResult } from '../../actions/revoke-fauna-secrets/revoke-query';
import { revokeUserSecrets, type RevokeDependencies } from '../../actions/revoke-fauna-secrets/revoke-user-secrets';
import {
  TEST_ENDPOINT,
  TEST_FAUNA_KEY,
  errorBody,
  faunaHeaders,
  parseRequestBody,
  resourceBody,
} from '../support/fauna-wire';

const USER_ID = 'auth0|64f0c2a1b2c3d4e5f6a7b8c9';
const SECRETS = { FAUNA_SECRET: TEST_FAUNA_KEY, FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_TIMEOUT_MS: '2000' };

/** One answer of revoke_user: `n` logins ended with one secret each. */
const page = (n: number, more: boolean) => resourceBody({ user: true, logins: n, tokens: n, more });
const NO_USER = resourceBody({ user: false, logins: 0, tokens: 0, more: false });

function scriptFauna(replies: { status?: number; body: string }[]) {
  const bodies: unknown[] = [];
  const scope = nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${TEST_FAUNA_KEY}` } });
  for (const reply of replies) {
    scope.post('/', (body) => bodies.push(parseRequestBody(body)) > 0).reply(reply.status ?? 200, reply.body, faunaHeaders());
  }
  return { bodies, scope };
}

function run(secrets: Record<string, string> = SECRETS, deps: RevokeDependencies = {}) {
  const lines: string[] = [];
  const outcome = revokeUserSecrets(USER_ID, () => parseConnectionSettings(secrets), {
    fetch: globalThis.fetch,
    sleep: async () => undefined,
    log: (level, line) => void lines.push(`${level} ${line}`),
    ...deps,
  });
  return { outcome, lines };
}

function neverLeaks(lines: string[]) {
  for (const line of lines) expect(line).not.toContain(TEST_FAUNA_KEY);
}

describe('the revocation call', () => {
  it('is one call of revoke_user with the Auth0 user id as its one argument', () => {
    expect(JSON.parse(JSON.stringify(buildRevokeCall(USER_ID)))).toEqual({ call: { function: 'revoke_user' }, arguments: USER_ID });
  });

  it('checks the shape of an answer', () => {
    expect(isRevokeResult({ user: true, logins: 2, tokens: 2, more: false })).toBe(true);
    expect(isRevokeResult({ user: true, logins: '2', tokens: 2, more: false })).toBe(false);
    expect(isRevokeResult({ user: true, more: false })).toBe(false);
  });
});

describe('revokeUserSecrets', () => {
  it('revokes nothing, in one query, for a user without logins', async () => {
    const { bodies } = scriptFauna([{ body: page(0, false) }]);
    const { outcome, lines } = run();

    expect(await outcome).toEqual({ kind: 'revoked', secrets: 0, logins: 0, queries: 1 });
    expect(bodies).toHaveLength(1);
    expect(lines.join('\n')).toContain(`revoked 0 Fauna secret(s) of ${USER_ID}`);
  });

  it('revokes one page of logins in one query', async () => {
    const { bodies } = scriptFauna([{ body: page(3, false) }]);
    const { outcome, lines } = run();

    expect(await outcome).toEqual({ kind: 'revoked', secrets: 3, logins: 3, queries: 1 });
    expect(bodies).toEqual([{ call: { function: 'revoke_user' }, arguments: USER_ID }]);
    neverLeaks(lines);
  });

  it('calls again while revoke_user says more remain (a user above the cap), until none do', async () => {
    const { bodies } = scriptFauna([{ body: page(128, true) }, { body: page(128, true) }, { body: page(5, false) }]);
    const { outcome } = run();

    expect(await outcome).toEqual({ kind: 'revoked', secrets: 261, logins: 261, queries: 3 });
    expect(bodies).toHaveLength(3);
    expect(JSON.stringify(bodies[1])).toBe(JSON.stringify(bodies[0]));
    expect(JSON.stringify(bodies[2])).toBe(JSON.stringify(bodies[0]));
  });

  it('counts the tokens revoke_user ended, which may differ from the logins', async () => {
    scriptFauna([{ body: resourceBody({ user: true, logins: 1, tokens: 16, more: false }) }]);
    const { outcome } = run();

    expect(await outcome).toEqual({ kind: 'revoked', secrets: 16, logins: 1, queries: 1 });
  });

  it('is a no-op, not an error, when the user has no user document', async () => {
    const { bodies } = scriptFauna([{ body: NO_USER }]);
    const { outcome, lines } = run();

    expect(await outcome).toEqual({ kind: 'no-user', queries: 1 });
    expect(bodies).toHaveLength(1);
    expect(lines.every((line) => line.startsWith('info'))).toBe(true);
  });

  it('stops when FAUNA_TIMEOUT_MS is spent, keeping what it revoked, and says what to do', async () => {
    scriptFauna([{ body: page(128, true) }]);
    // A clock that jumps past the budget once the first page is back.
    let clock = 0;
    const now = () => clock;
    const { outcome, lines } = run(SECRETS, {
      now,
      fetch: (async (...args: Parameters<typeof fetch>) => {
        const response = await fetch(...args);
        clock += 5_000;
        return response;
      }) as typeof fetch,
    });

    expect(await outcome).toEqual({ kind: 'incomplete', code: 'ERR_REVOCATION_INCOMPLETE', secrets: 128, logins: 128, queries: 1 });
    expect(lines.join('\n')).toContain(`npm run revoke:user -- ${USER_ID}`);
  });

  it('reports a refused key with its code and what to do, never the key', async () => {
    scriptFauna([{ status: 403, body: errorBody('permission denied', 'Insufficient privileges to perform the action.') }]);
    const { outcome, lines } = run();

    expect(await outcome).toMatchObject({ kind: 'failed', code: 'ERR_FAUNA_PERMISSION_DENIED' });
    expect(lines.join('\n')).toContain('ERR_FAUNA_PERMISSION_DENIED');
    expect(lines.join('\n')).toContain('npm run setup:fauna');
    neverLeaks(lines);
  });

  it('retries a transient failure within the budget', async () => {
    const { bodies } = scriptFauna([{ status: 503, body: errorBody('unavailable', 'busy') }, { body: page(1, false) }]);
    const { outcome } = run();

    expect(await outcome).toEqual({ kind: 'revoked', secrets: 1, logins: 1, queries: 1 });
    expect(bodies).toHaveLength(2);
  });

  it.each([
    ['FAUNA_SECRET missing', { FAUNA_ENDPOINT: TEST_ENDPOINT }, 'FAUNA_SECRET is missing'],
    ['FAUNA_ENDPOINT invalid', { FAUNA_SECRET: TEST_FAUNA_KEY, FAUNA_ENDPOINT: 'fauna.test' }, 'FAUNA_ENDPOINT must be an absolute URL'],
    ['FAUNA_TIMEOUT_MS invalid', { ...SECRETS, FAUNA_TIMEOUT_MS: '60000' }, 'FAUNA_TIMEOUT_MS must be a whole number'],
  ])('names a bad setting (%s) and sends nothing', async (_case, secrets, expected) => {
    const { bodies } = scriptFauna([]);
    const { outcome, lines } = run(secrets);

    expect(await outcome).toMatchObject({ kind: 'failed', code: 'ERR_SETTINGS_INVALID' });
    expect(bodies).toHaveLength(0);
    expect(lines.join('\n')).toContain(expected);
    neverLeaks(lines);
  });

  it('treats an answer of the wrong shape as a failure, not a success', async () => {
    scriptFauna([{ body: resourceBody({ secrets: 3 }) }]);
    const { outcome } = run();

    expect(await outcome).toMatchObject({ kind: 'failed', code: 'ERR_FAUNA_UNEXPECTED_RESULT' });
  });
});

describe('revocation details a mutation run showed no test looked at', () => {
  it('refuses every answer that is not a count of what revoke_user ended', () => {
    const ok = { user: true, logins: 1, tokens: 1, more: false };
    expect(isRevokeResult(ok)).toBe(true);
    for (const bad of [null, 'page', { ...ok, user: 'yes' }, { ...ok, more: 'no' }, { ...ok, logins: 1.5 }, { ...ok, tokens: null }, { ...ok, logins: [] }]) {
      expect(isRevokeResult(bad)).toBe(false);
    }
  });

  it('says how many queries it took, in the singular and the plural', async () => {
    scriptFauna([{ body: page(1, false) }]);
    const one = run();
    await one.outcome;
    expect(one.lines).toContainEqual(expect.stringMatching(/revoked 1 Fauna secret\(s\) of .* \(1 login\(s\), 1 query\)$/));
    scriptFauna([{ body: page(2, true) }, { body: page(1, false) }]);
    const two = run();
    await two.outcome;
    expect(two.lines).toContainEqual(expect.stringMatching(/revoked 3 Fauna secret\(s\) of .* \(3 login\(s\), 2 queries\)$/));
  });

  it('says when there is no user, and names a retried failure without a status', async () => {
    scriptFauna([{ body: NO_USER }]);
    const none = run();
    await none.outcome;
    expect(none.lines).toContainEqual(expect.stringContaining(`no Fauna user for ${USER_ID}: no secrets to revoke`));
    nock(TEST_ENDPOINT).post('/').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    scriptFauna([{ body: page(1, false) }]);
    const retried = run(SECRETS, { sleep: async () => undefined });
    await retried.outcome;
    expect(retried.lines).toContainEqual(expect.stringContaining('Fauna attempt 1 failed (network error, HTTP -); retrying'));
  });

  it('explains an unexpected answer', async () => {
    scriptFauna([{ body: resourceBody({ user: true }) }]);
    const { outcome, lines } = run();
    expect(await outcome).toMatchObject({ kind: 'failed', code: 'ERR_FAUNA_UNEXPECTED_RESULT' });
    expect(lines.join('\n')).toContain('Fauna answered the revocation query unexpectedly; check that FAUNA_ENDPOINT is an FQL v4 endpoint');
  });
});

describe('revocation at its edges: the budget boundary, a broken configuration, a bug of ours', () => {
  it('stops, without another query, when the budget is spent to the millisecond', async () => {
    const { bodies } = scriptFauna([{ body: page(128, true) }]);
    let clock = 0;
    const { outcome } = run(SECRETS, {
      now: () => clock,
      fetch: (async (...args: Parameters<typeof fetch>) => {
        const response = await fetch(...args);
        clock = 2_000; // exactly FAUNA_TIMEOUT_MS
        return response;
      }) as typeof fetch,
    });

    expect(await outcome).toEqual({ kind: 'incomplete', code: 'ERR_REVOCATION_INCOMPLETE', secrets: 128, logins: 128, queries: 1 });
    expect(bodies).toHaveLength(1);
  });

  it('names a broken setting and says to fix the secrets, sending nothing', async () => {
    const { bodies } = scriptFauna([]);
    const { outcome, lines } = run({ FAUNA_ENDPOINT: TEST_ENDPOINT });

    expect(await outcome).toEqual({ kind: 'failed', code: 'ERR_SETTINGS_INVALID', secrets: 0, logins: 0, queries: 0 });
    expect(bodies).toHaveLength(0);
    expect(lines.join('\n')).toContain('FAUNA_SECRET is missing');
    expect(lines.join('\n')).toContain('fix the Action secrets named above');
    expect(lines.join('\n')).not.toContain('npm run revoke:user');
  });

  it('turns a bug of ours into a logged outcome, never a throw out of the Action', async () => {
    const lines: string[] = [];
    const outcome = await revokeUserSecrets(
      USER_ID,
      () => {
        throw new TypeError('a bug');
      },
      { log: (level, line) => void lines.push(`${level} ${line}`) },
    );

    expect(outcome).toEqual({ kind: 'failed', code: 'ERR_REVOCATION_INCOMPLETE', secrets: 0, logins: 0, queries: 0 });
    expect(lines).toEqual([
      `error [revoke-fauna-secrets] ERR_REVOCATION_INCOMPLETE: unexpected TypeError after 0 secret(s); run \`npm run revoke:user -- ${USER_ID}\` to finish; secrets also expire by themselves`,
    ]);
  });

  it('names a thrown value that is not an Error as a failure, still without throwing', async () => {
    const lines: string[] = [];
    const outcome = await revokeUserSecrets(
      USER_ID,
      () => {
        throw 'not an Error';
      },
      { log: (level, line) => void lines.push(`${level} ${line}`) },
    );

    expect(outcome).toMatchObject({ kind: 'failed', code: 'ERR_REVOCATION_INCOMPLETE' });
    expect(lines).toEqual([expect.stringContaining('ERR_REVOCATION_INCOMPLETE: unexpected failure after 0 secret(s);')]);
  });

  it('masks the key wherever a line would carry it, once the key is known', async () => {
    // A user id is the admin's input; were it ever to hold the key, the line still would not.
    const userId = `auth0|${TEST_FAUNA_KEY}`;
    scriptFauna([{ body: NO_USER }]);
    const lines: string[] = [];
    await revokeUserSecrets(userId, () => parseConnectionSettings(SECRETS), {
      fetch: globalThis.fetch,
      log: (level, line) => void lines.push(`${level} ${line}`),
    });

    expect(lines).toHaveLength(1);
    expect(lines).toEqual(['info [revoke-fauna-secrets] no Fauna user for auth0|[redacted]: no secrets to revoke']);
    neverLeaks(lines);
  });
});
