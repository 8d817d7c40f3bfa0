/**
 * Records, projection, paging tokens and the 6 MB response-size guard.
 *
 * @module
 */
import { ConnectorError } from "./errors.js";

/** A record: a JSON object. */
export type DataRecord = Record<string, unknown>;

/**
 * Maximum size of a synchronous Lambda response (6 MB = 6 × 1024 × 1024 bytes of serialised JSON).
 * Larger responses fail the invocation, so the handler turns them into an `InvalidArgument` answer.
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/**
 * Bytes {@link fitRecords} keeps free for the rest of the response (`isSuccess`, `errorDetails`,
 * `nextToken`, …) by default.
 */
export const DEFAULT_RESERVED_BYTES = 16 * 1024;

/** Serialises a record for a `records` array. Strings are assumed to be serialised already. */
export function encodeRecord(record: DataRecord | string): string {
  return typeof record === "string" ? record : JSON.stringify(record);
}

/** Serialises records for a `records` array (strings pass through unchanged). */
export function encodeRecords(records: readonly (DataRecord | string)[]): string[] {
  return records.map(encodeRecord);
}

/**
 * Parses the `records` of a WriteData request (each a JSON object serialised as a string).
 *
 * @throws ConnectorError `InvalidArgument` naming the index of the first record that is not a JSON object.
 */
export function decodeRecords(records: readonly string[] | null | undefined): DataRecord[] {
  if (records == null) return [];
  return records.map((text, index) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ConnectorError("InvalidArgument", `records[${index}] is not valid JSON`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ConnectorError("InvalidArgument", `records[${index}] is not a JSON object`);
    }
    return value as DataRecord;
  });
}

/**
 * Keeps only the selected fields of a record (`selectedFieldNames`; `null` or `undefined` means all fields,
 * and the record is returned as is). Fields the record does not have are left out.
 */
export function selectFields(
  record: DataRecord,
  selectedFieldNames: readonly string[] | null | undefined,
): DataRecord {
  if (selectedFieldNames == null) return record;
  const out: DataRecord = {};
  for (const name of selectedFieldNames) {
    if (Object.hasOwn(record, name)) out[name] = record[name];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Paging tokens
// ---------------------------------------------------------------------------------------------------------

/**
 * Encodes a paging state as an opaque token: base64url of its JSON. The state must be JSON-serialisable.
 * AppFlow treats `nextToken` as opaque and hands it back unchanged.
 */
export function encodePageToken(state: unknown): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

/**
 * Decodes a token made by {@link encodePageToken}. With `validate`, the decoded state is checked too.
 *
 * @throws ConnectorError `InvalidArgument` ("Invalid nextToken") when the token is not base64url JSON or
 * fails `validate`.
 */
export function decodePageToken<T = unknown>(token: string, validate?: (state: unknown) => state is T): T {
  const invalid = () => new ConnectorError("InvalidArgument", "Invalid nextToken");
  if (typeof token !== "string" || token === "" || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (validate !== undefined && !validate(state)) throw invalid();
  return state as T;
}

// ---------------------------------------------------------------------------------------------------------
// Size guard
// ---------------------------------------------------------------------------------------------------------

/** Size in bytes of a value serialised as JSON (UTF-8), as Lambda measures a response. */
export function serializedSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

/** Options of {@link fitRecords}. */
export interface FitRecordsOptions {
  /** The response limit. Default {@link MAX_RESPONSE_BYTES}. */
  maxBytes?: number;
  /** Bytes kept free for the rest of the response. Default {@link DEFAULT_RESERVED_BYTES}. */
  reservedBytes?: number;
}

/** Result of {@link fitRecords}. */
export interface FitRecordsResult {
  /** The leading records that fit, serialised. */
  records: string[];
  /** How many records fit. Resume from this index on the next page. */
  count: number;
  /** `true` when every record fit. */
  complete: boolean;
}

/**
 * Keeps the longest prefix of `records` whose serialised `records` array fits in the response limit. When
 * not every record fits, return the rest on a following page: put `count` (or an upstream cursor) into the
 * `nextToken`.
 *
 * @example
 * ```ts
 * const page = fitRecords(rows);
 * const next = page.complete ? null : encodePageToken({ offset: offset + page.count });
 * return { records: page.records, nextToken: next };
 * ```
 * @throws ConnectorError `InvalidArgument` when even the first record alone does not fit.
 */
export function fitRecords(
  records: readonly (DataRecord | string)[],
  options: FitRecordsOptions = {},
): FitRecordsResult {
  const budget = (options.maxBytes ?? MAX_RESPONSE_BYTES) - (options.reservedBytes ?? DEFAULT_RESERVED_BYTES);
  const out: string[] = [];
  let used = 2; // "[" and "]"
  for (const record of records) {
    const text = encodeRecord(record);
    const size = recordEntrySize(text) + (out.length > 0 ? 1 : 0);
    if (used + size > budget) {
      if (out.length === 0) throw recordTooLarge(size, budget);
      return { records: out, count: out.length, complete: false };
    }
    used += size;
    out.push(text);
  }
  return { records: out, count: out.length, complete: true };
}

/** Bytes a serialised record takes inside the response's `records` array (it is a JSON string there). */
export function recordEntrySize(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), "utf8");
}

function recordTooLarge(size: number, budget: number): ConnectorError {
  return new ConnectorError(
    "InvalidArgument",
    `A single record takes ${size} bytes, more than the ${budget} bytes a Lambda response can hold`,
  );
}
