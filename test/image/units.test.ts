import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBaseRef, isPinned, parseBaseRef } from "../../src/image/base.js";
import { imageCacheDir, userCacheDir } from "../../src/image/cache.js";
import { buildImageConfig, mergeEnv, rfc3339, sourceDateEpoch } from "../../src/image/config.js";
import { repoTagFor } from "../../src/image/docker-archive.js";
import { renderDockerfile } from "../../src/image/docker-builder.js";
import { FileMap } from "../../src/image/file-map.js";
import { buildManifest, jsonBlob } from "../../src/image/manifest.js";
import {
  DOCKER_LAYER_GZIP,
  DOCKER_MANIFEST,
  layerTypeFor,
  OCI_LAYER_GZIP,
  OCI_LAYER_ZSTD,
  OCI_MANIFEST,
} from "../../src/image/media-types.js";
import { readOciLayout } from "../../src/image/oci-layout.js";
import { gzipUncompressedSize, splitHandler } from "../../src/image/package.js";
import { writeZip } from "../../src/image/zip-writer.js";
import { isCliError } from "../../src/ui/errors.js";
import { hasTools, makeBaseLayout, sh, sha256File } from "./helpers.js";

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "ck-image-units-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("base references", () => {
  it("parses none, oci layouts with and without a tag, and registry references", () => {
    expect(parseBaseRef("none", "/p")).toEqual({ kind: "none" });
    expect(parseBaseRef("oci:base", "/p")).toEqual({ kind: "oci", dir: "/p/base" });
    expect(parseBaseRef("oci:/abs/base:22", "/p")).toEqual({ kind: "oci", dir: "/abs/base", ref: "22" });
    expect(parseBaseRef("oci:./a:b/c", "/p")).toEqual({ kind: "oci", dir: "/p/a:b/c" });
    expect(parseBaseRef("public.ecr.aws/lambda/nodejs:22", "/p")).toEqual({
      kind: "registry",
      reference: "public.ecr.aws/lambda/nodejs:22",
    });
    expect(formatBaseRef(parseBaseRef("oci:/x:1", "/"))).toBe("oci:/x:1");
    expect(() => parseBaseRef("https://example.com/x", "/")).toThrow(/no scheme/);
    expect(() => parseBaseRef("oci:", "/")).toThrow(/layout folder is missing/);
    expect(isPinned(`x/y@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isPinned("x/y:latest")).toBe(false);
  });

  it("puts the cache under XDG_CACHE_HOME or ~/.cache", () => {
    expect(userCacheDir({ XDG_CACHE_HOME: "/xdg" }, "/home/u")).toBe("/xdg/connectorkit");
    expect(userCacheDir({ XDG_CACHE_HOME: "relative" }, "/home/u")).toBe("/home/u/.cache/connectorkit");
    expect(userCacheDir({}, "/home/u")).toBe("/home/u/.cache/connectorkit");
    expect(imageCacheDir({}, "/home/u")).toBe("/home/u/.cache/connectorkit/images");
  });
});

describe("media types, config and manifest", () => {
  it("keeps layer types of the family and converts the other family's", () => {
    expect(layerTypeFor("oci", OCI_LAYER_GZIP)).toBe(OCI_LAYER_GZIP);
    expect(layerTypeFor("docker", OCI_LAYER_GZIP)).toBe(DOCKER_LAYER_GZIP);
    expect(layerTypeFor("oci", DOCKER_LAYER_GZIP)).toBe(OCI_LAYER_GZIP);
    expect(layerTypeFor("oci", OCI_LAYER_ZSTD)).toBeUndefined();
  });

  it("inherits the base config, adds history for unaccounted base layers, fixes times", () => {
    const cfg = buildImageConfig({
      base: {
        created: "2025-01-01T10:00:00Z",
        architecture: "arm64",
        variant: "v8",
        os: "linux",
        config: { Env: ["PATH=/bin", "NODE_OPTIONS=--x"], Entrypoint: ["/e"], Cmd: ["old"], User: "1000" },
        rootfs: { type: "layers", diff_ids: ["sha256:a", "sha256:b"] },
        history: [{ created_by: "first" }, { created_by: "env", empty_layer: true }],
      },
      platform: "linux/arm64",
      created: rfc3339(0),
      layers: [{ diffId: "sha256:c", createdBy: "ours" }],
      cmd: ["index.handler"],
      workingDir: "/var/task",
      env: { NODE_OPTIONS: "--enable-source-maps", EXTRA: "1" },
      baseHistoryCreatedBy: "base layer",
    });
    expect(cfg).toEqual({
      created: "1970-01-01T00:00:00Z",
      architecture: "arm64",
      variant: "v8",
      os: "linux",
      config: {
        Env: ["PATH=/bin", "NODE_OPTIONS=--enable-source-maps", "EXTRA=1"],
        Entrypoint: ["/e"],
        Cmd: ["index.handler"],
        User: "1000",
        WorkingDir: "/var/task",
      },
      rootfs: { type: "layers", diff_ids: ["sha256:a", "sha256:b", "sha256:c"] },
      history: [
        { created_by: "first" },
        { created_by: "env", empty_layer: true },
        { created: "1970-01-01T00:00:00Z", created_by: "base layer" },
        { created: "1970-01-01T00:00:00Z", created_by: "ours" },
      ],
    });
    expect(mergeEnv(["A=1"], { A: "2" })).toEqual(["A=2"]);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "1700000000" })).toBe(1700000000);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "soon" })).toBe(0);
  });

  it("writes OCI manifests with mediaType, and Docker v2s2 manifests", () => {
    const config = jsonBlob({ a: 1 });
    const oci = buildManifest("oci", config, [{ mediaType: OCI_LAYER_GZIP, digest: "sha256:x", size: 1 }]);
    expect(oci.mediaType).toBe(OCI_MANIFEST);
    expect(oci.schemaVersion).toBe(2);
    const docker = buildManifest("docker", config, []);
    expect(docker.mediaType).toBe(DOCKER_MANIFEST);
    expect((docker.config as { mediaType: string }).mediaType).toBe(
      "application/vnd.docker.container.image.v1+json",
    );
    expect(jsonBlob({ b: [1, 2] }).bytes.toString()).toBe('{"b":[1,2]}');
  });

  it("reads the uncompressed length from the gzip trailer", async () => {
    const data = Buffer.alloc(300_000, 1);
    const file = path.join(work, "x.gz");
    const gz = gzipSync(data);
    writeFileSync(file, gz);
    expect(await gzipUncompressedSize(file, gz.length)).toBe(300_000);
  });

  it("splits handlers and names docker images", () => {
    expect(splitHandler("index.handler")).toEqual({ file: "index", exportName: "handler" });
    expect(splitHandler("dist/lambda.main")).toEqual({ file: "dist/lambda", exportName: "main" });
    expect(() => splitHandler("nohandler")).toThrow(/not '<file>.<export>'/);
    expect(repoTagFor("@Acme/CRM connector", "1.0.0")).toBe("acme/crm-connector:1.0.0");
    expect(repoTagFor("acme-crm", "2")).toBe("acme-crm:2");
  });

  it("renders Dockerfiles for Lambda and scratch (Glue) images", () => {
    expect(
      renderDockerfile({
        base: "public.ecr.aws/lambda/nodejs:22",
        platform: "linux/arm64",
        cmd: ["index.handler"],
        workingDir: "/var/task",
      }),
    ).toBe(
      'FROM --platform=linux/arm64 public.ecr.aws/lambda/nodejs:22\nCOPY rootfs/ /\nWORKDIR /var/task\nCMD ["index.handler"]\n',
    );
    expect(renderDockerfile({ base: undefined, platform: "linux/amd64" })).toBe(
      "FROM --platform=linux/amd64 scratch\nCOPY rootfs/ /\n",
    );
  });
});

describe.runIf(hasTools("unzip"))("zip writer", () => {
  it("writes sorted entries with 0644/0755 modes, fixed times, and the same bytes every time", async () => {
    const tree = path.join(work, "zip-tree");
    mkdirSync(path.join(tree, "lib"), { recursive: true });
    writeFileSync(path.join(tree, "lib", "b.js"), "b".repeat(5000));
    writeFileSync(path.join(tree, "a.js"), "a");
    writeFileSync(path.join(tree, "run.sh"), "#!/bin/sh\n");
    chmodSync(path.join(tree, "run.sh"), 0o700);
    chmodSync(path.join(tree, "a.js"), 0o600);
    const map = new FileMap();
    await map.addTree(tree, "");
    map.addData("Zed.txt", "");
    const one = await writeZip(map, { file: path.join(work, "one.zip") });
    const two = await writeZip(map, { file: path.join(work, "two.zip") });
    expect(one.digest).toBe(two.digest);
    expect(sha256File(one.file)).toBe(one.digest);
    expect(sh("unzip", ["-Z1", one.file]).trim().split("\n")).toEqual([
      "Zed.txt",
      "a.js",
      "lib/",
      "lib/b.js",
      "run.sh",
    ]);
    const info = sh("unzip", ["-Z", one.file]);
    expect(info).toMatch(/-rw-r--r--.* a\.js/);
    expect(info).toMatch(/-rwxr-xr-x.* run\.sh/);
    expect(info).toMatch(/drwxr-xr-x.* lib\//);
    expect(info).toMatch(/80-Jan-01 00:00 a\.js/);
    sh("unzip", ["-tq", one.file]);
    const out = path.join(work, "unzipped");
    sh("unzip", ["-q", one.file, "-d", out]);
    expect(readFileSync(path.join(out, "lib", "b.js"), "utf8")).toBe("b".repeat(5000));
  });
});

describe.runIf(hasTools("umoci"))("readOciLayout", () => {
  it("needs a tag when the layout holds several images, and names the tags", async () => {
    const dir = path.join(work, "layout");
    makeBaseLayout(dir, work, { tag: "a" });
    makeBaseLayout(dir, work, { tag: "b" });
    const error = await readOciLayout(dir, "linux/amd64").catch((e: unknown) => e);
    expect(isCliError(error) && error.message).toMatch(/several images \(tags: a, b\)/);
    const img = await readOciLayout(dir, "linux/amd64", "b");
    expect(img.layers).toHaveLength(1);
    expect(img.layers[0]?.blobPath.startsWith(path.join(dir, "blobs", "sha256"))).toBe(true);
    expect(img.config.architecture).toBe("amd64");
    const missing = await readOciLayout(dir, "linux/amd64", "zzz").catch((e: unknown) => e);
    expect(isCliError(missing) && missing.code).toBe("BASE_LAYOUT_INVALID");
  });
});
