/**
 * In-memory evaluation of parsed filters (spec section 5.3, R4 to R12).
 *
 * `compileFilter` type-checks the whole filter against the entity definition and converts every
 * literal once; all rejections happen there, before any record is read. The result tests records
 * with two-valued logic (R8, R9). The Boolean structure is compiled to a small jump program run by a
 * loop, so that arbitrarily deep trees never recurse.
 */

import type { ConditionNode, FilterExpression, FilterNode } from "./ast.js";
import { FilterSemanticError } from "./errors.js";
import { parseFilter } from "./parser.js";
import { recordTemporalToInstant } from "./temporal.js";
import {
  FieldTypes,
  type FilterEntityDefinition,
  type Scalar,
  type TypeClass,
  type TypedCondition,
  typeCondition,
} from "./typing.js";

/** A record as AppFlow's record format describes it: a JSON object (A10). */
export type FilterRecord = Readonly<Record<string, unknown>>;

export interface CompiledFilter {
  /** Whether the record satisfies the expression (always true for a filter that is only `LIMIT n`). */
  matches(record: FilterRecord): boolean;
  /** The LIMIT count, or `null`. {@link CompiledFilter.filter} and {@link applyLimit} apply it. */
  readonly limit: number | null;
  /** The distinct field names the filter reads, in order of first use. */
  readonly fields: readonly string[];
  /** The matching records in order, cut to the first `limit` of them (R12, one page). */
  filter<T extends FilterRecord>(records: Iterable<T>): T[];
}

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/**
 * Compares two strings by Unicode code point (R9). JavaScript's `<` compares UTF-16 code units,
 * which puts U+10000 and above before U+E000-U+FFFF. Returns a negative, zero or positive number.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // A high surrogate always begins a code point, so backing up over one lands on a boundary in
  // both strings (their prefixes are equal).
  const h = a.charCodeAt(i - 1);
  if (i > 0 && h >= 0xd800 && h <= 0xdbff) i--;
  while (i < a.length && i < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** Sentinel for a present value that is not valid for the field's type (R7). */
const MALFORMED = Symbol("malformed");

/** Interprets a present record value in the domain of its type class (R7). */
function interpret(typeClass: TypeClass, value: unknown): Scalar | typeof MALFORMED {
  switch (typeClass) {
    case "numeric":
      return typeof value === "number" && Number.isFinite(value) ? value : MALFORMED;
    case "string":
      return typeof value === "string" ? value : MALFORMED;
    case "boolean":
      return typeof value === "boolean" ? value : MALFORMED;
    case "temporal": {
      if (typeof value !== "string") return MALFORMED;
      return recordTemporalToInstant(value) ?? MALFORMED;
    }
    default:
      return MALFORMED;
  }
}

type Test = (record: FilterRecord) => boolean;

