/**
 * Filters and paging for QueryData: parsing (R3), in-memory filtering against the entity definition, LIMIT
 * across pages (R12), projection and the response-size guard.
 *
 * @module
 */
import type { FilterExpression } from "../parser/index.js";
import { compileFilter, FilterSemanticError, FilterSyntaxError, parseFilter } from "../parser/index.js";
import type { QueryDataInput, QueryDataResult } from "./connector.js";
import { ConnectorError } from "./errors.js";
import type { EntityDefinition } from "./model.js";
import type { DataRecord } from "./records.js";
import {
  DEFAULT_RESERVED_BYTES,
  decodePageToken,
  encodePageToken,
  MAX_RESPONSE_BYTES,
  recordEntrySize,
  selectFields,
} from "./records.js";

/**
 * Parses a `filterExpression`. `null`, `""` and whitespace-only text mean "no filter" and give `null`.
 *
 * @throws ConnectorError `InvalidArgument` with the message `Invalid filter expression at L:C: reason`.
 */
export function parseFilterExpression(text: string | null | undefined): FilterExpression | null {
  if (text == null || text.trim() === "") return null;
  try {
    return parseFilter(text);
  } catch (err) {
    throw toFilterError(err) ?? err;
  }
}

/**
 * Converts the parser's errors into `InvalidArgument` ConnectorErrors (`Invalid filter expression at L:C:
 * reason`); returns `null` for any other value.
 */
export function toFilterError(err: unknown): ConnectorError | null {
  if (err instanceof FilterSyntaxError || isNamed(err, "FilterSyntaxError")) {
    const e = err as FilterSyntaxError;
    return new ConnectorError(
      "InvalidArgument",
      `Invalid filter expression at ${e.line}:${e.column}: ${e.reason}`,
    );
  }
  if (err instanceof FilterSemanticError || isNamed(err, "FilterSemanticError")) {
    const e = err as FilterSemanticError;
    const reason = e.reason ?? e.message;
    const where = e.line !== undefined && e.column !== undefined ? ` at ${e.line}:${e.column}` : "";
    return new ConnectorError("InvalidArgument", `Invalid filter expression${where}: ${reason}`);
  }
  return null;
}

function isNamed(err: unknown, name: string): boolean {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === name;
}

/** A compiled filter for one request. */
export interface RecordFilter {
  /** Whether a record matches (always `true` without a filter or for a bare `LIMIT n`). */
  matches(record: DataRecord): boolean;
  /** The LIMIT count, or `null`. It caps the total across pages: use {@link paginate} to apply it. */
  limit: number | null;
}

/** The parts of a QueryData request the query helpers read. */
export type QueryRequestLike = Pick<
  QueryDataInput,
  "filter" | "nextToken" | "maxResults" | "selectedFieldNames"
> & {
  connectorContext: { entityDefinition?: EntityDefinition | null };
};

const MATCH_ALL: RecordFilter = { matches: () => true, limit: null };

/**
 * Compiles the request's parsed filter against `connectorContext.entityDefinition`, for connectors that
 * filter in memory.
 *
 * @throws ConnectorError `InvalidArgument` when the filter is rejected (unknown field, wrong literal type,
 * …) or when a filter with conditions arrives without an entity definition.
 */
export function compileRequestFilter(
  request: Pick<QueryRequestLike, "filter" | "connectorContext">,
): RecordFilter {
  const filter = request.filter;
  if (filter == null) return MATCH_ALL;
  if (filter.expression === null) return { matches: () => true, limit: filter.limit };
  const definition = request.connectorContext.entityDefinition;
  if (definition == null) {
    throw new ConnectorError(
      "InvalidArgument",
      "Cannot apply the filter: the request has no connectorContext.entityDefinition",
    );
  }
  try {
    const compiled = compileFilter(filter, definition);
    return { matches: (record) => compiled.matches(record), limit: compiled.limit };
  } catch (err) {
    throw toFilterError(err) ?? err;
  }
}

/** One page of an upstream source, as {@link paginate} consumes it. */
export interface UpstreamPage<C> {
  /** The page's records, in a stable order (a page must hold the same records when fetched again). */
  records: readonly DataRecord[];
  /** Cursor of the next upstream page, or `null` at the end. Must be JSON-serialisable. */
  next: C | null;
}

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /**
   * Apply the filter's conditions in memory (default `true`). Set `false` when the upstream query already
   * applies them; LIMIT, projection and the size guard are still handled.
   */
  filterInMemory?: boolean;
  /** Keep only `selectedFieldNames` in each record (default `true`). */
  selectFields?: boolean;
  /** At most this many upstream fetches per QueryData call (default 10); then the page ends early. */
  maxUpstreamCalls?: number;
  /** Response size limit (default {@link MAX_RESPONSE_BYTES}). */
  maxResponseBytes?: number;
  /**
   * Time left, e.g. the handler context (`ctx`): no further upstream page is fetched with less than
   * `minRemainingMs` (default 3000) left; the page ends early with a `nextToken`.
   */
  context?: { remainingTimeMs(): number };
  /** See `context`. */
  minRemainingMs?: number;
}

