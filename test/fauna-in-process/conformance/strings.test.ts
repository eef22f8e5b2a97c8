/**
 * Conformance, strings: what the core answers for Format, ToString and Concat, case by case with
 * where it decides it (see ./support.ts). Most answers are the core's own test expectations,
 * ext/api/src/test/scala/queries/StringFunctionsSpec.scala "format" (and the driver's test/query.test.js
 * 'format', 'concat', 'to_string'); Format hands each specifier to java.util.Formatter.
 */
import { query as q } from 'faunadb';
import { SERVER, fakeUnderTest, type FakeUnderTest } from '../support';
import { check, type ConformanceCase } from './support';

const FORMAT = 'model/ast/functions/StringFunctions.scala FormatFunction';
const SPEC = 'StringFunctionsSpec "format"';
const TO_STRING = 'model/ast/functions/ConversionFunctions.scala ToStringFunction';
const CONCAT = 'model/ast/Parser.scala "concat" -> ZeroOrMore(Casts.String), "separator" -> Option(Casts.String)';

let under: FakeUnderTest;
beforeEach(() => {
  under = fakeUnderTest();
});

const formatting: ConformanceCase[] = [
  { name: 'explicit indexes', core: `${FORMAT} (n$); query.test.js 'format'`, query: () => q.Format('%3$s%1$s %2$s', ['DB', 'rocks', 'Fauna']), expect: { resource: 'FaunaDB rocks' } },
  { name: 'precision of a double', core: `${FORMAT} DoubleFormat; query.test.js 'format'`, query: () => q.Format('%.4f', 3.14), expect: { resource: '3.1400' } },
  { name: 'a string, an integer, a double', core: `${FORMAT}; query.test.js 'format'`, query: () => q.Format('%s %d %.2f', ['Hey', 1995, 6.02]), expect: { resource: 'Hey 1995 6.02' } },
  { name: '%% is a percent sign', core: `${FORMAT} RawStringFormat("%"); ${SPEC}`, query: () => q.Format('always 100%%', []), expect: { resource: 'always 100%' } },
  { name: '%n is the line separator', core: `${FORMAT} (System.lineSeparator); ${SPEC}`, query: () => q.Format('%n', []), expect: { resource: '\n' } },
  { name: '%s of scalars', core: `${FORMAT} StrFormat (ToString first); ${SPEC}`, query: () => q.Format('%s %s %s %s', ['str', true, false, null]), expect: { resource: 'str true false null' } },
  { name: '%d %o %x', core: `${FORMAT} LongFormat; ${SPEC}`, query: () => q.Format('%d %o %x', [15, 15, 15]), expect: { resource: '15 17 f' } },
  { name: '%e %f %g', core: `${FORMAT} DoubleFormat; ${SPEC}`, query: () => q.Format('%e %f %g', [3.14, 3.14, 3.14]), expect: { resource: '3.140000e+00 3.140000 3.14000' } },
  { name: '%b of anything', core: `${FORMAT} BoolFormat (null false, other values true); ${SPEC}`, query: () => q.Format('%b %b %b %b %b %b', [true, 'str', 10, 3.14, false, null]), expect: { resource: 'true true true true false false' } },
  { name: 'upper case conversions', core: SPEC, query: () => [q.Format('%S %S %S %S', ['str', true, false, null]), q.Format('%X', 255), q.Format('%E %G', [3.14, 31400000.5])], expect: { resource: ['STR TRUE FALSE NULL', 'FF', '3.140000E+00 3.14000E+07'] } },
  { name: 'width', core: SPEC, query: () => [q.Format('%20s', 'str'), q.Format('%20d', 10), q.Format('%20f', 3.14), q.Format('%20b', false)], expect: { resource: ['                 str', '                  10', '            3.140000', '               false'] } },
  { name: 'left-justified', core: SPEC, query: () => [q.Format('%-20s|', 'str'), q.Format('%-20d|', 10), q.Format('%-20f|', 3.14)], expect: { resource: ['str                 |', '10                  |', '3.140000            |'] } },
  { name: 'precision', core: SPEC, query: () => [q.Format('%.2f', 3.14159), q.Format('%.3f', 3.14159), q.Format('%.5f', 3.14159)], expect: { resource: ['3.14', '3.142', '3.14159'] } },
  { name: 'rounding half up on the shortest decimal (1.005 is 1.01)', core: 'java.util.Formatter %f (FormattedFloatingDecimal, RoundingMode.HALF_UP)', query: () => [q.Format('%.2f', 1.005), q.Format('%.0f', 0.5), q.Format('%.2f', 9.995)], expect: { resource: ['1.01', '1', '10.00'] } },
  { name: 'leading sign, parentheses, leading space', core: SPEC, query: () => [q.Format('%+f', -3.14159), q.Format('%+d', 10), q.Format('%(f', -3.14159), q.Format('%(d', -10), q.Format('% d', 10)], expect: { resource: ['-3.141590', '+10', '(3.141590)', '(10)', ' 10'] } },
  { name: 'zero padding and grouping', core: 'java.util.Formatter (Flags.ZERO_PAD, Flags.GROUP)', query: () => [q.Format('%05d', -42), q.Format('%,d', 1234567), q.Format('%,.2f', 1234567.891)], expect: { resource: ['-0042', '1,234,567', '1,234,567.89'] } },
  { name: 'a negative %x is the 64-bit two’s complement', core: 'java.util.Formatter %x of a long', query: () => q.Format('%x', -1), expect: { resource: 'ffffffffffffffff' } },
  { name: '%@ of data renders it as JSON', core: `${FORMAT} DebugFormat; ${SPEC}`, query: () => q.Format('%@', { x: 10, y: 3.14, z: ['str'] }), expect: { resource: '{"x":10,"y":3.14,"z":["str"]}' } },
  { name: 'the bare %t of a date and a time, and %s of them', core: `${FORMAT} DateTimeFormat (suffix null: toString); ${SPEC}`, query: () => [q.Format('%t %s', [q.Date('1970-03-01'), q.Date('1970-03-01')]), q.Format('%t', q.Time('1970-03-01T15:30:45.123456789Z'))], expect: { resource: ['1970-03-01 1970-03-01', '1970-03-01T15:30:45.123456789Z'] } },
];

