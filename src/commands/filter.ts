import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  type EntityDefinitionLike,
  readEntityDefinitionFile,
  toEntityDefinition,
} from "../conformance/entity-file.js";
import {
  canonicalRoundTrips,
  compileFilter,
  type FilterExpression,
  FilterSemanticError,
  FilterSyntaxError,
  formatFilter,
  parseFilter,
  toSql,
} from "../parser/index.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { CommandContext } from "./context.js";

type Dialect = "postgres" | "mysql" | "sqlite";

/** The embedded example of `connector filter --demo` (the evaluator example of the filter reference). */
const DEMO = {
  expression: 'amount BETWEEN 100 AND 150 OR name CONTAINS "Alexa" LIMIT 2',
  entity: {
    entity: { entityIdentifier: "Account", hasNestedEntities: false },
    fields: [
      { fieldName: "id", dataType: "String" },
      { fieldName: "name", dataType: "String" },
      { fieldName: "amount", dataType: "Double" },
      { fieldName: "created", dataType: "DateTime" },
      { fieldName: "day", dataType: "Date" },
      { fieldName: "active", dataType: "Boolean" },
      { fieldName: "tags", dataType: "List" },
      { fieldName: "attrs", dataType: "Map" },
    ],
  },
  records: [
    {
      id: "r1",
      name: "Alexa Shop",
      amount: 150,
      created: "2021-08-21T07:06:07+02:00",
      day: "2021-08-21",
      active: true,
      tags: ["vip", "eu"],
      attrs: { tier: "gold" },
    },
    {
      id: "r2",
      name: "alexa",
      amount: 100.0,
      created: "2021-08-22T05:06:07Z",
      day: "2021-08-22",
      active: false,
    },
    { id: "r3", name: null, amount: 99.5 },
  ] as Record<string, unknown>[],
};

export interface FilterResult {
  expression: string;
  canonical: string;
  /** False when the canonical text cannot be read back (a string ending in a backslash, R13). */
  canonicalReparses: boolean;
  limit: number | null;
  ast: FilterExpression;
  sql: { dialect: Dialect; where: string; params: unknown[]; limit: number | null } | null;
  sqlError?: string;
  matches?: { total: number; returned: Record<string, unknown>[] };
}

export async function run(ctx: CommandContext, args: string[], options: Record<string, unknown>) {
  const demo = Boolean(options.demo);
  const dialect = String(options.dialect ?? "postgres") as Dialect;
  let expression = args[0];
  let entity: EntityDefinitionLike | undefined;
  let records: Record<string, unknown>[] | undefined;

  if (demo) {
    expression ??= DEMO.expression;
    entity = toEntityDefinition(DEMO.entity, "demo");
    records = DEMO.records;
  }
  if (expression === "-") expression = await readStdin(ctx.stdin);
  if (expression === undefined) {
    throw new CliError("USAGE", "No filter expression given.", {
      hint: "Pass the expression as an argument (quote it), `-` to read it from stdin, or use --demo.",
    });
  }
  if (typeof options.fields === "string") {
    entity = await readEntityDefinitionFile(path.resolve(ctx.globals.cwd, options.fields));
  }
  if (typeof options.records === "string") {
    if (!entity) {
      throw new CliError("USAGE", "--records needs --fields: records are typed by the entity definition.", {
        hint: "Add --fields <entity-definition.json>.",
      });
    }
    records = await readRecords(path.resolve(ctx.globals.cwd, options.records));
  }

  let ast: FilterExpression;
  try {
    ast = parseFilter(expression);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw syntaxError(expression, error);
    throw error;
  }

  const result: FilterResult = {
    expression,
    canonical: formatFilter(ast),
    canonicalReparses: canonicalRoundTrips(ast),
    limit: ast.limit,
    ast,
    sql: null,
  };

  let compiled: ReturnType<typeof compileFilter> | undefined;
  if (entity) {
    try {
      compiled = compileFilter(ast, entity);
    } catch (error) {
      if (error instanceof FilterSemanticError) {
        throw new CliError("FILTER_INVALID_ARGUMENT", `Filter rejected for this entity: ${error.message}`, {
          hint: "AppFlow would answer InvalidArgument; check field names and literal types against the entity.",
          exitCode: ExitCode.Usage,
        });
      }
      throw error;
    }
  }
  try {
    const sql = toSql(ast, { dialect, ...(entity ? { entityDefinition: entity } : {}) });
    result.sql = { dialect, ...sql };
  } catch (error) {
    if (!(error instanceof FilterSemanticError)) throw error;
    result.sqlError = error.message;
  }
  if (compiled && records) {
    const matching = records.filter((r) => compiled.matches(r));
    const limit = compiled.limit ?? matching.length;
    result.matches = { total: matching.length, returned: matching.slice(0, limit) };
  }
  if (!result.canonicalReparses) {
    ctx.reporter.warn(
      "the canonical form does not re-parse: a string value ends in a backslash and another quote follows " +
        "(a property of AppFlow's filter language). Keep the original text where it must be read back.",
    );
  }
  ctx.reporter.result("filter", result, renderHuman);
  return ExitCode.Ok;
}

function renderHuman(r: FilterResult): string {
  const lines = [`canonical: ${r.canonical}`];
  lines.push(`limit:     ${r.limit ?? "none"}`);
  if (r.sql) {
    lines.push(`sql (${r.sql.dialect}): ${r.sql.where === "" ? "(no condition)" : r.sql.where}`);
    lines.push(`params:    ${JSON.stringify(r.sql.params)}`);
  } else if (r.sqlError) {
    lines.push(`sql:       not translatable: ${r.sqlError}`);
  }
  if (r.matches) {
    lines.push(`matches:   ${r.matches.total} record(s), ${r.matches.returned.length} returned after LIMIT`);
    for (const rec of r.matches.returned) lines.push(`  ${JSON.stringify(rec)}`);
  }
  return lines.join("\n");
}

/** A syntax error as the user sees it: the message, then the offending line with a caret. */
function syntaxError(expression: string, error: FilterSyntaxError): CliError {
  const lineText = expression.split("\n")[error.line - 1] ?? "";
  const codePoints = [...lineText];
  const prefix = codePoints
    .slice(0, error.column - 1)
    .map((ch) => (ch === "\t" ? "\t" : " "))
    .join("");
  const shown = codePoints.join("").replace(/\r/g, " ");
  return new CliError(
    "FILTER_SYNTAX",
    `Invalid filter expression at ${error.line}:${error.column}: ${error.reason}`,
    {
      context: `  ${shown}\n  ${prefix}^`,
      hint: "See docs/filter.md for the language: comparisons, CONTAINS, BETWEEN, IN, NOT/AND/OR, LIMIT n.",
      exitCode: ExitCode.Usage,
      details: { line: error.line, column: error.column, offset: error.offset, reason: error.reason },
    },
  );
}

async function readRecords(file: string): Promise<Record<string, unknown>[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError("INVALID_JSON", `Cannot read records from ${file}: ${(error as Error).message}.`, {
      hint: "Pass a JSON array of record objects.",
    });
  }
  if (!Array.isArray(value) || value.some((r) => typeof r !== "object" || r === null || Array.isArray(r))) {
    throw new CliError("INVALID_RECORDS", `${file}: expected a JSON array of objects.`, {
      hint: 'Example: [{"id": "1", "amount": 10}].',
    });
  }
  return value as Record<string, unknown>[];
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString("utf8").replace(/\n$/, "");
}
