import { describe, expect, it } from "vitest";
import {
  canonicalRoundTrips,
  DEFAULT_MAX_DEPTH,
  type FilterNode,
  FilterSyntaxError,
  formatFilter,
  parseFilter,
  tokenize,
} from "../../src/parser/index.js";

function syntaxError(input: string, options?: { maxDepth?: number }): FilterSyntaxError {
  try {
    parseFilter(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    return error as FilterSyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(input)}`);
}

type Row = readonly [input: string, expected: string];

/**
 * Extra cases beyond section 6. The expectation is the canonical form, or `error L:C` optionally
 * followed by text that the reason must start with.
 */
const extraCases: Record<string, readonly Row[]> = {
  "strings and escapes": [
    ['a = "tab\\there"', '(a = "tab\\there")'],
    ["a = 'x\\\\'", '(a = "x\\\\")'],
    ["a = 'multi\nline'", '(a = "multi\\nline")'],
    ['a = "é中😀"', '(a = "é中😀")'],
    ["a = '\\n\\r\\t'", '(a = "\\n\\r\\t")'],
    ["a = '\n\r\t'", '(a = "\\n\\r\\t")'],
    ['a = "\\\'"', '(a = "\'")'],
    ["a = '\\\"'", '(a = "\\"")'],
    ['a = "\\\\\\\\"', '(a = "\\\\\\\\")'],
    ["a = '\\x'", '(a = "\\\\x")'],
    ["a = 'a\\' b'", '(a = "a\' b")'],
    ["a = '\\''", '(a = "\'")'],
    ["a = '\\'", '(a = "\\\\")'],
    ['a = "it\'s"', '(a = "it\'s")'],
    ["a = ''''", "error 1:7 unexpected"],
    ['a = "x" b', "error 1:9 unexpected 'b'"],
    ["a = 'abc", "error 1:5 unterminated string"],
    ["a = 1 AND\nb = 'x", "error 2:5 unterminated string"],
    ['a = "x" AND b = \'', "error 1:17 unterminated string"],
    ["a CONTAINS '%_\\\\'", '(a CONTAINS "%_\\\\")'],
    ["a = '\u0000\u0007'", '(a = "\u0000\u0007")'],
  ],
  "positions across lines, CR, TAB and non-ASCII": [
    ["a = 1 AND\n\n  b = ", "error 3:7 unexpected end of input"],
    ["a = 1\r\nAND b = = 2", "error 2:9 unexpected '='"],
    ["a = 1\rAND b ~", "error 1:13 unexpected character '~'"],
    ["a\t=\t\t~", "error 1:6 unexpected character '~'"],
    ['a = "😀" ~', "error 1:9 unexpected character '~'"],
    ['a = "é" AND b = = 1', "error 1:17 unexpected '='"],
    ["a = 'x\ny' AND ~", "error 2:8 unexpected character '~'"],
    ["a = é", "error 1:5 unexpected character 'é'"],
    ["a\u00a0= 1", "error 1:2 unexpected character U+00A0"],
    ["a\u000b= 1", "error 1:2 unexpected character U+000B"],
    ["a\f=\f1", "(a = 1)"],
    ["\r\n\t a = 1 \r\n", "(a = 1)"],
    ["😀", "error 1:1 unexpected character '😀'"],
    ['a = "\ud800"', '(a = "\ud800")'],
    ["a = 1\n\n", "(a = 1)"],
    ["a = 1\nAND", "error 2:4 unexpected end of input"],
    ["a = 1\r", "(a = 1)"],
    ["\n", "error 2:1 unexpected end of input"],
  ],
  "keyword spellings": [
    ["a = 1 and b = 2 or c = 3", "(((a = 1) AND (b = 2)) OR (c = 3))"],
    ["not a = 1", "(NOT (a = 1))"],
    ["a contains 'x'", '(a CONTAINS "x")'],
    ["a in (1)", "(a IN (1))"],
    ["a = TRUE", "(a = true)"],
    ["a = True", "(a = true)"],
    ["a = FALSE", "(a = false)"],
    ["a != False", "(a != false)"],
    ["a = false", "(a = false)"],
    ["a = tRUE", "error 1:5 unexpected 'tRUE'"],
    ["a = Null", "error 1:5 unexpected 'Null'"],
    ["Or = 1", "(Or = 1)"],
    ["a = 1 oR b = 2", "error 1:7 unexpected 'oR'"],
    ["CONTAINS = 1", "error 1:1 unexpected 'CONTAINS'"],
    ["a CONTAINS", "error 1:11 unexpected end of input"],
    ["anD = 1", "(anD = 1)"],
    ["a-b.c_d = 1", "(a-b.c_d = 1)"],
    ["NOTa", "NOTa"],
    ["a = 1 AND", "error 1:10 unexpected end of input"],
    ["Limit = 5", "(Limit = 5)"],
    ["limit = 5", "error 1:7 unexpected '='"],
  ],
  "numbers and dates": [
    ["a = -0", "(a = -0)"],
    ["a = 00.50", "(a = 00.50)"],
    ["a=-1", "(a = -1)"],
    ["a = 1-2", "error 1:6 unexpected '-2'"],
    ["a = 2021-04-20T10:30Z", "error 1:18 unexpected character ':'"],
    ["a = 2021-04-20T24:59:59Z", "(a = 2021-04-20T24:59:59Z)"],
    ["a = 2021-04-20T12:30:45.Z", "error 1:18 unexpected character ':'"],
    ["a = 2021-4-20", "error 1:9 unexpected '-4'"],
    ["a = 9999-12-31T23:59:59.999999999Z", "(a = 9999-12-31T23:59:59.999999999Z)"],
    ["a = 0000-01-00", "(a = 0000-01-00)"],
    ["a = 2021-04-32", "error 1:9 unexpected '-04'"],
    ["a = 2021-04-20T25:00:00Z", "error 1:18 unexpected character ':'"],
    ["a = 2021-04-20T23:60:00Z", "error 1:18 unexpected character ':'"],
    ["a = 1.5.3", "error 1:8 unexpected character '.'"],
    ["a = -", "error 1:5 unexpected character '-'"],
    ["a = 12345678901234567890", "(a = 12345678901234567890)"],
    ["2021-01-01", "2021-01-01"],
    ["a > -2021-01-01", "error 1:10 unexpected '-01'"],
  ],
  "structure and operators": [
    ["a IN (1,2,3)", "(a IN (1, 2, 3))"],
    ["a IN (1,)", "error 1:9 unexpected ')'"],
    ["a IN 1", "error 1:6 unexpected '1', expected '('"],
    ["a IN (1 2)", "error 1:9 unexpected '2', expected ',' or ')'"],
    ["a BETWEEN 1 OR 2", "error 1:13 unexpected 'OR', expected AND"],
    ["a BETWEEN 1 AND 2 AND 3", "((a BETWEEN 1 AND 2) AND 3)"],
    ["a BETWEEN null AND 'z'", '(a BETWEEN null AND "z")'],
    ["NOT NOT NOT a", "(NOT (NOT (NOT a)))"],
    ["(a) AND (b)", "(a AND b)"],
    ["a AND (b OR c) AND d", "((a AND (b OR c)) AND d)"],
    ["a OR b AND c OR d", "((a OR (b AND c)) OR d)"],
    ["a OR (b OR c)", "(a OR (b OR c))"],
    ["'x' OR y = 1", '("x" OR (y = 1))'],
    ["NOT (NOT a) AND NOT b", "((NOT (NOT a)) AND (NOT b))"],
    ["AND a", "error 1:1 unexpected 'AND'"],
    ["a ( b", "error 1:3 unexpected '('"],
    [")", "error 1:1 unexpected ')'"],
    ["a = 1 ,", "error 1:7 unexpected ','"],
    ["a=1 AND b!=2", "((a = 1) AND (b != 2))"],
    ["a<=1or b>2", "((a <= 1) OR (b > 2))"],
    ["a!=null", "(a != null)"],
    ["a < null", "(a < null)"],
    ["a = 'x' = 'y'", "error 1:9 unexpected '='"],
    ["NOT", "error 1:4 unexpected end of input"],
    ["(", "error 1:2 unexpected end of input"],
    ["((a = 1)", "error 1:9 unexpected end of input"],
    ["a = (1)", "error 1:5 unexpected '('"],
    ["a = 1 OR", "error 1:9 unexpected end of input"],
    ["a CONTAINS b", "error 1:12 unexpected 'b'"],
    ["a CONTAINS 2021-01-01T00:00:00Z", "(a CONTAINS 2021-01-01T00:00:00Z)"],
  ],
  "LIMIT boundaries": [
    ["LIMIT 1", "LIMIT 1"],
    ["LIMIT 2147483647", "LIMIT 2147483647"],
    ["LIMIT 99999999999", "error 1:7 unexpected '99999999999'"],
    ["LIMIT 2147483648", "error 1:7 unexpected '2147483648'"],
    ["LIMIT 00", "error 1:7 unexpected '00'"],
    ["LIMIT 10 ", "LIMIT 10"],
    ["LIMIT", "error 1:6 unexpected end of input"],
    ["NOT LIMIT 5", "error 1:5 unexpected 'LIMIT'"],
    ["a = 1 OR LIMIT 5", "error 1:10 unexpected 'LIMIT'"],
    ["(LIMIT 5)", "error 1:2 unexpected 'LIMIT'"],
    ["LIMIT 'x'", "error 1:7 unexpected ''x''"],
    ["LIMIT 1e5", "error 1:8 unexpected 'e5', expected end of input"],
    ["limit 10 limit 10", "error 1:10 unexpected 'limit'"],
    ["a limit10", "error 1:3 unexpected 'limit10'"],
    ["LIMIT 2021-01-01", "error 1:7 unexpected '2021-01-01'"],
    ["NOT a LIMIT 3", "(NOT a) LIMIT 3"],
    ["a = 1 OR b = 2 LIMIT 50", "((a = 1) OR (b = 2)) LIMIT 50"],
    ["LIMIT\n7", "LIMIT 7"],
    ["LIMIT -0", "error 1:7 unexpected '-0'"],
  ],
};

describe("parser: extra cases", () => {
  for (const [group, rows] of Object.entries(extraCases)) {
    describe(group, () => {
      for (const [input, expected] of rows) {
        it(`${JSON.stringify(input)} → ${expected}`, () => {
          const m = /^error (\d+):(\d+)(?: (.*))?$/s.exec(expected);
          if (!m) {
            const ast = parseFilter(input);
            expect(formatFilter(ast)).toBe(expected);
            expect(canonicalRoundTrips(ast)).toBe(true);
            return;
          }
          const error = syntaxError(input);
          expect([error.line, error.column]).toEqual([Number(m[1]), Number(m[2])]);
          if (m[3] !== undefined) expect(error.reason.startsWith(m[3])).toBe(true);
        });
      }
    });
  }
});

describe("parser: error reasons and offsets", () => {
  it("names what was expected", () => {
    expect(syntaxError("a = b").reason).toBe(
      "unexpected 'b', expected a value (string, number, date, null) or a boolean",
    );
    expect(syntaxError("a > b").reason).toBe("unexpected 'b', expected a value (string, number, date, null)");
    expect(syntaxError("a = 1)").reason).toBe("unexpected ')', expected AND, OR, LIMIT or end of input");
    expect(syntaxError("(a = 1 b").reason).toBe("unexpected 'b', expected AND, OR or ')'");
    expect(syntaxError("LIMIT 0").reason).toBe("unexpected '0', expected a count from 1 to 2147483647");
    expect(syntaxError("").reason).toBe("unexpected end of input, expected a condition or LIMIT");
    expect(syntaxError("a ~").message).toBe("1:3: unexpected character '~'");
  });

  it("reports offsets in UTF-16 code units and columns in code points", () => {
    const error = syntaxError('a = "😀😀" ~');
    expect(error.column).toBe(10);
    expect(error.offset).toBe(11);
    expect('a = "😀😀" ~'.slice(error.offset)).toBe("~");
  });

  it("shortens long tokens and keeps messages on one line", () => {
    const error = syntaxError(`a = 1 '${"x".repeat(100)}\nmore'`);
    expect(error.reason).not.toContain("\n");
    expect(error.reason.length).toBeLessThan(120);
  });

  it("rejects non-string input with a TypeError", () => {
    expect(() => parseFilter(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe("parser: nesting depth", () => {
  it("accepts 1,000 levels of parentheses and of NOT", () => {
    const parens = `${"(".repeat(1000)}a = 1${")".repeat(1000)}`;
    expect(formatFilter(parseFilter(parens))).toBe("(a = 1)");
    const nots = `${"NOT ".repeat(1000)}a`;
    expect(formatFilter(parseFilter(nots))).toBe(`${"(NOT ".repeat(1000)}a${")".repeat(1000)}`);
  });

  it(`reports the token that exceeds the cap (${DEFAULT_MAX_DEPTH})`, () => {
    const input = `${"(".repeat(DEFAULT_MAX_DEPTH + 1)}a${")".repeat(DEFAULT_MAX_DEPTH + 1)}`;
    const error = syntaxError(input);
    expect([error.line, error.column]).toEqual([1, DEFAULT_MAX_DEPTH + 1]);
    expect(error.reason).toContain("nesting");
    expect(() =>
      parseFilter(`${"(".repeat(DEFAULT_MAX_DEPTH)}a${")".repeat(DEFAULT_MAX_DEPTH)}`),
    ).not.toThrow();
  });

  it("counts parentheses and pending NOTs together, and honours maxDepth", () => {
    expect(syntaxError("NOT (NOT a)", { maxDepth: 2 }).column).toBe(6);
    expect(formatFilter(parseFilter("NOT a AND NOT b", { maxDepth: 1 }))).toBe("((NOT a) AND (NOT b))");
    expect(formatFilter(parseFilter("(a) OR (b)", { maxDepth: 1 }))).toBe("(a OR b)");
  });

  it("never overflows the stack on hostile input", () => {
    for (const input of ["(".repeat(300_000), "NOT ".repeat(300_000), `${"NOT (".repeat(100_000)}a`]) {
      expect(() => parseFilter(input)).toThrow(FilterSyntaxError);
    }
  });

  it("handles very long AND/OR chains (deep left spines) without recursion", () => {
    const input = Array.from({ length: 50_000 }, (_, i) => `f${i} = ${i}`).join(" AND ");
    const ast = parseFilter(input);
    const text = formatFilter(ast);
    expect(text.startsWith("(".repeat(49_999))).toBe(true);
    // The canonical text nests 49,999 parentheses: beyond the default cap, readable with a larger one.
    expect(canonicalRoundTrips(ast)).toBe(false);
    expect(canonicalRoundTrips(ast, { maxDepth: 100_000 })).toBe(true);
  });
});

describe("parser: tree and spans", () => {
  it("builds the documented node kinds with spans", () => {
    const ast = parseFilter("a = 1 AND (b CONTAINS 'x' OR NOT c IN (1, null)) LIMIT 5");
    expect(ast.limit).toBe(5);
    expect(ast.limitSpan).toEqual({ start: 49, end: 56, line: 1, column: 50 });
    const and = ast.expression!;
    expect(and.type).toBe("and");
    if (and.type !== "and") return;
    expect(and.span).toEqual({ start: 0, end: 48, line: 1, column: 1 });
    expect(and.left).toMatchObject({
      type: "comparison",
      op: "=",
      field: { name: "a", span: { start: 0, end: 1 } },
      value: { type: "number", raw: "1", span: { start: 4, end: 5, column: 5 } },
      span: { start: 0, end: 5 },
    });
    const or = and.right;
    expect(or.type).toBe("or");
    if (or.type !== "or") return;
    expect(or.span).toMatchObject({ start: 11, end: 47 });
    expect(or.left).toMatchObject({ type: "contains", value: { type: "string", value: "x", raw: "'x'" } });
    expect(or.right).toMatchObject({
      type: "not",
      span: { start: 29, end: 47 },
      operand: { type: "in", values: [{ type: "number", raw: "1" }, { type: "null" }] },
    });
  });

  it("keeps the spelling of booleans in raw and the source text", () => {
    const ast = parseFilter("flag != True");
    expect(ast.source).toBe("flag != True");
    expect(ast.expression).toMatchObject({ value: { type: "boolean", value: true, raw: "True" } });
  });

  it("gives a LIMIT-only filter a null expression", () => {
    expect(parseFilter("LIMIT 3")).toMatchObject({ expression: null, limit: 3 });
  });

  it("places spans of multi-line input", () => {
    const ast = parseFilter("a = 1\n  OR\n\tb = 'é'");
    const or = ast.expression as Extract<FilterNode, { type: "or" }>;
    expect(or.right.span).toEqual({ start: 12, end: 19, line: 3, column: 2 });
  });

  it("renders a bare node passed to formatFilter", () => {
    const ast = parseFilter("NOT a = 'q'");
    expect(formatFilter(ast.expression!)).toBe('(NOT (a = "q"))');
  });
});

describe("lexer", () => {
  const kinds = (input: string) => tokenize(input).map((t) => `${t.kind}:${t.text}`);

  it("uses maximal munch and keyword-over-identifier", () => {
    expect(kinds("a>=1and b<=2")).toEqual([
      "IDENTIFIER:a",
      ">=:>=",
      "NUMBER:1",
      "AND:and",
      "IDENTIFIER:b",
      "<=:<=",
      "NUMBER:2",
      "EOF:",
    ]);
    expect(kinds("andb ANDY and1 and-x")).toEqual([
      "IDENTIFIER:andb",
      "IDENTIFIER:ANDY",
      "IDENTIFIER:and1",
      "IDENTIFIER:and-x",
      "EOF:",
    ]);
  });

  it("splits malformed dates into shorter tokens", () => {
    expect(kinds("2021-04-203")).toEqual(["DATE:2021-04-20", "NUMBER:3", "EOF:"]);
    expect(kinds("2021-13-01")).toEqual(["NUMBER:2021", "NUMBER:-13", "NUMBER:-01", "EOF:"]);
    expect(kinds("2021-04-20T24:00:00.000Z")).toEqual(["DATETIME:2021-04-20T24:00:00.000Z", "EOF:"]);
    expect(kinds("20210101 -0 007")).toEqual(["NUMBER:20210101", "NUMBER:-0", "NUMBER:007", "EOF:"]);
  });

  it("applies the string-ending rule of section 1.7", () => {
    const strings = (input: string) => tokenize(input).filter((t) => t.kind === "STRING");
    expect(strings(`"a\\" OR b = 1`).map((t) => t.value)).toEqual(["a\\"]);
    expect(strings(`'a\\' x '`).map((t) => t.value)).toEqual(["a' x "]);
    expect(strings(`'' ""`).map((t) => t.value)).toEqual(["", ""]);
    expect(strings(`"x\\qy"`).map((t) => t.value)).toEqual(["x\\qy"]);
    expect(strings(`"\\\\\\""`).map((t) => t.value)).toEqual(['\\"']);
  });

  it("puts EOF just after the last code point", () => {
    expect(tokenize("a = '😀'\n  ").at(-1)).toEqual({
      kind: "EOF",
      text: "",
      start: 11,
      end: 11,
      line: 2,
      column: 3,
    });
    expect(tokenize("").at(-1)).toMatchObject({ kind: "EOF", line: 1, column: 1 });
  });
});
