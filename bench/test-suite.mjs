// `connector test` on a freshly scaffolded appflow-typescript project (offline, replaying its
// fixtures), against one `node -e 0` in the same run. Target: the suite under 2 s.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { compareProcesses, report } from "./lib.mjs";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin/connector.js");
const dir = path.join(mkdtempSync(path.join(tmpdir(), "ck-bench-test-")), "acme");
try {
  execFileSync(process.execPath, [bin, "init", dir, "--yes", "--skip-install", "--no-git"], {
    stdio: "ignore",
  });
  await build({
    entryPoints: [path.join(dir, "src/index.ts")],
    outfile: path.join(dir, "dist/index.mjs"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["@aws-sdk/*"],
    alias: { "connectorkit/sdk": path.join(root, "dist/sdk/index.js") },
    logLevel: "silent",
  });
  const r = compareProcesses(
    [process.execPath, [bin, "test", "--cwd", dir]],
    [process.execPath, ["-e", "0"]],
    5,
  );
  report({
    bench: "test-suite",
    suiteMs: r.subjectMs,
    baselineNodeMs: r.baselineMs,
    ratio: r.ratio,
    target: "suiteMs < 2000",
    met: r.subjectMs < 2000,
  });
} finally {
  rmSync(path.dirname(dir), { recursive: true, force: true });
}
