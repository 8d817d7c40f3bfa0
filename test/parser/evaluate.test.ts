import { describe, expect, it } from "vitest";
import {
  applyLimit,
  compareCodePoints,
  compileFilter,
  evaluateFilter,
  type FilterEntityDefinition,
  FilterSemanticError,
  FilterSyntaxError,
  pageBudget,
  parseFilter,
} from "../../src/parser/index.js";
import { entityDefinition, evaluatorTable, records } from "./fixtures/evaluator-table.js";

function rejection(
  filter: string,
  definition: FilterEntityDefinition = entityDefinition,
): FilterSemanticError {
  try {
    compileFilter(filter, definition);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSemanticError);
    return error as FilterSemanticError;
  }
  throw new Error(`expected ${filter} to be rejected`);
}

describe("section 5.3 evaluation table (normative)", () => {
  for (const row of evaluatorTable) {
    it(`${row.filter} → ${JSON.stringify(row.expect)}`, () => {
      const { expect: expected } = row;
      if ("matches" in expected) {
        const compiled = compileFilter(parseFilter(row.filter), entityDefinition);
        expect(compiled.filter(records).map((r) => r.id)).toEqual(expected.matches);
      } else if ("rejected" in expected) {
        const error = rejection(row.filter);
        expect(error.code).toBe("InvalidArgument");
        expect(error.line).toBe(1);
        expect(typeof error.column).toBe("number");
      } else {
        expect(() => compileFilter(row.filter, entityDefinition)).toThrow(FilterSyntaxError);
        try {
          parseFilter(row.filter);
        } catch (error) {
          expect(error).toMatchObject(expected.syntaxError);
        }
      }
    });
  }
});

const types: FilterEntityDefinition = {
  fields: [
    { fieldName: "s", dataType: "String" },
    { fieldName: "n", dataType: "Integer" },
    { fieldName: "d", dataType: "Date" },
    { fieldName: "t", dataType: "DateTime" },
    { fieldName: "b", dataType: "Boolean" },
    { fieldName: "l", dataType: "List" },
    { fieldName: "m", dataType: "Map" },
    { fieldName: "st", dataType: "Struct" },
    { fieldName: "ba", dataType: "ByteArray" },
    { fieldName: "x", dataType: "Widget" },
    { fieldName: "constructor", dataType: "String" },
    { fieldName: "account.Id", dataType: "Long" },
  ],
};
const matches = (filter: string, record: Record<string, unknown>): boolean =>
  evaluateFilter(filter, record, types);

describe("evaluator: rejections (R4 to R10)", () => {
  const rejected: Array<[string, string]> = [
    ["s AND n = 1", "bare identifier"],
    ["NOT 5", "bare value"],
    ["s LIMIT 10", "bare identifier"],
    ["n = 1 OR 'x'", "bare value"],
    ["n = 1 OR nope = 2", "unknown field 'nope'"],
    ["x = 1", "unsupported data type 'Widget'"],
    ["n = '1e5'", "not a number"],
    ["n = 2021-01-01", "not a number"],
    ["n = true", "not a number"],
    ["n CONTAINS 1", "CONTAINS is not defined"],
    ["d = 2021-04-00", "not a valid date"],
    ["d = 2021-02-29", "not a valid date"],
    ["d = 1900-02-29", "not a valid date"],
    ["t = 2021-02-30T00:00:00Z", "not a valid date"],
    ["t = 2021-08-21T24:00:00.001Z", "not a valid date"],
    ["t = 2021-08-21T24:30:00Z", "not a valid date"],
    ["t = 'yesterday'", "not a date"],
    ["t = '2021-08-21T25:00Z'", "not a date"],
    ["t = true", "not a date"],
    ["t CONTAINS '2021'", "CONTAINS is not defined"],
    ["s = false", "not a string"],
    ["b = 1", "not a boolean"],
    ["b = 'true'", "not a boolean"],
    ["b IN (null, 1)", "not a boolean"],
    ["b BETWEEN 1 AND 2", "BETWEEN is not defined"],
    ["b > null", "operator '>' is not defined"],
    ["b CONTAINS 'x'", "CONTAINS is not defined"],
    ["l = 'x'", "only null can"],
    ["l > null", "operator '>' is not defined"],
    ["l IN ('x')", "only null can"],
    ["m != 'x'", "only null can"],
    ["st = 'x'", "only null can"],
    ["st CONTAINS 'x'", "CONTAINS is not defined"],
    ["ba = 'SGVsbG8='", "only null can"],
    ["n BETWEEN 1 AND 'z'", "not a number"],
    ["n BETWEEN null AND 'z'", "not a number"],
  ];
  for (const [filter, reason] of rejected) {
    it(`${filter} → ${reason}`, () => {
      const error = rejection(filter, types);
      expect(error.reason).toContain(reason);
      expect(error.code).toBe("InvalidArgument");
      expect(error.message).toBe(`${error.line}:${error.column}: ${error.reason}`);
    });
  }

  it("locates the offending node", () => {
    expect(rejection("n = 1 AND\n  n = 'abc'", types)).toMatchObject({ line: 2, column: 7, offset: 16 });
    expect(rejection("n = 1 AND nope = 1", types)).toMatchObject({ line: 1, column: 11 });
  });

  it("rejects before reading any record", () => {
    const compiled = () =>
      compileFilter("n = 1 OR n = 'x'", types).matches(
        new Proxy(
          {},
          {
            get() {
              throw new Error("read");
            },
          },
        ),
      );
    expect(compiled).toThrow(FilterSemanticError);
  });

  it("accepts null for every type", () => {
    for (const field of ["s", "n", "d", "t", "b", "l", "m", "st", "ba"]) {
      expect(() =>
        compileFilter(`${field} = null OR ${field} != null OR ${field} IN (null)`, types),
      ).not.toThrow();
    }
  });

  it("accepts the SDK's richer entity definition shape", () => {
    const sdkDefinition = {
      entity: { entityIdentifier: "E", hasNestedEntities: false, isWritable: true },
      fields: [
        { fieldName: "a", dataType: "String", dataTypeLabel: "String", filterOperators: ["EQUAL_TO"] },
      ],
      customProperties: {},
    };
    expect(evaluateFilter("a = 'x'", { a: "x" }, sdkDefinition)).toBe(true);
  });
});

