import nock from 'nock';
import { runRevokeUser } from '../../scripts/revoke-user';
import { TEST_ENDPOINT, faunaHeaders, findCalls, parseRequestBody, resourceBody } from '../support/fauna-wire';

const ADMIN_KEY = 'fnADMIN_KEY_for_revoke_tests_do_not_print_9';
const ENV = { FAUNA_ENDPOINT: TEST_ENDPOINT, FAUNA_ADMIN_SECRET: ADMIN_KEY };
const USER_ID = 'google-oauth2|1234';

async function revoke(argv: string[], env: Record<string, string> = ENV) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRevokeUser(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l), fetch: globalThis.fetch });
  for (const line of [...out, ...err]) expect(line).not.toContain(ADMIN_KEY);
  return { code, out, err };
}

describe('npm run revoke:user', () => {
  it('revokes every page with the admin key and prints how many secrets it revoked', async () => {
    const bodies: unknown[] = [];
    nock(TEST_ENDPOINT, { reqheaders: { authorization: `Bearer ${ADMIN_KEY}` } })
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(200, resourceBody({ user: true, logins: [{ secrets: 1, removed: true }, { secrets: 1, removed: true }], more: true }), faunaHeaders())
      .post('/', (body) => bodies.push(parseRequestBody(body)) > 0)
      .reply(200, resourceBody({ user: true, logins: [{ secrets: 1, removed: true }], more: false }), faunaHeaders());

    const { code, out } = await revoke([USER_ID]);

    expect(code).toBe(0);
    expect(bodies).toHaveLength(2);
    expect(findCalls(bodies[0], 'terms')).toContain(USER_ID);
    expect(out).toEqual([`Revoked 3 Fauna secret(s) of ${USER_ID} (3 login(s)).`]);
  });

  it('says there is nothing to revoke for an unknown user, and succeeds', async () => {
    nock(TEST_ENDPOINT).post('/').reply(200, resourceBody({ user: false, logins: [], more: false }), faunaHeaders());

    const { code, out } = await revoke([USER_ID]);

    expect(code).toBe(0);
    expect(out).toEqual([`No Fauna user for ${USER_ID}: nothing to revoke (0 secrets).`]);
  });

  it('names the missing variables and sends nothing', async () => {
    const { code, err } = await revoke([USER_ID], {});

    expect(code).toBe(1);
    expect(err.join('\n')).toContain('FAUNA_ENDPOINT is missing');
    expect(err.join('\n')).toContain('FAUNA_ADMIN_SECRET is missing');
  });

  it('fails with the code and the count so far when Fauna refuses', async () => {
    nock(TEST_ENDPOINT)
      .post('/')
      .reply(401, JSON.stringify({ errors: [{ code: 'unauthorized', description: 'Unauthorized' }] }), faunaHeaders());

    const { code, out, err } = await revoke([USER_ID]);

    expect(code).toBe(1);
    expect(err.join('\n')).toContain('ERR_FAUNA_UNAUTHORIZED');
    expect(err.join('\n')).toContain('FAUNA_ADMIN_SECRET is not a valid key');
    expect(out.join('\n')).toContain('Revoked 0 Fauna secret(s)');
  });

  it.each([[[]], [['a', 'b']], [['--all']]])('refuses %j with the usage', async (argv) => {
    const { code, err } = await revoke(argv);

    expect(code).toBe(2);
    expect(err[0]).toMatch(/^ERR_USAGE/);
  });
});
