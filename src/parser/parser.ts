/**
 * Parser for AppFlow filter expressions (spec section 2, with the project rules R1a, R1b and R2).
 *
 * The grammar of section 2.2 is parsed top-down with one token of lookahead, never consuming a
 * token that cannot continue a valid prefix, so the error is reported at exactly that token (or at
 * the end-of-input position). Nesting (parentheses and NOT) is handled with an explicit stack of
 * frames instead of recursion: hostile input cannot overflow the call stack, and the depth cap is a
 * plain counter. The cap is {@link DEFAULT_MAX_DEPTH} levels by default; the token that would exceed
 * it is reported as a syntax error.
 *
 * Why a stack and a cap of 10,000 rather than recursion and 1,000: the canonical form (R13) wraps
 * every AND/OR in parentheses, so a chain of n conditions renders with n nested parentheses. A larger
 * cap keeps long (machine-generated) filters re-parseable after rendering.
 */

import type {
  AndNode,
  BooleanLiteral,
  ComparisonOperator,
  FieldRef,
  FilterExpression,
  FilterNode,
  NotNode,
  OrNode,
  SourceSpan,
  ValueLiteral,
} from "./ast.js";
import { FilterSyntaxError } from "./errors.js";
import { type Token, type TokenKind, tokenize } from "./lexer.js";

/** Default maximum nesting of parentheses plus pending NOTs. */
export const DEFAULT_MAX_DEPTH = 10_000;

/** Largest LIMIT count (2^31 - 1), R1a. */
export const MAX_LIMIT = 2_147_483_647;

export interface ParseOptions {
  /**
   * Maximum number of simultaneously open parentheses and NOTs (at least 1). Default
   * {@link DEFAULT_MAX_DEPTH}. The `(` or `NOT` that would exceed it is a syntax error.
   */
  readonly maxDepth?: number;
}

const VALUE_EXPECTED = "a value (string, number, date, null)";
const VALUE_OR_BOOLEAN_EXPECTED = `${VALUE_EXPECTED} or a boolean`;