describe("evaluator: null, missing and malformed values (R7, R8)", () => {
  it("treats absent, null and undefined as missing", () => {
    for (const record of [{}, { n: null }, { n: undefined }]) {
      expect(matches("n = null", record)).toBe(true);
      expect(matches("n != null", record)).toBe(false);
      expect(matches("n != 5", record)).toBe(false);
      expect(matches("NOT (n = 5)", record)).toBe(true);
      expect(matches("n IN (5, null)", record)).toBe(true);
      expect(matches("n IN (5)", record)).toBe(false);
    }
  });

  it("treats malformed values as present but never comparable", () => {
    const record = { n: "5", s: 5, b: "true", d: "2021-02-30", t: 1629608767000, l: "x", m: [] };
    for (const f of ["n", "s", "b", "d", "t", "l", "m"]) {
      expect(matches(`${f} != null`, record)).toBe(true);
      expect(matches(`${f} = null`, record)).toBe(false);
    }
    expect(matches("n = 5", record)).toBe(false);
    expect(matches("n != 5", record)).toBe(false);
    expect(matches("n IN (5, null)", record)).toBe(false);
    expect(matches("s = '5'", record)).toBe(false);
    expect(matches("s CONTAINS ''", record)).toBe(false);
    expect(matches("b != true", record)).toBe(false);
    expect(matches("d < 2030-01-01", record)).toBe(false);
    expect(matches("t < 2030-01-01", record)).toBe(false);
    expect(matches("l CONTAINS 'x'", record)).toBe(false);
    expect(matches("m CONTAINS '0'", record)).toBe(false);
  });

  it("makes comparisons with null other than = and != false for every record", () => {
    for (const record of [{}, { n: 1, s: "x" }]) {
      expect(matches("n > null", record)).toBe(false);
      expect(matches("n BETWEEN null AND 5", record)).toBe(false);
      expect(matches("s CONTAINS null", record)).toBe(false);
      expect(matches("NOT (s CONTAINS null)", record)).toBe(true);
    }
  });

  it("reads only own properties of the record", () => {
    expect(matches("constructor = null", {})).toBe(true);
    expect(matches("constructor != null", { constructor: "c" })).toBe(true);
    expect(matches("m CONTAINS 'toString'", { m: {} })).toBe(false);
    expect(matches("m CONTAINS 'toString'", { m: { toString: 1 } })).toBe(true);
  });

  it("uses a dotted field name as one key", () => {
    expect(matches("account.Id = 7", { "account.Id": 7 })).toBe(true);
    expect(matches("account.Id = 7", { account: { Id: 7 } })).toBe(false);
  });
});

