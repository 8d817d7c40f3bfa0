/**
 * Canonical rendering of filters (R13): every condition, NOT, AND and OR in exactly one pair of
 * parentheses, upper-case keywords, lower-case `true`/`false`/`null`, strings double-quoted with
 * `\\ \" \t \n \r` escaped, numbers and dates as written, and ` LIMIT n` at the end.
 *
 * The canonical text re-parses to the same tree except when a string value ends in a backslash and
 * another `"` follows later in the text (a property of the language, section 1.7). Use
 * {@link formatFilterChecked} or {@link canonicalRoundTrips} wherever the text must be read back.
 */

import type { FilterExpression, FilterNode, Literal } from "./ast.js";
import { type ParseOptions, parseFilter } from "./parser.js";

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};

/** A string value as a canonical double-quoted literal. */
export function formatString(value: string): string {
  return `"${value.replace(/[\\"\t\n\r]/g, (c) => ESCAPES[c]!)}"`;
}

/** A literal in canonical form. */
export function formatLiteral(literal: Literal): string {
  switch (literal.type) {
    case "string":
      return formatString(literal.value);
    case "null":
      return "null";
    case "boolean":
      return literal.value ? "true" : "false";
    default:
      return literal.raw;
  }
}

/** Renders an expression node without recursion (trees may be arbitrarily deep). */
function formatNode(root: FilterNode): string {
  let out = "";
  // Items are either text to append or nodes to render, popped in order.
  const stack: Array<string | FilterNode> = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") {
      out += item;
      continue;
    }
    switch (item.type) {
      case "comparison":
        out += `(${item.field.name} ${item.op} ${formatLiteral(item.value)})`;
        break;
      case "contains":
        out += `(${item.field.name} CONTAINS ${formatLiteral(item.value)})`;
        break;
      case "between":
        out += `(${item.field.name} BETWEEN ${formatLiteral(item.lower)} AND ${formatLiteral(item.upper)})`;
        break;
      case "in":
        out += `(${item.field.name} IN (${item.values.map(formatLiteral).join(", ")}))`;
        break;
      case "identifier":
        out += item.name;
        break;
      case "value":
        out += formatLiteral(item.value);
        break;
      case "not":
        out += "(NOT ";
        stack.push(")", item.operand);
        break;
      case "and":
      case "or":
        out += "(";
        stack.push(")", item.right, item.type === "and" ? " AND " : " OR ", item.left);
        break;
    }
  }
  return out;
}

function isFilterExpression(value: FilterExpression | FilterNode): value is FilterExpression {
  return !("type" in value);
}

/**
 * The canonical text of a parsed filter (or of a bare expression node). A filter that is only
 * `LIMIT n` renders as `LIMIT n`; an empty filter (no expression, no limit) renders as `""`.
 */
export function formatFilter(ast: Pick<FilterExpression, "expression" | "limit"> | FilterNode): string {
  if (!isFilterExpression(ast as FilterExpression | FilterNode)) return formatNode(ast as FilterNode);
  const { expression, limit } = ast as FilterExpression;
  const text = expression === null ? "" : formatNode(expression);
  if (limit === null || limit === undefined) return text;
  return text === "" ? `LIMIT ${limit}` : `${text} LIMIT ${limit}`;
}

/**
 * Renders the canonical text and tells whether it reads back as the same tree. `reparses` is false
 * in the trailing-backslash case of R13, and for hand-built trees that no text can express (for
 * example an identifier spelled like a keyword). Re-parsing uses the default nesting cap unless
 * `options.maxDepth` is given, so a tree nested beyond that cap also reports false.
 */
export function formatFilterChecked(
  ast: Pick<FilterExpression, "expression" | "limit"> | FilterNode,
  options?: ParseOptions,
): { text: string; reparses: boolean } {
  const text = formatFilter(ast);
  let reparses = false;
  try {
    // The canonical form is unique for each tree, so equal canonical texts mean equal trees.
    reparses = formatFilter(parseFilter(text, options)) === text;
  } catch {
    reparses = false;
  }
  return { text, reparses };
}

/** Whether the canonical text of `ast` re-parses to the same tree (see {@link formatFilterChecked}). */
export function canonicalRoundTrips(
  ast: Pick<FilterExpression, "expression" | "limit"> | FilterNode,
  options?: ParseOptions,
): boolean {
  return formatFilterChecked(ast, options).reparses;
}
