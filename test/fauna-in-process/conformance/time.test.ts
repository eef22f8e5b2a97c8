/**
 * Conformance, time values: what the core answers for times and dates, case by case with where
 * it decides it (see ./support.ts). model/ = ext/model/src/main/scala/; the core's own expectations
 * are in ext/api/src/test/scala/queries/TimeFunctionsSpec.scala and the driver's test/query.test.js.
 */
import { query as q, type values } from 'faunadb';
import { SERVER, START, fakeUnderTest, type FakeUnderTest } from '../support';
import { check, date, ts, type ConformanceCase } from './support';

const TIMESTAMP = 'ext/lang/src/main/scala/Timestamp.scala';
const TIME_FNS = 'model/ast/functions/TimeFunctions.scala';
const CONVERSIONS = 'model/ast/functions/ConversionFunctions.scala';
const CASTS = 'model/ast/Casts.scala';
const RENDER = `model/Renderable.scala writeTime (${TIMESTAMP} toString = Instant.toString)`;
const BOUNDS = 'dates and times must be between -1000000000-01-01T00:00:00Z and +1000000000-12-31T23:59:59.999999999Z';

let under: FakeUnderTest;
beforeEach(() => {
  under = fakeUnderTest();
});

const rendering: ConformanceCase[] = [
  { name: 'a whole second has no fraction', core: RENDER, query: () => q.Epoch(12, 'second'), expect: { resource: ts('1970-01-01T00:00:12Z') } },
  { name: 'milliseconds as three digits', core: RENDER, query: () => q.Epoch(1500, 'millisecond'), expect: { resource: ts('1970-01-01T00:00:01.500Z') } },
  { name: 'microseconds as six digits', core: RENDER, query: () => q.Epoch(1, 'microsecond'), expect: { resource: ts('1970-01-01T00:00:00.000001Z') } },
  { name: 'nanoseconds kept, as nine digits', core: `${RENDER}; query.test.js 'epoch'`, query: () => q.Epoch(123456789, 'nanosecond'), expect: { resource: ts('1970-01-01T00:00:00.123456789Z') } },
  { name: 'before the epoch', core: 'TimeFunctionsSpec "nanoseconds"', query: () => q.Epoch(-1, 'nanosecond'), expect: { resource: ts('1969-12-31T23:59:59.999999999Z') } },
  { name: 'a year after 9999 with its sign', core: RENDER, query: () => q.Epoch(253402300800, 'second'), expect: { resource: ts('+10000-01-01T00:00:00Z') } },
  { name: 'year 0 and year -1 with four digits', core: RENDER, query: () => [q.Epoch(-62167219200, 'second'), q.Epoch(-62198755200, 'second')], expect: { resource: [ts('0000-01-01T00:00:00Z'), ts('-0001-01-01T00:00:00Z')] } },
  { name: 'a time sent in is answered as the core writes it', core: `Parser.scala "@ts" (Timestamp.parse); ${RENDER}`, query: () => q.Time('2030-01-01T12:00:00.000Z'), expect: { resource: ts('2030-01-01T12:00:00Z') } },
  { name: 'a document’s ttl', core: RENDER, query: () => q.Select('ttl', q.Create(q.Collection('things'), { ttl: q.Epoch(1900000000500, 'millisecond') })), expect: { resource: ts('2030-03-17T17:46:40.500Z') } },
];