describe("evaluator: operators (R9, R10)", () => {
  it("compares numbers by value, strings from the literal text", () => {
    expect(matches("n = 100.0", { n: 100 })).toBe(true);
    expect(matches("n = '-5.25'", { n: -5.25 })).toBe(true);
    expect(matches("n = -0", { n: 0 })).toBe(true);
    expect(matches("n BETWEEN 1 AND 1", { n: 1 })).toBe(true);
    expect(matches("s = 007", { s: "007" })).toBe(true);
    expect(matches("s = 007", { s: "7" })).toBe(false);
    expect(matches("s = 2021-01-01", { s: "2021-01-01" })).toBe(true);
    expect(matches("s BETWEEN 'a' AND 'c'", { s: "c" })).toBe(true);
    expect(matches("s BETWEEN 'a' AND 'c'", { s: "ca" })).toBe(false);
  });

  it("orders strings by code point, not UTF-16 unit", () => {
    expect("\u{1F600}" < "\uE000").toBe(true); // what JavaScript does
    expect(matches("s > '\uE000'", { s: "\u{1F600}" })).toBe(true);
    expect(matches("s < '\uFFFF'", { s: "\u{10000}" })).toBe(false);
    expect(matches("s > 'B'", { s: "a" })).toBe(true);
    expect(compareCodePoints("a\u{10000}", "a\uFFFF")).toBeGreaterThan(0);
    expect(compareCodePoints("\ud800x", "\ud800\udc00")).toBeLessThan(0);
    expect(compareCodePoints("ab", "abc")).toBeLessThan(0);
    expect(compareCodePoints("é", "é")).toBe(0);
  });

  it("is case-sensitive with no normalisation", () => {
    expect(matches("s = 'é'", { s: "e\u0301" })).toBe(false);
    expect(matches("s CONTAINS 'A'", { s: "abc" })).toBe(false);
    expect(matches("s CONTAINS '%_'", { s: "x%_y" })).toBe(true);
    expect(matches("s CONTAINS '%'", { s: "xy" })).toBe(false);
  });

  it("interprets dates and date-times (R6, R7)", () => {
    expect(matches("t = 2021-08-21T05:06:07Z", { t: "2021-08-21T07:06:07+02:00" })).toBe(true);
    expect(matches("t = 2021-08-21T05:06:07Z", { t: "2021-08-21T01:06:07-04:00" })).toBe(true);
    expect(matches("t = 2021-08-21T05:06:07Z", { t: "2021-08-21T05:06:07" })).toBe(true);
    expect(matches("t = 2021-08-21T05:06:00Z", { t: "2021-08-21T05:06" })).toBe(true);
    expect(matches("t = 2021-08-21", { t: "2021-08-21" })).toBe(true);
    expect(matches("t = 2021-08-21T05:06:07.123Z", { t: "2021-08-21T05:06:07.1239Z" })).toBe(true);
    expect(matches("t = 2021-08-21T05:06:07.1239Z", { t: "2021-08-21T05:06:07.123Z" })).toBe(true);
    expect(matches("t = 2021-08-22T00:00:00Z", { t: "2021-08-21T24:00" })).toBe(true);
    expect(matches("t = 2021-08-22", { t: "2021-08-21T24:00:00.000Z" })).toBe(true);
    expect(matches("t = 1629608767000", { t: "2021-08-22T05:06:07Z" })).toBe(true);
    expect(matches("t = '2021-08-22T07:06:07+02:00'", { t: "2021-08-22T05:06:07Z" })).toBe(true);
    expect(matches("t = 2021-08-22T24:00:00.000Z", { t: "2021-08-23" })).toBe(true);
    expect(matches("d = 2020-02-29", { d: "2020-02-29" })).toBe(true);
    expect(matches("d = 2000-02-29", { d: "2000-02-29T00:00:00Z" })).toBe(true);
    expect(matches("d > 0000-01-01", { d: "0001-01-01" })).toBe(true);
    expect(matches("d < 0100-01-01", { d: "0099-12-31" })).toBe(true);
    expect(matches("d > 1969-12-31", { d: "1970-01-01" })).toBe(true);
    for (const malformed of [
      "2021-08-21T05:06:07+24:00",
      "2021-08-21T05:06:07+0100",
      "2021-08-21t05:06:07Z",
      "2021-08-21T05:06:60Z",
      "2021-08-21T24:00:01Z",
      "2021-8-21",
      "21-08-21",
      "2021-08-21 05:06:07",
      "2021-08-21T05",
    ]) {
      expect(matches("t != null", { t: malformed })).toBe(true);
      expect(matches("t > 0", { t: malformed })).toBe(false);
    }
  });

  it("compares booleans", () => {
    expect(matches("b = true", { b: true })).toBe(true);
    expect(matches("b != TRUE", { b: false })).toBe(true);
    expect(matches("b = False", { b: false })).toBe(true);
  });

  it("implements CONTAINS on lists and maps", () => {
    const record = { l: [1, "2", 3.5, "007", null, { a: 1 }, "2021-01-01"], m: { k: 1, "5": true } };
    expect(matches("l CONTAINS 1", record)).toBe(true);
    expect(matches("l CONTAINS '1'", record)).toBe(true);
    expect(matches("l CONTAINS '1.0'", record)).toBe(true);
    expect(matches("l CONTAINS 2", record)).toBe(true);
    expect(matches("l CONTAINS 2.0", record)).toBe(false);
    expect(matches("l CONTAINS 3.50", record)).toBe(true);
    expect(matches("l CONTAINS 007", record)).toBe(true);
    expect(matches("l CONTAINS 7", record)).toBe(false);
    expect(matches("l CONTAINS 2021-01-01", record)).toBe(true);
    expect(matches("l CONTAINS 'a'", record)).toBe(false);
    expect(matches("m CONTAINS 'k'", record)).toBe(true);
    expect(matches("m CONTAINS 5", record)).toBe(true);
    expect(matches("m CONTAINS 1", record)).toBe(false);
  });

  it("uses two-valued logic", () => {
    expect(matches("NOT (n = 1) AND NOT (s = 'x')", {})).toBe(true);
    expect(matches("NOT NOT (n = 1)", {})).toBe(false);
    expect(matches("n = 1 OR s = 'x' AND b = true", { n: 1 })).toBe(true);
    expect(matches("(n = 1 OR s = 'x') AND b = true", { n: 1 })).toBe(false);
  });

  it("evaluates very deep and very long filters without recursion", () => {
    const chain = Array.from({ length: 30_000 }, (_, i) => `n != ${i}`).join(" AND ");
    const compiled = compileFilter(chain, types);
    expect(compiled.matches({ n: 30_000 })).toBe(true);
    expect(compiled.matches({ n: 29_999 })).toBe(false);
    const nested = `${"NOT (".repeat(4000)}n = 1${")".repeat(4000)}`;
    expect(evaluateFilter(nested, { n: 1 }, types)).toBe(true);
  });

  it("accepts a parse result, a node or the text", () => {
    const ast = parseFilter("n = 1");
    expect(evaluateFilter(ast, { n: 1 }, types)).toBe(true);
    expect(evaluateFilter(ast.expression!, { n: 1 }, types)).toBe(true);
    expect(compileFilter("n > 0", types).fields).toEqual(["n"]);
    expect(compileFilter("LIMIT 5", types).matches({})).toBe(true);
  });
});

