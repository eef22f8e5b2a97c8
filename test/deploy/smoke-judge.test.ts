import { judgeRevokeRun, judgeTestRun } from '../../scripts/deploy/smoke';

/**
 * The smoke test's verdict on the Action test run. It must fail on every broken deployment it
 * can see: a claim on the wrong token, a denial (whatever the logs say), an error, and any answer
 * whose shape it does not know. It never repeats a value from the payload.
 */
const CLAIM = 'https://app.example.com/fauna_secret';
const SECRET = 'fnSMOKE-minted-secret-never-shown-1a2b';
const idTokenClaim = { name: 'SetCustomClaim', target: 'idToken', key: CLAIM, value: SECRET };
const expClaim = { name: 'SetCustomClaim', target: 'idToken', key: `${CLAIM}_exp`, value: 1767225600 };
const stats = { action_duration_ms: 212, boot_duration_ms: 35, network_duration_ms: 180 };

function judge(payload: unknown) {
  const result = judgeTestRun('fauna-login', { payload } as never, CLAIM);
  expect(JSON.stringify(result)).not.toContain(SECRET);
  return result;
}

describe('the smoke judge of the Action test run', () => {
  it('passes a run that set the secret claim on the ID token and denied nothing', () => {
    expect(judge({ commands: [idTokenClaim, expClaim], logs: `minted a Fauna secret for ${CLAIM}`, stats })).toEqual({
      check: 'fauna-login: test run on Auth0',
      ok: true,
      detail: `set ${CLAIM} on the ID token (value not shown)`,
    });
  });

  it('fails a run that set the claim on the access token only', () => {
    const result = judge({ commands: [{ ...idTokenClaim, target: 'accessToken' }, expClaim], logs: '', stats });
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(`it set ${CLAIM} on accessToken, but ${CLAIM} belongs on idToken only`);
  });

  it('fails a denied run even when its logs name the claim', () => {
    const result = judge({ commands: [{ name: 'Deny', reason: 'Sign-in is temporarily unavailable.' }], logs: `${CLAIM} not set: denied`, stats });
    expect(result).toMatchObject({ ok: false, detail: 'the Action denied the login (Deny); see its logs' });
  });

  it('fails a run that set the claim and then denied', () => {
    expect(judge({ commands: [idTokenClaim, { name: 'AccessDeny' }], logs: '', stats })).toMatchObject({ ok: false, detail: expect.stringContaining('denied the login (AccessDeny)') });
  });

  it('fails a run that reported an error, with its message', () => {
    expect(judge({ error: { id: 'a0-err', msg: 'Cannot read properties of undefined' }, logs: CLAIM })).toMatchObject({
      ok: false,
      detail: 'the Action failed: Cannot read properties of undefined',
    });
    expect(judge({ error: 'boom' }).detail).toBe('the Action failed: boom');
    expect(judge({ error: { code: 7 } }).detail).toBe('the Action failed: the test run reported an error');
  });

  it('quotes at most 200 characters of the error', () => {
    expect(judge({ error: { msg: `${'x'.repeat(200)}TRUNCATED` } }).detail).toBe(`the Action failed: ${'x'.repeat(200)}`);
  });

  it('passes a run whose error field is null', () => {
    expect(judge({ error: null, commands: [idTokenClaim] })).toMatchObject({ ok: true });
  });

  it('names every denial and every unknown command, each once', () => {
    expect(judge({ commands: [{ name: 'Deny' }, idTokenClaim, { name: 'AccessDeny' }] }).detail).toBe('the Action denied the login (Deny, AccessDeny); see its logs');
    expect(judge({ commands: [{ name: 'SetUserMetadata' }, idTokenClaim, { name: 'Redirect' }, { name: 'SetUserMetadata' }] }).detail).toBe(
      'the run issued commands this check does not know: SetUserMetadata, Redirect',
    );
  });

  it('fails a run whose claim has the right name only in another namespace or spelling', () => {
    for (const key of [`${CLAIM}_exp`, CLAIM.toUpperCase(), `${CLAIM}/`, 'fauna_secret']) {
      const result = judge({ commands: [{ ...idTokenClaim, key }], logs: '' });
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(new RegExp(`^it did not set ${CLAIM} on the ID token \\(claims set: .+ on idToken;`));
    }
  });

  it('fails a run that set the claim on other tokens, naming each', () => {
    const { target: _target, ...untargeted } = idTokenClaim;
    expect(judge({ commands: [{ ...idTokenClaim, target: 'accessToken' }, untargeted] }).detail).toBe(
      `it set ${CLAIM} on accessToken, ${CLAIM} on (no target), but ${CLAIM} belongs on idToken only`,
    );
  });

  it('lists every claim it set by name and token when none is ours, even unnamed ones', () => {
    const commands = [expClaim, { name: 'SetCustomClaim', target: 'idToken', key: 42, value: SECRET }, { name: 'SetCustomClaim', target: ['idToken'], key: 'role', value: 'admin' }];
    expect(judge({ commands }).detail).toBe(
      `it did not set ${CLAIM} on the ID token (claims set: ${CLAIM}_exp on idToken, (unnamed claim) on idToken, role on (no target); login skipped, continued without Fauna, or a wrong CLAIM_NAMESPACE: see the Action's logs)`,
    );
  });

  it('fails a run that set no claim at all, and a claim without a secret in it', () => {
    expect(judge({ commands: [], logs: '', stats }).detail).toMatch(/^it did not set .* \(claims set: none;/);
    expect(judge({ commands: [{ ...idTokenClaim, value: '' }] }).detail).toBe(`it set ${CLAIM} on the ID token without a secret in it`);
    expect(judge({ commands: [{ ...idTokenClaim, value: 42 }] }).ok).toBe(false);
  });

  it('fails closed on commands it does not know, naming them only', () => {
    const result = judge({ commands: [idTokenClaim, { name: 'SetUserMetadata', key: 'x', value: SECRET }] });
    expect(result).toMatchObject({ ok: false, detail: 'the run issued commands this check does not know: SetUserMetadata' });
  });

  it.each([
    ['no payload', undefined, 'the test endpoint answered without a payload object (received: payload)'],
    ['a payload that is a string', SECRET, 'the test endpoint answered without a payload object (received: payload)'],
    ['the logs and stats only', { logs: `set ${CLAIM}`, stats }, 'payload fields: logs, stats'],
    ['commands that are not a list', { commands: { claim: SECRET } }, 'payload fields: commands'],
    ['commands without names', { commands: [{ key: CLAIM, value: SECRET }] }, 'payload fields: commands'],
    ['an empty payload', {}, 'payload fields: (none)'],
    ['fields in any order', { stats, logs: '', result: 'ok' }, 'payload fields: logs, result, stats'],
  ])('fails closed on %s, saying which fields it received', (_name, payload, detail) => {
    const result = judge(payload);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(detail);
  });

  it('fails closed on a body that is not an object', () => {
    const result = judgeTestRun('fauna-login', null as never, CLAIM);
    expect(result).toMatchObject({ ok: false, detail: 'the test endpoint answered without a payload object (received: (object))' });
    expect(judgeTestRun('fauna-login', [{ payload: {} }] as never, CLAIM).detail).toBe('the test endpoint answered without a payload object (received: (a list))');
  });
});

describe('the smoke judge of the revoke Action\'s test run', () => {
  const judge = (payload: unknown) => judgeRevokeRun('revoke-fauna-secrets', { payload } as never);
  const check = 'revoke-fauna-secrets: test run on Auth0 (ends the smoke login)';

  it('passes a run that logged its revocation line, with the count', () => {
    expect(judge({ logs: '[revoke-fauna-secrets] revoked 2 Fauna secret(s) of auth0|auth0-fauna-smoke-test (2 login(s), 1 query)\n' })).toEqual({
      check,
      ok: true,
      detail: 'ended 2 smoke secret(s)',
    });
    expect(judge({ logs: '[revoke-fauna-secrets] no Fauna user for auth0|auth0-fauna-smoke-test: no secrets to revoke\n' })).toEqual({
      check,
      ok: true,
      detail: 'no Fauna user for the smoke user: nothing to end',
    });
  });

  it.each([
    ['an error', { error: { msg: 'boom' }, logs: '[revoke-fauna-secrets] revoked 1 Fauna secret(s)' }, 'the Action failed: boom'],
    ['an error code in its logs, even beside a revocation line', { logs: '[revoke-fauna-secrets] revoked 1 Fauna secret(s)\n[revoke-fauna-secrets] ERR_REVOCATION_INCOMPLETE: …' }, 'the Action logged ERR_REVOCATION_INCOMPLETE; see its logs'],
    ['no revocation line', { logs: 'something else', stats: {} }, "its logs hold no revocation line (payload fields: logs, stats); see the Action's logs"],
    ['no logs at all', {}, "its logs hold no revocation line (payload fields: (none)); see the Action's logs"],
    ['another Action\'s line', { logs: '[fauna-login] revoked 1 Fauna secret(s)' }, "its logs hold no revocation line (payload fields: logs); see the Action's logs"],
  ])('fails a run with %s', (_name, payload, detail) => {
    expect(judge(payload)).toEqual({ check, ok: false, detail });
  });

  it('fails closed on an answer without a payload object', () => {
    expect(judgeRevokeRun('revoke-fauna-secrets', [] as never)).toMatchObject({ ok: false, detail: 'the test endpoint answered without a payload object (received: (a list))' });
  });
});