const formatErrors: ConformanceCase[] = [
  { name: '%d of a double', core: `${FORMAT} LongFormat (InvalidArgument at values/i)`, query: () => q.Format('%d', 3.14), expect: { error: { status: 400, code: 'invalid argument', description: 'Integer expected, Double provided.', position: ['values', 0] } } },
  { name: '%f of an integer', core: `${FORMAT} DoubleFormat (Number expected)`, query: () => q.Format('%f', 10), expect: { error: { status: 400, code: 'invalid argument', description: 'Number expected, Integer provided.', position: ['values', 0] } } },
  { name: '%s of an array', core: `${FORMAT} StrFormat; ${TO_STRING} (InvalidCast)`, query: () => q.Format('%s', [[1]]), expect: { error: { status: 400, code: 'invalid argument', description: 'Cannot cast Array to String.', position: ['values', 0] } } },
  { name: 'more specifiers than values', core: `${FORMAT} format (BoundsError)`, query: () => q.Format('%s %s', 'a'), expect: { error: { status: 400, code: 'invalid argument', description: 'format specifiers count must be <= arguments size', position: ['format'] } } },
  { name: 'an index past the values', core: `${FORMAT} format (BoundsError)`, query: () => q.Format('%3$s', 'a'), expect: { error: { status: 400, code: 'invalid argument', description: 'index must be >= 1 and <= arguments size', position: ['format'] } } },
  { name: 'an unknown conversion', core: `${FORMAT} parse (UnknownFormatConversionException)`, query: () => q.Format('%q', 1), expect: { error: { status: 400, code: 'invalid argument', description: "Invalid conversion format '%q'.", position: ['format'] } } },
  { name: 'a flag the conversion does not take', core: `${FORMAT} format (IllegalFormatException); java.util.Formatter MissingFormatWidthException`, query: () => q.Format('%-d', 1), expect: { error: { status: 400, code: 'invalid argument', description: "Invalid conversion format '%-d'.", position: ['format'] } } },
  { name: 'a precision on an integer', core: 'java.util.Formatter IllegalFormatPrecisionException', query: () => q.Format('%.2d', 1), expect: { error: { status: 400, code: 'invalid argument', description: "Invalid conversion format '%.2d'." } } },
];