describe("LIMIT (R12)", () => {
  it("exposes the limit and cuts filter() to it", () => {
    const compiled = compileFilter("n > 0 LIMIT 2", types);
    expect(compiled.limit).toBe(2);
    expect(compiled.filter([{ n: 1 }, { n: 0 }, { n: 2 }, { n: 3 }])).toEqual([{ n: 1 }, { n: 2 }]);
    expect(compileFilter("LIMIT 1", types).filter([{ n: 5 }, { n: 6 }])).toEqual([{ n: 5 }]);
    expect(compileFilter("n > 0", types).limit).toBeNull();
  });

  it("caps the total across pages", () => {
    const all = Array.from({ length: 10 }, (_, i) => i);
    let returned = 0;
    const pages: number[][] = [];
    for (;;) {
      const page = applyLimit(all.slice(returned), 5, { returnedSoFar: returned, maxResults: 2 });
      pages.push(page.records);
      returned = page.returnedSoFar;
      if (page.limitReached || page.records.length === 0) break;
    }
    expect(pages).toEqual([[0, 1], [2, 3], [4]]);
    expect(pageBudget(null, 100, 25)).toBe(25);
    expect(pageBudget(10, 10, 25)).toBe(0);
    expect(pageBudget(10, 3)).toBe(7);
    expect(applyLimit([1, 2], null).limitReached).toBe(false);
  });
});
