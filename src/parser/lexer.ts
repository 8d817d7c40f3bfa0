/**
 * Hand-written lexer for AppFlow filter expressions (spec section 1).
 *
 * - Longest match at every position; on a tie between a keyword and an identifier the keyword wins
 *   (only the exact spellings of section 1.4 are keywords).
 * - Whitespace is exactly space, TAB, LF, CR and form feed.
 * - Strings end by the rule of section 1.7 (first later quote not preceded by a backslash, else the
 *   last quote of the input, else unterminated).
 * - The whole input is tokenised before parsing; the first lexical error is thrown (R2.1).
 * - Every token records its offset (UTF-16 code units) and its 1-based line and column (code points;
 *   only LF starts a new line, so CR and TAB are one column each).
 */

import { FilterSyntaxError } from "./errors.js";

export type TokenKind =
  | "("
  | ")"
  | ","
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "AND"
  | "OR"
  | "NOT"
  | "CONTAINS"
  | "BETWEEN"
  | "IN"
  | "LIMIT"
  | "TRUE"
  | "FALSE"
  | "NULL"
  | "IDENTIFIER"
  | "NUMBER"
  | "DATE"
  | "DATETIME"
  | "STRING"
  | "EOF";

export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for STRING: quotes and backslashes included). Empty for EOF. */
  readonly text: string;
  /** For STRING only: the decoded value. */
  readonly value?: string;
  /** 0-based code-unit offset of the first character (for EOF: the input length). */
  readonly start: number;
  /** 0-based code-unit offset just past the token. */
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** The exact keyword spellings of section 1.4. Anything else identifier-shaped is an IDENTIFIER. */
const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ["AND", "AND"],
  ["and", "AND"],
  ["OR", "OR"],
  ["or", "OR"],
  ["NOT", "NOT"],
  ["not", "NOT"],
  ["CONTAINS", "CONTAINS"],
  ["contains", "CONTAINS"],
  ["BETWEEN", "BETWEEN"],
  ["between", "BETWEEN"],
  ["IN", "IN"],
  ["in", "IN"],
  ["LIMIT", "LIMIT"],
  ["limit", "LIMIT"],
  ["TRUE", "TRUE"],
  ["True", "TRUE"],
  ["true", "TRUE"],
  ["FALSE", "FALSE"],
  ["False", "FALSE"],
  ["false", "FALSE"],
  ["null", "NULL"],
]);

// Character codes used below.
const TAB = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const BANG = 0x21;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const LPAREN = 0x28;
const RPAREN = 0x29;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const LT = 0x3c;
const EQ = 0x3d;
const GT = 0x3e;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isIdentifierPart(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === UNDERSCORE || c === DOT || c === MINUS;
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === FF;
}

/** Digit value at `i`, or -1 (also past the end, where charCodeAt gives NaN). */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : -1;
}

/** Two digits at `i` forming a number in `[lo, hi]`. */
function twoDigitsIn(s: string, i: number, lo: number, hi: number): boolean {
  const a = digitAt(s, i);
  const b = digitAt(s, i + 1);
  if (a < 0 || b < 0) return false;
  const v = a * 10 + b;
  return v >= lo && v <= hi;
}

/** Length of a DATE (`YYYY-MM-DD`, MM 01-12, DD 00-31) starting at `i`, or 0. */
function matchDate(s: string, i: number): number {
  for (let k = 0; k < 4; k++) if (digitAt(s, i + k) < 0) return 0;
  if (s.charCodeAt(i + 4) !== MINUS || !twoDigitsIn(s, i + 5, 1, 12)) return 0;
  if (s.charCodeAt(i + 7) !== MINUS || !twoDigitsIn(s, i + 8, 0, 31)) return 0;
  return 10;
}

/** Length of a DATETIME starting at `i` (given a DATE of length 10 there), or 0. */
function matchDateTimeAfterDate(s: string, i: number): number {
  let p = i + 10;
  if (s.charCodeAt(p) !== UPPER_T || !twoDigitsIn(s, p + 1, 0, 24)) return 0;
  if (s.charCodeAt(p + 3) !== COLON || !twoDigitsIn(s, p + 4, 0, 59)) return 0;
  if (s.charCodeAt(p + 6) !== COLON || !twoDigitsIn(s, p + 7, 0, 59)) return 0;
  p += 9;
  if (s.charCodeAt(p) === DOT && digitAt(s, p + 1) >= 0) {
    p += 2;
    while (digitAt(s, p) >= 0) p++;
  }
  return s.charCodeAt(p) === UPPER_Z ? p + 1 - i : 0;
}

/** Length of a NUMBER (`-?[0-9]+(\.[0-9]+)?`) starting at `i`, or 0. */
function matchNumber(s: string, i: number): number {
  let p = i;
  if (s.charCodeAt(p) === MINUS) p++;
  if (digitAt(s, p) < 0) return 0;
  while (digitAt(s, p) >= 0) p++;
  if (s.charCodeAt(p) === DOT && digitAt(s, p + 1) >= 0) {
    p += 2;
    while (digitAt(s, p) >= 0) p++;
  }
  return p - i;
}

/**
 * End offset (exclusive) of a non-empty string opened at `open`, per section 1.7, or -1 when it is
 * unterminated. The caller has checked that `open + 1` does not hold the same quote.
 */
