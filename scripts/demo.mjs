// The offline demo: scaffold the appflow-typescript template into a temporary directory, bundle it
// against this checkout (no npm install, no network), then run what a developer runs first:
// `connector invoke` and the conformance suite `connector test`, replaying the recorded API.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bin, scaffoldAndBundle } from "./template-project.mjs";

const work = mkdtempSync(path.join(tmpdir(), "connectorkit-demo-"));
const dir = path.join(work, "acme-crm");
const connector = (...args) => {
  const shown = args.map((a) => (/[\s"'>]/.test(a) ? `'${a}'` : a));
  console.log(`\n$ connector ${shown.join(" ")}`);
  execFileSync(process.execPath, [bin, ...args], { cwd: dir, stdio: "inherit" });
};
try {
  await scaffoldAndBundle(dir, { stdio: "inherit" });
  connector("invoke", "DescribeEntity", "--entity", "Contact", "--quiet");
  connector(
    "invoke",
    "QueryData",
    "--entity",
    "Contact",
    "--filter",
    "updatedAt > 2026-11-01T00:00:00Z LIMIT 2",
  );
  connector("test");
  connector("filter", 'score > 70 and name contains "a"', "--dialect", "postgres");
} finally {
  rmSync(work, { recursive: true, force: true });
}
