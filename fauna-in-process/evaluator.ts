/**
 * The evaluator's core: walks the JSON the faunadb driver sends and applies the forms
 * (./forms.ts, passed in the context), binds lambdas, and checks actions against the caller's
 * rights (./authorization.ts), running role predicates as the core does (doc/LambdaWrapper.scala).
 */
import { EvalError, invalidExpression, notSupported, permissionDenied, type Position } from './errors';
import { isAllowed, membershipRoles, type Action, type Caller, type RoleSet } from './authorization';
import type { Transaction } from './storage';
import { FQL_V4_FORMS } from './fql-v4-forms';
import { parseDate, parseInstant } from './time';
import { Closure, Doc, Env, QueryValue, Ref, SetRef, invalidArgument, isObjectValue, type ObjectValue, type Value } from './values';
import { isPlainRecord, parseRefLiteral } from './wire';

export interface EvalContext {
  readonly tx: Transaction;
  /** The FQL functions by their wire name (./forms.ts). */
  readonly forms: Readonly<Record<string, Form>>;
  readonly caller: Caller;
  readonly fake: FakeFaunaInternals;
  /** Inside a role or membership predicate: reads only, even in a function with a role (LambdaWrapper `PredEffectLimit`). */
  readonly readOnly?: boolean;
  /** Inside a function body: where the request's outermost `Call` is, for an error found only at commit. */
  readonly callPos?: Position;
}

/** What the evaluator needs from the server it runs in. */
export interface FakeFaunaInternals {
  newId(): string;
  mintTokenSecret(tokenId: string): string;
  mintKeySecret(keyId: string): string;
  /** How long a build of an index over more than INDEX_BUILD_SYNC_SIZE documents takes, in microseconds. */
  indexBuildMicros(): number;
  /** Records a background build of the named index, ending at `endMicros`. */
  startIndexBuild(name: string, endMicros: number): void;
}

export type Args = Record<string, unknown>;
export interface Form {
  readonly optional?: readonly string[];
  readonly fn: (ctx: EvalContext, args: Args, env: Env, pos: Position) => Value;
}

// Authorization ----------------------------------------------------------------------------

/**
 * Runs a role or membership predicate the way LambdaWrapper.evalPredicate does: with internal
 * read-only rights (never the caller's role, so no re-check), the caller's identity kept, and
 * any error counting as false. Only the value `true` allows.
 */
function predicateRunner(ctx: EvalContext): (predicate: Value, argument: (arity: number) => Value) => boolean {
  return (predicate, argument) => {
    const closure = predicate instanceof QueryValue ? predicate.closure : predicate;
    if (!(closure instanceof Closure)) return false;
    const arity = typeof closure.params === 'string' ? 1 : closure.params.length;
    const internal: EvalContext = { ...ctx, readOnly: true, caller: { ...ctx.caller, rights: { kind: 'internal-read' } } };
    try {
      return apply(internal, closure, argument(arity), []) === true;
    } catch (err) {
      if (err instanceof EvalError) return false;
      throw err;
    }
  };
}

export function allowed(ctx: EvalContext, action: Action): boolean {
  return isAllowed(ctx.tx, ctx.caller, action, predicateRunner(ctx));
}

/** Writes are refused inside predicates before any permission check (ast/Error.scala InvalidEffect). */
export function checkWriteEffect(ctx: EvalContext, pos: Position): void {
  if (ctx.readOnly === true) throw invalidExpression('Write effect is not allowed in auth predicates.', pos);
}

export function check(ctx: EvalContext, action: Action, pos: Position): void {
  if (!allowed(ctx, action)) throw permissionDenied(pos);
}

/** The roles a token's instance holds in this transaction (membership evaluated now). */
export function rolesOfInstance(ctx: EvalContext, instance: Ref): RoleSet {
  return membershipRoles(ctx.tx, instance, predicateRunner(ctx));
}

