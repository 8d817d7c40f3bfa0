import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { available, stopChild, waitForLine } from "./process.js";

/**
 * Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1 with htpasswd Basic auth, user
 * AWS and the password moto's GetAuthorizationToken hands out, so the CLI can use the emulated
 * ECR token unchanged. The kernel picks the port; it is read from the "listening on" line.
 */

export const REGISTRY_USER = "AWS";
export const REGISTRY_PASSWORD = "123456789012-auth-token";

export const registryAvailable = available("docker-registry", ["--version"]) && hasHtpasswd();

function hasHtpasswd(): boolean {
  try {
    execFileSync("htpasswd", ["-Bbn", "a", "b"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface Registry {
  url: string;
  port: number;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

export async function startRegistry(options: { dir?: string; port?: number } = {}): Promise<Registry> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), "ck-registry-"));
  writeFileSync(
    path.join(dir, "htpasswd"),
    execFileSync("htpasswd", ["-Bbn", REGISTRY_USER, REGISTRY_PASSWORD]),
  );
  const config = [
    "version: 0.1",
    "log:",
    "  level: info",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${path.join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${options.port ?? 0}`,
    "  secret: local-test-secret",
    "auth:",
    "  htpasswd:",
    "    realm: basic-realm",
    `    path: ${path.join(dir, "htpasswd")}`,
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "registry.yml"), config);
  const child = spawn("docker-registry", ["serve", path.join(dir, "registry.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const m = await waitForLine(child, /listening on 127\.0\.0\.1:(\d+)/);
  child.stderr?.resume();
  const port = Number(m[1]);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    dir,
    async stop() {
      await stopChild(child);
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
