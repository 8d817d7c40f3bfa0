/**
 * Record values against their declared FieldDataType (appflow-protocol.md A10), stricter than the
 * Java SDK's optional validator (Part F8): Base64 for ByteArray, finite numbers, integral numbers
 * for integer types, calendar-valid dates, RFC 3339 date-times when an offset is present.
 */

const INTEGER_TYPES = new Set(["Integer", "Long", "Short", "BigInteger"]);
const DECIMAL_TYPES = new Set(["Float", "Double", "BigDecimal"]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= (days[m - 1] ?? 0);
}

/** Why `value` is not a valid `dataType` record value, or undefined when it is (null is always fine). */
export function recordValueProblem(dataType: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const got = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
  if (dataType === "String") return typeof value === "string" ? undefined : `expected a string, got ${got}`;
  if (INTEGER_TYPES.has(dataType)) {
    if (typeof value !== "number") return `expected an integral JSON number, got ${got}`;
    return Number.isInteger(value) ? undefined : `expected an integral number, got ${value}`;
  }
  if (DECIMAL_TYPES.has(dataType)) {
    if (typeof value !== "number") return `expected a JSON number, got ${got}`;
    return Number.isFinite(value) ? undefined : `expected a finite number, got ${value}`;
  }
  if (dataType === "Boolean") {
    return typeof value === "boolean"
      ? undefined
      : `expected JSON true or false, got ${JSON.stringify(value)}`;
  }
  if (dataType === "ByteArray") {
    if (typeof value !== "string") return `expected a Base64 string, got ${got}`;
    return BASE64.test(value) ? undefined : "expected a Base64 string (A–Z a–z 0–9 + /, padded with =)";
  }
  if (dataType === "Date") {
    const m = typeof value === "string" ? DATE.exec(value) : null;
    if (!m) return `expected an ISO-8601 date YYYY-MM-DD, got ${JSON.stringify(value)}`;
    return validDate(Number(m[1]), Number(m[2]), Number(m[3]))
      ? undefined
      : `${value} is not a calendar date`;
  }
  if (dataType === "DateTime") {
    const m = typeof value === "string" ? DATETIME.exec(value) : null;
    if (!m) {
      return `expected an ISO-8601 date-time such as 2026-11-21T09:00:00Z or …+01:00, got ${JSON.stringify(value)}`;
    }
    const [, y, mo, d, h, mi, sec, , oh, om] = m;
    if (!validDate(Number(y), Number(mo), Number(d))) return `${value} is not a calendar date`;
    if (Number(h) > 23 || Number(mi) > 59 || (sec !== undefined && Number(sec) > 59))
      return `${value} is not a valid time`;
    if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return `${value} has an invalid offset`;
    return undefined;
  }
  if (dataType === "Struct" || dataType === "Map") {
    return typeof value === "object" && !Array.isArray(value)
      ? undefined
      : `expected a JSON object, got ${got}`;
  }
  if (dataType === "List") return Array.isArray(value) ? undefined : `expected a JSON array, got ${got}`;
  return `unknown data type ${dataType}`;
}

/** Milliseconds since the epoch of a Date/DateTime record value (no offset = UTC), or undefined. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const d = DATE.test(value)
    ? `${value}T00:00:00Z`
    : DATETIME.test(value) && !/(Z|[+-]\d{2}:\d{2})$/.test(value)
      ? `${value}Z`
      : value;
  const t = Date.parse(d);
  return Number.isNaN(t) ? undefined : t;
}
