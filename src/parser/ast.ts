/**
 * Syntax tree of AppFlow filter expressions.
 *
 * Every node produced by the parser carries a {@link SourceSpan}. Grouping parentheses leave no node
 * behind: `((a = 1))` and `a = 1` give the same tree (their spans differ).
 */

/** A half-open range `[start, end)` of UTF-16 code-unit offsets, plus the start's line and column. */
export interface SourceSpan {
  /** 0-based code-unit offset of the first character. */
  readonly start: number;
  /** 0-based code-unit offset just past the last character. */
  readonly end: number;
  /** 1-based line of `start` (only LF starts a line). */
  readonly line: number;
  /** 1-based column of `start`, in code points. */
  readonly column: number;
}

/** A quoted string. `value` has the escapes applied; `raw` is the token as written, quotes included. */
export interface StringLiteral {
  readonly type: "string";
  readonly value: string;
  readonly raw: string;
  readonly span: SourceSpan;
}

/** A NUMBER token (`-?[0-9]+(\.[0-9]+)?`), kept exactly as written (`007`, `-0`). */
export interface NumberLiteral {
  readonly type: "number";
  readonly raw: string;
  readonly span: SourceSpan;
}

/** A DATE token (`YYYY-MM-DD`), kept as written; it may be calendar-impossible (`2021-02-31`). */
export interface DateLiteral {
  readonly type: "date";
  readonly raw: string;
  readonly span: SourceSpan;
}

/** A DATETIME token (`YYYY-MM-DDThh:mm:ss[.f]Z`), kept as written; hour 24 is possible. */
export interface DateTimeLiteral {
  readonly type: "datetime";
  readonly raw: string;
  readonly span: SourceSpan;
}

/** The `null` literal (lower-case only; `NULL` is an identifier). */
export interface NullLiteral {
  readonly type: "null";
  readonly span: SourceSpan;
}

/** `true`/`false` in any accepted spelling; only allowed after `=` and `!=`. */
export interface BooleanLiteral {
  readonly type: "boolean";
  readonly value: boolean;
  /** The spelling used in the input (`TRUE`, `True`, `true`, ...). */
  readonly raw: string;
  readonly span: SourceSpan;
}

/** The grammar's `value`: what may appear in IN lists, BETWEEN bounds, CONTAINS and orderings. */
export type ValueLiteral = StringLiteral | NumberLiteral | DateLiteral | DateTimeLiteral | NullLiteral;

/** Any literal. */
export type Literal = ValueLiteral | BooleanLiteral;

/** A field name on the left-hand side of a condition. Dotted names are one name (`account.Id`). */
export interface FieldRef {
  readonly name: string;
  readonly span: SourceSpan;
}

export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * `field op value`. A {@link BooleanLiteral} only occurs with `=` and `!=` in parsed trees; the
 * evaluator rejects any other combination found in a hand-built tree.
 */
export interface ComparisonNode {
  readonly type: "comparison";
  readonly op: ComparisonOperator;
  readonly field: FieldRef;
  readonly value: Literal;
  readonly span: SourceSpan;
}

/** `field CONTAINS value`. */
export interface ContainsNode {
  readonly type: "contains";
  readonly field: FieldRef;
  readonly value: ValueLiteral;
  readonly span: SourceSpan;
}

/** `field BETWEEN lower AND upper` (inclusive at both ends). */
export interface BetweenNode {
  readonly type: "between";
  readonly field: FieldRef;
  readonly lower: ValueLiteral;
  readonly upper: ValueLiteral;
  readonly span: SourceSpan;
}

/** `field IN (v1, v2, ...)`, at least one value. */
export interface InNode {
  readonly type: "in";
  readonly field: FieldRef;
  readonly values: readonly ValueLiteral[];
  readonly span: SourceSpan;
}

/** `NOT operand`. */
export interface NotNode {
  readonly type: "not";
  readonly operand: FilterNode;
  readonly span: SourceSpan;
}

/** `left AND right` (left-associative when chained). */
export interface AndNode {
  readonly type: "and";
  readonly left: FilterNode;
  readonly right: FilterNode;
  readonly span: SourceSpan;
}

/** `left OR right` (left-associative when chained). */
export interface OrNode {
  readonly type: "or";
  readonly left: FilterNode;
  readonly right: FilterNode;
  readonly span: SourceSpan;
}

/** A bare identifier used as a condition (`a`, `a AND b`): grammatical, rejected by the evaluator. */
export interface IdentifierNode {
  readonly type: "identifier";
  readonly name: string;
  readonly span: SourceSpan;
}

/** A bare value used as a condition (`5`, `'x'`, `null`): grammatical, rejected by the evaluator. */
export interface ValueNode {
  readonly type: "value";
  readonly value: ValueLiteral;
  readonly span: SourceSpan;
}

/** The leaves that test one field. */
export type ConditionNode = ComparisonNode | ContainsNode | BetweenNode | InNode;

/** Any expression node. */
export type FilterNode = ConditionNode | NotNode | AndNode | OrNode | IdentifierNode | ValueNode;

/**
 * The result of parsing a whole filter string. `expression` is `null` for a bare `LIMIT n`.
 * `limit` is the LIMIT count (1 ... 2147483647) or `null` when there is no LIMIT clause.
 */
export interface FilterExpression {
  readonly expression: FilterNode | null;
  readonly limit: number | null;
  /** Span of the whole `LIMIT n` clause, when present. */
  readonly limitSpan: SourceSpan | null;
  /** The parsed text. */
  readonly source: string;
}
