import { EvalError } from '../../fauna-in-process/errors';
import { Doc, FaunaTime, Ref, collectionRef, nativeRef } from '../../fauna-in-process/values';
import {
  encodeSecret,
  errorResponse,
  parseAuthorization,
  parseRefLiteral,
  render,
  resultResponse,
  unauthorizedResponse,
  v4DisabledResponse,
} from '../../fauna-in-process/wire';

describe('wire format', () => {
  it('parses nested and legacy path refs, and refuses an unknown native collection with invalid ref', () => {
    const nested = parseRefLiteral({ id: '1', collection: { '@ref': { id: 'users', collection: { '@ref': { id: 'collections' } } } } }, []);
    expect(nested).toEqual(new Ref('1', collectionRef('users')));
    expect(parseRefLiteral('classes/users/1', [])).toEqual(nested);
    expect(parseRefLiteral('tokens', [])).toEqual(nativeRef('tokens'));
    expect(() => parseRefLiteral({ id: 'nope' }, ['x'])).toThrow(expect.objectContaining({ code: 'invalid ref', position: ['x'] }));
  });

  it('renders a document with ref and ts first, ttl before the other fields, data last', () => {
    const doc = new Doc(new Ref('1', collectionRef('users')), 5, { data: { a: 1 }, ttl: FaunaTime.ofMicros(0), extra: true });
    expect(Object.keys(render(doc) as object)).toEqual(['ref', 'ts', 'ttl', 'extra', 'data']);
    expect(render({ '@weird': 1 })).toEqual({ '@obj': { '@weird': 1 } });
  });

  it('answers 201 only for a created document, and errors with position, code, description and cause', () => {
    const ref = new Ref('1', collectionRef('users'));
    expect(resultResponse(new Doc(ref, 1, {}, true), 1).status).toBe(201);
    expect(resultResponse(new Doc(ref, 1, {}), 1).status).toBe(200);
    const inner = new EvalError(403, 'permission denied', 'Insufficient privileges to perform the action.', ['expr']);
    const response = errorResponse(new EvalError(400, 'call error', 'Calling the function resulted in an error.', ['call'], [inner]), 7);
    expect(response.status).toBe(400);
    expect(response.headers['x-txn-time']).toBe('7');
    expect(JSON.parse(response.body)).toEqual({
      errors: [{ position: ['call'], code: 'call error', description: 'Calling the function resulted in an error.', cause: [{ position: ['expr'], code: 'permission denied', description: 'Insufficient privileges to perform the action.' }] }],
    });
  });

  it('answers 401 with a WWW-Authenticate header and 410 for FQL v4 switched off, both without a position', () => {
    const unauthorized = unauthorizedResponse(1);
    expect(unauthorized).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Basic realm="Unauthorized"' } });
    expect(JSON.parse(unauthorized.body)).toEqual({ errors: [{ code: 'unauthorized', description: 'Unauthorized' }] });
    expect(v4DisabledResponse(1).status).toBe(410);
    expect(JSON.parse(v4DisabledResponse(1).body).errors[0].code).toBe('permission denied');
  });

  it('reads bearer and basic secrets, and mints secrets in the core layout', () => {
    expect(parseAuthorization('Bearer fnABC')).toBe('fnABC');
    expect(parseAuthorization(`Basic ${Buffer.from('fnABC:').toString('base64')}`)).toBe('fnABC');
    expect(parseAuthorization('Token x')).toBeUndefined();
    expect(encodeSecret(113, [1n, 1n])).toMatch(/^fnE/);
    expect(encodeSecret(112, [1n])).toMatch(/^fnA/);
    expect(encodeSecret(112, [1n])).not.toBe(encodeSecret(112, [1n]));
  });
});
