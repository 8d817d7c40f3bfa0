// `connector test` on a freshly scaffolded appflow-typescript project (offline, replaying its
// fixtures), against one `node -e 0` in the same run. Target: the suite under 2 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bin, scaffoldAndBundle } from "../scripts/template-project.mjs";
import { compareProcesses, report } from "./lib.mjs";

const dir = path.join(mkdtempSync(path.join(tmpdir(), "ck-bench-test-")), "acme");
try {
  await scaffoldAndBundle(dir);
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
