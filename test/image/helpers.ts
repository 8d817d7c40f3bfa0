/** Helpers for the image tests: real tools (umoci, skopeo, GNU tar) run as subprocesses. */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export function sh(cmd: string, args: string[], opts: { cwd?: string; input?: Buffer } = {}): string {
  return execFileSync(cmd, args, {
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    ...opts,
  });
}

export function shJson<T = Record<string, unknown>>(cmd: string, args: string[]): T {
  return JSON.parse(sh(cmd, args)) as T;
}

export function hasTools(...tools: string[]): boolean {
  return tools.every((t) => spawnSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" }).status === 0);
}

export function sha256File(file: string): string {
  return `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`;
}

/** sha256 of the gunzipped contents of a gzip file (a layer's diff_id). */
export function gunzipDigest(file: string): string {
  const out = execFileSync("sh", ["-c", 'gunzip -c "$1" | sha256sum', "sh", file], { encoding: "utf8" });
  return `sha256:${out.split(" ")[0]}`;
}

export interface BaseOptions {
  tag?: string;
  arch?: "amd64" | "arm64";
}

/**
 * A real base image in an OCI layout made with umoci: one layer with /lambda-entrypoint.sh and
 * /var/runtime/bootstrap, Lambda-like Env, Entrypoint and WorkingDir.
 */
export function makeBaseLayout(dir: string, work: string, options: BaseOptions = {}): string {
  const tag = options.tag ?? "22";
  const img = `${dir}:${tag}`;
  try {
    readFileSync(path.join(dir, "oci-layout"));
  } catch {
    sh("umoci", ["init", "--layout", dir]);
  }
  sh("umoci", ["new", "--image", img]);
  const rt = path.join(work, `rt-${tag}`);
  mkdirSync(path.join(rt, "var", "runtime"), { recursive: true });
  writeFileSync(path.join(rt, "lambda-entrypoint.sh"), '#!/bin/sh\nexec /var/runtime/bootstrap "$@"\n');
  chmodSync(path.join(rt, "lambda-entrypoint.sh"), 0o755);
  writeFileSync(path.join(rt, "var", "runtime", "bootstrap"), `runtime for ${options.arch ?? "amd64"}\n`);
  sh("umoci", ["insert", "--image", img, rt, "/"]);
  sh("umoci", [
    "config",
    "--image",
    img,
    ...(options.arch ? ["--architecture", options.arch] : []),
    "--config.env",
    "LAMBDA_TASK_ROOT=/var/task",
    "--config.env",
    "LAMBDA_RUNTIME_DIR=/var/runtime",
    "--config.env",
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "--config.entrypoint",
    "/lambda-entrypoint.sh",
    "--config.workingdir",
    "/var/task",
    "--config.cmd",
    "base.default",
  ]);
  return img;
}
