// Runs every benchmark in bench/ (each a script that prints one JSON line), prints a summary and
// keeps the figures in bench/.results/latest.json. Usage: npm run bench [-- <name> ...]
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".mjs") && !["run.mjs", "lib.mjs"].includes(f))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, "")))
  .sort();

const results = [];
let failed = false;
for (const script of scripts) {
  process.stderr.write(`bench ${script} …\n`);
  const r = spawnSync(process.execPath, [path.join(dir, script)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) {
    failed = true;
    process.stderr.write(`bench ${script} failed (exit ${r.status})\n`);
    continue;
  }
  for (const line of r.stdout.trim().split("\n").filter(Boolean)) {
    const result = JSON.parse(line);
    results.push(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
mkdirSync(path.join(dir, ".results"), { recursive: true });
writeFileSync(
  path.join(dir, ".results", "latest.json"),
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
);
process.exit(failed ? 1 : 0);
