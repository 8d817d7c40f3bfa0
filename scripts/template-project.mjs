// Scaffolds the default template into `dir` and bundles it against this checkout's build (no npm
// install, no network): what the demo and the test-suite benchmark run on.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
export const bin = path.join(root, "bin/connector.js");

export async function scaffoldAndBundle(dir, { stdio = "ignore" } = {}) {
  execFileSync(process.execPath, [bin, "init", dir, "--yes", "--skip-install", "--no-git"], { stdio });
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
}
