import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullImage } from "../../src/registry/pull.js";
import { CliError } from "../../src/ui/errors.js";
import type { ProgressEvent } from "../../src/ui/reporter.js";
import { type FaultProxy, startFaultProxy } from "../stack/faults.js";
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  type Registry,
  registryAvailable,
  startRegistry,
} from "../stack/registry.js";
import { type BearerProxy, startBearerProxy } from "./bearer.js";
import {
  indexLayout,
  skopeoAvailable,
  umociAvailable,
  umociLayout,
  type WrittenLayout,
  writeLayout,
} from "./layouts.js";

const missing = [
  registryAvailable ? "" : "docker-registry/htpasswd",
  skopeoAvailable ? "" : "skopeo",
  umociAvailable ? "" : "umoci",
].filter(Boolean);
if (missing.length > 0) console.warn(`skipping pullImage tests: ${missing.join(", ")} not installed`);

const CREDS = `${REGISTRY_USER}:${REGISTRY_PASSWORD}`;
const credentials = { username: REGISTRY_USER, password: REGISTRY_PASSWORD };
const sha = (file: string) => `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`;

describe.skipIf(missing.length > 0)("pullImage against docker-registry", () => {
  let registry: Registry;
  let faults: FaultProxy;
  let bearer: BearerProxy;
  let work: string;
  let lambdaDigest: string;
  let amd: WrittenLayout;
  let arm: WrittenLayout;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "ck-pull-"));
    registry = await startRegistry();
    faults = await startFaultProxy({ port: registry.port });
    bearer = await startBearerProxy(registry.port);
    const to = (ref: string) => `docker://127.0.0.1:${registry.port}/${ref}`;
    const copy = (...args: string[]) =>
      execFileSync("skopeo", ["copy", "--quiet", "--dest-creds", CREDS, "--dest-tls-verify=false", ...args]);
    const lambda = umociLayout(path.join(work, "lambda"), "1", { "index.js": "exports.handler = 1;\n" });
    copy("--preserve-digests", `oci:${lambda}:1`, to("base/lambda:1"));
    lambdaDigest = JSON.parse(readFileSync(path.join(lambda, "index.json"), "utf8")).manifests[0].digest;
    amd = writeLayout(path.join(work, "amd"), "x", [{ "bin/amd": "amd64" }], { arch: "amd64" });
    arm = writeLayout(path.join(work, "arm"), "x", [{ "bin/arm": "arm64" }], { arch: "arm64" });
    const multi = indexLayout(work, "22", [
      { written: amd, arch: "amd64" },
      { written: arm, arch: "arm64" },
    ]);
    copy("--all", "--preserve-digests", `oci:${multi.layout}:22`, to("base/multi:22"));
  });

  afterAll(async () => {
    await bearer?.stop();
    await faults?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("pulls a base with Basic credentials into a verified, content-addressed cache", async () => {
    const cacheDir = path.join(work, "cache-basic");
    const events: ProgressEvent[] = [];
    const image = await pullImage({
      reference: `127.0.0.1:${faults.port}/base/lambda:1`,
      platform: "linux/amd64",
      cacheDir,
      insecure: true,
      credentials,
      onEvent: (e) => events.push(e),
    });
    expect(image.manifestDigest).toBe(lambdaDigest);
    expect((image.config.config as { Cmd: string[] }).Cmd).toEqual(["index.handler"]);
    expect(image.layers.length).toBe(1);
    for (const l of image.layers) {
      expect(l.blobPath).toBe(path.join(cacheDir, "blobs", "sha256", l.digest.slice(7)));
      expect(sha(l.blobPath)).toBe(l.digest);
    }
    expect(sha(path.join(cacheDir, "blobs", "sha256", image.configDigest.slice(7)))).toBe(image.configDigest);
    expect(events.some((e) => e.type === "progress" && e.unit === "bytes")).toBe(true);
    expect(readdirSync(path.join(cacheDir, "blobs", "sha256")).some((f) => f.endsWith(".tmp"))).toBe(false);

    // Again: one HEAD to see whether the tag moved, no blob traffic.
    faults.clear();
    const again = await pullImage({
      reference: `127.0.0.1:${faults.port}/base/lambda:1`,
      platform: "linux/amd64",
      cacheDir,
      insecure: true,
      credentials,
    });
    expect(again.manifestDigest).toBe(lambdaDigest);
    expect(faults.log.map((l) => `${l.method} ${l.path}`)).toEqual(["HEAD /v2/base/lambda/manifests/1"]);

    // By digest, fully cached: no request at all.
    faults.clear();
    faults.add({ times: Number.POSITIVE_INFINITY, action: { kind: "status", status: 500 } });
    const pinned = await pullImage({
      reference: `127.0.0.1:${faults.port}/base/lambda@${lambdaDigest}`,
      platform: "linux/amd64",
      cacheDir,
      insecure: true,
    });
    expect(pinned.manifestDigest).toBe(lambdaDigest);
    expect(faults.log).toEqual([]);
    faults.clear();
  });

  it("resolves an index to the platform's manifest through the anonymous bearer-token flow", async () => {
    const cacheDir = path.join(work, "cache-bearer");
    const arm64 = await pullImage({
      reference: `127.0.0.1:${bearer.port}/base/multi:22`,
      platform: "linux/arm64",
      cacheDir,
      insecure: true,
    });
    expect(arm64.manifestDigest).toBe(arm.manifestDigest);
    expect(arm64.config.architecture).toBe("arm64");
    expect(arm64.layers.map((l) => l.digest)).toEqual(arm.layerDigests);
    const scopes = bearer.tokenRequests.map((q) => q.getAll("scope").join(" "));
    expect(scopes).toContain("repository:base/multi:pull");
    expect(bearer.tokenRequests[0]?.get("service")).toBe("bearer-test");
    const amd64 = await pullImage({
      reference: `127.0.0.1:${bearer.port}/base/multi:22`,
      platform: "linux/amd64",
      cacheDir,
      insecure: true,
    });
    expect(amd64.manifestDigest).toBe(amd.manifestDigest);
    expect(amd64.config.architecture).toBe("amd64");
  });

  it("refuses a base of the wrong platform and a malformed reference", async () => {
    const e = await pullImage({
      reference: `127.0.0.1:${registry.port}/base/lambda:1`,
      platform: "linux/arm64",
      cacheDir: path.join(work, "cache-arch"),
      insecure: true,
      credentials,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe("PLATFORM_MISMATCH");
    const bad = await pullImage({ reference: "Not A Ref", platform: "linux/amd64", cacheDir: work }).catch(
      (x: unknown) => x,
    );
    expect((bad as CliError).exitCode).toBe(2);
  });

  it("works offline from the cache when the registry is down, and says so", async () => {
    const cacheDir = path.join(work, "cache-offline");
    const reference = `127.0.0.1:${registry.port}/base/lambda:1`;
    await pullImage({ reference, platform: "linux/amd64", cacheDir, insecure: true, credentials });
    await registry.stop();
    const events: ProgressEvent[] = [];
    const image = await pullImage({
      reference,
      platform: "linux/amd64",
      cacheDir,
      insecure: true,
      credentials,
      onEvent: (e) => events.push(e),
    });
    expect(image.manifestDigest).toBe(lambdaDigest);
    expect(existsSync(image.layers[0]?.blobPath as string)).toBe(true);
    const warning = events.find((e) => e.type === "log" && e.level === "warn");
    expect(warning && warning.type === "log" && warning.message).toMatch(/unreachable.*offline/);
    const uncached = await pullImage({
      reference: `127.0.0.1:${registry.port}/base/never:1`,
      platform: "linux/amd64",
      cacheDir,
      insecure: true,
    }).catch((x: unknown) => x);
    expect(uncached).toBeInstanceOf(CliError);
    expect((uncached as CliError).exitCode).toBe(4);
  }, 30_000);
});
