#!/usr/bin/env node
// Benchmark of connectorkit/parser (the built bundle in dist/parser/index.js).
//
// - Parse throughput: a deterministic corpus of 1,000 varied filter expressions (seeded PRNG) is
//   parsed over several rounds; the median round gives expressions per second.
// - Import cost: fresh child processes run `await import(<dist/parser/index.js>)`, against plain
//   `node -e 0` as the baseline; medians of 10 runs each, interleaved.
//
// Prints one JSON line on stdout. Build first (`npx tsup`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const bundleUrl = new URL("../dist/parser/index.js", import.meta.url);
const bundlePath = fileURLToPath(bundleUrl);
if (!existsSync(bundlePath)) {
  console.error(`missing ${bundlePath}: build first (npx tsup)`);
  process.exit(1);
}
const { parseFilter } = await import(bundleUrl.href);

const CORPUS_SIZE = 1000;
const ROUNDS = 9;
const IMPORT_RUNS = 10;

// mulberry32: small, fast, deterministic.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(0xc0ffee);
const pick = (items) => items[Math.floor(random() * items.length)];
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pad = (n, width) => String(n).padStart(width, "0");

const FIELDS = [
  "accountId",
  "Name",
  "account.Id",
  "LastModifiedDate",
  "price",
  "os",
  "status-code",
  "createdAt",
];
const KEYWORD_CASE = {
  AND: ["AND", "and"],
  OR: ["OR", "or"],
  NOT: ["NOT", "not"],
  CONTAINS: ["CONTAINS", "contains"],
  BETWEEN: ["BETWEEN", "between"],
  IN: ["IN", "in"],
};
const kw = (name) => pick(KEYWORD_CASE[name]);
const space = () => pick([" ", " ", " ", "  ", "\n", "\t"]);

function value() {
  switch (int(0, 5)) {
    case 0:
      return String(int(-1000, 100000));
    case 1:
      return `${int(0, 999)}.${int(0, 99)}`;
    case 2:
      return `${int(1990, 2030)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`;
    case 3:
      return `${int(1990, 2030)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}${random() < 0.3 ? `.${int(0, 999)}` : ""}Z`;
    case 4:
      return random() < 0.5 ? `'value ${int(0, 999)}'` : `"it\\'s \\"${int(0, 99)}\\""`;
    default:
      return random() < 0.8 ? `"Alexa ${int(0, 50)}"` : "null";
  }
}

function condition() {
  const field = pick(FIELDS);
  switch (int(0, 5)) {
    case 0:
    case 1:
      return `${field}${space()}${pick(["=", "!=", "<", "<=", ">", ">="])}${space()}${value()}`;
    case 2:
      return `${field} ${kw("CONTAINS")} ${value()}`;
    case 3:
      return `${field} ${kw("BETWEEN")} ${value()} ${kw("AND")} ${value()}`;
    case 4: {
      const values = Array.from({ length: int(1, 6) }, value);
      return `${field} ${kw("IN")} (${values.join(", ")})`;
    }
    default:
      return `${field} ${pick(["=", "!="])} ${pick(["true", "false", "TRUE", "False"])}`;
  }
}

function expression(depth) {
  if (depth <= 0 || random() < 0.3) return condition();
  switch (int(0, 3)) {
    case 0:
      return `${kw("NOT")} ${random() < 0.5 ? `(${expression(depth - 1)})` : condition()}`;
    case 1:
      return `(${expression(depth - 1)})`;
    default:
      return `${expression(depth - 1)}${space()}${kw(pick(["AND", "OR"]))}${space()}${expression(depth - 1)}`;
  }
}

const corpus = Array.from({ length: CORPUS_SIZE }, () => {
  const text = expression(int(0, 5));
  return random() < 0.1 ? `${text} LIMIT ${int(1, 10000)}` : text;
});
// Sanity: the corpus is valid (a benchmark of error paths would measure something else).
for (const text of corpus) parseFilter(text);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Throughput: warm up, then time rounds of several passes over the corpus.
const PASSES = 5;
let sink = 0;
for (let i = 0; i < 3; i++) for (const text of corpus) sink += parseFilter(text).source.length;
const rates = [];
for (let round = 0; round < ROUNDS; round++) {
  const start = process.hrtime.bigint();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const text of corpus) sink += parseFilter(text).source.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rates.push((CORPUS_SIZE * PASSES) / seconds);
}
if (sink === 0) console.error("unreachable");

// Import time in fresh processes, interleaved with the baseline to share any drift.
function timeProcess(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: "ignore" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`child failed: node ${args.join(" ")}`);
  return ms;
}
const importScript = `await import(${JSON.stringify(pathToFileURL(bundlePath).href)})`;
const importTimes = [];
const baselineTimes = [];
for (let i = 0; i < IMPORT_RUNS; i++) {
  baselineTimes.push(timeProcess(["-e", "0"]));
  importTimes.push(timeProcess(["--input-type=module", "-e", importScript]));
}
const importMs = median(importTimes);
const baselineNodeMs = median(baselineTimes);

const round2 = (n) => Math.round(n * 100) / 100;
console.log(
  JSON.stringify({
    bench: "parser",
    corpusSize: CORPUS_SIZE,
    rounds: ROUNDS,
    throughputExprPerSec: Math.round(median(rates)),
    importMs: round2(importMs),
    baselineNodeMs: round2(baselineNodeMs),
    importOverheadMs: round2(importMs - baselineNodeMs),
    importRatio: round2(importMs / baselineNodeMs),
  }),
);
