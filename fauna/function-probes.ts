import { query as q, type Expr } from 'faunadb';
import { INVALID_LOGIN_ARGUMENTS, INVALID_REVOKE_ARGUMENTS } from '../actions/lib/login-contract';
import { LOGIN_FUNCTION, REVOKE_USER_FUNCTION } from '../actions/lib/schema-names';

/**
 * Calls that prove a function the Actions call is in place and is this version's, without
 * writing anything: each passes an argument the function refuses, so the answer is 400 `call
 * error` whose cause is `transaction aborted` with the function's own prefix. Before the schema
 * cache knows a new function the answer is 400 `invalid ref` instead.
 */
export interface FunctionProbe {
  readonly name: string;
  readonly call: Expr;
  /** The start of the Abort message that proves the function answered. */
  readonly answersWith: string;
}

export const FUNCTION_PROBES: readonly FunctionProbe[] = [
  { name: LOGIN_FUNCTION, call: q.Call(q.Function(LOGIN_FUNCTION), {}), answersWith: INVALID_LOGIN_ARGUMENTS },
  { name: REVOKE_USER_FUNCTION, call: q.Call(q.Function(REVOKE_USER_FUNCTION), ''), answersWith: INVALID_REVOKE_ARGUMENTS },
];
