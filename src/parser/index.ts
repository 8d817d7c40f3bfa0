/**
 * `connectorkit/parser`: AppFlow's filter-expression language.
 *
 * - {@link parseFilter} turns the `filterExpression` of a QueryData request into a tree.
 * - {@link formatFilter} prints the canonical form (R13); {@link formatFilterChecked} and
 *   {@link canonicalRoundTrips} tell whether that text reads back as the same tree.
 * - {@link compileFilter} / {@link evaluateFilter} filter records in memory (R4 to R12).
 * - {@link toSql} builds a parameterised SQL condition.
 *
 * Dependency-free and free of Node built-ins, so that it can be bundled into connector Lambdas.
 */

export type {
  AndNode,
  BetweenNode,
  BooleanLiteral,
  ComparisonNode,
  ComparisonOperator,
  ConditionNode,
  ContainsNode,
  DateLiteral,
  DateTimeLiteral,
  FieldRef,
  FilterExpression,
  FilterNode,
  IdentifierNode,
  InNode,
  Literal,
  NotNode,
  NullLiteral,
  NumberLiteral,
  OrNode,
  SourceSpan,
  StringLiteral,
  ValueLiteral,
  ValueNode,
} from "./ast.js";
export { FilterSemanticError, FilterSyntaxError, type SemanticErrorPosition } from "./errors.js";
export {
  applyLimit,
  type CompiledFilter,
  compareCodePoints,
  compileFilter,
  evaluateFilter,
  type FilterRecord,
  type LimitedPage,
  pageBudget,
} from "./evaluate.js";
export {
  canonicalRoundTrips,
  formatFilter,
  formatFilterChecked,
  formatLiteral,
  formatString,
} from "./format.js";
export { type Token, type TokenKind, tokenize } from "./lexer.js";
export { DEFAULT_MAX_DEPTH, MAX_LIMIT, type ParseOptions, parseFilter } from "./parser.js";
export {
  escapeLike,
  quoteIdentifier,
  type SqlDialect,
  type SqlFilter,
  type ToSqlOptions,
  toSql,
} from "./sql.js";
export type { FieldDataType, FilterEntityDefinition } from "./typing.js";