const parsing: ConformanceCase[] = [
  { name: 'Time keeps nanoseconds', core: `${TIME_FNS} TimeFunction; query.test.js 'time'`, query: () => q.Time('1970-01-01T00:00:00.123456789Z'), expect: { resource: ts('1970-01-01T00:00:00.123456789Z') } },
  { name: 'an offset without a colon', core: `${TIMESTAMP} TIMESTAMP_FORMATTER ("+HHMM"); TimeFunctionsSpec`, query: () => q.ToString(q.Time('2019-05-27T05:15:48+0100')), expect: { resource: '2019-05-27T04:15:48Z' } },
  { name: 'an offset with seconds', core: `${TIMESTAMP} TIMESTAMP_FORMATTER ("+HH:MM:ss")`, query: () => q.Time('2019-05-27T05:15:48+01:00:30'), expect: { resource: ts('2019-05-27T04:15:18Z') } },
  { name: 'seconds are optional', core: `${TIMESTAMP} (ISO_LOCAL_DATE_TIME)`, query: () => q.Time('2019-05-27T05:15Z'), expect: { resource: ts('2019-05-27T05:15:00Z') } },
  { name: 'a day past the month’s end is the last day (SMART resolving)', core: `${TIMESTAMP} TIMESTAMP_FORMATTER (toFormatter(): ResolverStyle.SMART)`, query: () => q.Time('2019-02-30T00:00:00Z'), expect: { resource: ts('2019-02-28T00:00:00Z') } },
  { name: '24:00 is the next midnight', core: `${TIMESTAMP} (SMART: hour 24 at 0:00.0)`, query: () => q.Time('2019-05-27T24:00:00Z'), expect: { resource: ts('2019-05-28T00:00:00Z') } },
  { name: 'leading and trailing blanks are trimmed', core: `${TIME_FNS} TimeFunction (str.trim)`, query: () => q.Time(' 2019-05-27T05:15:48Z '), expect: { resource: ts('2019-05-27T05:15:48Z') } },
  {
    name: 'no time zone: the function’s position, not its argument’s',
    core: `${TIME_FNS} TimeFunction (InvalidTimeArgument at pos); TimeFunctionsSpec`,
    query: () => q.Time('2019-05-27T05:15:48'),
    expect: { error: { status: 400, code: 'invalid argument', description: "Cannot cast '2019-05-27T05:15:48' to a time.", position: [] } },
  },
  {
    name: 'Time of a time is a cast error at `time`',
    core: `${CASTS} String; TimeFunctionsSpec`,
    query: () => q.Time(q.Time('1970-01-01T00:00:00Z')),
    expect: { error: { status: 400, code: 'invalid argument', description: 'String expected, Time provided.', position: ['time'] } },
  },
  { name: 'a bad @ts literal is a parse error', core: 'model/ast/Parser.scala escapes "@ts" (InvalidTimeExpr)', query: () => ({ '@ts': 'yesterday' }), expect: { error: { status: 400, code: 'invalid expression', description: 'Invalid time.', position: [] } } },
  { name: 'a bad @date literal is a parse error', core: 'model/ast/Parser.scala escapes "@date" (LocalDate.parse, STRICT)', query: () => ({ '@date': '1970-02-30' }), expect: { error: { status: 400, code: 'invalid expression', description: 'Invalid date.' } } },
  { name: 'Date is strict about days', core: `${TIME_FNS} DateFunction (LocalDate.parse)`, query: () => q.Date('1970-02-30'), expect: { error: { status: 400, code: 'invalid argument', description: "Cannot cast '1970-02-30' to a date.", position: [] } } },
  { name: 'Date', core: `${TIME_FNS} DateFunction; query.test.js 'date'`, query: () => q.Date('1970-01-01'), expect: { resource: date('1970-01-01') } },
  { name: 'Time("now") is Now(), the snapshot time', core: `${TIME_FNS} TimeFunction, NowFunction`, query: () => [q.Equals(q.Time('now'), q.Now()), q.ToMicros(q.Now())], expect: { resource: [true, START * 1000] } },
];

