import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileFilter,
  type FilterEntityDefinition,
  type FilterExpression,
  type FilterNode,
  FilterSemanticError,
  FilterSyntaxError,
  formatFilter,
  formatFilterChecked,
  type Literal,
  MAX_LIMIT,
  parseFilter,
  type SourceSpan,
  tokenize,
  type ValueLiteral,
} from "../../src/parser/index.js";

const span: SourceSpan = { start: 0, end: 0, line: 1, column: 1 };
const KEYWORDS = new Set(
  "AND and OR or NOT not CONTAINS contains BETWEEN between IN in LIMIT limit TRUE True true FALSE False false null".split(
    " ",
  ),
);

const identifierArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/).filter((s) => !KEYWORDS.has(s));
const two = (lo: number, hi: number) =>
  fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, "0"));
const dateText = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), two(1, 12), two(0, 31))
  .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${m}-${d}`);
const stringValueArb = fc.oneof(
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.string({
    unit: fc.constantFrom("\\", '"', "'", "\t", "\n", "\r", "a", "é", "\u{1F600}", "\ud800"),
    maxLength: 6,
  }),
);
const valueArb: fc.Arbitrary<ValueLiteral> = fc.oneof(
  stringValueArb.map((value) => ({ type: "string" as const, value, raw: JSON.stringify(value), span })),
  fc.stringMatching(/^-?[0-9]{1,6}(\.[0-9]{1,3})?$/).map((raw) => ({ type: "number" as const, raw, span })),
  dateText.map((raw) => ({ type: "date" as const, raw, span })),
  fc
    .tuple(dateText, two(0, 24), two(0, 59), two(0, 59), fc.option(fc.stringMatching(/^[0-9]{1,9}$/)))
    .map(([d, h, m, s, f]) => ({
      type: "datetime" as const,
      raw: `${d}T${h}:${m}:${s}${f === null ? "" : `.${f}`}Z`,
      span,
    })),
  fc.constant({ type: "null" as const, span }),
);
const booleanArb: fc.Arbitrary<Literal> = fc
  .boolean()
  .map((value) => ({ type: "boolean", value, raw: String(value), span }));
const field = identifierArb.map((name) => ({ name, span }));

const leafArb: fc.Arbitrary<FilterNode> = fc.oneof(
  fc
    .tuple(field, fc.constantFrom("=", "!=", "<", "<=", ">", ">=" as const), valueArb)
    .map(([f, op, value]): FilterNode => ({ type: "comparison", op, field: f, value, span })),
  fc
    .tuple(field, fc.constantFrom("=", "!=" as const), booleanArb)
    .map(([f, op, value]): FilterNode => ({ type: "comparison", op, field: f, value, span })),
  fc.tuple(field, valueArb).map(([f, value]): FilterNode => ({ type: "contains", field: f, value, span })),
  fc
    .tuple(field, valueArb, valueArb)
    .map(([f, lower, upper]): FilterNode => ({ type: "between", field: f, lower, upper, span })),
  fc
    .tuple(field, fc.array(valueArb, { minLength: 1, maxLength: 4 }))
    .map(([f, values]): FilterNode => ({ type: "in", field: f, values, span })),
  identifierArb.map((name): FilterNode => ({ type: "identifier", name, span })),
  valueArb.map((value): FilterNode => ({ type: "value", value, span })),
);

const { node: nodeArb } = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: leafArb, weight: 3 },
    tie("node").map((operand) => ({ type: "not" as const, operand, span })),
    fc.tuple(tie("node"), tie("node")).map(([left, right]) => ({ type: "and" as const, left, right, span })),
    fc.tuple(tie("node"), tie("node")).map(([left, right]) => ({ type: "or" as const, left, right, span })),
  ),
}));

const filterArb: fc.Arbitrary<Pick<FilterExpression, "expression" | "limit">> = fc
  .tuple(
    fc.option(nodeArb, { freq: 10 }),
    fc.option(fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constant(MAX_LIMIT)), { freq: 3 }),
  )
  .filter(([e, l]) => e !== null || l !== null)
  .map(([expression, limit]) => ({ expression, limit }));

/** String values in the order they appear in the rendered text. */
function stringsInOrder(node: FilterNode | null): string[] {
  const out: string[] = [];
  const lit = (l: Literal) => {
    if (l.type === "string") out.push(l.value);
  };
  const walk = (n: FilterNode): void => {
    switch (n.type) {
      case "comparison":
      case "contains":
        lit(n.value);
        break;
      case "between":
        lit(n.lower);
        lit(n.upper);
        break;
      case "in":
        n.values.forEach(lit);
        break;
      case "value":
        lit(n.value);
        break;
      case "not":
        walk(n.operand);
        break;
      case "and":
      case "or":
        walk(n.left);
        walk(n.right);
        break;
      default:
    }
  };
  if (node) walk(node);
  return out;
}

/** R13's exception: a string value ending in a backslash followed, later in the text, by another string. */
function hasTrailingBackslashHazard(node: FilterNode | null): boolean {
  const strings = stringsInOrder(node);
  return strings.some((s, i) => s.endsWith("\\") && i < strings.length - 1);
}

function checkPosition(input: string, error: FilterSyntaxError): void {
  expect(error.offset).toBeGreaterThanOrEqual(0);
  expect(error.offset).toBeLessThanOrEqual(input.length);
  const before = input.slice(0, error.offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  expect(error.line).toBe(before.split("\n").length);
  expect(error.column).toBe([...before.slice(lineStart)].length + 1);
  expect(error.message).toBe(`${error.line}:${error.column}: ${error.reason}`);
}

/** Parses, and checks the properties of section 7 on accepted input; only FilterSyntaxError may escape. */
function checkInput(input: string): void {
  let ast: FilterExpression;
  try {
    ast = parseFilter(input);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    checkPosition(input, error);
    return;
  }
  const { text, reparses } = formatFilterChecked(ast);
  expect(reparses).toBe(!hasTrailingBackslashHazard(ast.expression));
  if (reparses) expect(formatFilter(parseFilter(text))).toBe(text);
}

const tokenSoup = fc
  .array(
    fc.constantFrom(
      "a",
      "b.c",
      "x-1",
      " ",
      "(",
      ")",
      "=",
      "!=",
      "<",
      ">=",
      "AND",
      "and",
      "OR",
      "NOT",
      "not",
      "IN",
      "BETWEEN",
      "CONTAINS",
      "LIMIT",
      "10",
      "5",
      "0",
      "-1.5",
      ",",
      "'",
      '"',
      "\\",
      "'x'",
      '"y\\""',
      "true",
      "False",
      "null",
      "NULL",
      "2021-01-01",
      "2021-04-20T24:00:00Z",
      "T",
      ":",
      "\n",
      "\r",
      "\t",
      "😀",
      "!",
      "_",
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(""));

describe("properties: canonical rendering", () => {
  it("re-parses to the same canonical text, except exactly in the R13 trailing-backslash case", () => {
    let hazards = 0;
    fc.assert(
      fc.property(filterArb, (ast) => {
        const { text, reparses } = formatFilterChecked(ast);
        const hazard = hasTrailingBackslashHazard(ast.expression);
        if (hazard) hazards++;
        expect(reparses).toBe(!hazard);
        if (!hazard) expect(formatFilter(parseFilter(text))).toBe(text);
        else expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(hazards).toBeGreaterThan(0);
  });

  it("writes keywords in upper case, and only null/true/false in lower case", () => {
    fc.assert(
      fc.property(filterArb, (ast) => {
        const { text, reparses } = formatFilterChecked(ast);
        fc.pre(reparses);
        expect(text).not.toMatch(/[\n\r]/);
        for (const token of tokenize(text)) {
          if (token.kind === "TRUE" || token.kind === "FALSE" || token.kind === "NULL") {
            expect(token.text).toBe(token.kind.toLowerCase());
          } else if (["AND", "OR", "NOT", "CONTAINS", "BETWEEN", "IN", "LIMIT"].includes(token.kind)) {
            expect(token.text).toBe(token.kind);
          }
        }
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});

describe("properties: robustness", () => {
  it("throws nothing but FilterSyntaxError on arbitrary unicode text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 40 }), checkInput), {
      numRuns: 3000,
      seed: 1,
    });
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), checkInput), {
      numRuns: 1000,
      seed: 2,
    });
  });

  it("throws nothing but FilterSyntaxError on byte-ish strings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        checkInput(String.fromCharCode(...bytes));
        checkInput(new TextDecoder().decode(bytes));
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it("holds the round-trip property on token soup (mostly near-valid input)", () => {
    let accepted = 0;
    fc.assert(
      fc.property(tokenSoup, (input) => {
        try {
          parseFilter(input);
          accepted++;
        } catch {
          // counted below through checkInput
        }
        checkInput(input);
      }),
      { numRuns: 5000, seed: 4 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it("compiles and evaluates without throwing anything but FilterSemanticError", () => {
    const definition: FilterEntityDefinition = {
      fields: ["a", "b.c", "x-1"].flatMap((name, i) => [
        { fieldName: name, dataType: ["String", "Double", "DateTime"][i]! },
      ]),
    };
    fc.assert(
      fc.property(
        tokenSoup,
        fc.dictionary(fc.constantFrom("a", "b.c", "x-1"), fc.jsonValue()),
        (input, record) => {
          let ast: FilterExpression;
          try {
            ast = parseFilter(input);
          } catch {
            return;
          }
          try {
            const compiled = compileFilter(ast, definition);
            expect(typeof compiled.matches(record)).toBe("boolean");
          } catch (error) {
            if (!(error instanceof FilterSemanticError)) throw error;
          }
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });
});

describe("properties: evaluator laws", () => {
  const definition: FilterEntityDefinition = {
    fields: [
      { fieldName: "n", dataType: "Double" },
      { fieldName: "s", dataType: "String" },
      { fieldName: "t", dataType: "DateTime" },
    ],
  };
  const literal = fc.oneof(
    fc.integer({ min: -3, max: 3 }).map(String),
    fc.constantFrom("'a'", "'b'", "'\u{1F600}'", "'\uE000'", "2021-01-01", "2021-01-01T12:00:00Z"),
  );
  const recordArb = fc.record(
    {
      n: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null), fc.constant("x")),
      s: fc.oneof(fc.constantFrom("a", "b", "\u{1F600}", "\uE000", ""), fc.constant(null), fc.constant(1)),
      t: fc.oneof(
        fc.constantFrom("2021-01-01", "2021-01-01T13:00:00+01:00", "2021-01-02"),
        fc.constant(null),
      ),
    },
    { requiredKeys: [] },
  );
  const compileOrNull = (text: string) => {
    try {
      return compileFilter(text, definition);
    } catch (error) {
      if (error instanceof FilterSemanticError) return null;
      throw error;
    }
  };

  it("!= is = negated for present well-formed values; NOT is plain negation; BETWEEN is inclusive", () => {
    fc.assert(
      fc.property(fc.constantFrom("n", "s", "t"), literal, literal, recordArb, (f, v, w, record) => {
        const eq = compileOrNull(`${f} = ${v}`);
        const ne = compileOrNull(`${f} != ${v}`);
        const not = compileOrNull(`NOT ${f} = ${v}`);
        fc.pre(eq !== null && ne !== null && not !== null);
        expect(not!.matches(record)).toBe(!eq!.matches(record));
        const present = record[f] !== undefined && record[f] !== null;
        const wellFormed = present && compileOrNull(`${f} = ${v} OR ${f} != ${v}`)!.matches(record);
        if (wellFormed) expect(ne!.matches(record)).toBe(!eq!.matches(record));
        else expect(ne!.matches(record)).toBe(false);
        const between = compileOrNull(`${f} BETWEEN ${v} AND ${w}`);
        const range = compileOrNull(`${f} >= ${v} AND ${f} <= ${w}`);
        if (between && range) expect(between.matches(record)).toBe(range.matches(record));
      }),
      { numRuns: 3000, seed: 9 },
    );
  });
});
