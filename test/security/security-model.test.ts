/**
 * The security model (docs/security-model.md), run: every check of scripts/verify/checks.ts (the list
 * `npm run verify:fauna` runs on a server) against the in-process Fauna evaluating ABAC, set up
 * by setup:fauna's own code with the keys its --create-action-key and --create-revoke-key print,
 * users signed in through the built login Action.
 */
import { LOGIN_ACTION_ROLE, REVOKE_ACTION_ROLE } from '../../actions/lib/schema-names';
import type { CheckContext } from '../../scripts/verify/check-kit';
import { runCheck } from '../../scripts/verify/check-kit';
import { SECURITY_CHECKS } from '../../scripts/verify/checks';
import type { CheckSession } from '../../scripts/verify/session';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { capturePrintedLines } from '../support/printed-lines';
import { inProcessSession } from './support/checks-in-process';
import { dataSnapshot } from './support/data-snapshot';
import { startSecuredFauna, type SecuredFauna } from './support/secured-fauna';

const TOKEN_CACHE_MS = 20_000;

let secured: SecuredFauna;
let session: CheckSession;
let ctx: CheckContext;
let before: Record<string, unknown>;

// The built Action logs to the console: no key and no minted secret may appear there.
capturePrintedLines(() => session?.credentials() ?? []);

beforeAll(async () => {
  // With the core's token cache: Logout(false) alone is not immediate there, end_login() is.
  secured = await startSecuredFauna(TEST_ENDPOINT, { tokenCacheMs: TOKEN_CACHE_MS });
  session = inProcessSession(secured);
  ctx = await session.prepare();
  before = dataSnapshot(secured.fake);
});

beforeEach(() => {
  // no-network.ts clears nock after each test; the built Action reaches the fake through it.
  secured.fake.intercept(TEST_ENDPOINT);
});

describe('the security model against the schema setup:fauna applies', () => {
  it('uses the two custom-role keys setup printed, never a server or admin key', () => {
    const created = secured.setupLines.filter((line) => line.startsWith('Created key'));
    expect(created).toEqual([
      expect.stringContaining(`with role ${LOGIN_ACTION_ROLE},`),
      expect.stringContaining(`with role ${REVOKE_ACTION_ROLE},`),
    ]);
    expect(ctx.keys.login).toBe(secured.loginKey);
    expect(ctx.keys.revoke).toBe(secured.revokeKey);
    expect(secured.loginKey).not.toBe(secured.revokeKey);
  });

  it.each(SECURITY_CHECKS.map((check) => [check.id, check] as const))('%s', async (_id, check) => {
    const result = await runCheck(check, ctx);
    // The whole result, with the reason in the diff when the check fails.
    expect({ ...result, reason: result.pass ? 'passed' : result.reason }).toEqual({ id: check.id, proves: check.proves, pass: true, reason: 'passed' });
  });

  it('removes everything the checks created, leaving the data as it was', async () => {
    const removed = await session.cleanup();

    expect(removed).toMatchObject({ users: 10, auth0_jwt: expect.any(Number), tokens: expect.any(Number) });
    expect(dataSnapshot(secured.fake)).toEqual(before);
  });
});
