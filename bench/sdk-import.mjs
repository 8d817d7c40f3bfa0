#!/usr/bin/env node
// Import cost of connectorkit/sdk: median wall time of fresh Node processes that import the built SDK,
// against fresh processes that do nothing (`node -e 0`).
//
// Usage: node bench/sdk-import.mjs [path/to/sdk/index.js]   (default: dist/sdk/index.js, built by tsup)
// Without dist/, bundle one first, e.g.:
//   npx esbuild src/sdk/index.ts --bundle --format=esm --platform=node --external:@aws-sdk/* \
//     --outfile=/tmp/sdk-bench/index.js && node bench/sdk-import.mjs /tmp/sdk-bench/index.js
// Environment: SDK_BENCH_RUNS (default 15) processes per side.
// Prints one JSON line.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = resolve(process.argv[2] ?? resolve(root, "dist/sdk/index.js"));
const runs = Math.max(3, Number(process.env.SDK_BENCH_RUNS ?? 15) || 15);
const TARGET_OVERHEAD_MS = 15;

if (!existsSync(target)) {
  console.error(`sdk-import: ${target} does not exist (run the build, or pass the path of a bundled SDK)`);
  process.exit(1);
}

const importArgs = [
  "--input-type=module",
  "-e",
  `await import(${JSON.stringify(pathToFileURL(target).href)})`,
];
const baselineArgs = ["-e", "0"];

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], cwd: root });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) {
    console.error(`sdk-import: node ${args.join(" ")} failed:\n${child.stderr?.toString() ?? ""}`);
    process.exit(1);
  }
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One warm-up of each (file-system cache), then interleaved runs so that drift affects both sides alike.
timeOnce(baselineArgs);
timeOnce(importArgs);
const imports = [];
const baselines = [];
for (let i = 0; i < runs; i++) {
  baselines.push(timeOnce(baselineArgs));
  imports.push(timeOnce(importArgs));
}

const round = (n) => Math.round(n * 100) / 100;
const importMs = median(imports);
const baselineNodeMs = median(baselines);
console.log(
  JSON.stringify({
    bench: "sdk-import",
    importMs: round(importMs),
    baselineNodeMs: round(baselineNodeMs),
    overheadMs: round(importMs - baselineNodeMs),
    ratio: round(importMs / baselineNodeMs),
    targetOverheadMs: TARGET_OVERHEAD_MS,
  }),
);
