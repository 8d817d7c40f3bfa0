import { describe, expect, it } from "vitest";
import { canonicalRoundTrips, FilterSyntaxError, formatFilter, parseFilter } from "../../src/parser/index.js";
import { specExamples } from "./fixtures/spec-examples.js";

/** Parses and returns the thrown error, failing the test if nothing (or something else) is thrown. */
function syntaxError(input: string): FilterSyntaxError {
  try {
    parseFilter(input);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    return error as FilterSyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(input)}`);
}

describe("section 6 worked examples (normative)", () => {
  it("holds all 126 rows", () => {
    expect(specExamples.map((row) => row.n)).toEqual(Array.from({ length: 126 }, (_, i) => i + 1));
  });

  for (const row of specExamples) {
    const title = `#${row.n} ${JSON.stringify(row.input)}`;
    if (row.canonical !== undefined) {
      const canonical = row.canonical;
      it(`${title} → ${canonical}`, () => {
        const ast = parseFilter(row.input);
        expect(formatFilter(ast)).toBe(canonical);
        // The canonical form re-parses to itself, except in the trailing-backslash case (row 91).
        expect(canonicalRoundTrips(ast)).toBe(row.n !== 91);
        if (row.n !== 91) expect(formatFilter(parseFilter(canonical))).toBe(canonical);
      });
    } else {
      const expected = row.error!;
      it(`${title} → error ${expected.line}:${expected.column}`, () => {
        const error = syntaxError(row.input);
        expect({ line: error.line, column: error.column }).toEqual({
          line: expected.line,
          column: expected.column,
        });
        expect(error.reason.startsWith(expected.reason)).toBe(true);
        expect(error.message).toBe(`${error.line}:${error.column}: ${error.reason}`);
        if (!row.input.includes("\n")) expect(error.offset).toBe(expected.column - 1);
      });
    }
  }

  it("row 91: the canonical text fails to re-parse at 1:24, as R13 states", () => {
    const canonical = formatFilter(parseFilter(`x = 'a\\\\' OR y = "b"`));
    expect(canonical).toBe('((x = "a\\\\") OR (y = "b"))');
    const error = syntaxError(canonical);
    expect([error.line, error.column]).toEqual([1, 24]);
  });
});
