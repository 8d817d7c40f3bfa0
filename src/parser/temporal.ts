/**
 * Date and date-time arithmetic for the evaluator (R6, R7), without the `Date` object's pitfalls
 * (`Date.UTC` maps years 0-99 to 1900-1999). Instants are epoch milliseconds (UTC).
 */

const MS_PER_DAY = 86_400_000;

/** Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Milliseconds of a fraction-of-second digit string, truncated (not rounded) to the millisecond. */
function fractionMillis(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number(`${fraction}00`.slice(0, 3));
}

/**
 * The instant of a wall-clock time on a calendar date, applying the hour-24 rule: hour 24 is only
 * allowed as 24:00:00 with an all-zero fraction, and means midnight of the next day. Returns `null`
 * for an invalid date or time.
 */
function instant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
): number | null {
  if (!isCalendarDate(year, month, day)) return null;
  if (minute > 59 || second > 59) return null;
  if (hour === 24) {
    if (minute !== 0 || second !== 0 || (fraction !== undefined && /[1-9]/.test(fraction))) return null;
  } else if (hour > 23) {
    return null;
  }
  const days = daysFromCivil(year, month, day);
  return days * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + fractionMillis(fraction);
}

const DATE_LITERAL = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_LITERAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/** A DATE literal as midnight UTC, or `null` when it is not a real calendar date. */
export function dateLiteralToInstant(raw: string): number | null {
  const m = DATE_LITERAL.exec(raw);
  if (!m) return null;
  return instant(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, undefined);
}

/** A DATETIME literal as an instant, or `null` (impossible date, or hour 24 other than 24:00:00). */
export function dateTimeLiteralToInstant(raw: string): number | null {
  const m = DATETIME_LITERAL.exec(raw);
  if (!m) return null;
  return instant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
}

// R7: `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss[.fraction]][Z or ±hh:mm]`. `T` and `Z` upper-case only.
const RECORD_TEMPORAL =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * A record value of a `Date` or `DateTime` field (R7; both shapes are accepted for both types), as an
 * instant, or `null` when malformed. No offset means UTC. Offsets must be within ±23:59. Seconds
 * 60 (leap seconds) are malformed; hour 24 follows the same rule as in literals.
 */
export function recordTemporalToInstant(text: string): number | null {
  const m = RECORD_TEMPORAL.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (m[4] === undefined) return instant(year, month, day, 0, 0, 0, undefined);
  const local = instant(year, month, day, Number(m[4]), Number(m[5]), Number(m[6] ?? "0"), m[7]);
  if (local === null) return null;
  const zone = m[8];
  if (zone === undefined || zone === "Z") return local;
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutes = Number(zone.slice(4, 6));
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone[0] === "+" ? local - offset : local + offset;
}

/** ISO-8601 text of an instant (`YYYY-MM-DDThh:mm:ss.sssZ`), as used for SQL parameters. */
export function instantToIso(ms: number): string {
  return new Date(ms).toISOString();
}
