/**
 * Error types of the filter-expression parser and evaluator.
 *
 * - {@link FilterSyntaxError}: the text is not in the language (lexical or syntax error, R1b/R2).
 * - {@link FilterSemanticError}: the text parses, but the filter is rejected against an entity
 *   definition (R4 to R12). Its `code` is always `"InvalidArgument"`, the AppFlow error code that the
 *   connector runtime must answer with.
 */

/** A lexical or syntax error, located at a 1-based line and column. */
export class FilterSyntaxError extends Error {
  /** 1-based line; only LF starts a new line. */
  readonly line: number;
  /** 1-based column, counted in code points from the start of the line. */
  readonly column: number;
  /** 0-based offset into the input string, in UTF-16 code units (usable with `String#slice`). */
  readonly offset: number;
  /** Short human-readable reason, without the position, e.g. `unexpected 'b'`. */
  readonly reason: string;

  constructor(reason: string, line: number, column: number, offset: number) {
    super(`${line}:${column}: ${reason}`);
    this.name = "FilterSyntaxError";
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.offset = offset;
  }
}

/** Where a semantic error was found, when the offending node carries a source position. */
export interface SemanticErrorPosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/**
 * A filter that parses but cannot be applied to the entity (unknown field, bare identifier or value,
 * literal of the wrong type, operator not defined for the field's type, impossible date, ...).
 * A rejection concerns the whole request: it is raised before any record is looked at.
 */
export class FilterSemanticError extends Error {
  readonly code = "InvalidArgument" as const;
  /** Short reason, without the position. */
  readonly reason: string;
  readonly line?: number;
  readonly column?: number;
  readonly offset?: number;

  constructor(reason: string, position?: SemanticErrorPosition) {
    super(position ? `${position.line}:${position.column}: ${reason}` : reason);
    this.name = "FilterSemanticError";
    this.reason = reason;
    if (position) {
      this.line = position.line;
      this.column = position.column;
      this.offset = position.offset;
    }
  }
}
