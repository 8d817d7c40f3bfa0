import { describe, expect, it, vi } from "vitest";
import type { DataRecord, EntityDefinition, QueryDataResponse } from "../../src/sdk/index.js";
import {
  compileRequestFilter,
  createHandler,
  decodePageToken,
  paginate,
  paginateArray,
  parseFilterExpression,
} from "../../src/sdk/index.js";

const ENTITY: EntityDefinition = {
  entity: { entityIdentifier: "Account", hasNestedEntities: false },
  fields: [
    { fieldName: "id", dataType: "String" },
    { fieldName: "name", dataType: "String" },
    { fieldName: "amount", dataType: "Double" },
    { fieldName: "created", dataType: "DateTime" },
    { fieldName: "tags", dataType: "List" },
  ],
};

/** The evaluation records of filter-language.md 5.3. */
const RECORDS: DataRecord[] = [
  { id: "r1", name: "Alexa Shop", amount: 150, created: "2021-08-21T07:06:07+02:00", tags: ["vip", "eu"] },
  { id: "r2", name: "alexa", amount: 100.0, created: "2021-08-22T05:06:07Z", tags: [] },
  { id: "r3", name: null, amount: 99.5 },
];

const numbered = (n: number): DataRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${i}`, amount: i }));

function request(
  filterExpression: string | null,
  extra: { nextToken?: string | null; maxResults?: number; selectedFieldNames?: string[] | null } = {},
) {
  return {
    filter: parseFilterExpression(filterExpression),
    nextToken: extra.nextToken ?? null,
    maxResults: extra.maxResults ?? 1000,
    selectedFieldNames: extra.selectedFieldNames ?? null,
    connectorContext: { entityDefinition: ENTITY },
  };
}

type Page = { records: string[]; nextToken: string | null };

const ids = (records: string[]) => records.map((r) => (JSON.parse(r) as { id: string }).id);

describe("parseFilterExpression", () => {
  it("treats null, empty and blank text as no filter", () => {
    expect(parseFilterExpression(null)).toBeNull();
    expect(parseFilterExpression("")).toBeNull();
    expect(parseFilterExpression("  \n")).toBeNull();
  });

  it("reports syntax errors as R3 InvalidArgument", () => {
    expect(() => parseFilterExpression("a b")).toThrow(
      expect.objectContaining({
        errorCode: "InvalidArgument",
        message: expect.stringMatching(/^Invalid filter expression at 1:3: unexpected 'b'/),
      }),
    );
  });
});

describe("compileRequestFilter", () => {
  it.each([
    ["amount > 100", ["r1"]],
    ["amount BETWEEN 100 AND 150", ["r1", "r2"]],
    ['name CONTAINS "Alexa"', ["r1"]],
    ["name = null", ["r3"]],
    ["created BETWEEN 2021-08-21T05:06:07Z AND 2021-08-22T05:06:07Z", ["r1", "r2"]],
    ['tags CONTAINS "vip"', ["r1"]],
  ])("%s", (filter, expected) => {
    const f = compileRequestFilter(request(filter));
    expect(RECORDS.filter((r) => f.matches(r)).map((r) => r.id)).toEqual(expected);
  });

  it("rejects semantic errors with InvalidArgument", () => {
    for (const bad of ["nope = 1", 'amount > "abc"', "name"]) {
      expect(() => compileRequestFilter(request(bad))).toThrow(
        expect.objectContaining({
          errorCode: "InvalidArgument",
          message: expect.stringMatching(/^Invalid filter expression/),
        }),
      );
    }
  });

  it("needs an entity definition for conditions, not for a bare LIMIT", () => {
    const noDef = {
      filter: parseFilterExpression("amount > 1"),
      connectorContext: { entityDefinition: null },
    };
    expect(() => compileRequestFilter(noDef)).toThrow(/no connectorContext.entityDefinition/);
    const limitOnly = compileRequestFilter({
      filter: parseFilterExpression("LIMIT 5"),
      connectorContext: {},
    });
    expect(limitOnly.limit).toBe(5);
    expect(limitOnly.matches({})).toBe(true);
  });
});

describe("paginateArray", () => {
  it("filters, projects and pages", async () => {
    const r1 = await paginateArray(request("amount >= 0", { selectedFieldNames: ["id"] }), RECORDS);
    expect(r1).toEqual({ records: ['{"id":"r1"}', '{"id":"r2"}', '{"id":"r3"}'], nextToken: null });
  });

  it("LIMIT caps the total across pages (R12) and carries returnedSoFar in the token", async () => {
    const data = numbered(25);
    const pages: string[][] = [];
    let token: string | null = null;
    do {
      const page: Page = await paginateArray(
        request("amount >= 3 LIMIT 10", { nextToken: token, maxResults: 4 }),
        data,
      );
      pages.push(ids(page.records));
      token = page.nextToken;
      if (token !== null) expect(decodePageToken(token)).toMatchObject({ n: pages.flat().length });
    } while (token !== null);
    expect(pages).toEqual([
      ["r3", "r4", "r5", "r6"],
      ["r7", "r8", "r9", "r10"],
      ["r11", "r12"],
    ]);
  });

  it("LIMIT without an expression means all records, capped", async () => {
    const page = await paginateArray(request("LIMIT 2", { maxResults: 10 }), RECORDS);
    expect(ids(page.records)).toEqual(["r1", "r2"]);
    expect(page.nextToken).toBeNull();
  });

  it("ends with nextToken null when the data runs out before LIMIT", async () => {
    const page = await paginateArray(request("amount > 0 LIMIT 100", { maxResults: 10 }), RECORDS);
    expect(ids(page.records)).toEqual(["r1", "r2", "r3"]);
    expect(page.nextToken).toBeNull();
  });

  it("rejects a tampered token", async () => {
    await expect(paginateArray(request(null, { nextToken: "eyJ4IjoxfQ" }), RECORDS)).rejects.toMatchObject({
      errorCode: "InvalidArgument",
    });
  });

  it("splits a page that would exceed the response limit and resumes after it", async () => {
    const data = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, pad: "x".repeat(1000) }));
    const opts = { maxResponseBytes: 16 * 1024 + 2500 };
    const first = await paginateArray(request(null), data, opts);
    expect(ids(first.records)).toEqual(["r0", "r1"]);
    const second = await paginateArray(request(null, { nextToken: first.nextToken }), data, opts);
    expect(ids(second.records)).toEqual(["r2", "r3"]);
  });
});

describe("paginate over an upstream cursor", () => {
  /** An upstream of 3 pages of 5 records, with string cursors. */
  const upstream = vi.fn(async (cursor: string | null) => {
    const page = cursor === null ? 0 : Number(cursor.slice(1));
    const data = numbered(15).slice(page * 5, page * 5 + 5);
    return { records: data, next: page < 2 ? `p${page + 1}` : null };
  });

  it("fills pages across upstream pages, resumes inside an upstream page, applies LIMIT", async () => {
    const all: string[] = [];
    const tokens: (string | null)[] = [];
    let token: string | null = null;
    do {
      const page: Page = await paginate(
        request("amount != 4 LIMIT 9", { nextToken: token, maxResults: 3 }),
        upstream,
      );
      all.push(...ids(page.records));
      token = page.nextToken;
      tokens.push(token);
    } while (token !== null);
    expect(all).toEqual(["r0", "r1", "r2", "r3", "r5", "r6", "r7", "r8", "r9"]);
    expect(tokens.at(-1)).toBeNull();
    expect(tokens).toHaveLength(3);
  });

  it("filterInMemory:false applies LIMIT and passes the remaining budget as the page size", async () => {
    const fetch = vi.fn(async (_cursor: string | null, hint: { pageSize: number }) => ({
      records: numbered(hint.pageSize),
      next: "more",
    }));
    const page = await paginate(request("amount > 1000 LIMIT 2", { maxResults: 10 }), fetch, {
      filterInMemory: false,
    });
    expect(ids(page.records)).toEqual(["r0", "r1"]);
    expect(page.nextToken).toBeNull();
    expect(fetch).toHaveBeenCalledWith(null, { pageSize: 2 });
  });

  it("stops fetching when time runs short or after maxUpstreamCalls", async () => {
    const fetch = vi.fn(async (cursor: number | null) => ({ records: [], next: (cursor ?? 0) + 1 }));
    const a = await paginate(request("amount > 0"), fetch, { maxUpstreamCalls: 3 });
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(a.records).toEqual([]);
    expect(decodePageToken(a.nextToken!)).toMatchObject({ c: 3, s: 0, n: 0 });
    fetch.mockClear();
    await paginate(request(null), fetch, { context: { remainingTimeMs: () => 1000 } });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("through the handler", () => {
  it("a connector using paginateArray serves LIMIT across QueryData calls", async () => {
    const handler = createHandler({ queryData: (req) => paginateArray(req, numbered(50)) });
    const event = (nextToken: string | null) => ({
      type: "QueryDataRequest" as const,
      entityIdentifier: "Account",
      filterExpression: "amount >= 10 limit 7",
      maxResults: 5,
      nextToken,
      connectorContext: { apiVersion: "v1", entityDefinition: ENTITY },
    });
    const first = (await handler(event(null))) as QueryDataResponse;
    expect(ids(first.records!)).toEqual(["r10", "r11", "r12", "r13", "r14"]);
    const second = (await handler(event(first.nextToken))) as QueryDataResponse;
    expect(ids(second.records!)).toEqual(["r15", "r16"]);
    expect(second.nextToken).toBeNull();
  });
});
