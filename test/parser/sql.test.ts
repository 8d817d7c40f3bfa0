import { describe, expect, it } from "vitest";
import {
  escapeLike,
  type FilterEntityDefinition,
  FilterSemanticError,
  parseFilter,
  quoteIdentifier,
  type ToSqlOptions,
  toSql,
} from "../../src/parser/index.js";

const sql = (filter: string, options: ToSqlOptions) => toSql(parseFilter(filter), options);
const pg = (filter: string, extra: Partial<ToSqlOptions> = {}) =>
  sql(filter, { dialect: "postgres", ...extra });
const my = (filter: string, extra: Partial<ToSqlOptions> = {}) => sql(filter, { dialect: "mysql", ...extra });
const lite = (filter: string, extra: Partial<ToSqlOptions> = {}) =>
  sql(filter, { dialect: "sqlite", ...extra });

const definition: FilterEntityDefinition = {
  fields: [
    { fieldName: "name", dataType: "String" },
    { fieldName: "amount", dataType: "Double" },
    { fieldName: "created", dataType: "DateTime" },
    { fieldName: "day", dataType: "Date" },
    { fieldName: "active", dataType: "Boolean" },
    { fieldName: "tags", dataType: "List" },
    { fieldName: "attrs", dataType: "Map" },
    { fieldName: "blob", dataType: "ByteArray" },
  ],
};

describe("toSql: placeholders and quoting per dialect", () => {
  it("numbers postgres placeholders and uses ? elsewhere", () => {
    expect(pg("a = 1 AND b != 'x'")).toEqual({
      where: '"a" = $1 AND "b" <> $2',
      params: [1, "x"],
      limit: null,
    });
    expect(my("a = 1 AND b != 'x'")).toEqual({
      where: "`a` = ? AND `b` <> ?",
      params: [1, "x"],
      limit: null,
    });
    expect(lite("a = 1 AND b != 'x'")).toEqual({
      where: '"a" = ? AND "b" <> ?',
      params: [1, "x"],
      limit: null,
    });
  });

  it("quotes identifiers, a dotted name as one column", () => {
    expect(pg("account.Id >= 90").where).toBe('"account.Id" >= $1');
    expect(my("account-Id <= 100").where).toBe("`account-Id` <= ?");
    expect(quoteIdentifier('a"b', "postgres")).toBe('"a""b"');
    expect(quoteIdentifier('a"b', "sqlite")).toBe('"a""b"');
    expect(quoteIdentifier("a`b", "mysql")).toBe("`a``b`");
    expect(() => quoteIdentifier("", "mysql")).toThrow(TypeError);
    expect(() => quoteIdentifier("a\u0000", "postgres")).toThrow(TypeError);
  });

  it("maps fields to columns and quotes the result whole", () => {
    const columnMap = (field: string) => `col_${field}"; DROP TABLE x; --`;
    expect(pg("a = 1", { columnMap }).where).toBe('"col_a""; DROP TABLE x; --" = $1');
    expect(my("a = 1", { columnMap: (f) => `t.${f}\`` }).where).toBe("`t.a``` = ?");
  });

  it("continues the numbering after paramOffset", () => {
    expect(pg("a = 1 OR b = 2", { paramOffset: 3 }).where).toBe('"a" = $4 OR "b" = $5');
  });
});

describe("toSql: values never reach the SQL text", () => {
  const attacks = [
    "'; DROP TABLE users; --",
    "\\'; DROP TABLE users; --",
    '" OR 1=1 --',
    "50% off_sale\\",
    "$1",
    "?",
    "\u0000",
    "😀",
  ];
  for (const attack of attacks) {
    it(`binds ${JSON.stringify(attack)}`, () => {
      const literal = JSON.stringify(attack); // a double-quoted filter string with JSON-compatible escapes
      const ast = parseFilter(`name = 'x' OR name = ${literal.replace(/\\u0000/g, "\u0000")}`);
      for (const dialect of ["postgres", "mysql", "sqlite"] as const) {
        const out = toSql(ast, { dialect });
        expect(out.params).toEqual(["x", attack]);
        expect(out.where).not.toContain("DROP");
        expect(out.where).not.toContain("1=1");
        expect(out.where).not.toContain("%");
      }
    });
  }

  it("escapes LIKE wildcards and the escape character in the parameter", () => {
    expect(escapeLike("50%_a\\b")).toBe("50\\%\\_a\\\\b");
    expect(pg("name CONTAINS '50%_off\\\\'")).toEqual({
      where: "\"name\" LIKE $1 ESCAPE '\\'",
      params: ["%50\\%\\_off\\\\%"],
      limit: null,
    });
    expect(my("name CONTAINS 'x'").where).toBe("`name` LIKE ? ESCAPE '\\\\'");
    expect(lite("name CONTAINS 'x'").where).toBe("\"name\" LIKE ? ESCAPE '\\'");
    expect(pg('name CONTAINS ""').params).toEqual(["%%"]);
  });
});

