import fs from 'node:fs';
import nock from 'nock';
import { TEST_ENDPOINT, TEST_FAUNA_KEY, faunaHeaders, parseRequestBody, resourceBody } from '../support/fauna-wire';
import { bundlePath, loadBundle } from '../support/load-bundle';
import { capturePrintedLines } from '../support/printed-lines';

// `npm test` builds before jest runs; this is the file tenant.yaml deploys.
const AUTH0_CODE_LIMIT_BYTES = 100_000;
const ACTION = 'revoke-fauna-secrets';

type PostChangePassword = (event: unknown, api: unknown) => Promise<void>;

function freshAction(): PostChangePassword {
  return loadBundle(ACTION).exports.onExecutePostChangePassword as PostChangePassword;
}

const event = (secrets: Record<string, string>) => ({
  user: { user_id: 'auth0|5f7c8ec7c33c6c004bbafe82', email: 'grace@example.com' },
  connection: { id: 'con_1', name: 'Username-Password-Authentication' },
  secrets,
});

const printed = capturePrintedLines(() => [TEST_FAUNA_KEY]).lines;

describe(`dist/actions/${ACTION}.js as Auth0 loads it`, () => {
  it(`fits Auth0's ${AUTH0_CODE_LIMIT_BYTES}-byte code limit and requires only Node built-ins`, () => {
    expect(fs.statSync(bundlePath(ACTION)).size).toBeLessThanOrEqual(AUTH0_CODE_LIMIT_BYTES);
    const { exports, required } = loadBundle(ACTION);
    expect(typeof exports.onExecutePostChangePassword).toBe('function');
    expect(required.every((id) => !id.startsWith('.') && !id.includes('/'))).toBe(true);
  });

  it("revokes the user's secrets on a password change", async () => {
    const bodies: unknown[] = [];
    const scope = nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${TEST_FAUNA_KEY}` } })
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(200, resourceBody({ user: true, logins: 2, tokens: 2, more: false }), faunaHeaders());

    await freshAction()(event({ FAUNA_SECRET: TEST_FAUNA_KEY, FAUNA_ENDPOINT: TEST_ENDPOINT }), {});

    expect(scope.isDone()).toBe(true);
    expect(bodies).toEqual([{ call: { function: 'revoke_user' }, arguments: 'auth0|5f7c8ec7c33c6c004bbafe82' }]);
    expect(printed.join('\n')).toContain('[revoke-fauna-secrets] revoked 2 Fauna secret(s)');
  });

  it('does not throw on broken settings; it logs which setting and what to do', async () => {
    await expect(freshAction()(event({ FAUNA_SECRET: TEST_FAUNA_KEY }), {})).resolves.toBeUndefined();

    expect(printed.join('\n')).toContain('ERR_SETTINGS_INVALID');
    expect(printed.join('\n')).toContain('FAUNA_ENDPOINT is missing');
  });
});
