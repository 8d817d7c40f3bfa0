/**
 * Type checking of conditions against an entity definition (R4 to R10), shared by the in-memory
 * evaluator and the SQL translator. Each condition becomes a {@link TypedCondition} whose literals are
 * already converted to the field's domain; every rejection is a {@link FilterSemanticError}.
 */

import type { ConditionNode, Literal, SourceSpan, ValueLiteral } from "./ast.js";
import { FilterSemanticError } from "./errors.js";
import { dateLiteralToInstant, dateTimeLiteralToInstant, recordTemporalToInstant } from "./temporal.js";

/**
 * The part of an AppFlow `EntityDefinition` that filtering needs. Structural, so that the SDK's
 * richer `EntityDefinition` is assignable to it.
 */
export interface FilterEntityDefinition {
  readonly fields: ReadonlyArray<{ readonly fieldName: string; readonly dataType: string }>;
}

/** AppFlow's FieldDataType names (PascalCase, exact spelling). */
export type FieldDataType =
  | "String"
  | "Integer"
  | "Float"
  | "Double"
  | "Long"
  | "Short"
  | "BigInteger"
  | "BigDecimal"
  | "ByteArray"
  | "Boolean"
  | "Date"
  | "DateTime"
  | "Struct"
  | "Map"
  | "List";

/** How a data type behaves in filters. */
export type TypeClass = "numeric" | "temporal" | "string" | "boolean" | "list" | "map" | "opaque";

const TYPE_CLASSES: ReadonlyMap<string, TypeClass> = new Map<string, TypeClass>([
  ["String", "string"],
  ["Integer", "numeric"],
  ["Float", "numeric"],
  ["Double", "numeric"],
  ["Long", "numeric"],
  ["Short", "numeric"],
  ["BigInteger", "numeric"],
  ["BigDecimal", "numeric"],
  ["ByteArray", "opaque"],
  ["Boolean", "boolean"],
  ["Date", "temporal"],
  ["DateTime", "temporal"],
  ["Struct", "opaque"],
  ["Map", "map"],
  ["List", "list"],
]);

/** A field referenced by a condition, resolved against the entity definition. */
export interface TypedField {
  readonly name: string;
  readonly dataType: FieldDataType;
  readonly typeClass: TypeClass;
}

/**
 * A converted literal: a number for numeric fields, epoch milliseconds for Date/DateTime, a string
 * for String fields, a boolean for Boolean fields.
 */
export type Scalar = number | string | boolean;

/** The needle of CONTAINS on a List or Map field: the literal's string form and, if numeric, its number. */
export interface Needle {
  readonly text: string;
  readonly number: number | null;
}

export type TypedCondition =
  /** `= null` (`negated: false`) or `!= null` (`negated: true`). */
  | { readonly kind: "null-check"; readonly field: TypedField; readonly negated: boolean }
  /** A comparison that is false for every record (a `null` operand other than with `=`/`!=`). */
  | { readonly kind: "never"; readonly field: TypedField }
  | {
      readonly kind: "compare";
      readonly field: TypedField;
      readonly op: "=" | "!=" | "<" | "<=" | ">" | ">=";
      readonly value: Scalar;
    }
  | { readonly kind: "between"; readonly field: TypedField; readonly lower: Scalar; readonly upper: Scalar }
  /** IN: the non-null values converted, and whether `null` was listed. `values` may be empty. */
  | {
      readonly kind: "in";
      readonly field: TypedField;
      readonly values: readonly Scalar[];
      readonly includesNull: boolean;
    }
  | { readonly kind: "contains-string"; readonly field: TypedField; readonly needle: string }
  | { readonly kind: "contains-list"; readonly field: TypedField; readonly needle: Needle }
  | { readonly kind: "contains-map"; readonly field: TypedField; readonly needle: Needle };

const NUMERIC_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;

function at(span: SourceSpan | undefined): { line: number; column: number; offset: number } | undefined {
  return span ? { line: span.line, column: span.column, offset: span.start } : undefined;
}

/** How a literal is shown in messages. */
export function describeLiteral(literal: Literal): string {
  switch (literal.type) {
    case "string":
      return JSON.stringify(literal.value);
    case "null":
      return "null";
    case "boolean":
      return String(literal.value);
    default:
      return literal.raw;
  }
}

/** The "string form" of a value literal (R6 String column, R10): a string's value, else the raw text. */
export function stringForm(literal: Exclude<ValueLiteral, { type: "null" }>): string {
  return literal.type === "string" ? literal.value : literal.raw;
}

/** Field name → data type lookup for one entity definition (the first definition of a name wins). */
export class FieldTypes {
  private readonly types = new Map<string, string>();

  constructor(definition: FilterEntityDefinition) {
    if (!definition || !Array.isArray(definition.fields)) {
      throw new TypeError("entityDefinition.fields must be an array");
    }
    for (const field of definition.fields) {
      if (field && typeof field.fieldName === "string" && !this.types.has(field.fieldName)) {
        this.types.set(field.fieldName, String(field.dataType));
      }
    }
  }