describe("toSql: structure", () => {
  it("preserves the parentheses the tree needs", () => {
    expect(pg("a = 1 AND (b = 2 OR c = 3)").where).toBe('"a" = $1 AND ("b" = $2 OR "c" = $3)');
    expect(pg("(a = 1 OR b = 2) AND c = 3").where).toBe('("a" = $1 OR "b" = $2) AND "c" = $3');
    expect(pg("a = 1 OR b = 2 AND c = 3").where).toBe('"a" = $1 OR ("b" = $2 AND "c" = $3)');
    expect(pg("a = 1 AND b = 2 AND c = 3").where).toBe('"a" = $1 AND "b" = $2 AND "c" = $3');
    expect(pg("a = 1 AND (b = 2 AND c = 3)").where).toBe('"a" = $1 AND ("b" = $2 AND "c" = $3)');
    expect(pg("a = 1 OR (b = 2 OR c = 3)").where).toBe('"a" = $1 OR ("b" = $2 OR "c" = $3)');
  });

  it("writes BETWEEN inclusively", () => {
    expect(pg("x BETWEEN 1 AND 10")).toEqual({
      where: '"x" BETWEEN $1 AND $2',
      params: [1, 10],
      limit: null,
    });
    expect(pg("x BETWEEN 1 AND 10 AND y = 2").where).toBe('"x" BETWEEN $1 AND $2 AND "y" = $3');
  });

  it("handles null", () => {
    expect(pg("a = null").where).toBe('"a" IS NULL');
    expect(pg("a != null").where).toBe('"a" IS NOT NULL');
    expect(pg("a > null OR a CONTAINS null OR a BETWEEN null AND 1")).toEqual({
      where: "1 = 0 OR 1 = 0 OR 1 = 0",
      params: [],
      limit: null,
    });
    expect(pg("a IN (1, null, 2)")).toEqual({
      where: '("a" IN ($1, $2) OR "a" IS NULL)',
      params: [1, 2],
      limit: null,
    });
    expect(pg("a IN (null)").where).toBe('"a" IS NULL');
  });

  it("keeps two-valued logic under NOT", () => {
    expect(pg("NOT a = 1").where).toBe('NOT ("a" IS NOT NULL AND "a" = $1)');
    expect(pg("NOT (a = 1 OR b CONTAINS 'x')").where).toBe(
      'NOT (("a" IS NOT NULL AND "a" = $1) OR ("b" IS NOT NULL AND "b" LIKE $2 ESCAPE \'\\\'))',
    );
    expect(pg("NOT a IN (1, null)").where).toBe('NOT ("a" IN ($1) OR "a" IS NULL)');
    expect(pg("NOT a = null").where).toBe('NOT ("a" IS NULL)');
    expect(pg("NOT a > null").where).toBe("NOT (1 = 0)");
    expect(pg("NOT NOT a = 1").where).toBe('NOT (NOT ("a" IS NOT NULL AND "a" = $1))');
  });

  it("returns LIMIT separately and an empty where for LIMIT alone", () => {
    expect(pg("a = 1 LIMIT 100")).toEqual({ where: '"a" = $1', params: [1], limit: 100 });
    expect(my("LIMIT 5")).toEqual({ where: "", params: [], limit: 5 });
  });

  it("binds literals naturally without an entity definition", () => {
    expect(pg("a IN ('x', 007, -1.5, 2021-01-01, 2021-01-01T00:00:00Z) OR b = true").params).toEqual([
      "x",
      7,
      -1.5,
      "2021-01-01",
      "2021-01-01T00:00:00Z",
      true,
    ]);
  });

  it("binds booleans as 1/0 for SQLite only", () => {
    expect(lite("a = true OR b != false").params).toEqual([1, 0]);
    expect(my("a = true").params).toEqual([true]);
    expect(pg("a = False").params).toEqual([false]);
  });

  it("rejects bare identifiers and values", () => {
    for (const filter of ["a", "a AND b = 1", "NOT 5", "a = 1 OR 'x'"]) {
      expect(() => pg(filter)).toThrow(FilterSemanticError);
      expect(() => pg(filter, { entityDefinition: definition })).toThrow(FilterSemanticError);
    }
  });

  it("renders long chains without recursion", () => {
    const filter = Array.from({ length: 20_000 }, (_, i) => `a = ${i}`).join(" OR ");
    const out = lite(filter);
    expect(out.params).toHaveLength(20_000);
    expect(out.where.startsWith('"a" = ? OR "a" = ?')).toBe(true);
  });
});

describe("toSql: with an entity definition", () => {
  it("converts literals like the evaluator", () => {
    expect(
      pg("amount = '100' AND name = 007 AND active != false AND day = 2021-08-21", {
        entityDefinition: definition,
      }).params,
    ).toEqual([100, "007", false, "2021-08-21T00:00:00.000Z"]);
    expect(
      pg("created BETWEEN 2021-08-21T24:00:00Z AND 1629608767000", { entityDefinition: definition }).params,
    ).toEqual(["2021-08-22T00:00:00.000Z", "2021-08-22T05:06:07.000Z"]);
    expect(
      pg("created > '2021-08-21T07:06:07.123456+02:00'", { entityDefinition: definition, dates: "date" })
        .params,
    ).toEqual([new Date("2021-08-21T05:06:07.123Z")]);
    expect(pg("blob = null AND tags != null", { entityDefinition: definition }).where).toBe(
      '"blob" IS NULL AND "tags" IS NOT NULL',
    );
  });

  it("rejects what the evaluator rejects", () => {
    for (const filter of [
      "nope = 1",
      "amount = 'abc'",
      "amount CONTAINS 1",
      "name = true",
      "day = 2021-02-31",
      "created > 2021-08-21T24:00:01Z",
      "active > null",
    ]) {
      expect(() => pg(filter, { entityDefinition: definition })).toThrow(FilterSemanticError);
    }
  });

  it("rejects CONTAINS on List and Map fields, which has no portable SQL form", () => {
    expect(() => pg("tags CONTAINS 'x'", { entityDefinition: definition })).toThrow(/cannot be translated/);
    expect(() => pg("attrs CONTAINS 'x'", { entityDefinition: definition })).toThrow(FilterSemanticError);
  });

  it("rejects an unknown dialect", () => {
    expect(() => sql("a = 1", { dialect: "oracle" as "mysql" })).toThrow(TypeError);
  });
});
