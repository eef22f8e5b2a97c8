import { buildLoginQuery, isLoginQueryResult } from '../../actions/fauna-login/login-query';
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
  clientId: 'client-abc',
  ttlSeconds: 3600,
};

function bindings(tree: Json): Json[] {
  return tree.let as Json[];
}

function binding(tree: Json, name: string): unknown {
  const found = bindings(tree).find((b) => name in b);
  if (!found) throw new Error(`no binding ${name}`);
  return found[name];
}

describe('buildLoginQuery', () => {
  it('runs the whole login as one Let in a fixed order', () => {
    const tree = wire(facts);
    expect(bindings(tree).map((b) => Object.keys(b)[0])).toEqual([
      'user_set',
      'existing',
      'changed',
      'user',
      'exp',
      'jwt',
      'token',
    ]);
    expect(Object.keys((tree.in as Json).object as Json).sort()).toEqual(['exp', 'secret', 'user']);
  });

  it('finds the user through the unique index on the Auth0 user id', () => {
    expect(binding(wire(facts), 'user_set')).toEqual({ match: { index: 'users_by_auth0_id' }, terms: facts.auth0UserId });
  });

  it('writes the user only when missing or changed', () => {
    const user = binding(wire(facts), 'user') as Json;
    expect(user.if).toEqual({ is_null: { var: 'existing' } });
    expect(findCalls(user.then, 'create')).toEqual([{ collection: 'users' }]);
    expect(user.then).toMatchObject({
      params: { object: { data: { object: { auth0_id: facts.auth0UserId, email: facts.email, name: facts.name } } } },
    });
    expect((user.else as Json).if).toEqual({ var: 'changed' });
    expect((user.else as Json).else).toEqual({ var: 'existing' });
    // email and name are compared; the lookup key is not.
    const compared = findCalls(binding(wire(facts), 'changed'), 'select');
    expect(compared).toEqual([['data', 'email'], ['data', 'name']]);
  });

  it('leaves out the profile fields Auth0 does not have', () => {
    const tree = wire({ auth0UserId: 'github|42', clientId: 'c', ttlSeconds: 60 });
    const user = binding(tree, 'user') as Json;
    expect(user.then).toMatchObject({ params: { object: { data: { object: { auth0_id: 'github|42' } } } } });
    expect(JSON.stringify(user.then)).not.toMatch(/email|name"/);
    expect((binding(tree, 'changed') as Json).else).toBe(false);
  });

  it('creates the auth0_jwt document and its token with one expiry', () => {
    const tree = wire(facts);
    expect(binding(tree, 'exp')).toEqual({ time_add: { now: null }, offset: 3600, unit: 'seconds' });
    expect(binding(tree, 'jwt')).toEqual({
      create: { collection: 'auth0_jwt' },
      params: {
        object: {
          data: { object: { user: { select: 'ref', from: { var: 'user' } }, exp: { var: 'exp' }, client_id: 'client-abc' } },
          ttl: { var: 'exp' },
        },
      },
    });
    expect(binding(tree, 'token')).toEqual({
      create: { tokens: null },
      params: { object: { instance: { select: 'ref', from: { var: 'jwt' } }, ttl: { var: 'exp' } } },
    });
    expect(((tree.in as Json).object as Json).exp).toEqual({ to_seconds: { var: 'exp' } });
  });

  it('passes user input as data, never as query structure', () => {
    const sneaky = wire({ ...facts, auth0UserId: '{"@ref":"x"}', name: '{"delete":{"collection":"users"}}' });
    expect(findCalls(sneaky, 'delete')).toEqual([]);
    expect(binding(sneaky, 'user_set')).toMatchObject({ terms: '{"@ref":"x"}' });
  });
});

describe('isLoginQueryResult', () => {
  it('accepts only a secret, a whole-second expiry and a known user outcome', () => {
    expect(isLoginQueryResult({ secret: 's', exp: 1, user: 'created' })).toBe(true);
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
