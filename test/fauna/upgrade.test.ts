import { query as q, errors as faunaErrors } from 'faunadb';
import { buildDirectLoginQuery, isDirectLoginResult } from '../../scripts/bench/direct-login-query';
import { SECRET_CLAIM } from '../../actions/fauna-login/claims';
import { createFaunaClient } from '../../actions/lib/fauna-client';
import { AUTH0_JWT_COLLECTION, LOGIN_ACTION_ROLE, REVOKE_ACTION_ROLE, USERS_COLLECTION } from '../../actions/lib/schema-names';
import type { PostLoginApi, PostLoginEvent } from '../../actions/types/auth0-actions';
import { LOGIN_ACTION, REVOKE_ACTION } from '../../fauna/roles';
import { KEY_ROLE_UPGRADES } from '../../fauna/upgrade';
import { fingerprint } from '../../fauna/plan';
import { TEST_ENDPOINT } from '../support/fauna-wire';
import { loadBundle, recordingPostLoginApi } from '../support/load-bundle';
import { applyPreviousVersion } from '../support/previous-version';
import { capturePrintedLines } from '../support/printed-lines';
import { inProcessSetup, type InProcessSetup } from '../support/setup-in-process';

/**
 * Upgrading a live deployment with no failed login: the previous version's schema and keys, its
 * Action's query signing users in throughout; `setup:fauna` (expand); this version's Action (the
 * built bundle) deployed with the same key; `setup:fauna --finalize` (contract). Every login
 * succeeds at every step; after the contract the previous Action's query is refused.
 */

type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;
const NAMESPACE = 'https://app.example.com/';

let fauna: InProcessSetup;
let loginKey: string;
let keys: string[] = [];
capturePrintedLines(() => keys);

/** The previous version's Action: its own query, sent with the login key. */
async function previousLogin(auth0UserId: string): Promise<string> {
  const client = createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: loginKey }, fauna.fake.fetch);
  const result = await client.query(buildDirectLoginQuery({ auth0UserId, email: `${auth0UserId.slice(6)}@example.com`, clientId: 'web', ttlSeconds: 3600 }));
  if (!isDirectLoginResult(result)) throw new Error('the previous query answered without a secret');
  return result.secret;
}

