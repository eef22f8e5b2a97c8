import { query as q, type Expr } from 'faunadb';

/**
 * FQL builders for rules about a document's shape, for role predicates: which top-level fields
 * the params of a create or the patched fields of a write may hold, and the type and length of a
 * value. Every function here returns an FQL expression that is `true` when the rule holds; in a
 * predicate, an expression that errors counts as false (fauna/faunadb
 * model/doc/LambdaWrapper.scala), so each one fails closed.
 *
 * Evaluated as the core does (paths under fauna/faunadb ext/model/src/main/scala/ast/functions/):
 * `ToArray` of an object gives its `[key, value]` pairs (ConversionFunctions.scala),
 * `ContainsValue` in an array compares its elements (BasicFunctions.scala), `All` of an empty
 * array is true and of a non-boolean element an error (ReduceFunctions.scala), `Length` counts a
 * string's Unicode code points, not its UTF-16 units (StringFunctions.scala
 * LengthStringFunction: `value.codePoints.count`).
 */

/** What a faunadb builder takes: an Expr or a plain value (the driver's own ExprArg, not exported). */
export type FqlArg = Parameters<typeof q.ToArray>[0];

/** True when every top-level key of the object `obj` is one of `allowed` (an empty object passes). */
export function hasOnlyFields(obj: FqlArg, allowed: readonly string[]): Expr {
  return q.All(q.Map(q.ToArray(obj), q.Lambda(['key', 'value'], q.ContainsValue(q.Var('key'), [...allowed]))));
}

/** True when `value` is a string of at most `maxLength` characters (code points). */
export function isStringUpTo(value: FqlArg, maxLength: number): Expr {
  return q.And(q.IsString(value), q.LTE(q.Length(value), maxLength));
}

/** A declared field of a document's `data`: its name, type and, for a string, its longest value. */
export type FieldSpec =
  | { readonly name: string; readonly type: 'string'; readonly maxLength: number }
  | { readonly name: string; readonly type: 'number' | 'boolean' | 'time' };

function hasType(value: FqlArg, field: FieldSpec): Expr {
  switch (field.type) {
    case 'string':
      return isStringUpTo(value, field.maxLength);
    case 'number':
      return q.IsNumber(value);
    case 'boolean':
      return q.IsBoolean(value);
    case 'time':
      return q.IsTimestamp(value);
  }
}

/**
 * True when `container.<name>` is absent or of the field's type (a string no longer than its
 * maximum). A stored document cannot hold null (a null removes the field), so absent and null
 * are one case.
 */
export function fieldFits(container: FqlArg, field: FieldSpec): Expr {
  return q.Let({ value: q.Select([field.name], container, null) }, q.Or(q.IsNull(q.Var('value')), hasType(q.Var('value'), field)));
}

/** The total characters (code points) of the named string fields of `container`; absent ones count 0. */
export function totalLength(container: FqlArg, names: readonly string[]): Expr {
  return q.Length(q.Concat(names.map((name) => q.Select([name], container, '')), ''));
}

/**
 * What is wrong with a field list and its total (`maxDataChars`), or [] when nothing is: names
 * must be distinct, non-empty and not `reserved` (e.g. the owner field), each `maxLength` and
 * the total a positive integer, and no field may be allowed more characters than the total
 * (it could never be filled).
 */
export function fieldSpecProblems(fields: readonly FieldSpec[], maxDataChars: number, reserved: readonly string[] = []): string[] {
  const problems: string[] = [];
  const positive = (n: number) => Number.isInteger(n) && n > 0;
  if (!positive(maxDataChars)) problems.push(`maxDataChars must be a positive integer (got ${maxDataChars})`);
  const seen = new Set<string>();
  for (const field of fields) {
    if (field.name === '') problems.push('a field has an empty name');
    if (seen.has(field.name)) problems.push(`field ${field.name} is declared twice`);
    if (reserved.includes(field.name)) problems.push(`field ${field.name} is reserved (the owner field is declared by ownerField)`);
    seen.add(field.name);
    if (field.type === 'string') {
      if (!positive(field.maxLength)) problems.push(`field ${field.name}: maxLength must be a positive integer (got ${field.maxLength})`);
      else if (positive(maxDataChars) && field.maxLength > maxDataChars) {
        problems.push(`field ${field.name}: maxLength ${field.maxLength} is more than maxDataChars ${maxDataChars}`);
      }
    }
  }
  return problems;
}