const arithmetic: ConformanceCase[] = [
  { name: 'TimeAdd an hour', core: `${TIME_FNS} TimeAddFunction; query.test.js 'time_add'`, query: () => q.TimeAdd(q.Epoch(0, 'second'), 1, 'hour'), expect: { resource: ts('1970-01-01T01:00:00Z') } },
  { name: 'TimeAdd a nanosecond', core: `${TIME_FNS} TimeAddFunction (Instant.plus)`, query: () => q.TimeAdd(q.Epoch(0, 'second'), 1, 'nanosecond'), expect: { resource: ts('1970-01-01T00:00:00.000000001Z') } },
  { name: 'TimeAdd and TimeSubtract a day to a Date', core: `${TIME_FNS} TimeMathFunction (dates by date-based units); query.test.js`, query: () => [q.TimeAdd(q.Date('1970-01-01'), 1, 'day'), q.TimeSubtract(q.Date('1970-01-01'), 1, 'days')], expect: { resource: [date('1970-01-02'), date('1969-12-31')] } },
  {
    name: 'a Date does not move by hours',
    core: `${TIME_FNS} TimeMathFunction (InvalidTimeUnit at "unit")`,
    query: () => q.TimeAdd(q.Date('1970-01-01'), 1, 'hour'),
    expect: { error: { status: 400, code: 'invalid argument', description: "Invalid time unit 'hour'.", position: ['unit'] } },
  },
  { name: 'units in the plural and half days', core: 'ext/lang/src/main/scala/MidstUnit.scala unapply', query: () => q.TimeSubtract(q.Epoch(0, 'second'), 1, 'half days'), expect: { resource: ts('1969-12-31T12:00:00Z') } },
  {
    name: 'an unknown unit is a cast error at `unit`',
    core: `${CASTS} MidstUnit (Type.MidstUnit is "Time Unit"); TimeFunctionsSpec`,
    query: () => q.Epoch(0, 'picosecond'),
    expect: { error: { status: 400, code: 'invalid argument', description: 'Time Unit expected, String provided.', position: ['unit'] } },
  },
  { name: 'offsets are Longs', core: 'model/ast/Parser.scala "time_add" -> "offset" -> Casts.Integer', query: () => q.TimeAdd(q.Now(), 1.5, 'seconds'), expect: { error: { status: 400, code: 'invalid argument', description: 'Integer expected, Double provided.', position: ['offset'] } } },
  { name: 'Epoch takes a Long', core: 'model/ast/Parser.scala "epoch" -> Casts.Integer', query: () => q.Epoch(1.5, 'second'), expect: { error: { status: 400, code: 'invalid argument', description: 'Integer expected, Double provided.', position: ['epoch'] } } },
  { name: 'Epoch past Instant.MAX', core: `${TIME_FNS} EpochFunction (BoundsError at pos); TimeFunctionsSpec`, query: () => q.Epoch(1e15, 'day'), expect: { error: { status: 400, code: 'invalid argument', description: BOUNDS, position: [] } } },
  { name: 'TimeAdd past Instant.MAX', core: `${TIME_FNS} TimeMathFunction (BoundsError at "offset")`, query: () => q.TimeAdd(q.Now(), 1e15, 'days'), expect: { error: { status: 400, code: 'invalid argument', description: BOUNDS, position: ['offset'] } } },
  { name: 'TimeDiff in seconds and of Dates in days', core: `${TIME_FNS} TimeDiffFunction; query.test.js 'time_diff'`, query: () => [q.TimeDiff(q.Epoch(0, 'second'), q.Epoch(1, 'second'), 'second'), q.TimeDiff(q.Date('1970-01-01'), q.Date('1970-01-02'), 'day')], expect: { resource: [1, 1] } },
  { name: 'TimeDiff truncates toward zero', core: `${TIME_FNS} TimeDiffFunction (ChronoUnit.between = Instant.until)`, query: () => [q.TimeDiff(q.Epoch(0, 'second'), q.Epoch(-1500, 'millisecond'), 'second'), q.TimeDiff(q.Epoch(0, 'second'), q.Epoch(1, 'nanosecond'), 'nanosecond')], expect: { resource: [-1, 1] } },
  { name: 'TimeDiff in milliseconds subtracts floored epoch millis', core: 'java.time.Instant.until (MILLIS: toEpochMilli difference)', query: () => q.TimeDiff(q.Epoch(-500000, 'nanosecond'), q.Epoch(400000, 'nanosecond'), 'millisecond'), expect: { resource: 1 } },
  {
    name: 'TimeDiff of a Time and a Date',
    core: `${TIME_FNS} TimeDiffFunction (IncompatibleTimeArguments at "time_diff")`,
    query: () => q.TimeDiff(q.Now(), q.Date('1970-01-01'), 'day'),
    expect: { error: { status: 400, code: 'invalid argument', description: 'Incompatible time arguments.', position: ['time_diff'] } },
  },
  { name: 'times compare to the nanosecond', core: 'model/ast/functions/ComparisonFunctions.scala (CBOR of [seconds, nanos])', query: () => [q.LT(q.Epoch(1, 'nanosecond'), q.Epoch(2, 'nanosecond')), q.Equals(q.Epoch(1000, 'nanosecond'), q.Epoch(1, 'microsecond'))], expect: { resource: [true, true] } },
];

