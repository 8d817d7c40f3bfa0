/**
 * Translation of parsed filters into a parameterised SQL `WHERE` condition.
 *
 * - Values are always bound parameters (`$1, $2, ...` for postgres, `?` for mysql and sqlite); no
 *   value ever appears in the SQL text. Field names are quoted identifiers (`"a""b"`, `` `a``b` ``);
 *   a dotted name such as `account.Id` is one column, quoted whole.
 * - The tree's structure is kept: parentheses are emitted wherever SQL precedence would otherwise
 *   regroup the tree (the right operand of AND/OR of the same kind keeps its parentheses too), NOT
 *   always gets `NOT (...)`.
 * - BETWEEN is inclusive (`col BETWEEN $1 AND $2`), CONTAINS is `col LIKE $1 ESCAPE '\'` with `\`, `%`
 *   and `_` escaped in the parameter, `= null` is `IS NULL`, `!= null` is `IS NOT NULL`, an IN list
 *   with null becomes `(col IN (...) OR col IS NULL)`, and every other comparison with null is the
 *   constant false `1 = 0`.
 * - The evaluator's two-valued logic is kept under NOT: SQL compares NULL columns to UNKNOWN, and
 *   `NOT UNKNOWN` is UNKNOWN, whereas `NOT (amount = 100)` must match records without `amount` (R9).
 *   So a comparison that can be UNKNOWN is written `(col IS NOT NULL AND col = $1)` inside NOT.
 *   Outside NOT, UNKNOWN already acts as false in a WHERE clause, and the plain form is used.
 * - LIMIT is not part of `where`: it is returned as `limit`. A filter that is only `LIMIT n` gives
 *   `where: ""`, meaning "no condition": omit the WHERE keyword.
 * - `where` is not wrapped in parentheses as a whole: wrap it when combining it with other conditions
 *   (`WHERE tenant = $1 AND (${where})`, with `paramOffset: 1`).
 *
 * - Booleans bind as JavaScript booleans, except in SQLite, which stores them as 1 and 0.
 *
 * Caveats: LIKE is case-insensitive for ASCII in SQLite (unless `PRAGMA case_sensitive_like = ON`)
 * and under MySQL's default `_ci` collations, whereas CONTAINS is case-sensitive (R10). MySQL's
 * `ESCAPE '\\'` assumes the default SQL mode (without NO_BACKSLASH_ESCAPES).
 */

import type { ConditionNode, FilterExpression, FilterNode, ValueLiteral } from "./ast.js";
import { FilterSemanticError } from "./errors.js";
import { instantToIso } from "./temporal.js";
import {
  FieldTypes,
  type FilterEntityDefinition,
  type Scalar,
  type TypedCondition,
  typeCondition,
} from "./typing.js";

export type SqlDialect = "postgres" | "mysql" | "sqlite";

export interface ToSqlOptions {
  readonly dialect: SqlDialect;
  /**
   * When given, fields are checked and literals converted as the evaluator does (R4 to R10):
   * numeric fields get numbers (`'100'` becomes 100), Date/DateTime fields get instants (see
   * `dates`), String fields get the text as written (`007` stays `"007"`), and every rejection
   * throws FilterSemanticError. Without it, strings bind as strings, numbers as JavaScript numbers,
   * dates and date-times as their text, booleans as booleans.
   */
  readonly entityDefinition?: FilterEntityDefinition;
  /**
   * Maps a field name to its column name. The result is a plain column name; it is quoted whole
   * (so `t.col` is one column named `t.col`, not a qualified name). Default: the field name.
   */
  readonly columnMap?: (field: string) => string;
  /**
   * How Date/DateTime instants are bound when `entityDefinition` is given: `"iso"` (default) binds
   * `YYYY-MM-DDThh:mm:ss.sssZ` strings, `"date"` binds JavaScript `Date` objects.
   */
  readonly dates?: "iso" | "date";
  /**
   * Number of parameters already used by the surrounding query (postgres only): placeholders start
   * at `$${paramOffset + 1}`. Default 0.
   */
  readonly paramOffset?: number;
}

export interface SqlFilter {
  /** The condition for a WHERE clause, or `""` when the filter has no expression (only LIMIT). */
  readonly where: string;
  /** Parameter values, in placeholder order. */
  readonly params: unknown[];
  /** The LIMIT count, or `null`. */
  readonly limit: number | null;
}

