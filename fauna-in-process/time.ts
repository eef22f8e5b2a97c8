/**
 * Times and dates as the core keeps them: a Time is a java.time.Instant (nanoseconds, rendered by
 * `Instant.toString`: `…:12Z`, `…:12.500Z`, `…:12.000001Z`, `…:12.000000001Z`), a Date a LocalDate.
 * Sources, under ext/: lang/src/main/scala/Timestamp.scala (parse, toString, plus/minus, micros),
 * lang/src/main/scala/MidstUnit.scala (units), model/src/main/scala/ast/functions/TimeFunctions.scala
 * (Time, Epoch, TimeAdd, TimeSubtract, TimeDiff, ToMicros/ToMillis/ToSeconds),
 * model/src/main/scala/ast/functions/ConversionFunctions.scala (ToString, ToTime, ToDate) and
 * model/src/main/scala/ast/Casts.scala (`Timestamp`: a number is microseconds).
 */
import { EvalError, type Position } from './errors';

const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;

/** java.time.Instant.MIN and MAX, in nanoseconds since the epoch. */
const INSTANT_MIN = -31_557_014_167_219_200n * NANOS_PER_SECOND;
const INSTANT_MAX = 31_556_889_864_403_199n * NANOS_PER_SECOND + 999_999_999n;
/** LocalDate.MIN and MAX (years -999999999 and +999999999), as epoch days. */
const EPOCH_DAY_MIN = -365_243_219_162;
const EPOCH_DAY_MAX = 365_241_780_471;

/** A point in time with nanosecond precision (the core's TimeL). */
export class FaunaTime {
  constructor(readonly nanos: bigint) {}

  static ofMicros(micros: number): FaunaTime {
    return new FaunaTime(BigInt(Math.trunc(micros)) * 1000n);
  }

  static ofMillis(millis: number): FaunaTime {
    return new FaunaTime(BigInt(Math.trunc(millis)) * 1_000_000n);
  }

  /** Timestamp.micros: floor to the microsecond (the nanosecond part is never negative). */
  get micros(): number {
    return Number(floorDiv(this.nanos, 1000n));
  }
}

