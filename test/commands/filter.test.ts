import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

function files() {
  const dir = mkdtempSync(path.join(tmpdir(), "ck-filter-"));
  writeFileSync(
    path.join(dir, "entity.json"),
    JSON.stringify({
      isSuccess: true,
      entityDefinition: {
        entity: { entityIdentifier: "Ticket", hasNestedEntities: false },
        fields: [
          { fieldName: "id", dataType: "String" },
          { fieldName: "updatedAt", dataType: "DateTime" },
          { fieldName: "priority", dataType: "Integer" },
        ],
      },
    }),
  );
  writeFileSync(
    path.join(dir, "records.json"),
    JSON.stringify([
      { id: "T-1", updatedAt: "2026-11-21T08:15:00.000+00:00", priority: 3 },
      { id: "T-2", updatedAt: "2026-11-20T09:00:00Z", priority: 2 },
      { id: "T-3", updatedAt: "2026-11-22T09:00:00Z", priority: 4 },
    ]),
  );
  return dir;
}

describe("connector filter", () => {
  it("prints the canonical form, LIMIT and parameterised SQL", async () => {
    const r = await runCli(["filter", 'price > 100 and accountName contains "Alexa"']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'canonical: ((price > 100) AND (accountName CONTAINS "Alexa"))',
        "limit:     none",
        `sql (postgres): "price" > $1 AND "accountName" LIKE $2 ESCAPE '\\'`,
        'params:    [100,"%Alexa%"]',
        "",
      ].join("\n"),
    );
  });

  it("gives {canonical, ast, limit} with --json, and MySQL quoting", async () => {
    const r = await runCli(["filter", "`x` = 1 LIMIT 7".replace("`x`", "x"), "--dialect", "mysql", "--json"]);
    const doc = r.json() as {
      result: { canonical: string; limit: number; ast: { limit: number }; sql: { where: string } };
    };
    expect(doc.result.canonical).toBe("(x = 1) LIMIT 7");
    expect(doc.result.limit).toBe(7);
    expect(doc.result.ast.limit).toBe(7);
    expect(doc.result.sql.where).toBe("`x` = ?");
  });

  it("shows a caret under the error column, on the right line", async () => {
    const r = await runCli(["filter", "a = 1\nAND b = 2 ~"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid filter expression at 2:11: unexpected character '~'");
    expect(r.stderr).toContain("  AND b = 2 ~\n            ^");
    const j = await runCli(["filter", "a = 1\nAND b = 2 ~", "--json"]);
    expect(j.json().error).toMatchObject({
      code: "FILTER_SYNTAX",
      details: { line: 2, column: 11, offset: 16 },
    });
  });

  it("type-checks against an entity definition and evaluates records", async () => {
    const dir = files();
    const ok = await runCli(
      [
        "filter",
        "updatedAt > 2026-11-21T00:00:00Z LIMIT 1",
        "--fields",
        "entity.json",
        "--records",
        "records.json",
        "--json",
      ],
      { cwd: dir },
    );
    const res = ok.json().result as {
      matches: { total: number; returned: { id: string }[] };
      sql: { params: unknown[] };
    };
    expect(res.matches.total).toBe(2);
    expect(res.matches.returned.map((x) => x.id)).toEqual(["T-1"]);
    expect(res.sql.params).toEqual(["2026-11-21T00:00:00.000Z"]);
    const bad = await runCli(["filter", "priority > 'high'", "--fields", "entity.json"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Filter rejected for this entity");
    const unknown = await runCli(["filter", "nope = 1", "--fields", "entity.json"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nope/);
    const needFields = await runCli(["filter", "a = 1", "--records", "records.json"], { cwd: dir });
    expect(needFields.code).toBe(2);
    expect(needFields.stderr).toContain("--records needs --fields");
  });

  it("reads the expression from stdin and runs the embedded demo", async () => {
    const r = await runCli(["filter", "-"], { stdin: "x between 1 and 10\n" });
    expect(r.stdout).toContain("canonical: (x BETWEEN 1 AND 10)");
    const demo = await runCli(["filter", "--demo"]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain("matches:   2 record(s), 2 returned after LIMIT");
  });

  it("warns when the canonical form would not read back (R13)", async () => {
    const r = await runCli(["filter", `x = 'a\\\\' OR y = "b"`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('canonical: ((x = "a\\\\") OR (y = "b"))');
    expect(r.stderr).toContain("does not re-parse");
  });

  it("asks for an expression when none is given", async () => {
    const r = await runCli(["filter"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No filter expression given");
  });
});
