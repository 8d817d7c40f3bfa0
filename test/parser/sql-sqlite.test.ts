/**
 * Differential test: the SQL produced by toSql (sqlite dialect) is run by Python's sqlite3 module
 * against a table holding the same records, and the rows it returns must equal what the in-memory
 * evaluator selects. Skipped when python3 (with sqlite3) is not available.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFilter, type FilterEntityDefinition, parseFilter, toSql } from "../../src/parser/index.js";
import { recordTemporalToInstant } from "../../src/parser/temporal.js";

const python = (() => {
  try {
    execFileSync("python3", ["-c", "import sqlite3, json"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const COLUMNS = ["id", "name", "amount", "qty", "created", "day", "active"] as const;
const definition: FilterEntityDefinition = {
  fields: [
    { fieldName: "id", dataType: "String" },
    { fieldName: "name", dataType: "String" },
    { fieldName: "amount", dataType: "Double" },
    { fieldName: "qty", dataType: "Integer" },
    { fieldName: "created", dataType: "DateTime" },
    { fieldName: "day", dataType: "Date" },
    { fieldName: "active", dataType: "Boolean" },
  ],
};

const NAMES = [
  "Alexa Shop",
  "alexa",
  "ALEXA",
  "",
  "50% off",
  "a_b",
  "a\\b",
  "it's",
  'say "hi"',
  "é",
  "\u{1F600}",
  "\uE000",
  "B",
  "b",
  "x%_\\y",
];
const AMOUNTS = [-1, 0, 1, 1.5, 99.5, 100, 150, 1e6];
const QTYS = [-3, 0, 1, 2, 7, 100];
const CREATED = [
  "2021-08-21T07:06:07+02:00",
  "2021-08-22T05:06:07Z",
  "2021-08-21T05:06:07.5Z",
  "2021-08-22T00:00:00Z",
  "2021-08-21T23:59",
  "1999-12-31T23:59:59.999-05:00",
];
const DAYS = ["2021-08-21", "2021-08-22", "2020-02-29", "1999-12-31"];

/** Deterministic records: each field present or missing. */
function makeRecords(): Record<string, unknown>[] {
  const maybe = <T>(values: readonly T[]) => fc.option(fc.constantFrom(...values), { freq: 4, nil: null });
  const recordArb = fc.record({
    name: maybe(NAMES),
    amount: maybe(AMOUNTS),
    qty: maybe(QTYS),
    created: maybe(CREATED),
    day: maybe(DAYS),
    active: maybe([true, false]),
  });
  return fc.sample(recordArb, { numRuns: 60, seed: 20240501 }).map((r, i) => ({ id: `r${i}`, ...r }));
}

const str = (s: string) =>
  JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));