export function evaluate(ctx: EvalContext, expr: unknown, env: Env, pos: Position): Value {
  if (typeof expr === 'number' && Number.isInteger(expr) && !Number.isSafeInteger(expr)) {
    // JSON.parse already rounded it: the core reads it as an exact Long (or a Double past 2^63).
    throw notSupported('integers beyond 2^53 (a JSON number that large is not read exactly here)', pos);
  }
  if (expr === null || typeof expr === 'boolean' || typeof expr === 'number' || typeof expr === 'string') return expr;
  if (Array.isArray(expr)) return expr.map((item, i) => evaluate(ctx, item, env, [...pos, i]));
  if (typeof expr !== 'object') throw new EvalError(400, 'invalid expression', 'Invalid expression.', pos);
  const obj = expr as Args;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [tag] = keys;
    switch (tag) {
      case '@ref':
        return parseRefLiteral(obj['@ref'], pos);
      // The escapes parse without trimming; a bad one is a parse error (Parser.scala EscapesParser).
      case '@ts': {
        const time = typeof obj['@ts'] === 'string' ? parseInstant(obj['@ts']) : undefined;
        if (time === undefined) throw new EvalError(400, 'invalid expression', 'Invalid time.', pos);
        return time;
      }
      case '@date': {
        const date = typeof obj['@date'] === 'string' ? parseDate(obj['@date']) : undefined;
        if (date === undefined) throw new EvalError(400, 'invalid expression', 'Invalid date.', pos);
        return date;
      }
      case '@set': {
        const set = evaluate(ctx, obj['@set'], env, [...pos, '@set']);
        if (!(set instanceof SetRef)) throw new EvalError(400, 'invalid expression', 'Invalid set.', pos);
        return set;
      }
      case '@query': {
        const lambda = obj['@query'];
        if (!isPlainRecord(lambda)) throw new EvalError(400, 'invalid expression', 'Invalid lambda.', pos);
        // A stored lambda keeps its API version; one sent without is LambdaDefaultVersion (2.12).
        const version = typeof lambda.api_version === 'string' ? lambda.api_version : '2.12';
        const { api_version: _version, ...rest } = lambda;
        return new QueryValue(closureOf(rest, new Env(), pos), version);
      }
      case '@obj':
      case 'object': {
        const fields = obj[tag];
        if (!isPlainRecord(fields)) throw new EvalError(400, 'invalid expression', 'Invalid object.', pos);
        const out: ObjectValue = {};
        for (const [k, v] of Object.entries(fields)) out[k] = evaluate(ctx, v, env, [...pos, tag, k]);
        return out;
      }
    }
  }
  const form = findForm(ctx.forms, keys);
  if (form === undefined) {
    const unknown = `No form/function found, or invalid argument keys: { ${keys.join(', ')} }.`;
    // An FQL v4 function the in-process Fauna lacks, or an argument of one it does not take: say so.
    const named = keys.find((k) => FQL_V4_FORMS.has(k));
    if (named !== undefined) {
      throw new EvalError(
        400,
        'invalid expression',
        `${unknown} The in-process Fauna does not support this form of FQL v4 \`${named}\` (a subset of FQL v4; see fauna-in-process/index.ts).`,
        pos,
      );
    }
    throw new EvalError(400, 'invalid expression', unknown, pos);
  }
  return form.fn(ctx, obj, env, pos);
}

/** The form whose name is one of the keys and which takes all the others as arguments. */
function findForm(forms: EvalContext['forms'], keys: readonly string[]): Form | undefined {
  for (const key of keys) {
    const form = forms[key];
    if (form !== undefined && keys.every((k) => k === key || (form.optional ?? []).includes(k))) return form;
  }
  return undefined;
}

export function closureOf(lambda: Args, env: Env, pos: Position): Closure {
  const params = lambda.lambda;
  const valid =
    typeof params === 'string' || (Array.isArray(params) && params.every((p): p is string => typeof p === 'string'));
  if (!valid || !('expr' in lambda)) throw new EvalError(400, 'invalid expression', 'Invalid lambda.', pos);
  return new Closure(params as string | string[], lambda.expr, env, { lambda: params, expr: lambda.expr });
}

export function apply(ctx: EvalContext, fn: Value, arg: Value, pos: Position): Value {
  const closure = fn instanceof QueryValue ? fn.closure : fn;
  if (!(closure instanceof Closure)) throw invalidArgument('Lambda', fn, pos);
  const env = new Env(closure.env);
  if (typeof closure.params === 'string') {
    if (closure.params !== '_') env.bind(closure.params, arg);
  } else {
    const params = closure.params;
    const args = Array.isArray(arg) ? arg : params.length === 1 ? [arg] : undefined;
    if (args === undefined || args.length !== params.length) {
      throw new EvalError(
        400,
        'invalid argument',
        `Lambda expects an array with ${params.length} elements. Array contains ${Array.isArray(arg) ? arg.length : 1}.`,
        pos,
      );
    }
    params.forEach((name, i) => {
      if (name !== '_') env.bind(name, args[i]);
    });
  }
  return evaluate(ctx, closure.body, env, [...pos, 'expr']);
}

// Argument helpers ----------------------------------------------------------------------------

export function arg(ctx: EvalContext, args: Args, key: string, env: Env, pos: Position): Value {
  return evaluate(ctx, args[key], env, [...pos, key]);
}

/**
 * An optional argument as the core's `Option(...)` casts take it: absent is undefined, anything
 * present (null included) is evaluated and then cast, so a null is an error where null is no valid value.
 */
export function presentArg(ctx: EvalContext, args: Args, key: string, env: Env, pos: Position): Value | undefined {
  return key in args ? arg(ctx, args, key, env, pos) : undefined;
}

/** Varargs the driver sends as a single value when there is one, an array otherwise. */
export function list(v: Value): Value[] {
  return Array.isArray(v) ? v : [v];
}

export function asRef(v: Value, pos: Position): Ref {
  if (v instanceof Ref) return v;
  if (v instanceof Doc) return v.ref;
  throw invalidArgument('Ref', v, pos);
}

export function asObject(v: Value | undefined, pos: Position): ObjectValue {
  if (v === undefined || v === null) return {};
  if (isObjectValue(v)) return v;
  throw invalidArgument('Object', v, pos);
}

export function asBoolean(v: Value, pos: Position): boolean {
  if (typeof v !== 'boolean') throw invalidArgument('Boolean', v, pos);
  return v;
}

export function asNumber(v: Value, pos: Position): number {
  if (typeof v !== 'number') throw invalidArgument('Number', v, pos);
  return v;
}

export function asName(v: Value, pos: Position): string {
  if (typeof v !== 'string') throw invalidArgument('String', v, pos);
  return v;
}

