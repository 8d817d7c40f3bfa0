#!/usr/bin/env node
// Benchmark of `connector push` (the built CLI, dist/cli.js): a 300 MB OCI layout of six
// incompressible layers is pushed to a local docker-registry (behind the ECR-like proxy, with moto
// as the ECR API) by our CLI and by `skopeo copy` of the same layout, in the same run. Each round
// starts a fresh registry (so neither tool can mount or skip blobs from an earlier round) and the
// two tools alternate which goes first; medians over the rounds are compared.
// Also: wall time of a no-op re-push (a fresh CLI process; the tag already holds the image), and the
// peak RSS of the push process (getrusage maxRSS, recorded by a preload at exit).
//
// The test stack (test/stack/*.ts) is bundled on the fly with esbuild. Build the CLI first (npx tsup).
// Prints one JSON line on stdout.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { median, report, round } from "./lib.mjs";

const IMAGE_MB = 300;
const LAYERS = 6;
const ROUNDS = 3;
const NOOP_RUNS = 5;
const root = path.resolve(import.meta.dirname, "..");
const cli = path.join(root, "bin", "connector.js");

for (const [cmd, args] of [
  ["docker-registry", ["--version"]],
  ["skopeo", ["--version"]],
  ["python3", ["-c", "import moto"]],
]) {
  if (spawnSync(cmd, args, { stdio: "ignore" }).status !== 0) {
    console.error(`bench push: ${cmd} is missing (see scripts/install-test-deps.sh)`);
    process.exit(1);
  }
}
if (!existsSync(path.join(root, "dist", "cli.js"))) {
  console.error("bench push: dist/cli.js is missing; build first (npx tsup)");
  process.exit(1);
}

const work = mkdtempSync(path.join(os.tmpdir(), "connector-bench-push-"));
const stackFile = path.join(work, "stack.mjs");
await build({
  stdin: {
    contents: [
      'export { startRegistry, REGISTRY_USER, REGISTRY_PASSWORD } from "./test/stack/registry.ts";',
      'export { startMoto, MOTO_ENV } from "./test/stack/moto.ts";',
      'export { startEcrProxy } from "./test/stack/ecr-proxy.ts";',
      'export { randomLayout } from "./test/registry/layouts.ts";',
      'export { ECRClient, CreateRepositoryCommand } from "@aws-sdk/client-ecr";',
    ].join("\n"),
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: stackFile,
  logLevel: "error",
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const stack = await import(pathToFileURL(stackFile).href);

// Records the process's peak RSS (kB on Linux) when it exits.
const preload = path.join(work, "rss-preload.mjs");
writeFileSync(
  preload,
  'import { writeFileSync } from "node:fs";\n' +
    "process.on('exit', () => { if (process.env.BENCH_RSS_FILE) " +
    "writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n",
);

const env = {
  ...process.env,
  ...stack.MOTO_ENV,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  CI: "1",
};
const creds = `${stack.REGISTRY_USER}:${stack.REGISTRY_PASSWORD}`;

function timed(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0)
        reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${out}\n${err.slice(-2000)}`));
      else resolve({ ms, out });
    });
  });
}

let moto;
try {
  moto = await stack.startMoto();
  const ecr = new stack.ECRClient({
    endpoint: moto.url,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const layerBytes = Math.floor((IMAGE_MB * 1024 * 1024) / LAYERS);
  const img = await stack.randomLayout(path.join(work, "img"), "1.0.0", Array(LAYERS).fill(layerBytes));

  const ours = [];
  const theirs = [];
  const rss = [];
  let noop = [];
  for (let r = 0; r < ROUNDS; r++) {
    const regDir = path.join(work, `registry-${r}`);
    mkdirSync(regDir);
    const registry = await stack.startRegistry({ dir: regDir });
    const proxy = await stack.startEcrProxy({ registryPort: registry.port, motoUrl: moto.url });
    try {
      const cacheHome = path.join(work, `cache-${r}`);
      const rssFile = path.join(work, `rss-${r}`);
      const pushArgs = (repo) => [
        "--import",
        pathToFileURL(preload).href,
        cli,
        "push",
        "--json",
        "--layout",
        img.layout,
        "--ecr-repo-name",
        repo,
        "--image-tag",
        "1.0.0",
        "--endpoint-url",
        moto.url,
        "--registry-url",
        proxy.url,
      ];
      const runOurs = async () => {
        const res = await timed(process.execPath, pushArgs(`bench/ours-${r}`), {
          cwd: work,
          env: { ...env, XDG_CACHE_HOME: cacheHome, BENCH_RSS_FILE: rssFile },
        });
        const doc = JSON.parse(res.out);
        if (!doc.ok || doc.result.uploaded.length !== LAYERS + 1) throw new Error(`unexpected: ${res.out}`);
        ours.push(res.ms);
        rss.push(Number(readFileSync(rssFile, "utf8")) / 1024);
      };
      const runSkopeo = async () => {
        await ecr.send(new stack.CreateRepositoryCommand({ repositoryName: `bench/skopeo-${r}` }));
        const res = await timed(
          "skopeo",
          [
            "copy",
            "--quiet",
            "--dest-creds",
            creds,
            "--dest-tls-verify=false",
            `oci:${img.layout}:1.0.0`,
            `docker://127.0.0.1:${proxy.port}/bench/skopeo-${r}:1.0.0`,
          ],
          { env },
        );
        theirs.push(res.ms);
      };
      if (r % 2 === 0) {
        await runOurs();
        await runSkopeo();
      } else {
        await runSkopeo();
        await runOurs();
      }
      if (r === ROUNDS - 1) {
        for (let i = 0; i < NOOP_RUNS; i++) {
          const res = await timed(process.execPath, pushArgs(`bench/ours-${r}`), {
            cwd: work,
            env: { ...env, XDG_CACHE_HOME: cacheHome, BENCH_RSS_FILE: `${rssFile}-noop` },
          });
          if (!JSON.parse(res.out).result.unchanged) throw new Error(`re-push was not a no-op: ${res.out}`);
          noop.push(res.ms);
        }
      }
    } finally {
      await proxy.stop();
      await registry.stop();
      rmSync(regDir, { recursive: true, force: true });
    }
  }
  ecr.destroy();
  noop = median(noop);
  const ourMs = median(ours);
  const skopeoMs = median(theirs);
  report({
    bench: "push",
    ourMs: round(ourMs),
    skopeoMs: round(skopeoMs),
    ratio: round(ourMs / skopeoMs, 3),
    noopRepushMs: round(noop),
    peakRssMB: round(Math.max(...rss), 1),
    imageMB: IMAGE_MB,
  });
} finally {
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
}
