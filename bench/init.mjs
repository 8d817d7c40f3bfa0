// `connector init --yes --skip-install --no-git` (appflow-typescript) wall time against `node -e 0`
// in the same run. Target: under 1 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { median, report, round, timeProcess } from "./lib.mjs";

const bin = path.resolve(import.meta.dirname, "../bin/connector.js");
const base = mkdtempSync(path.join(tmpdir(), "ck-bench-init-"));
const ours = [];
const node = [];
try {
  for (let i = 0; i < 8; i++) {
    const dir = path.join(base, `p${i}`);
    ours.push(timeProcess(process.execPath, [bin, "init", dir, "--yes", "--skip-install", "--no-git"]));
    node.push(timeProcess(process.execPath, ["-e", "0"]));
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
const initMs = median(ours);
const baselineNodeMs = median(node);
report({
  bench: "init",
  initMs: round(initMs),
  baselineNodeMs: round(baselineNodeMs),
  ratio: round(initMs / baselineNodeMs, 3),
  target: "initMs < 1000",
  met: initMs < 1000,
});