/** Builds the record test of one type-checked condition. */
function buildTest(condition: TypedCondition): Test {
  const { name, typeClass } = condition.field;
  // The field's value, or undefined when missing (absent, JSON null, or undefined).
  const read = (record: FilterRecord): unknown => {
    if (!hasOwn(record, name)) return undefined;
    const value = record[name];
    return value === null ? undefined : value;
  };
  const isString = typeClass === "string";
  const compare = (x: Scalar, y: Scalar): number =>
    isString ? compareCodePoints(x as string, y as string) : x < y ? -1 : x > y ? 1 : 0;

  switch (condition.kind) {
    case "null-check":
      return condition.negated ? (r) => read(r) !== undefined : (r) => read(r) === undefined;
    case "never":
      return () => false;
    case "compare": {
      const { op, value } = condition;
      return (r) => {
        const raw = read(r);
        if (raw === undefined) return false;
        const x = interpret(typeClass, raw);
        if (x === MALFORMED) return false;
        switch (op) {
          case "=":
            return x === value;
          case "!=":
            return x !== value;
          case "<":
            return compare(x, value) < 0;
          case "<=":
            return compare(x, value) <= 0;
          case ">":
            return compare(x, value) > 0;
          default:
            return compare(x, value) >= 0;
        }
      };
    }
    case "between": {
      const { lower, upper } = condition;
      return (r) => {
        const raw = read(r);
        if (raw === undefined) return false;
        const x = interpret(typeClass, raw);
        return x !== MALFORMED && compare(lower, x) <= 0 && compare(x, upper) <= 0;
      };
    }
    case "in": {
      const { values, includesNull } = condition;
      return (r) => {
        const raw = read(r);
        if (raw === undefined) return includesNull;
        const x = interpret(typeClass, raw);
        return x !== MALFORMED && values.includes(x);
      };
    }
    case "contains-string": {
      const { needle } = condition;
      return (r) => {
        const raw = read(r);
        return typeof raw === "string" && raw.includes(needle);
      };
    }
    case "contains-list": {
      const { text, number } = condition.needle;
      return (r) => {
        const raw = read(r);
        if (!Array.isArray(raw)) return false;
        for (const element of raw) {
          if (
            typeof element === "string" ? element === text : typeof element === "number" && element === number
          ) {
            return true;
          }
        }
        return false;
      };
    }
    case "contains-map": {
      const { text } = condition.needle;
      return (r) => {
        const raw = read(r);
        return typeof raw === "object" && raw !== null && !Array.isArray(raw) && hasOwn(raw, text);
      };
    }
  }
}

// Instructions of the jump program: each is an opcode and an argument.
const TEST = 0; // v = tests[arg](record)
const JUMP_IF_FALSE = 1; // if (!v) pc = arg
const JUMP_IF_TRUE = 2; // if (v) pc = arg
const NEGATE = 3; // v = !v

/**
 * Walks the tree left to right without recursion, calling `leaf` on every condition in source order
 * and emitting the jump program. Bare identifiers and values are rejected (R5).
 */
function compileProgram(
  root: FilterNode,
  leaf: (node: ConditionNode) => number,
): { ops: number[]; args: number[] } {
  const ops: number[] = [];
  const args: number[] = [];
  type Work = { node: FilterNode; phase: 0 | 1 | 2; patch: number };
  const stack: Work[] = [{ node: root, phase: 0, patch: -1 }];
  while (stack.length > 0) {
    const work = stack.pop()!;
    const node = work.node;
    switch (node.type) {
      case "and":
      case "or":
        if (work.phase === 0) {
          stack.push({ node, phase: 1, patch: -1 }, { node: node.left, phase: 0, patch: -1 });
        } else if (work.phase === 1) {
          ops.push(node.type === "and" ? JUMP_IF_FALSE : JUMP_IF_TRUE);
          args.push(-1);
          stack.push({ node, phase: 2, patch: args.length - 1 }, { node: node.right, phase: 0, patch: -1 });
        } else {
          args[work.patch] = ops.length;
        }
        break;
      case "not":
        if (work.phase === 0) {
          stack.push({ node, phase: 1, patch: -1 }, { node: node.operand, phase: 0, patch: -1 });
        } else {
          ops.push(NEGATE);
          args.push(0);
        }
        break;
      case "identifier":
      case "value": {
        const { line, column, start } = node.span;
        throw new FilterSemanticError(
          node.type === "identifier"
            ? `not a condition: bare identifier '${node.name}'`
            : "not a condition: bare value",
          { line, column, offset: start },
        );
      }
      default:
        ops.push(TEST);
        args.push(leaf(node));
    }
  }
  return { ops, args };
}

function isFilterExpression(value: unknown): value is FilterExpression {
  return typeof value === "object" && value !== null && "expression" in value && !("type" in value);
}

/**
 * Compiles a filter for in-memory evaluation against records of the given entity (R4 to R12).
 * Accepts the filter text, a parse result, or a bare expression node. Throws
 * {@link FilterSemanticError} for every rejected filter (and FilterSyntaxError for text that
 * does not parse).
 */