/** How a token is quoted in messages: the text as written, shortened and kept on one line. */
function showToken(token: Token): string {
  let text = token.text;
  if (text.length > 40) text = `${text.slice(0, 37)}...`;
  text = text.replace(/[\n\r\t]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
  return `'${text}'`;
}

function unexpected(token: Token, expected?: string): FilterSyntaxError {
  const what = token.kind === "EOF" ? "unexpected end of input" : `unexpected ${showToken(token)}`;
  return new FilterSyntaxError(
    expected === undefined ? what : `${what}, expected ${expected}`,
    token.line,
    token.column,
    token.start,
  );
}

function isValueKind(kind: TokenKind): boolean {
  return kind === "STRING" || kind === "NUMBER" || kind === "DATE" || kind === "DATETIME" || kind === "NULL";
}

function spanFrom(first: { start: number; line: number; column: number }, end: number): SourceSpan {
  return { start: first.start, end, line: first.line, column: first.column };
}

function valueLiteral(token: Token): ValueLiteral {
  const span = spanFrom(token, token.end);
  switch (token.kind) {
    case "STRING":
      return { type: "string", value: token.value ?? "", raw: token.text, span };
    case "NUMBER":
      return { type: "number", raw: token.text, span };
    case "DATE":
      return { type: "date", raw: token.text, span };
    case "DATETIME":
      return { type: "datetime", raw: token.text, span };
    default:
      return { type: "null", span };
  }
}

/** The outer extent of an operand: parentheses around it count, for the spans of enclosing nodes. */
interface Extent {
  readonly start: number;
  readonly line: number;
  readonly column: number;
}

/** One nesting level: the top level or one pair of parentheses. */
interface Frame {
  /** The `(` that opened the frame; `null` at top level. */
  readonly open: Token | null;
  /** The disjunction built so far (left operand of the next OR), with its extent. */
  orLeft: FilterNode | null;
  orExtent: Extent | null;
  /** The conjunction built so far (left operand of the next AND), with its extent. */
  andLeft: FilterNode | null;
  andExtent: Extent | null;
  /** NOT tokens waiting for their operand. */
  nots: Token[];
}

function newFrame(open: Token | null): Frame {
  return { open, orLeft: null, orExtent: null, andLeft: null, andExtent: null, nots: [] };
}

/**
 * Parses a filter expression. Throws {@link FilterSyntaxError} for any text outside the language;
 * nothing else is thrown for any string input.
 */
export function parseFilter(text: string, options?: ParseOptions): FilterExpression {
  if (typeof text !== "string") throw new TypeError("parseFilter expects a string");
  const maxDepth = Math.max(1, Math.floor(options?.maxDepth ?? DEFAULT_MAX_DEPTH));
  const tokens = tokenize(text);
  let index = 0;
  // tokens always ends with EOF, and index never moves past it.
  const peek = (offset = 0): Token => tokens[Math.min(index + offset, tokens.length - 1)]!;
  const next = (): Token => {
    const token = peek();
    if (token.kind !== "EOF") index++;
    return token;
  };
  const expectValue = (expected: string): ValueLiteral => {
    const token = peek();
    if (!isValueKind(token.kind)) throw unexpected(token, expected);
    index++;
    return valueLiteral(token);
  };

  /** Parses one primary that starts with an IDENTIFIER or a value (no nesting involved). */
  const parsePrimary = (): FilterNode => {
    const first = next();
    if (first.kind !== "IDENTIFIER") {
      const value = valueLiteral(first);
      return { type: "value", value, span: value.span };
    }
    const field: FieldRef = { name: first.text, span: spanFrom(first, first.end) };
    const opToken = peek();
    switch (opToken.kind) {
      case "=":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        index++;
        const op = opToken.kind as ComparisonOperator;
        const valueToken = peek();
        if ((op === "=" || op === "!=") && (valueToken.kind === "TRUE" || valueToken.kind === "FALSE")) {
          index++;
          const value: BooleanLiteral = {
            type: "boolean",
            value: valueToken.kind === "TRUE",
            raw: valueToken.text,
            span: spanFrom(valueToken, valueToken.end),
          };
          return { type: "comparison", op, field, value, span: spanFrom(first, valueToken.end) };
        }
        const value = expectValue(op === "=" || op === "!=" ? VALUE_OR_BOOLEAN_EXPECTED : VALUE_EXPECTED);
        return { type: "comparison", op, field, value, span: spanFrom(first, value.span.end) };
      }
      case "CONTAINS": {
        index++;
        const value = expectValue(VALUE_EXPECTED);
        return { type: "contains", field, value, span: spanFrom(first, value.span.end) };
      }
      case "BETWEEN": {
        index++;
        const lower = expectValue(VALUE_EXPECTED);
        if (peek().kind !== "AND") throw unexpected(peek(), "AND");
        index++;
        const upper = expectValue(VALUE_EXPECTED);
        return { type: "between", field, lower, upper, span: spanFrom(first, upper.span.end) };
      }
      case "IN": {
        index++;
        if (peek().kind !== "(") throw unexpected(peek(), "'('");
        index++;
        const values: ValueLiteral[] = [expectValue(VALUE_EXPECTED)];
        for (;;) {
          const token = peek();
          if (token.kind === ")") {
            index++;
            return { type: "in", field, values, span: spanFrom(first, token.end) };
          }
          if (token.kind !== ",") throw unexpected(token, "',' or ')'");
          index++;
          values.push(expectValue(VALUE_EXPECTED));
        }
      }
      default:
        return { type: "identifier", name: first.text, span: field.span };
    }
  };

  /** Parses `LIMIT count` (R1a); the current token is LIMIT. */
  const parseLimit = (): { limit: number; span: SourceSpan } => {
    const limitToken = next();
    const count = peek();
    if (count.kind !== "NUMBER" || !/^[1-9][0-9]*$/.test(count.text) || count.text.length > 10) {
      throw unexpected(count, `a count from 1 to ${MAX_LIMIT}`);
    }
    const limit = Number(count.text);
    if (limit > MAX_LIMIT) throw unexpected(count, `a count from 1 to ${MAX_LIMIT}`);
    index++;
    return { limit, span: spanFrom(limitToken, count.end) };
  };

  const stack: Frame[] = [newFrame(null)];
  let frame = stack[0]!;
  let depth = 0;
  let result: FilterNode | null = null;
  let limit: number | null = null;
  let limitSpan: SourceSpan | null = null;

  // Adds a finished operand (a primary or a closed group) to the current frame's conjunction,
  // first wrapping it in the NOTs that were waiting for it.
  const addOperand = (node: FilterNode, extent: Extent, end: number): void => {
    let operand = node;
    let operandExtent = extent;
    for (let i = frame.nots.length - 1; i >= 0; i--) {
      const notToken = frame.nots[i]!;
      const not: NotNode = { type: "not", operand, span: spanFrom(notToken, end) };
      operand = not;
      operandExtent = notToken;
    }
    depth -= frame.nots.length;
    frame.nots = [];
    if (frame.andLeft === null || frame.andExtent === null) {
      frame.andLeft = operand;
      frame.andExtent = operandExtent;
    } else {
      const and: AndNode = {
        type: "and",
        left: frame.andLeft,
        right: operand,
        span: spanFrom(frame.andExtent, end),
      };
      frame.andLeft = and;
    }
  };

  // Folds the current conjunction into the disjunction (at OR and when the frame ends).
  const foldOr = (end: number): void => {
    if (frame.andLeft === null || frame.andExtent === null) return;
    if (frame.orLeft === null || frame.orExtent === null) {
      frame.orLeft = frame.andLeft;
      frame.orExtent = frame.andExtent;
    } else {
      const or: OrNode = {
        type: "or",
        left: frame.orLeft,
        right: frame.andLeft,
        span: spanFrom(frame.orExtent, end),
      };
      frame.orLeft = or;
    }
    frame.andLeft = null;
    frame.andExtent = null;
  };

  let lastEnd = 0;
  let expectOperand = true;
  for (;;) {
    const token = peek();
    if (expectOperand) {
      if (token.kind === "NOT" || token.kind === "(") {
        if (depth >= maxDepth) {
          throw new FilterSyntaxError(
            `nesting deeper than ${maxDepth} levels of parentheses and NOT`,
            token.line,
            token.column,
            token.start,
          );
        }
        depth++;
        index++;
        if (token.kind === "NOT") {
          frame.nots.push(token);
        } else {
          frame = newFrame(token);
          stack.push(frame);
        }
        continue;
      }
      if (token.kind === "IDENTIFIER" || isValueKind(token.kind)) {
        const node = parsePrimary();
        lastEnd = node.span.end;
        addOperand(node, token, lastEnd);
        expectOperand = false;
        continue;
      }
      const atVeryStart = stack.length === 1 && frame.andLeft === null && frame.orLeft === null;
      if (token.kind === "LIMIT" && atVeryStart && frame.nots.length === 0) {
        ({ limit, span: limitSpan } = parseLimit());
        if (peek().kind !== "EOF") throw unexpected(peek(), "end of input");
        break;
      }
      throw unexpected(
        token,
        atVeryStart && frame.nots.length === 0 ? "a condition or LIMIT" : "a condition",
      );
    }

    // After an operand: AND, OR, or the end of the current frame.
    if (token.kind === "AND") {
      index++;
      expectOperand = true;
      continue;
    }
    if (token.kind === "OR") {
      index++;
      foldOr(lastEnd);
      expectOperand = true;
      continue;
    }
    if (frame.open !== null) {
      if (token.kind !== ")") throw unexpected(token, "AND, OR or ')'");
      index++;
      foldOr(lastEnd);
      const group = frame.orLeft!;
      const open = frame.open;
      stack.pop();
      frame = stack[stack.length - 1]!;
      depth--;
      lastEnd = token.end;
      addOperand(group, open, lastEnd);
      continue;
    }
    foldOr(lastEnd);
    result = frame.orLeft;
    if (token.kind === "LIMIT") {
      ({ limit, span: limitSpan } = parseLimit());
      if (peek().kind !== "EOF") throw unexpected(peek(), "end of input");
      break;
    }
    if (token.kind !== "EOF") throw unexpected(token, "AND, OR, LIMIT or end of input");
    break;
  }
  return { expression: result, limit, limitSpan, source: text };
}