/** A calendar date (the core's DateL, a LocalDate), as days since 1970-01-01. */
export class FaunaDate {
  constructor(readonly epochDay: number) {}
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

// Calendar (proleptic Gregorian, as java.time) ---------------------------------------------------

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function monthLength(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** LocalDate.toString: four-digit years, `+` above 9999, `-` below 0. */
function yearText(year: number): string {
  if (Math.abs(year) < 1000) return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return year > 9999 ? `+${year}` : String(year);
}

export function dateToIso(date: FaunaDate): string {
  const { year, month, day } = civilFromDays(date.epochDay);
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Instant.toString: seconds always, the fraction in groups of three digits and only when not zero. */
export function timeToIso(time: FaunaTime): string {
  const seconds = floorDiv(time.nanos, NANOS_PER_SECOND);
  const nano = Number(floorMod(time.nanos, NANOS_PER_SECOND));
  const days = Number(floorDiv(seconds, BigInt(SECONDS_PER_DAY)));
  const secondOfDay = Number(floorMod(seconds, BigInt(SECONDS_PER_DAY)));
  const clock = `${pad(Math.floor(secondOfDay / 3600), 2)}:${pad(Math.floor(secondOfDay / 60) % 60, 2)}:${pad(secondOfDay % 60, 2)}`;
  const nineDigits = pad(nano, 9);
  const fraction = nano === 0 ? '' : nano % 1_000_000 === 0 ? `.${nineDigits.slice(0, 3)}` : nano % 1000 === 0 ? `.${nineDigits.slice(0, 6)}` : `.${nineDigits}`;
  return `${dateToIso(new FaunaDate(days))}T${clock}${fraction}Z`;
}

// Parsing ---------------------------------------------------------------------------------------

/** ISO_LOCAL_DATE's year: four digits, or a sign and up to ten (a `+` is required above four). */
const YEAR = '(\\d{4}|\\+\\d{5,10}|-\\d{4,10})';
const DATE = new RegExp(`^${YEAR}-(\\d{2})-(\\d{2})$`);
/**
 * Timestamp.parse's TIMESTAMP_FORMATTER: ISO_LOCAL_DATE_TIME (case-insensitive `T`, seconds and a
 * 0-9 digit fraction optional) then an offset, `Z`, `+HH:MM[:ss]` or `+HHMM`. Instant.from needs it.
 */
const DATE_TIME = new RegExp(`^${YEAR}-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{0,9}))?)?(?:([Zz])|([+-])(\\d{2})(?::(\\d{2})(?::(\\d{2}))?|(\\d{2})))$`);

function validDate(year: number, month: number, day: number, clampDay: boolean): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const last = monthLength(year, month);
  // The formatter resolves SMART (Feb 30 becomes Feb 28/29); LocalDate.parse is STRICT.
  if (day > last && !clampDay) return undefined;
  const epochDay = daysFromCivil(year, month, Math.min(day, last));
  return epochDay < EPOCH_DAY_MIN || epochDay > EPOCH_DAY_MAX ? undefined : epochDay;
}

/** Timestamp.parse; undefined where the core throws a DateTimeException. */
export function parseInstant(text: string): FaunaTime | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', z, sign, oh = '0', om1, os = '0', om2] = m;
  let epochDay = validDate(Number(y), Number(mo), Number(d), true);
  let hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const nano = Number(fraction.padEnd(9, '0'));
  if (epochDay === undefined || minute > 59 || second > 59) return undefined;
  // SMART resolving takes 24:00 (and only 24:00:00.0) as the next day's midnight.
  if (hour === 24 && minute === 0 && second === 0 && nano === 0) {
    hour = 0;
    epochDay += 1;
  } else if (hour > 23) {
    return undefined;
  }
  let offsetSeconds = 0;
  if (z === undefined) {
    const offsetMinutes = Number(om1 ?? om2 ?? '0');
    if (Number(oh) > 18 || offsetMinutes > 59 || Number(os) > 59) return undefined;
    offsetSeconds = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + offsetMinutes * 60 + Number(os));
    if (Math.abs(offsetSeconds) > 18 * 3600) return undefined;
  }
  const seconds = BigInt(epochDay) * BigInt(SECONDS_PER_DAY) + BigInt(hour * 3600 + minute * 60 + second - offsetSeconds);
  return inInstantRange(seconds * NANOS_PER_SECOND + BigInt(nano));
}

/** LocalDate.parse (ISO_LOCAL_DATE, STRICT); undefined where the core throws. */
export function parseDate(text: string): FaunaDate | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  const epochDay = validDate(Number(m[1]), Number(m[2]), Number(m[3]), false);
  return epochDay === undefined ? undefined : new FaunaDate(epochDay);
}

function inInstantRange(nanos: bigint): FaunaTime | undefined {
  return nanos < INSTANT_MIN || nanos > INSTANT_MAX ? undefined : new FaunaTime(nanos);
}

/** TimeFunction: `now` is the transaction's snapshot time, anything else is parsed trimmed. */
export function timeFromString(text: string, snapshotMicros: number, pos: Position): FaunaTime {
  if (text === 'now') return FaunaTime.ofMicros(snapshotMicros);
  const time = parseInstant(text.trim());
  if (time === undefined) throw new EvalError(400, 'invalid argument', `Cannot cast '${text}' to a time.`, pos);
  return time;
}

/** DateFunction. */
export function dateFromString(text: string, pos: Position): FaunaDate {
  const date = parseDate(text.trim());
  if (date === undefined) throw new EvalError(400, 'invalid argument', `Cannot cast '${text}' to a date.`, pos);
  return date;
}