const conversions: ConformanceCase[] = [
  { name: 'ToSeconds, ToMillis, ToMicros of numbers take them as microseconds', core: `${CASTS} Timestamp (LongL = micros); query.test.js`, query: () => [q.ToSeconds(2147483648000000), q.ToMillis(2147483648000000), q.ToMicros(0)], expect: { resource: [2147483648, 2147483648000, 0] } },
  { name: 'they floor', core: `${TIME_FNS} ConversionFunction (getEpochSecond, toEpochMilli, micros)`, query: () => [q.ToSeconds(q.Epoch(-1, 'millisecond')), q.ToMillis(q.Epoch(1999999, 'nanosecond')), q.ToMicros(q.Epoch(-1, 'nanosecond'))], expect: { resource: [-1, 1, -1] } },
  { name: 'ToSeconds of a string', core: `${CASTS} Timestamp; TimeFunctionsSpec`, query: () => q.ToSeconds('one'), expect: { error: { status: 400, code: 'invalid argument', description: 'Time expected, String provided.', position: ['to_seconds'] } } },
  { name: 'ToString of a time', core: `${CONVERSIONS} ToStringFunction (t.toString)`, query: () => q.ToString(q.Epoch(1500, 'millisecond')), expect: { resource: '1970-01-01T00:00:01.500Z' } },
  { name: 'ToTime of a number (milliseconds), a Date, a string', core: `${CONVERSIONS} ToTimeFunction`, query: () => [q.ToTime(1500), q.ToTime(q.Date('1970-01-02')), q.ToTime('1970-01-01T00:00:00Z')], expect: { resource: [ts('1970-01-01T00:00:01.500Z'), ts('1970-01-02T00:00:00Z'), ts('1970-01-01T00:00:00Z')] } },
  { name: 'ToTime of a boolean', core: `${CONVERSIONS} ToTimeFunction (InvalidCast)`, query: () => q.ToTime(true), expect: { error: { status: 400, code: 'invalid argument', description: 'Cannot cast Boolean to Time.' } } },
  { name: 'ToDate of a time and of a string', core: `${CONVERSIONS} ToDateFunction; query.test.js 'to_date'`, query: () => [q.ToDate(q.Epoch(-1, 'second')), q.ToDate('1970-01-01')], expect: { resource: [date('1969-12-31'), date('1970-01-01')] } },
];

describe('conformance: time values', () => {
  describe.each([
    ['rendering', rendering],
    ['parsing', parsing],
    ['arithmetic', arithmetic],
    ['conversions', conversions],
  ])('%s', (_area, cases) => {
    beforeEach(async () => {
      await under.query(SERVER, q.CreateCollection({ name: 'things' }));
    });
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      await check(under, SERVER, c);
    });
  });

  it('keeps a document whose ttl is a nanosecond ahead: live to the nanosecond', async () => {
    await under.query(SERVER, q.CreateCollection({ name: 'brief' }));
    const created = await under.query<values.Ref>(SERVER, q.Select('ref', q.Create(q.Collection('brief'), { ttl: q.TimeAdd(q.Now(), 1, 'nanosecond') })));
    expect(await under.query(SERVER, q.Exists(created))).toBe(true);
    under.advance(1);
    expect(await under.query(SERVER, q.Exists(created))).toBe(false);
  });
});