  resolve(name: string, span: SourceSpan | undefined): TypedField {
    const dataType = this.types.get(name);
    if (dataType === undefined) throw new FilterSemanticError(`unknown field '${name}'`, at(span));
    const typeClass = TYPE_CLASSES.get(dataType);
    if (typeClass === undefined) {
      throw new FilterSemanticError(`field '${name}' has unsupported data type '${dataType}'`, at(span));
    }
    return { name, dataType: dataType as FieldDataType, typeClass };
  }
}

function reject(field: TypedField, literal: Literal, why: string): never {
  throw new FilterSemanticError(
    `${describeLiteral(literal)} ${why} (field '${field.name}' is ${field.dataType})`,
    at(literal.span),
  );
}

/**
 * Converts a non-null literal used with `=`, `!=`, an ordering operator, BETWEEN or IN to the
 * field's domain (R6), or throws.
 */
function convert(field: TypedField, literal: Exclude<Literal, { type: "null" }>): Scalar {
  switch (field.typeClass) {
    case "numeric":
      if (literal.type === "number") return Number(literal.raw);
      if (literal.type === "string" && NUMERIC_TEXT.test(literal.value)) return Number(literal.value);
      return reject(field, literal, "is not a number");
    case "temporal": {
      let instant: number | null = null;
      if (literal.type === "date") instant = dateLiteralToInstant(literal.raw);
      else if (literal.type === "datetime") instant = dateTimeLiteralToInstant(literal.raw);
      // Epoch milliseconds, as a double: a fractional literal is kept (not truncated), so that `<` and `>`
      // against whole-millisecond record instants keep their meaning.
      else if (literal.type === "number") instant = Number(literal.raw);
      else if (literal.type === "string") instant = recordTemporalToInstant(literal.value);
      else return reject(field, literal, "is not a date");
      if (instant === null) {
        return reject(field, literal, literal.type === "string" ? "is not a date" : "is not a valid date");
      }
      return instant;
    }
    case "string":
      if (literal.type === "boolean") return reject(field, literal, "is not a string");
      return stringForm(literal);
    case "boolean":
      if (literal.type === "boolean") return literal.value;
      return reject(field, literal, "is not a boolean");
    default:
      return reject(field, literal, "cannot be compared with this field; only null can");
  }
}

function checkOrdering(field: TypedField, what: string, span: SourceSpan | undefined): void {
  const c = field.typeClass;
  if (c !== "numeric" && c !== "temporal" && c !== "string") {
    throw new FilterSemanticError(
      `${what} is not defined for field '${field.name}' of type ${field.dataType}`,
      at(span),
    );
  }
}

/** Type-checks one condition (R4, R6 to R10). Throws {@link FilterSemanticError} when rejected. */
export function typeCondition(node: ConditionNode, fields: FieldTypes): TypedCondition {
  const field = fields.resolve(node.field.name, node.field.span);
  switch (node.type) {
    case "comparison": {
      const { op, value } = node;
      if (op !== "=" && op !== "!=") {
        checkOrdering(field, `operator '${op}'`, node.span);
        if (value.type === "boolean") return reject(field, value, "cannot be used with an ordering operator");
        if (value.type === "null") return { kind: "never", field };
        return { kind: "compare", field, op, value: convert(field, value) };
      }
      if (value.type === "null") return { kind: "null-check", field, negated: op === "!=" };
      return { kind: "compare", field, op, value: convert(field, value) };
    }
    case "between": {
      checkOrdering(field, "BETWEEN", node.span);
      const lower = node.lower.type === "null" ? null : convert(field, node.lower);
      const upper = node.upper.type === "null" ? null : convert(field, node.upper);
      if (lower === null || upper === null) return { kind: "never", field };
      return { kind: "between", field, lower, upper };
    }
    case "in": {
      const values: Scalar[] = [];
      let includesNull = false;
      for (const literal of node.values) {
        if (literal.type === "null") includesNull = true;
        else values.push(convert(field, literal));
      }
      return { kind: "in", field, values, includesNull };
    }
    case "contains": {
      const c = field.typeClass;
      if (c !== "string" && c !== "list" && c !== "map") {
        throw new FilterSemanticError(
          `CONTAINS is not defined for field '${field.name}' of type ${field.dataType}`,
          at(node.span),
        );
      }
      const literal = node.value;
      if (literal.type === "null") return { kind: "never", field };
      const text = stringForm(literal);
      if (c === "string") return { kind: "contains-string", field, needle: text };
      const number =
        literal.type === "number"
          ? Number(literal.raw)
          : literal.type === "string" && NUMERIC_TEXT.test(literal.value)
            ? Number(literal.value)
            : null;
      return { kind: c === "list" ? "contains-list" : "contains-map", field, needle: { text, number } };
    }
  }
}