/** Paging state kept inside the opaque `nextToken` by {@link paginate}. */
interface PageState {
  v: 1;
  /** Upstream cursor of the page to fetch (null: the first page). */
  c: unknown;
  /** Records of that upstream page already consumed. */
  s: number;
  /** Records returned by earlier QueryData pages (R12). */
  n: number;
}

function isPageState(value: unknown): value is PageState {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    s.v === 1 &&
    "c" in s &&
    Number.isInteger(s.s) &&
    (s.s as number) >= 0 &&
    Number.isInteger(s.n) &&
    (s.n as number) >= 0
  );
}

/**
 * Serves one QueryData page from an upstream source that pages on its own, and handles everything else:
 * the filter (in memory, against the entity definition), LIMIT across pages (R12: `returnedSoFar` is kept in
 * the opaque `nextToken`, which also holds the upstream cursor and the position inside that upstream page),
 * `maxResults`, `selectedFieldNames`, and the 6 MB response limit.
 *
 * A page may stop inside an upstream page (because it is full, or would be too large); the next call fetches
 * that upstream page again and skips what was returned. Upstream pages must therefore be stable.
 *
 * @param fetchPage - fetches the upstream page at `cursor` (`null` for the first); `pageSize` is a hint
 * @example
 * ```ts
 * queryData: (req) => paginate(req, async (cursor: string | null, { pageSize }) => {
 *   const res = await api.list({ after: cursor, limit: pageSize });
 *   return { records: res.items, next: res.nextCursor ?? null };
 * }),
 * ```
 */
export async function paginate<C>(
  request: QueryRequestLike,
  fetchPage: (cursor: C | null, hint: { pageSize: number }) => Promise<UpstreamPage<C>> | UpstreamPage<C>,
  options: PaginateOptions = {},
): Promise<QueryDataResult & { records: string[]; nextToken: string | null }> {
  const state: PageState =
    request.nextToken == null
      ? { v: 1, c: null, s: 0, n: 0 }
      : decodePageToken<PageState>(request.nextToken, isPageState);
  const compiled = compileRequestFilter(request);
  const matches = options.filterInMemory === false ? MATCH_ALL.matches : compiled.matches;
  const limit = compiled.limit;
  const remaining = limit === null ? Number.POSITIVE_INFINITY : limit - state.n;
  if (remaining <= 0) return { records: [], nextToken: null };

  const pageCap = Math.min(request.maxResults, remaining);
  const budget = (options.maxResponseBytes ?? MAX_RESPONSE_BYTES) - DEFAULT_RESERVED_BYTES;
  const project = options.selectFields !== false;
  const maxCalls = Math.max(1, options.maxUpstreamCalls ?? 10);
  const minRemaining = options.minRemainingMs ?? 3000;

  const out: string[] = [];
  let used = 2;
  let cursor = state.c as C | null;
  let skip = state.s;
  let calls = 0;

  const stop = (resumeCursor: C | null, resumeSkip: number) => {
    const returned = state.n + out.length;
    const done = limit !== null && returned >= limit;
    return {
      records: out,
      nextToken: done ? null : encodePageToken({ v: 1, c: resumeCursor, s: resumeSkip, n: returned }),
    };
  };

  for (;;) {
    const hint = { pageSize: options.filterInMemory === false ? pageCap : request.maxResults };
    const page = await fetchPage(cursor, hint);
    calls++;
    const records = page.records ?? [];
    for (let i = skip; i < records.length; i++) {
      const record = records[i]!;
      if (!matches(record)) continue;
      if (out.length >= pageCap) return stop(cursor, i);
      const text = JSON.stringify(project ? selectFields(record, request.selectedFieldNames) : record);
      const size = recordEntrySize(text) + (out.length > 0 ? 1 : 0);
      if (used + size > budget) {
        if (out.length === 0) {
          throw new ConnectorError(
            "InvalidArgument",
            `A single record takes ${size} bytes, more than the ${budget} bytes a Lambda response can hold`,
          );
        }
        return stop(cursor, i);
      }
      used += size;
      out.push(text);
    }
    if (page.next == null) return { records: out, nextToken: null };
    cursor = page.next;
    skip = 0;
    const outOfTime = options.context !== undefined && options.context.remainingTimeMs() < minRemaining;
    if (out.length >= pageCap || calls >= maxCalls || outOfTime) return stop(cursor, 0);
  }
}

/**
 * {@link paginate} over records the connector already holds in memory (or loads in one go): filters,
 * applies LIMIT across pages, projects, pages by `maxResults` and keeps responses under 6 MB. The array
 * must be in the same order on every call.
 */
export function paginateArray(
  request: QueryRequestLike,
  records: readonly DataRecord[] | (() => Promise<readonly DataRecord[]> | readonly DataRecord[]),
  options: Omit<PaginateOptions, "maxUpstreamCalls" | "context" | "minRemainingMs"> = {},
): Promise<QueryDataResult & { records: string[]; nextToken: string | null }> {
  return paginate<never>(
    request,
    async () => ({ records: typeof records === "function" ? await records() : records, next: null }),
    options,
  );
}