/** This version's Action, as Auth0 runs the built bundle, with the same login key. */
async function currentLogin(auth0UserId: string): Promise<string> {
  fauna.fake.intercept(TEST_ENDPOINT);
  const onExecutePostLogin = loadBundle('fauna-login').exports.onExecutePostLogin as OnExecutePostLogin;
  const recorder = recordingPostLoginApi();
  await onExecutePostLogin(
    {
      user: { user_id: auth0UserId, email: `${auth0UserId.slice(6)}@example.com`, email_verified: true },
      client: { client_id: 'web' },
      // A login the Action serves: the code flow asking for openid, through an allowed client.
      transaction: { protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile', 'email'] },
      session: { id: 'sess-upgrade' },
      secrets: { FAUNA_SECRET: loginKey, FAUNA_ENDPOINT: TEST_ENDPOINT, CLAIM_NAMESPACE: NAMESPACE, FAUNA_SECRET_TTL: '3600', ALLOWED_CLIENT_IDS: 'web' },
    },
    recorder.api as unknown as PostLoginApi,
  );
  const secret = recorder.idTokenClaims[`${NAMESPACE}${SECRET_CLAIM}`];
  if (typeof secret !== 'string') throw new Error(`this version's Action minted no secret (denials: ${recorder.denials.join(', ') || 'none'})`);
  return secret;
}

async function works(secret: string): Promise<boolean> {
  try {
    await createFaunaClient({ faunaEndpoint: TEST_ENDPOINT, faunaSecret: secret }, fauna.fake.fetch).query(q.Get(q.CurrentIdentity()));
    return true;
  } catch (err) {
    if (err instanceof faunaErrors.Unauthorized) return false;
    throw err;
  }
}

const roleFingerprint = (name: string) => fauna.admin.query(q.Select(['data', 'fingerprint'], q.Get(q.Role(name))));

beforeEach(async () => {
  // Over 128 logins: the new indexes are built in the background, and setup must wait for them.
  fauna = inProcessSetup({ indexBuildMs: 3000 });
  const previous = await applyPreviousVersion(fauna.admin);
  loginKey = previous.loginKey;
  keys = [previous.loginKey, previous.revokeKey];
  await fauna.byHand(q.Foreach(Array.from({ length: 130 }, (_, i) => i), q.Lambda('i', q.Create(q.Collection(AUTH0_JWT_COLLECTION), { data: { exp: q.TimeAdd(q.Now(), 3600, 'seconds') }, ttl: q.TimeAdd(q.Now(), 3600, 'seconds') }))));
});

describe('upgrading a live deployment: expand, deploy, contract', () => {
  it('never fails a login: the previous Action works until its deploy is replaced, this version works from the expand on', async () => {
    const secrets = [await previousLogin('auth0|before')];

    const expand = await fauna.run();
    expect(expand.code).toBe(0);
    // It waited for the new indexes built in the background, and for the functions to answer.
    expect(expand.out).toContainEqual(expect.stringMatching(/^Waiting for index build\(s\) to finish: auth0_jwt_by_user_exp, auth0_jwt_by_user_session/));
    expect(expand.out).toContainEqual(expect.stringMatching(/^Every index is active/));
    expect(expand.out.at(-1)).toMatch(/^Upgrade \(expand\): auth0_fauna_login_action, auth0_fauna_revoke_action keep the previous version's direct privileges/);
    for (const upgrade of KEY_ROLE_UPGRADES) expect(await roleFingerprint(upgrade.final.name)).toBe(fingerprint(upgrade.expanded));

    // Between the expand and the deploy: the previous Action still signs users in.
    secrets.push(await previousLogin('auth0|during'));
    // Deployed: this version's Action, with the very same key.
    secrets.push(await currentLogin('auth0|during'), await currentLogin('auth0|after'));
    // Running setup again before the contract changes nothing and keeps saying what is left.
    const again = await fauna.run();
    expect(again.out).toContain('Fauna schema is up to date: nothing to write.');
    expect(again.out.at(-1)).toMatch(/^Upgrade \(expand\)/);

    const contract = await fauna.run(['--finalize']);
    expect(contract.code).toBe(0);
    expect(contract.out.filter((line) => /^\s+update\s+role\s/.test(line))).toEqual([
      expect.stringContaining(LOGIN_ACTION_ROLE),
      expect.stringContaining(REVOKE_ACTION_ROLE),
    ]);
    expect(contract.out.join('\n')).not.toContain('Upgrade (expand)');
    secrets.push(await currentLogin('auth0|after'));

    for (const secret of secrets) expect(await works(secret)).toBe(true);
    expect(fauna.fake.documents(USERS_COLLECTION).map((user) => user.data.auth0_id).sort()).toEqual(['auth0|after', 'auth0|before', 'auth0|during']);
    // Finalized, the previous Action's query is refused: the key may only call login now.
    await expect(previousLogin('auth0|late')).rejects.toBeInstanceOf(faunaErrors.PermissionDenied);
    // And a plain setup keeps it final.
    expect((await fauna.run()).out.filter((line) => /^\s+update\s/.test(line))).toEqual([]);
    for (const role of [LOGIN_ACTION, REVOKE_ACTION]) expect(await roleFingerprint(role.name)).toBe(fingerprint(role));
  });

  it('refuses --finalize before the expand step, writing nothing: the previous Action would fail every login', async () => {
    const writes = fauna.fake.stats.writes;

    const run = await fauna.run(['--finalize']);

    expect(run.code).toBe(1);
    expect(run.err).toEqual([expect.stringMatching(/^ERR_FINALIZE_TOO_EARLY: the function login does not exist yet, .*npm run setup:fauna -- --finalize`\. Nothing was written\.$/)]);
    expect(fauna.fake.stats.writes).toBe(writes);
    expect(await works(await previousLogin('auth0|still'))).toBe(true);
  });
});
