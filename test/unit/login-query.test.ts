import { buildLoginQuery, isLoginQueryResult, loginArguments } from '../../actions/fauna-login/login-query';
import { LOGIN_ARGUMENT_LIMITS, LOGIN_ARGUMENT_NAMES } from '../../actions/lib/login-contract';
import { findCalls } from '../support/fauna-wire';

type Json = Record<string, unknown>;

/** The query as the driver puts it on the wire. */
function wire(facts: Parameters<typeof buildLoginQuery>[0]): Json {
  return JSON.parse(JSON.stringify(buildLoginQuery(facts))) as Json;
}

const facts = {
  auth0UserId: 'auth0|5f7c8ec7c33c6c004bbafe82',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  emailVerified: true,
  clientId: 'client-abc',
  sessionId: 'sess-1',
  ttlSeconds: 3600,
};

describe('buildLoginQuery: the login is one call of the function login', () => {
  it('calls login with one object of snake_case arguments, nothing else on the wire', () => {
    expect(wire(facts)).toEqual({
      call: { function: 'login' },
      arguments: {
        object: {
          auth0_id: facts.auth0UserId,
          email: facts.email,
          name: facts.name,
          email_verified: true,
          client_id: 'client-abc',
          session_id: 'sess-1',
          ttl_seconds: 3600,
        },
      },
    });
  });

  it('sends what Auth0 does not have as null, every argument named by the contract', () => {
    const { args, dropped } = loginArguments({ auth0UserId: 'github|42', clientId: 'c', ttlSeconds: 60 });
    expect(args).toEqual({ auth0_id: 'github|42', email: null, name: null, email_verified: null, client_id: 'c', session_id: null, ttl_seconds: 60 });
    expect(Object.keys(args)).toEqual([...LOGIN_ARGUMENT_NAMES]);
    expect(dropped).toEqual([]);
  });

  it('leaves out an e-mail, name or session id longer than login accepts, and says which', () => {
    const long = (field: keyof typeof LOGIN_ARGUMENT_LIMITS) => 'x'.repeat(LOGIN_ARGUMENT_LIMITS[field] + 1);
    const { args, dropped } = loginArguments({ ...facts, email: long('email'), name: long('name'), sessionId: long('session_id') });
    expect(dropped).toEqual(['email', 'name', 'session_id']);
    expect(args).toMatchObject({ email: null, name: null, session_id: null, auth0_id: facts.auth0UserId });
    // At the limit it is kept.
    const atLimit = 'y'.repeat(LOGIN_ARGUMENT_LIMITS.name);
    expect(loginArguments({ ...facts, name: atLimit }).args.name).toBe(atLimit);
  });

  it('passes user input as data, never as query structure', () => {
    const sneaky = wire({ ...facts, auth0UserId: '{"@ref":"x"}', name: '{"delete":{"collection":"users"}}' });
    expect(findCalls(sneaky, 'delete')).toEqual([]);
    expect(((sneaky.arguments as Json).object as Json).auth0_id).toBe('{"@ref":"x"}');
  });
});

describe('isLoginQueryResult', () => {
  it('accepts only a secret, a whole-second expiry, a known user outcome and a whole eviction count', () => {
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'created' })).toBe(true);
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'created', evicted: 0 })).toBe(true);
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'created', evicted: 1.5 })).toBe(false);
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'created', evicted: '1' })).toBe(false);
    expect(isLoginQueryResult({ secret: '', exp: 1, user: 'created' })).toBe(false);
    expect(isLoginQueryResult({ secret: 's', exp: 1.5, user: 'created' })).toBe(false);
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'deleted' })).toBe(false);
    expect(isLoginQueryResult(null)).toBe(false);
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'updated' })).toBe(true);
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'unchanged' })).toBe(true);
    expect(isLoginQueryResult({ secret: 42, exp: 1, user: 'created' })).toBe(false);
    expect(isLoginQueryResult({ secret: 's', exp: '1', user: 'created' })).toBe(false);
    expect(isLoginQueryResult({ exp: 1, user: 'created' })).toBe(false);
    expect(isLoginQueryResult('s')).toBe(false);
  });
});
