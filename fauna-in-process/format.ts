/**
 * ToString and Format as the core answers them. ToString: ast/functions/ConversionFunctions.scala
 * (a Double as java.lang.Double.toString, a Time as Instant.toString). Format: FormatFunction in
 * ast/functions/StringFunctions.scala, which splits the string with its own specifier pattern and
 * hands each specifier to java.util.Formatter. Implemented here: %s %S %b %B %d %x %X %o %f %e %E
 * %g %G with the flags `-` `+` space `0` `,` `(` `#` where Java takes them, width and precision,
 * explicit `n$` indexes, %% %n %@ %^, and the bare `%t`; an illegal combination is the core's
 * `invalid argument` "Invalid conversion format". Refused with a 400: the %t/%T date and time
 * conversions with a suffix, the `<` flag, %@ of refs, sets, documents or lambdas (rendered in API
 * version 2.1 by the core), and flags Java treats differently for %x/%o.
 */
import { EvalError, notSupported, type Position } from './errors';
import { dateToIso, timeToIso } from './time';
import { Closure, Doc, FaunaDate, FaunaTime, Page, QueryValue, Ref, SetRef, invalidArgument, isObjectValue, typeName, type Value } from './values';
import { render } from './wire';

// ToString ----------------------------------------------------------------------------------------

/** Digits and decimal exponent of the shortest decimal that reads back as `abs` (abs > 0). */
function shortestDigits(abs: number): { digits: string; exponent: number } {
  const [mantissa, exp] = abs.toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exp) };
}

/** java.lang.Double.toString: plain between 10^-3 and 10^7, else `d.dddE±n`; always a fraction digit. */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  const { digits, exponent } = shortestDigits(abs);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}

/** ToStringFunction: scalars only; anything else is `Cannot cast <type> to String.` */
export function toStringValue(v: Value, pos: Position): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDoubleToString(v);
  if (typeof v === 'boolean' || v === null) return String(v);
  if (v instanceof FaunaTime) return timeToIso(v);
  if (v instanceof FaunaDate) return dateToIso(v);
  throw new EvalError(400, 'invalid argument', `Cannot cast ${typeName(v)} to String.`, pos);
}

// Format ------------------------------------------------------------------------------------------

/** FormatFunction's `formatSpecifier`: index, flags, width, precision, t/T, conversion. */
const SPECIFIER = /%(\d+\$)?(([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%@^])?)/g;

interface Spec {
  readonly text: string;
  readonly flags: string;
  readonly width?: number;
  readonly precision?: number;
  readonly conversion: string;
}

/** A java.util.IllegalFormatException: the core answers InvalidConversionFormatError with the specifier. */
class IllegalFormat extends Error {}

function invalidConversion(text: string, pos: Position): EvalError {
  return new EvalError(400, 'invalid argument', `Invalid conversion format '${text}'.`, pos);
}

function checkFlags(spec: Spec, allowed: string): void {
  const { flags } = spec;
  if (new Set(flags).size !== flags.length) throw new IllegalFormat();
  for (const flag of flags) if (!allowed.includes(flag)) throw new IllegalFormat();
  if ((flags.includes('-') || flags.includes('0')) && spec.width === undefined) throw new IllegalFormat();
  if (flags.includes('-') && flags.includes('0')) throw new IllegalFormat();
  if (flags.includes('+') && flags.includes(' ')) throw new IllegalFormat();
}