/** Quotes an identifier for the dialect, doubling the quote character inside it. */
export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  if (name.length === 0 || name.includes("\u0000")) {
    throw new TypeError(`invalid SQL column name ${JSON.stringify(name)}`);
  }
  return dialect === "mysql" ? `\`${name.replace(/`/g, "``")}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** Escapes `\`, `%` and `_` so that a value matches itself literally under `LIKE ... ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

const NEVER = "1 = 0";
const SQL_OPS: Readonly<Record<string, string>> = {
  "=": "=",
  "!=": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/** A condition after conversion, in a form independent of whether an entity definition was given. */
type SqlCondition =
  | { readonly kind: "null-check"; readonly field: string; readonly negated: boolean }
  | { readonly kind: "never" }
  | { readonly kind: "compare"; readonly field: string; readonly op: string; readonly value: unknown }
  | { readonly kind: "between"; readonly field: string; readonly lower: unknown; readonly upper: unknown }
  | {
      readonly kind: "in";
      readonly field: string;
      readonly values: readonly unknown[];
      readonly includesNull: boolean;
    }
  | { readonly kind: "like"; readonly field: string; readonly needle: string };

/** Literal conversion without an entity definition. */
function untypedValue(literal: Exclude<ValueLiteral, { type: "null" }>): unknown {
  switch (literal.type) {
    case "string":
      return literal.value;
    case "number":
      return Number(literal.raw);
    default:
      return literal.raw;
  }
}

function untypedCondition(node: ConditionNode): SqlCondition {
  const field = node.field.name;
  switch (node.type) {
    case "comparison": {
      const { op, value } = node;
      if (value.type === "null") {
        return op === "=" || op === "!="
          ? { kind: "null-check", field, negated: op === "!=" }
          : { kind: "never" };
      }
      return {
        kind: "compare",
        field,
        op,
        value: value.type === "boolean" ? value.value : untypedValue(value),
      };
    }
    case "between":
      if (node.lower.type === "null" || node.upper.type === "null") return { kind: "never" };
      return { kind: "between", field, lower: untypedValue(node.lower), upper: untypedValue(node.upper) };
    case "in": {
      const values: unknown[] = [];
      let includesNull = false;
      for (const literal of node.values) {
        if (literal.type === "null") includesNull = true;
        else values.push(untypedValue(literal));
      }
      return { kind: "in", field, values, includesNull };
    }
    case "contains":
      if (node.value.type === "null") return { kind: "never" };
      return {
        kind: "like",
        field,
        needle: node.value.type === "string" ? node.value.value : node.value.raw,
      };
  }
}

function typedCondition(node: ConditionNode, types: FieldTypes, dates: "iso" | "date"): SqlCondition {
  const typed: TypedCondition = typeCondition(node, types);
  const field = typed.field.name;
  const temporal = typed.field.typeClass === "temporal";
  const bind = (value: Scalar): unknown => {
    if (!temporal) return value;
    return dates === "date" ? new Date(value as number) : instantToIso(value as number);
  };
  switch (typed.kind) {
    case "null-check":
      return { kind: "null-check", field, negated: typed.negated };
    case "never":
      return { kind: "never" };
    case "compare":
      return { kind: "compare", field, op: typed.op, value: bind(typed.value) };
    case "between":
      return { kind: "between", field, lower: bind(typed.lower), upper: bind(typed.upper) };
    case "in":
      return { kind: "in", field, values: typed.values.map(bind), includesNull: typed.includesNull };
    case "contains-string":
      return { kind: "like", field, needle: typed.needle };
    case "contains-list":
    case "contains-map": {
      const { line, column, start } = node.span;
      throw new FilterSemanticError(
        `CONTAINS on ${typed.field.dataType} field '${field}' cannot be translated to SQL`,
        { line, column, offset: start },
      );
    }
  }
}

/**
 * Translates a filter to a parameterised SQL condition. Bare identifiers and bare values are always
 * rejected with FilterSemanticError ("not a condition", R5).
 */
export function toSql(ast: FilterExpression | FilterNode, options: ToSqlOptions): SqlFilter {
  const { dialect } = options;
  if (dialect !== "postgres" && dialect !== "mysql" && dialect !== "sqlite") {
    throw new TypeError(`unknown SQL dialect ${JSON.stringify(dialect)}`);
  }
  const expression = "type" in ast ? ast : ast.expression;
  const limit = "type" in ast ? null : ast.limit;
  const types = options.entityDefinition ? new FieldTypes(options.entityDefinition) : null;
  const dates = options.dates ?? "iso";
  const escapeClause = dialect === "mysql" ? "ESCAPE '\\\\'" : "ESCAPE '\\'";
  const params: unknown[] = [];
  const paramOffset = options.paramOffset ?? 0;
  const placeholder = (value: unknown): string => {
    // SQLite has no boolean type (TRUE is 1), and its Node drivers refuse to bind JS booleans.
    params.push(dialect === "sqlite" && typeof value === "boolean" ? Number(value) : value);
    return dialect === "postgres" ? `$${params.length + paramOffset}` : "?";
  };
  const columns = new Map<string, string>();
  const column = (field: string): string => {
    let quoted = columns.get(field);
    if (quoted === undefined) {
      quoted = quoteIdentifier(options.columnMap ? options.columnMap(field) : field, dialect);
      columns.set(field, quoted);
    }
    return quoted;
  };

  const toCondition = (node: ConditionNode): SqlCondition =>
    types ? typedCondition(node, types, dates) : untypedCondition(node);

  // A condition as SQL; `grouped` tells whether it is one parenthesised group. `twoValued` asks for a
  // form that is never UNKNOWN (used under NOT).
  const conditionSql = (condition: SqlCondition, twoValued: boolean): { sql: string; grouped: boolean } => {
    if (condition.kind === "never") return { sql: NEVER, grouped: false };
    const col = column(condition.field);
    const guard = (sql: string): { sql: string; grouped: boolean } =>
      twoValued ? { sql: `(${col} IS NOT NULL AND ${sql})`, grouped: true } : { sql, grouped: false };
    switch (condition.kind) {
      case "null-check":
        return { sql: condition.negated ? `${col} IS NOT NULL` : `${col} IS NULL`, grouped: false };
      case "compare":
        return guard(`${col} ${SQL_OPS[condition.op]} ${placeholder(condition.value)}`);
      case "between":
        return guard(`${col} BETWEEN ${placeholder(condition.lower)} AND ${placeholder(condition.upper)}`);
      case "like":
        return guard(`${col} LIKE ${placeholder(`%${escapeLike(condition.needle)}%`)} ${escapeClause}`);
      case "in": {
        if (condition.values.length === 0) {
          return { sql: condition.includesNull ? `${col} IS NULL` : NEVER, grouped: false };
        }
        const list = `${col} IN (${condition.values.map(placeholder).join(", ")})`;
        return condition.includesNull ? { sql: `(${list} OR ${col} IS NULL)`, grouped: true } : guard(list);
      }
    }
  };

  let where = "";
  if (expression !== null) {
    // Iterative rendering; items are text, or a node with a flag telling whether it is under NOT.
    type Item = string | { node: FilterNode; underNot: boolean };
    const stack: Item[] = [{ node: expression, underNot: false }];
    const isJunction = (node: FilterNode): boolean => node.type === "and" || node.type === "or";
    const wrap = (node: FilterNode, parens: boolean, underNot: boolean): Item[] =>
      parens ? [")", { node, underNot }, "("] : [{ node, underNot }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (typeof item === "string") {
        where += item;
        continue;
      }
      const { node, underNot } = item;
      switch (node.type) {
        case "and":
        case "or":
          // Operands that are AND/OR nodes keep their parentheses, except a left operand of the same
          // kind (left-associative chains read as in the input). This is more than SQL precedence
          // (AND over OR, as in the filter language) strictly needs, and mirrors the tree exactly.
          stack.push(
            ...wrap(node.right, isJunction(node.right), underNot),
            node.type === "and" ? " AND " : " OR ",
            ...wrap(node.left, isJunction(node.left) && node.left.type !== node.type, underNot),
          );
          break;
        case "not": {
          where += "NOT ";
          const operand = node.operand;
          if (
            operand.type === "comparison" ||
            operand.type === "contains" ||
            operand.type === "between" ||
            operand.type === "in"
          ) {
            // Avoid doubled parentheses when the condition's SQL is already one group.
            const { sql, grouped } = conditionSql(toCondition(operand), true);
            where += grouped ? sql : `(${sql})`;
          } else {
            stack.push(...wrap(operand, true, true));
          }
          break;
        }
        case "identifier":
        case "value": {
          const { line, column: col, start } = node.span;
          throw new FilterSemanticError(
            node.type === "identifier"
              ? `not a condition: bare identifier '${node.name}'`
              : "not a condition: bare value",
            { line, column: col, offset: start },
          );
        }
        default:
          where += conditionSql(toCondition(node), underNot).sql;
      }
    }
  }
  return { where, params, limit };
}