/** Random filter text over the schema, using literals that type-check. */
function filterArb(): fc.Arbitrary<string> {
  const stringLit = fc.oneof(
    fc.constantFrom(...NAMES).map(str),
    fc.constantFrom("Alexa", "a", "%", "_", "\\b", "_\\_", "'", "x", "50", "A").map(str),
    fc.constantFrom("007", "150", "2021-08-21"),
  );
  const numberLit = fc.oneof(
    fc.constantFrom(...AMOUNTS, ...QTYS).map((n) => String(n)),
    fc.constantFrom("'100'", '"1.5"', "100.0", "-0", "007"),
  );
  const dateLit = fc.constantFrom(
    "2021-08-21",
    "2021-08-22",
    "2021-08-21T05:06:07Z",
    "2021-08-21T24:00:00Z",
    "2021-08-22T05:06:07.000999Z",
    "1629608767000",
    "'2021-08-21T07:06:07+02:00'",
    "2020-02-29",
  );
  const op = fc.constantFrom("=", "!=", "<", "<=", ">", ">=");
  const orNull = (lit: fc.Arbitrary<string>) =>
    fc.oneof({ arbitrary: lit, weight: 6 }, { arbitrary: fc.constant("null"), weight: 1 });
  const leafFor = (field: string, lit: fc.Arbitrary<string>, contains: boolean): fc.Arbitrary<string> =>
    fc.oneof(
      fc.tuple(op, orNull(lit)).map(([o, v]) => `${field} ${o} ${v}`),
      fc.tuple(orNull(lit), orNull(lit)).map(([a, b]) => `${field} BETWEEN ${a} AND ${b}`),
      fc.array(orNull(lit), { minLength: 1, maxLength: 4 }).map((vs) => `${field} IN (${vs.join(", ")})`),
      ...(contains ? [orNull(lit).map((v) => `${field} CONTAINS ${v}`)] : []),
    );
  const leaf = fc.oneof(
    leafFor("name", stringLit, true),
    leafFor("id", fc.constantFrom("'r1'", "'r2'", "'r10'"), true),
    leafFor("amount", numberLit, false),
    leafFor("qty", numberLit, false),
    leafFor("created", dateLit, false),
    leafFor("day", dateLit, false),
    fc
      .tuple(fc.constantFrom("=", "!="), fc.constantFrom("true", "false", "null"))
      .map(([o, v]) => `active ${o} ${v}`),
  );
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { arbitrary: leaf, weight: 3 },
      tie("expr").map((e) => `NOT (${e})`),
      fc
        .tuple(tie("expr"), fc.constantFrom("AND", "OR"), tie("expr"))
        .map(([a, k, b]) => `(${a}) ${k} (${b})`),
      fc.tuple(tie("expr"), fc.constantFrom("AND", "OR"), tie("expr")).map(([a, k, b]) => `${a} ${k} ${b}`),
    ),
  }));
  return fc
    .tuple(expr, fc.option(fc.integer({ min: 1, max: 5 }), { freq: 5 }))
    .map(([e, limit]) => (limit === null ? e : `${e} LIMIT ${limit}`));
}

const SCRIPT = `
import json, sqlite3, sys
data = json.load(sys.stdin)
db = sqlite3.connect(":memory:")
db.execute("PRAGMA case_sensitive_like = ON")
db.execute('CREATE TABLE t ("id" TEXT, "name" TEXT, "amount" REAL, "qty" INTEGER, "created" TEXT, "day" TEXT, "active" INTEGER)')
db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", data["rows"])
out = []
for q in data["queries"]:
    sql = "SELECT id FROM t" + (" WHERE " + q["where"] if q["where"] else "") + " ORDER BY rowid"
    if q["limit"] is not None:
        sql += " LIMIT %d" % q["limit"]
    out.append([r[0] for r in db.execute(sql, q["params"])])
json.dump(out, sys.stdout)
`;

describe("toSql against SQLite (python3 sqlite3)", () => {
  it.skipIf(!python)("returns the same rows as the evaluator for 400 random filters", () => {
    const records = makeRecords();
    // Store temporal values as normalised ISO instants, the way a database stores timestamps.
    const iso = (v: unknown) =>
      typeof v === "string" ? new Date(recordTemporalToInstant(v) ?? Number.NaN).toISOString() : null;
    const rows = records.map((r) =>
      COLUMNS.map((c) =>
        c === "created" || c === "day"
          ? iso(r[c])
          : c === "active" && r[c] !== null
            ? Number(r[c])
            : (r[c] ?? null),
      ),
    );
    const filters = [
      ...fc.sample(filterArb(), { numRuns: 400, seed: 42 }),
      "amount > 0 LIMIT 2",
      "NOT (name = 'alexa')",
      'name CONTAINS "Alexa"',
      "name > 'B'",
      "LIMIT 3",
    ];
    const queries = filters.map((text) =>
      toSql(parseFilter(text), { dialect: "sqlite", entityDefinition: definition }),
    );
    const stdout = execFileSync("python3", ["-c", SCRIPT], {
      input: JSON.stringify({ rows, queries }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const fromSqlite = JSON.parse(stdout) as string[][];
    let nonTrivial = 0;
    filters.forEach((text, i) => {
      const expected = compileFilter(text, definition)
        .filter(records)
        .map((r) => r.id);
      if (expected.length > 0 && expected.length < records.length) nonTrivial++;
      expect({ filter: text, sql: queries[i]?.where, rows: fromSqlite[i] }).toEqual({
        filter: text,
        sql: queries[i]?.where,
        rows: expected,
      });
    });
    // The generated filters must actually discriminate between records.
    expect(nonTrivial).toBeGreaterThan(100);
  });
});
