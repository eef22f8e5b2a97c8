/**
 * `Login` and `Identify` (ext/model/src/main/scala/ast/functions/AuthFunctions.scala) over the
 * credentials ./credentials.ts stores:
 * - `Login(ref, {password, ttl?, data?})` needs no privilege at all: when the password matches,
 *   it creates a token for the document with server rights, so no `create` predicate on Tokens()
 *   bounds its `ttl`; otherwise 400 `authentication failed` (no credentials, no password, a wrong
 *   one: ext/api/src/test/scala/queries/AuthFunctionsSpec.scala "login").
 * - `Identify(ref, password)`: true when it matches, false otherwise (IdentifyFunction).
 * Both through a set (`Match(...)`) are not modelled: 400 naming it.
 */
import { EvalError, validationFailed, type Position } from './errors';
import { credentialsOf, passwordMatches } from './credentials';
import { create } from './documents';
import { arg, asName, asObject, asRef, checkWriteEffect, type Args, type EvalContext, type Form } from './evaluator';
import { Ref, SetRef, nativeRef, type Env, type ObjectValue } from './values';

function documentRef(ctx: EvalContext, args: Args, name: 'login' | 'identify', env: Env, pos: Position): Ref {
  const target = arg(ctx, args, name, env, pos);
  if (target instanceof SetRef) {
    throw new EvalError(400, 'invalid expression', `The in-process Fauna supports ${name === 'login' ? 'Login' : 'Identify'} of a document ref, not of a set.`, [...pos, name]);
  }
  return asRef(target, [...pos, name]);
}

export const AUTH_FORMS: Readonly<Record<string, Form>> = {
  login: {
    optional: ['params'],
    fn: (ctx, args, env, pos) => {
      const instance = documentRef(ctx, args, 'login', env, pos);
      const params = asObject(arg(ctx, args, 'params', env, pos), [...pos, 'params']);
      checkWriteEffect(ctx, pos);
      const password = params.password;
      if (password !== undefined && password !== null && typeof password !== 'string') throw validationFailed('document', pos);
      const stored = credentialsOf(ctx, instance);
      if (stored === undefined || typeof password !== 'string' || !passwordMatches(password, stored.fields.hashed_password)) {
        throw new EvalError(400, 'authentication failed', 'The document was not found or provided password was incorrect.', pos);
      }
      // The token keeps what a token's validators keep of the params (data, ttl) and names the
      // document; created with server rights, so the caller's roles play no part.
      const token: ObjectValue = { instance };
      if (params.ttl !== undefined && params.ttl !== null) token.ttl = params.ttl;
      if (params.data !== undefined && params.data !== null) token.data = params.data;
      const server: EvalContext = { ...ctx, caller: { ...ctx.caller, rights: { kind: 'server' } } };
      return create(server, nativeRef('tokens'), token, pos);
    },
  },
  identify: {
    optional: ['password'],
    fn: (ctx, args, env, pos) => {
      const instance = documentRef(ctx, args, 'identify', env, pos);
      const password = asName(arg(ctx, args, 'password', env, pos), [...pos, 'password']);
      return passwordMatches(password, credentialsOf(ctx, instance)?.fields.hashed_password);
    },
  },
};