function findStringEnd(s: string, open: number, quote: number): number {
  let last = -1;
  for (let p = open + 1; p < s.length; p++) {
    if (s.charCodeAt(p) !== quote) continue;
    if (s.charCodeAt(p - 1) !== BACKSLASH) return p + 1;
    last = p;
  }
  return last < 0 ? -1 : last + 1;
}

/** The six escapes of section 1.7: the character after the backslash, and what the pair stands for. */
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  "\\": "\\",
  t: "\t",
  n: "\n",
  r: "\r",
};

/** Applies the six escapes of section 1.7, left to right; any other backslash stands for itself. */
export function decodeStringContent(content: string): string {
  if (content.indexOf("\\") < 0) return content;
  let out = "";
  let i = 0;
  while (i < content.length) {
    const c = content.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < content.length) {
      const mapped = ESCAPES[content[i + 1] ?? ""];
      if (mapped !== undefined) {
        out += mapped;
        i += 2;
        continue;
      }
    }
    out += content[i];
    i++;
  }
  return out;
}

// Compiled on first use: a Unicode property class costs about a millisecond to build, and only
// error messages need it (the parser ships inside Lambdas, where cold start matters).
let visible: RegExp | undefined;

/** How an offending character is shown in a message. */
function describeChar(s: string, i: number): string {
  const cp = s.codePointAt(i) ?? 0;
  const ch = String.fromCodePoint(cp);
  if (cp > 0x20 && cp < 0x7f) return `'${ch}'`;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  // Letters, digits, punctuation and symbols are shown with their code point; invisible characters
  // (controls, spaces such as U+00A0, lone surrogates) by code point only.
  visible ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
  return visible.test(ch) ? `'${ch}' (${code})` : code;
}

/**
 * Cuts `input` into tokens. The returned array always ends with an EOF token, positioned just after
 * the last code point of the input (section 1.1). Throws the first lexical error.
 */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  let pos = 0;
  let line = 1;
  let column = 1;

  // Moves `pos` to `to`, keeping line and column in step (a surrogate pair is one column).
  const advanceTo = (to: number): void => {
    while (pos < to) {
      const c = input.charCodeAt(pos);
      if (c === LF) {
        line++;
        column = 1;
        pos++;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff && pos + 1 < to) {
        const d = input.charCodeAt(pos + 1);
        if (d >= 0xdc00 && d <= 0xdfff) pos++;
      }
      pos++;
      column++;
    }
  };

  const push = (kind: TokenKind, length: number, value?: string): void => {
    const start = pos;
    const startLine = line;
    const startColumn = column;
    const end = start + length;
    const text = input.slice(start, end);
    if (value === undefined) {
      tokens.push({ kind, text, start, end, line: startLine, column: startColumn });
    } else {
      tokens.push({ kind, text, value, start, end, line: startLine, column: startColumn });
    }
    advanceTo(end);
  };

  const fail = (reason: string): never => {
    throw new FilterSyntaxError(reason, line, column, pos);
  };

  while (pos < n) {
    const c = input.charCodeAt(pos);
    if (isWhitespace(c)) {
      if (c === LF) {
        line++;
        column = 1;
      } else {
        column++;
      }
      pos++;
      continue;
    }
    switch (c) {
      case LPAREN:
        push("(", 1);
        continue;
      case RPAREN:
        push(")", 1);
        continue;
      case COMMA:
        push(",", 1);
        continue;
      case EQ:
        push("=", 1);
        continue;
      case LT:
        if (input.charCodeAt(pos + 1) === EQ) push("<=", 2);
        else push("<", 1);
        continue;
      case GT:
        if (input.charCodeAt(pos + 1) === EQ) push(">=", 2);
        else push(">", 1);
        continue;
      case BANG:
        if (input.charCodeAt(pos + 1) === EQ) push("!=", 2);
        else fail(`unexpected character ${describeChar(input, pos)}`);
        continue;
      case DQUOTE:
      case SQUOTE: {
        if (input.charCodeAt(pos + 1) === c) {
          push("STRING", 2, "");
          continue;
        }
        const end = findStringEnd(input, pos, c);
        if (end < 0) fail("unterminated string");
        push("STRING", end - pos, decodeStringContent(input.slice(pos + 1, end - 1)));
        continue;
      }
    }
    if (isLetter(c)) {
      let p = pos + 1;
      while (p < n && isIdentifierPart(input.charCodeAt(p))) p++;
      const word = input.slice(pos, p);
      push(KEYWORDS.get(word) ?? "IDENTIFIER", p - pos);
      continue;
    }
    if (isDigit(c) || c === MINUS) {
      // DATE and DATETIME never start with '-'. When a DATE matches, a NUMBER can only cover its
      // four year digits, so the longest candidate is DATETIME, then DATE, then NUMBER.
      if (c !== MINUS) {
        const dateLength = matchDate(input, pos);
        if (dateLength > 0) {
          const dateTimeLength = matchDateTimeAfterDate(input, pos);
          if (dateTimeLength > 0) push("DATETIME", dateTimeLength);
          else push("DATE", dateLength);
          continue;
        }
      }
      const numberLength = matchNumber(input, pos);
      if (numberLength > 0) {
        push("NUMBER", numberLength);
        continue;
      }
    }
    fail(`unexpected character ${describeChar(input, pos)}`);
  }
  tokens.push({ kind: "EOF", text: "", start: n, end: n, line, column });
  return tokens;
}
