/** Errors the evaluator raises, with the status, code and description text the core gives (ast/Error.scala, Renderable.scala). */

/** Where in the request's expression an error happened, as the core reports it. */
export type Position = readonly (string | number)[];

export class EvalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly position: Position,
    /** For `call error`: what went wrong inside the function, rendered as the core's `cause`. */
    readonly causes: readonly EvalError[] = [],
    /** For `validation failed`: which fields and why, rendered as the core's `failures`. */
    readonly failures: readonly ValidationFailure[] = [],
  ) {
    super(`${code}: ${description}`);
  }
}

export interface ValidationFailure {
  /** The field's path, array indexes as strings (APIResponse.scala `errLiteral`). */
  readonly field: readonly string[];
  readonly code: string;
  readonly description: string;
}

/** 403; the core's PermissionDenied (Error.scala `statusCode`). */
export function permissionDenied(pos: Position): EvalError {
  return new EvalError(403, 'permission denied', 'Insufficient privileges to perform the action.', pos);
}

export function notUnique(pos: Position): EvalError {
  return new EvalError(400, 'instance not unique', 'document is not unique.', pos);
}

/** 400 `call error`: what failed inside a function body, nested as `cause` (ast/Error.scala `CallError`, doc/LambdaWrapper.scala). */
export function callError(pos: Position, cause: EvalError): EvalError {
  return new EvalError(400, 'call error', 'Calling the function resulted in an error.', pos, [cause]);
}

export function invalidExpression(description: string, pos: Position): EvalError {
  return new EvalError(400, 'invalid expression', description, pos);
}

export function validationFailed(what: string, pos: Position): EvalError {
  return new EvalError(400, 'validation failed', `${what} data is not valid.`, pos);
}

/** A name that resolves to nothing: 400 `invalid ref`, not 404 (RefParser / UnresolvedRefError). */
export function undefinedSchema(type: string, name: string, pos: Position): EvalError {
  return new EvalError(400, 'invalid ref', `Ref refers to undefined ${type} '${name}'`, pos);
}

/**
 * What the in-process Fauna does not implement: a function, an option or a form of an argument
 * the core accepts. Always a 400 naming it, never an answer that might differ from the core's.
 * `what` names it as FQL does, e.g. "Paginate's `ts` option".
 */
export function notSupported(what: string, pos: Position): EvalError {
  return new EvalError(400, 'invalid expression', `The in-process Fauna does not support ${what} (a subset of FQL v4; see fauna-in-process/index.ts).`, pos);
}