function justify(spec: Spec, text: string): string {
  if (spec.width === undefined || text.length >= spec.width) return text;
  return spec.flags.includes('-') ? text.padEnd(spec.width) : text.padStart(spec.width);
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Sign, grouping, parentheses and zero padding of a number's digits, as Formatter.leadingSign/trailingSign do. */
function numeric(spec: Spec, negative: boolean, digits: string): string {
  const { flags } = spec;
  const body = flags.includes(',') ? group(digits.split('.')[0]) + (digits.includes('.') ? `.${digits.split('.')[1]}` : '') : digits;
  const lead = negative ? (flags.includes('(') ? '(' : '-') : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const trail = negative && flags.includes('(') ? ')' : '';
  let text = `${lead}${body}${trail}`;
  if (flags.includes('0') && spec.width !== undefined && text.length < spec.width) {
    text = `${lead}${'0'.repeat(spec.width - text.length)}${body}${trail}`;
  }
  return justify(spec, text);
}

/** The shortest digits rounded half-up to `keep` significant digits (FormattedFloatingDecimal.applyPrecision). */
function roundDigits(digits: string, exponent: number, keep: number): { digits: string; exponent: number } {
  if (keep >= digits.length) return { digits: digits.padEnd(Math.max(keep, 1), '0'), exponent };
  if (keep < 0) return { digits: '0', exponent };
  const roundUp = Number(digits[keep]) >= 5;
  let kept = digits.slice(0, keep);
  if (!roundUp) return keep === 0 ? { digits: '0', exponent } : { digits: kept, exponent };
  if (keep === 0) return { digits: '1', exponent: exponent + 1 };
  const bumped = (BigInt(kept) + 1n).toString();
  if (bumped.length > kept.length) return { digits: bumped.slice(0, keep), exponent: exponent + 1 };
  kept = bumped;
  return { digits: kept, exponent };
}

function fixed(abs: number, precision: number): string {
  if (abs === 0) return precision > 0 ? `0.${'0'.repeat(precision)}` : '0';
  const { digits, exponent } = shortestDigits(abs);
  const keep = exponent + 1 + precision;
  const rounded = roundDigits(digits, exponent, keep);
  if (rounded.digits === '0') return precision > 0 ? `0.${'0'.repeat(precision)}` : '0';
  const intLength = rounded.exponent + 1;
  const all = intLength > 0 ? rounded.digits.padEnd(intLength + precision, '0') : `${'0'.repeat(-intLength)}${rounded.digits}`.padEnd(precision, '0');
  const whole = intLength > 0 ? all.slice(0, intLength) : '0';
  const fraction = intLength > 0 ? all.slice(intLength, intLength + precision) : all.slice(0, precision);
  return precision > 0 ? `${whole}.${fraction}` : whole;
}

function scientific(abs: number, precision: number, upper: boolean): string {
  let rounded = { digits: '0', exponent: 0 };
  if (abs !== 0) {
    const shortest = shortestDigits(abs);
    rounded = roundDigits(shortest.digits, shortest.exponent, precision + 1);
  }
  const { digits, exponent } = rounded;
  const mantissa = precision > 0 ? `${digits[0]}.${digits.slice(1).padEnd(precision, '0')}` : digits[0];
  return `${mantissa}${upper ? 'E' : 'e'}${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** %g: rounded to `precision` significant digits, then %f between 10^-4 and 10^precision, else %e. */
function general(abs: number, precision: number, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (abs === 0) return fixed(0, p - 1);
  const shortest = shortestDigits(abs);
  const { exponent } = roundDigits(shortest.digits, shortest.exponent, p);
  if (exponent >= -4 && exponent < p) return fixed(abs, p - exponent - 1);
  return scientific(abs, p - 1, upper);
}

function formatDouble(spec: Spec, x: number, pos: Position): string {
  const c = spec.conversion;
  if (spec.flags.includes('#') && c !== 'g' && c !== 'G') throw notSupported(`Format's '#' flag on %${c}`, pos);
  checkFlags(spec, c === 'f' ? '-+ 0,(' : c === 'e' || c === 'E' ? '-+ 0(' : '-+ 0,(');
  const precision = spec.precision ?? 6;
  const abs = Math.abs(x);
  const body = c === 'f' ? fixed(abs, precision) : c === 'e' || c === 'E' ? scientific(abs, precision, c === 'E') : general(abs, precision, c === 'G');
  return numeric(spec, x < 0, body);
}

function formatLong(spec: Spec, n: number, pos: Position): string {
  const c = spec.conversion;
  if (spec.precision !== undefined) throw new IllegalFormat();
  if (c === 'd') {
    checkFlags(spec, '-+ 0,(');
    return numeric(spec, n < 0, String(Math.abs(n)));
  }
  if (/[+ ,(]/.test(spec.flags)) throw notSupported(`Format's '${spec.text}' (flags Java takes differently for %${c})`, pos);
  checkFlags(spec, '-#0');
  const unsigned = BigInt.asUintN(64, BigInt(n));
  const digits = unsigned.toString(c === 'o' ? 8 : 16);
  const prefix = spec.flags.includes('#') ? (c === 'o' ? '0' : '0x') : '';
  let text = `${prefix}${digits}`;
  if (spec.flags.includes('0') && spec.width !== undefined && text.length < spec.width) text = `${prefix}${'0'.repeat(spec.width - text.length)}${digits}`;
  text = justify(spec, text);
  return c === 'X' ? text.toUpperCase() : text;
}

function formatText(spec: Spec, text: string): string {
  checkFlags(spec, '-');
  const cut = spec.precision === undefined ? text : text.slice(0, spec.precision);
  const out = justify(spec, cut);
  return spec.conversion === spec.conversion.toUpperCase() ? out.toUpperCase() : out;
}

/** %@ renders in the core's default API version (2.1): the same JSON as v4 for data without refs, sets, documents or lambdas. */
function plainData(v: Value): boolean {
  if (v instanceof Ref || v instanceof SetRef || v instanceof Doc || v instanceof Page || v instanceof Closure || v instanceof QueryValue) return false;
  if (Array.isArray(v)) return v.every(plainData);
  if (isObjectValue(v)) return Object.values(v).every(plainData);
  return true;
}

function printOne(spec: Spec, value: Value, valuePos: Position, formatPos: Position): string {
  const c = spec.conversion;
  try {
    if ('feEgG'.includes(c)) {
      if (typeof value !== 'number' || Number.isInteger(value)) throw invalidArgument('Number', value, valuePos);
      return formatDouble(spec, value, formatPos);
    }
    if ('dxXo'.includes(c)) {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidArgument('Integer', value, valuePos);
      return formatLong(spec, value, formatPos);
    }
    if (c === 's' || c === 'S') return formatText(spec, toStringValue(value, valuePos));
    if (c === 'b' || c === 'B') return formatText(spec, value === null ? 'false' : typeof value === 'boolean' ? String(value) : 'true');
    if (c === '@') {
      if (!plainData(value)) throw notSupported("Format's %@ of refs, sets, documents or lambdas (the core renders them in API version 2.1; %^ renders them as v4)", valuePos);
      return JSON.stringify(render(value));
    }
    // '^'
    return JSON.stringify(render(value));
  } catch (err) {
    if (err instanceof IllegalFormat) throw invalidConversion(`%${spec.text}`, formatPos);
    throw err;
  }
}

/** FormatFunction.apply: `pos` is the Format call's position. */
export function formatString(format: string, values: readonly Value[], pos: Position): string {
  const formatPos: Position = [...pos, 'format'];
  const out: string[] = [];
  let last = 0;
  let i = 0;
  SPECIFIER.lastIndex = 0;
  for (let m = SPECIFIER.exec(format); m !== null; m = SPECIFIER.exec(format)) {
    out.push(format.slice(i, m.index));
    i = m.index + m[0].length;
    const [whole, indexText, text, flags = '', width, precision, dateTime, conversion] = m;
    if (dateTime !== undefined) {
      if (conversion !== undefined) throw notSupported(`Format's date and time conversion '%${text}'`, formatPos);
    } else if (conversion === undefined || !/^[feEgGdxXosSbB%n@^]$/.test(conversion)) {
      throw invalidConversion(whole, formatPos);
    }
    if (conversion === '%' && dateTime === undefined) {
      out.push('%');
      continue;
    }
    if (conversion === 'n' && dateTime === undefined) {
      out.push('\n');
      continue;
    }
    if (flags.includes('<')) throw notSupported("Format's `<` flag", formatPos);
    const explicit = indexText === undefined ? 0 : Number(indexText.slice(0, -1));
    let index: number;
    if (explicit === 0) {
      index = last;
      last += 1;
      if (index >= values.length) throw new EvalError(400, 'invalid argument', 'format specifiers count must be <= arguments size', formatPos);
    } else {
      index = explicit - 1;
      if (index >= values.length) throw new EvalError(400, 'invalid argument', 'index must be >= 1 and <= arguments size', formatPos);
    }
    const value = values[index];
    const valuePos: Position = [...pos, 'values', index];
    if (dateTime !== undefined) {
      // The bare %t / %T: the value's own text (non-standard, DateTimeFormat with no suffix).
      if (value instanceof FaunaTime) out.push(timeToIso(value));
      else if (value instanceof FaunaDate) out.push(dateToIso(value));
      else throw new EvalError(400, 'invalid argument', `Date or Time expected, ${typeName(value)} provided.`, valuePos);
      continue;
    }
    const spec: Spec = {
      text,
      flags,
      ...(width !== undefined ? { width: Number(width) } : {}),
      ...(precision !== undefined ? { precision: Number(precision.slice(1)) } : {}),
      conversion: conversion as string,
    };
    out.push(printOne(spec, value, valuePos, formatPos));
  }
  out.push(format.slice(i));
  return out.join('');
}