export function dateOfTime(time: FaunaTime): FaunaDate {
  return new FaunaDate(Number(floorDiv(time.nanos, NANOS_PER_SECOND * BigInt(SECONDS_PER_DAY))));
}

export function timeOfDate(date: FaunaDate): FaunaTime {
  return new FaunaTime(BigInt(date.epochDay) * BigInt(SECONDS_PER_DAY) * NANOS_PER_SECOND);
}

// Units and arithmetic ---------------------------------------------------------------------------

export type TimeUnit = 'nanosecond' | 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour' | 'half day' | 'day';

const UNIT_NANOS: Readonly<Record<TimeUnit, bigint>> = {
  nanosecond: 1n,
  microsecond: 1000n,
  millisecond: 1_000_000n,
  second: NANOS_PER_SECOND,
  minute: 60n * NANOS_PER_SECOND,
  hour: 3600n * NANOS_PER_SECOND,
  'half day': 43_200n * NANOS_PER_SECOND,
  day: 86_400n * NANOS_PER_SECOND,
};

/** MidstUnit.unapply: the singular or plural name, trimmed; undefined for anything else. */
export function parseTimeUnit(text: string): TimeUnit | undefined {
  const name = text.trim();
  const singular = name.endsWith('s') ? name.slice(0, -1) : name;
  return Object.prototype.hasOwnProperty.call(UNIT_NANOS, singular) ? (singular as TimeUnit) : undefined;
}

/** What Epoch, TimeAdd and TimeSubtract answer when the result is no Instant (or no LocalDate). */
export function timeBoundsError(pos: Position): EvalError {
  return new EvalError(
    400,
    'invalid argument',
    'dates and times must be between -1000000000-01-01T00:00:00Z and +1000000000-12-31T23:59:59.999999999Z',
    pos,
  );
}

/** Instant.plus(offset, unit), exact; undefined outside Instant's range. */
export function addToTime(time: FaunaTime, offset: number, unit: TimeUnit): FaunaTime | undefined {
  return inInstantRange(time.nanos + BigInt(offset) * UNIT_NANOS[unit]);
}

/** LocalDate.plus(offset, DAYS); only days are date-based (ChronoUnit.isDateBased). */
export function addToDate(date: FaunaDate, offset: number): FaunaDate | undefined {
  const epochDay = date.epochDay + offset;
  return Number.isSafeInteger(epochDay) && epochDay >= EPOCH_DAY_MIN && epochDay <= EPOCH_DAY_MAX ? new FaunaDate(epochDay) : undefined;
}

/** Java's long division: truncates toward zero. */
function truncDiv(a: bigint, b: bigint): bigint {
  return a / b;
}

/**
 * ChronoUnit.between(start, end) for Instants (Instant.until): nanos exactly, micros by
 * truncation, millis as the difference of the floored epoch millis, seconds and longer units by
 * truncating the exact difference.
 */
export function timeDiff(start: FaunaTime, end: FaunaTime, unit: TimeUnit): bigint {
  const diff = end.nanos - start.nanos;
  switch (unit) {
    case 'nanosecond':
      return diff;
    case 'microsecond':
      return truncDiv(diff, 1000n);
    case 'millisecond':
      return floorDiv(end.nanos, 1_000_000n) - floorDiv(start.nanos, 1_000_000n);
    default:
      return truncDiv(truncDiv(diff, NANOS_PER_SECOND), UNIT_NANOS[unit] / NANOS_PER_SECOND);
  }
}

/** ToSeconds / ToMillis / ToMicros: getEpochSecond, toEpochMilli and micros all floor. */
export function toEpoch(time: FaunaTime, unit: 'second' | 'millisecond' | 'microsecond'): number {
  return Number(floorDiv(time.nanos, UNIT_NANOS[unit]));
}

export function compareTimes(a: FaunaTime, b: FaunaTime): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}
