#!/usr/bin/env node
// Benchmark of the layer builder (src/image/layer.ts): a 200 MB tree of mixed compressible and
// incompressible files (many small ones, some medium, a few large) is turned into a gzip layer by
// our code and by `tar -c | gzip -6` in the same run. Runs alternate (so machine noise hits both
// alike); the medians are compared. The tree is generated from a seeded PRNG in a temp dir and
// deleted at the end.
//
// The source is bundled on the fly with esbuild, so no build step is needed.
// Prints one JSON line on stdout.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { median, report, round } from "./lib.mjs";

const SIZE_MB = 200;
const RUNS = 3;
const root = path.resolve(import.meta.dirname, "..");
const work = mkdtempSync(path.join(os.tmpdir(), "connector-bench-layer-"));

try {
  const modFile = path.join(work, "layer-bundle.mjs");
  await build({
    stdin: {
      contents:
        'export { FileMap } from "./src/image/file-map.ts";\n' +
        'export { buildLayer } from "./src/image/layer.ts";\n',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: modFile,
    logLevel: "error",
  });
  const { FileMap, buildLayer } = await import(pathToFileURL(modFile).href);

  const tree = path.join(work, "tree");
  const stats = makeTree(tree, SIZE_MB * 1024 * 1024);

  const ours = async (i) => {
    const start = process.hrtime.bigint();
    // The walk is part of the work, as tar's is: time it too.
    const map = new FileMap();
    await map.addTree(tree, "var/task");
    const info = await buildLayer(map, { outFile: path.join(work, `ours-${i}.tgz`) });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, size: info.size };
  };
  const baseline = (i) => {
    const out = path.join(work, `tar-${i}.tgz`);
    const start = process.hrtime.bigint();
    const r = spawnSync(
      "bash",
      ["-c", `set -o pipefail; tar -C "$1" -cf - . | gzip -6 > "$2"`, "bash", tree, out],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`tar | gzip failed: ${r.stderr}`);
    return { ms, size: Number(spawnSync("stat", ["-c", "%s", out], { encoding: "utf8" }).stdout.trim()) };
  };

  // The tree was just written, so it is in the file cache for both; runs alternate.
  const a = [];
  const b = [];
  let ourSize = 0;
  let tarSize = 0;
  for (let i = 0; i < RUNS; i++) {
    const o = await ours(i);
    a.push(o.ms);
    ourSize = o.size;
    const t = baseline(i);
    b.push(t.ms);
    tarSize = t.size;
    rmSync(path.join(work, `ours-${i}.tgz`), { force: true });
    rmSync(path.join(work, `tar-${i}.tgz`), { force: true });
  }
  const ourMs = median(a);
  const tarGzipMs = median(b);
  report({
    bench: "layer-build",
    ourMs: round(ourMs),
    tarGzipMs: round(tarGzipMs),
    ratio: round(ourMs / tarGzipMs, 3),
    sizeMB: SIZE_MB,
    files: stats.files,
    ourGzipMB: round(ourSize / 1024 / 1024),
    tarGzipMB: round(tarSize / 1024 / 1024),
    runs: RUNS,
    node: process.version,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Writes a deterministic tree of about `bytes` bytes: 30% as many small files (node_modules-like
 * text), 30% as medium files, 40% as a few large ones; about 40% of all bytes are random
 * (incompressible), the rest text built from a word list.
 */
function makeTree(dir, bytes) {
  let seed = 0x2f6b3a91;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const words =
    "const let function return export import from async await if else for while switch case break " +
    "record entity field value string number boolean null undefined object array promise handler " +
    "request response connector appflow lambda query filter page token error details success";
  const vocab = words.split(" ");
  const textPool = (() => {
    const parts = [];
    let n = 0;
    while (n < 4 * 1024 * 1024) {
      const w = `${vocab[Math.floor(rand() * vocab.length)]}${rand() < 0.1 ? `_${Math.floor(rand() * 1e6)}` : ""}`;
      const sep = rand() < 0.08 ? ";\n" : rand() < 0.2 ? "(" : " ";
      parts.push(w, sep);
      n += w.length + sep.length;
    }
    return Buffer.from(parts.join(""));
  })();
  const text = (size) => {
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const start = Math.floor(rand() * (textPool.length - 65536));
      const len = Math.min(size - at, 4096 + Math.floor(rand() * 60000));
      textPool.copy(out, at, start, start + len);
      at += len;
    }
    return out;
  };
  const random = (size) => {
    const out = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4) out.writeUInt32LE((rand() * 4294967296) >>> 0, Math.min(i, size - 4));
    return out;
  };
  const content = (size) => (rand() < 0.4 ? random(size) : text(size));
  let files = 0;
  let written = 0;
  const put = (rel, size) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content(size));
    files++;
    written += size;
  };
  const smallBudget = bytes * 0.3;
  let i = 0;
  while (written < smallBudget)
    put(`node_modules/pkg${i % 97}/lib/file${i++}.js`, 512 + Math.floor(rand() * 40000));
  const mediumBudget = bytes * 0.6;
  while (written < mediumBudget)
    put(`assets/medium${i++}.bin`, 1024 * 1024 + Math.floor(rand() * 3 * 1024 * 1024));
  while (written < bytes) put(`data/large${i++}.bin`, Math.min(bytes - written, 20 * 1024 * 1024));
  return { files, bytes: written };
}
