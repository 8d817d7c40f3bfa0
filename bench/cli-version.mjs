// `connector --version` wall time against a bare `node -e 0` in the same run. Target: at most 1.5×.
import path from "node:path";
import { compareProcesses, report } from "./lib.mjs";

const bin = path.resolve(import.meta.dirname, "../bin/connector.js");
const r = compareProcesses([process.execPath, [bin, "--version"]], [process.execPath, ["-e", "0"]], 20);
report({
  bench: "cli-version",
  versionMs: r.subjectMs,
  baselineNodeMs: r.baselineMs,
  ratio: r.ratio,
  target: "ratio <= 1.5",
  met: r.ratio <= 1.5,
});