export function compileFilter(
  filter: string | FilterExpression | FilterNode,
  entityDefinition: FilterEntityDefinition,
): CompiledFilter {
  const parsed: FilterExpression | FilterNode = typeof filter === "string" ? parseFilter(filter) : filter;
  const expression = isFilterExpression(parsed) ? parsed.expression : parsed;
  const limit = isFilterExpression(parsed) ? parsed.limit : null;
  const fieldTypes = new FieldTypes(entityDefinition);

  const tests: Test[] = [];
  const fields: string[] = [];
  let matches: (record: FilterRecord) => boolean = () => true;
  if (expression !== null) {
    const { ops, args } = compileProgram(expression, (node) => {
      const condition = typeCondition(node, fieldTypes);
      if (!fields.includes(condition.field.name)) fields.push(condition.field.name);
      tests.push(buildTest(condition));
      return tests.length - 1;
    });
    const single = ops.length === 1 ? tests[0] : undefined;
    matches = (record) => {
      const r: FilterRecord = typeof record === "object" && record !== null ? record : {};
      if (single) return single(r);
      let v = true;
      let pc = 0;
      while (pc < ops.length) {
        const arg = args[pc]!;
        switch (ops[pc]) {
          case TEST:
            v = tests[arg]!(r);
            pc++;
            break;
          case JUMP_IF_FALSE:
            pc = v ? pc + 1 : arg;
            break;
          case JUMP_IF_TRUE:
            pc = v ? arg : pc + 1;
            break;
          default:
            v = !v;
            pc++;
        }
      }
      return v;
    };
  }

  return {
    matches,
    limit,
    fields,
    filter<T extends FilterRecord>(records: Iterable<T>): T[] {
      const out: T[] = [];
      if (limit !== null && limit <= 0) return out;
      for (const record of records) {
        if (!matches(record)) continue;
        out.push(record);
        if (limit !== null && out.length >= limit) break;
      }
      return out;
    },
  };
}

/**
 * Evaluates a filter against one record. Convenience for one-off checks: it compiles the filter on
 * every call, so use {@link compileFilter} when testing many records. LIMIT is ignored here.
 */
export function evaluateFilter(
  filter: string | FilterExpression | FilterNode,
  record: FilterRecord,
  entityDefinition: FilterEntityDefinition,
): boolean {
  return compileFilter(filter, entityDefinition).matches(record);
}

/** One page of results under R12 (LIMIT across pages). */
export interface LimitedPage<T> {
  /** The records to return on this page. */
  readonly records: T[];
  /** The running total to carry in the runtime's opaque `nextToken`. */
  readonly returnedSoFar: number;
  /** True once LIMIT records have been returned: answer with `nextToken: null`. */
  readonly limitReached: boolean;
}

/**
 * Applies R12 to one page. Give it the matching records available for this page (in order), the
 * LIMIT (or `null`), how many records earlier pages returned, and the request's `maxResults`. The
 * page holds at most `min(maxResults, limit - returnedSoFar)` records.
 */
export function applyLimit<T>(
  matching: readonly T[],
  limit: number | null,
  options: { readonly returnedSoFar?: number; readonly maxResults?: number } = {},
): LimitedPage<T> {
  const before = Math.max(0, options.returnedSoFar ?? 0);
  const budget = pageBudget(limit, before, options.maxResults);
  const records = matching.slice(0, budget);
  const returnedSoFar = before + records.length;
  return { records, returnedSoFar, limitReached: limit !== null && returnedSoFar >= limit };
}

/** How many records the next page may hold: `min(maxResults, limit - returnedSoFar)`, never below 0. */
export function pageBudget(limit: number | null, returnedSoFar: number, maxResults?: number): number {
  const cap = maxResults === undefined ? Number.POSITIVE_INFINITY : Math.max(0, maxResults);
  if (limit === null) return cap;
  return Math.max(0, Math.min(cap, limit - returnedSoFar));
}