const formatRefused: ConformanceCase[] = [
  { name: 'date and time conversions with a suffix', core: `${FORMAT} DateTimeFormat`, query: () => q.Format('%tB', q.Date('1970-03-01')), expect: { refused: /date and time conversion '%tB'/ } },
  { name: '%@ of a ref (rendered by the core in API 2.1)', core: `${FORMAT} DebugFormat (APIVersion.Default)`, query: () => q.Format('%@', q.Collection('x')), expect: { refused: /%@ of refs/ } },
  { name: 'the < flag', core: 'java.util.Formatter relative index', query: () => q.Format('%s %<s', 'a'), expect: { refused: /`<` flag/ } },
];

const conversions: ConformanceCase[] = [
  { name: 'ToString of an integer and a string', core: `${TO_STRING}; query.test.js 'to_string'`, query: () => [q.ToString(42), q.ToString('42')], expect: { resource: ['42', '42'] } },
  { name: 'ToString of a double is Double.toString', core: `${TO_STRING} (d.toString)`, query: () => [q.ToString(3.14), q.ToString(0.001), q.ToString(0.0001), q.ToString(12345678.5), q.ToString(-0.5)], expect: { resource: ['3.14', '0.001', '1.0E-4', '1.23456785E7', '-0.5'] } },
  { name: 'ToString of booleans, null, dates', core: TO_STRING, query: () => [q.ToString(true), q.ToString(null), q.ToString(q.Date('1970-01-01'))], expect: { resource: ['true', 'null', '1970-01-01'] } },
  { name: 'ToString of an array', core: `${TO_STRING} (InvalidCast)`, query: () => q.ToString([1]), expect: { error: { status: 400, code: 'invalid argument', description: 'Cannot cast Array to String.', position: [] } } },
  { name: 'Concat, with and without a separator', core: `${CONCAT}; query.test.js 'concat'`, query: () => [q.Concat(['a', 'b', 'c']), q.Concat([]), q.Concat(['a', 'b', 'c'], '.')], expect: { resource: ['abc', '', 'a.b.c'] } },
  { name: 'Concat of a number', core: CONCAT, query: () => q.Concat(['a', 1]), expect: { error: { status: 400, code: 'invalid argument', description: 'String expected, Integer provided.', position: ['concat', 1] } } },
  { name: 'Concat with a null separator', core: CONCAT, query: () => ({ concat: ['a', 'b'], separator: null }), expect: { error: { status: 400, code: 'invalid argument', description: 'String expected, Null provided.', position: ['separator'] } } },
  { name: 'a whole-number Double (here 3.0) is refused, not answered as the Long 3', core: 'model/ast/functions/NumericFunctions.scala (Long + Double is a Double)', query: () => q.ToString(q.Add(1.5, 1.5)), expect: { refused: /whole-number Double/ } },
  { name: 'an integer past 2^53 cannot be read exactly from JSON here', core: 'model/ast/Expression.scala (LongL)', query: () => ({ to_string: 9007199254740993 }), expect: { refused: /2\^53/ } },
];

describe('conformance: strings', () => {
  it.each([...formatting, ...formatErrors, ...formatRefused, ...conversions].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await check(under, SERVER, c);
  });
});
