/**
 * `connector package` end to end, checked with independent tools: skopeo, umoci, GNU tar, unzip,
 * and the JDK for a real Glue driver jar. Base images are real OCI layouts made with umoci.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageConnector } from "../../src/image/package.js";
import { loadProject } from "../../src/project/index.js";
import { isCliError } from "../../src/ui/errors.js";
import { runCli } from "../helpers/cli.js";
import { gunzipDigest, hasTools, makeBaseLayout, sh, sha256File, shJson } from "../image/helpers.js";
import { REGISTRY_PASSWORD, REGISTRY_USER, registryAvailable, startRegistry } from "../stack/registry.js";

const TOOLS = hasTools("skopeo", "umoci", "tar", "unzip", "gunzip");
const JDK = hasTools("javac", "jar");
const REPO = path.resolve(import.meta.dirname, "../..");

let work: string;
let base: string;
let cache: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "ck-package-"));
  cache = path.join(work, "cache");
  base = path.join(work, "base");
  if (!TOOLS) return;
  makeBaseLayout(base, work, { tag: "22" });
  makeBaseLayout(base, work, { tag: "22-arm", arch: "arm64" });
  addMultiPlatformTag(base, "multi", "22", "22-arm");
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Adds an image index tagged `tag` that points at the amd64 and arm64 images. */
function addMultiPlatformTag(layout: string, tag: string, amd: string, arm: string): void {
  const indexFile = path.join(layout, "index.json");
  const index = JSON.parse(readFileSync(indexFile, "utf8")) as { manifests: Array<Record<string, unknown>> };
  const pick = (ref: string) => {
    const d = index.manifests.find(
      (m) => (m.annotations as Record<string, string>)["org.opencontainers.image.ref.name"] === ref,
    );
    if (!d) throw new Error(`no ${ref}`);
    return { mediaType: d.mediaType, digest: d.digest, size: d.size };
  };
  const nested = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      { ...pick(amd), platform: { architecture: "amd64", os: "linux" } },
      { ...pick(arm), platform: { architecture: "arm64", os: "linux", variant: "v8" } },
    ],
  };
  const bytes = Buffer.from(JSON.stringify(nested));
  const digest = sha256Bytes(bytes);
  writeFileSync(path.join(layout, "blobs", "sha256", digest.slice(7)), bytes);
  index.manifests.push({
    mediaType: "application/vnd.oci.image.index.v1+json",
    digest,
    size: bytes.length,
    annotations: { "org.opencontainers.image.ref.name": tag },
  });
  writeFileSync(indexFile, JSON.stringify(index));
}

function sha256Bytes(b: Buffer): string {
  const f = path.join(work, "tmp-hash");
  writeFileSync(f, b);
  return sha256File(f);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function tsProject(dir: string, extra: Record<string, unknown> = {}): string {
  writeJson(path.join(dir, "connector.json"), {
    name: "acme-crm",
    version: "1.0.0",
    kind: "appflow",
    appflow: { label: "acme_crm", entry: "src/index.ts", handler: "index.handler" },
    image: { base: `oci:${base}:22`, repository: "acme/crm" },
    ...extra,
  });
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(
    path.join(dir, "src", "index.ts"),
    [
      'import { ConnectorError } from "connectorkit/sdk";',
      'import { greet } from "./lib.js";',
      "export const handler = async (event: { type: string }) => ({",
      "  isSuccess: true,",
      "  type: event.type,",
      "  greeting: greet(event.type),",
      '  sdk: typeof ConnectorError === "function",',
      "});",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "src", "lib.ts"),
    'export const greet = (who: string): string => "hello " + who;\n',
  );
  // connectorkit/sdk resolves to this repository's sources, as a project's node_modules would.
  writeJson(path.join(dir, "tsconfig.json"), {
    compilerOptions: { paths: { "connectorkit/sdk": [path.join(REPO, "src/sdk/index.ts")] } },
  });
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON documents from the CLI and skopeo, checked by expect().
type Doc = Record<string, any>;

async function pkg(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(["package", "--json", ...args], { cwd, env: { XDG_CACHE_HOME: cache, ...env } });
  return { ...r, doc: r.json() as { ok: boolean; result: Doc; error: Doc } };
}

/** The manifest the layout's index.json points at, read from its blob. */
function rawManifest(layout: string): Doc {
  const index = JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8"));
  const digest = index.manifests[0].digest as string;
  const file = path.join(layout, "blobs", "sha256", digest.slice(7));
  expect(sha256File(file)).toBe(digest);
  return JSON.parse(readFileSync(file, "utf8"));
}

const inspect = (ref: string, ...flags: string[]) => shJson<Doc>("skopeo", ["inspect", ...flags, ref]);

describe.runIf(TOOLS)("connector package: AppFlow TypeScript image", () => {
  let project: string;
  let first: Doc;

  beforeAll(async () => {
    project = tsProject(path.join(work, "ts"));
    const r = await pkg(project);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    first = r.doc.result;
  });

  it("reports the image in --json", () => {
    expect(first).toMatchObject({
      kind: "appflow",
      format: "image",
      tag: "1.0.0",
      platform: "linux/amd64",
      output: path.join(project, ".connector", "image"),
      mediaType: "application/vnd.oci.image.manifest.v1+json",
    });
    expect(first.manifestDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(first.layers).toHaveLength(2);
    expect(first.uncompressedBytes).toBeGreaterThan(0);
    expect(first.sizeBytes).toBeGreaterThan(0);
  });

  it("writes a layout skopeo reads: amd64, linux, base layer + ours, no index", () => {
    const layout = first.output as string;
    const info = inspect(`oci:${layout}:1.0.0`);
    expect(info.Architecture).toBe("amd64");
    expect(info.Os).toBe("linux");
    expect(info.Layers).toHaveLength(2);
    expect(info.Digest).toBe(first.manifestDigest);
    const raw = inspect(`oci:${layout}:1.0.0`, "--raw");
    expect(raw.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(raw.manifests).toBeUndefined();
    expect(raw.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
    for (const l of raw.layers) expect(l.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
    const index = JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8"));
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].annotations["org.opencontainers.image.ref.name"]).toBe("1.0.0");
    expect(index.manifests[0].mediaType).toBe(raw.mediaType);
    expect(JSON.parse(readFileSync(path.join(layout, "oci-layout"), "utf8"))).toEqual({
      imageLayoutVersion: "1.0.0",
    });
    const meta = JSON.parse(readFileSync(path.join(layout, "connectorkit.json"), "utf8"));
    expect(meta).toMatchObject({ kind: "appflow", tag: "1.0.0", manifestDigest: first.manifestDigest });
    expect(meta.createdBy).toMatch(/^connectorkit \d/);
  });

  it("sets Cmd and WorkingDir, inherits Env and Entrypoint, one history entry per layer, fixed times", () => {
    const cfg = inspect(`oci:${first.output}:1.0.0`, "--config");
    expect(cfg.config.Cmd).toEqual(["index.handler"]);
    expect(cfg.config.WorkingDir).toBe("/var/task");
    expect(cfg.config.Entrypoint).toEqual(["/lambda-entrypoint.sh"]);
    expect(cfg.config.Env).toContain("LAMBDA_TASK_ROOT=/var/task");
    expect(cfg.created).toBe("1970-01-01T00:00:00Z");
    expect(cfg.rootfs.diff_ids).toHaveLength(2);
    const real = cfg.history.filter((h: { empty_layer?: boolean }) => !h.empty_layer);
    expect(real).toHaveLength(2);
    expect(real[1].created_by).toMatch(/^connectorkit .*: bundle of src\/index.ts/);
    expect(real[1].created).toBe("1970-01-01T00:00:00Z");
    // Our layer: diff_id is the sha256 of the gunzipped blob.
    const ours = first.layers[1];
    expect(ours.diffId).toBe(cfg.rootfs.diff_ids[1]);
    expect(gunzipDigest(path.join(first.output, "blobs", "sha256", ours.digest.slice(7)))).toBe(ours.diffId);
  });

  it("has a deterministic layer: explicit dirs, 1970, owners 0/0", () => {
    const blob = path.join(first.output, "blobs", "sha256", first.layers[1].digest.slice(7));
    const lines = sh("tar", ["-tvzf", blob, "--numeric-owner"]).trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).slice(-1)[0])).toEqual([
      "var/",
      "var/task/",
      "var/task/index.mjs",
    ]);
    for (const l of lines) expect(l).toMatch(/^(drwxr-xr-x|-rw-r--r--) 0\/0 .* 1970-01-01 00:00 /);
  });

  it("unpacks with umoci; the bundle runs and carries connectorkit/sdk", async () => {
    const bundle = path.join(work, "unpack-ts");
    sh("umoci", ["unpack", "--image", `${first.output}:1.0.0`, bundle]);
    const file = path.join(bundle, "rootfs", "var", "task", "index.mjs");
    const st = statSync(file);
    expect(st.mode & 0o777).toBe(0o644);
    expect(st.uid).toBe(0);
    expect(existsSync(path.join(bundle, "rootfs", "var", "runtime", "bootstrap"))).toBe(true);
    const mod = (await import(pathToFileURL(file).href)) as { handler: (e: unknown) => Promise<unknown> };
    await expect(mod.handler({ type: "ListEntitiesRequest" })).resolves.toEqual({
      isSuccess: true,
      type: "ListEntitiesRequest",
      greeting: "hello ListEntitiesRequest",
      sdk: true,
    });
    const runtime = JSON.parse(readFileSync(path.join(bundle, "config.json"), "utf8"));
    expect(runtime.process.args).toEqual(["/lambda-entrypoint.sh", "index.handler"]);
    expect(runtime.process.cwd).toBe("/var/task");
  });

  it("is reproducible: a copy made in another order, touched and chmod 0600, gives the same digests", async () => {
    const copy = path.join(work, "ts-copy");
    mkdirSync(path.join(copy, "src"), { recursive: true });
    for (const f of ["src/lib.ts", "tsconfig.json", "src/index.ts", "connector.json"]) {
      cpSync(path.join(project, f), path.join(copy, f));
      utimesSync(path.join(copy, f), new Date("2030-01-01"), new Date("2030-01-01"));
    }
    chmodSync(path.join(copy, "src", "index.ts"), 0o600);
    const again = await pkg(copy);
    expect(again.code, again.stderr).toBe(0);
    const same = await pkg(project);
    for (const r of [again.doc.result, same.doc.result]) {
      expect(r.manifestDigest).toBe(first.manifestDigest);
      expect(r.configDigest).toBe(first.configDigest);
      expect(r.layers).toEqual(first.layers);
    }
    // Replaced in place: no staging folders are left next to the layout.
    expect(
      readdirSync(path.join(project, ".connector")).filter((n) => n.includes(".tmp-") || n.includes(".old-")),
    ).toEqual([]);
  });

  it("--sourcemap adds the map and NODE_OPTIONS", async () => {
    const out = path.join(work, "ts-map");
    const r = await pkg(project, ["--sourcemap", "--output", out]);
    expect(r.code, r.stderr).toBe(0);
    const blob = path.join(out, "blobs", "sha256", r.doc.result.layers[1].digest.slice(7));
    expect(sh("tar", ["-tzf", blob])).toContain("var/task/index.mjs.map");
    const cfg = inspect(`oci:${out}:1.0.0`, "--config");
    expect(cfg.config.Env).toContain("NODE_OPTIONS=--enable-source-maps");
    const map = JSON.parse(sh("tar", ["-xzOf", blob, "var/task/index.mjs.map"]));
    expect(map.sources.some((s: string) => s.endsWith("src/index.ts") && !path.isAbsolute(s))).toBe(true);
  });

  it("--platform linux/arm64 resolves the arm64 image of a multi-platform base", async () => {
    const out = path.join(work, "ts-arm");
    const r = await pkg(project, [
      "--platform",
      "linux/arm64",
      "--base",
      `oci:${base}:multi`,
      "--output",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const info = inspect(`oci:${out}:1.0.0`);
    expect(info.Architecture).toBe("arm64");
    const armBase = inspect(`oci:${base}:22-arm`);
    expect(info.Layers[0]).toBe(armBase.Layers[0]);
    const amdBase = inspect(`oci:${base}:22`);
    expect(info.Layers[0]).not.toBe(amdBase.Layers[0]);
  });

  it("--tar writes a docker-archive skopeo reads, and --image-tag names the tag", async () => {
    const tar = path.join(work, "image.tar");
    const out = path.join(work, "ts-tar");
    const r = await pkg(project, ["--tar", tar, "--output", out, "--image-tag", "dev-1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc.result.tar).toBe(tar);
    const info = inspect(`docker-archive:${tar}`);
    expect(info.Architecture).toBe("amd64");
    expect(info.Layers).toHaveLength(2);
    const manifest = JSON.parse(sh("tar", ["-xOf", tar, "manifest.json"]));
    expect(manifest[0].RepoTags).toEqual(["acme/crm:dev-1"]);
    expect(inspect(`oci:${out}:dev-1`).Digest).toBe(r.doc.result.manifestDigest);
    // Same digests in the archive's config as in the layout.
    const cfg = inspect(`docker-archive:${tar}`, "--config");
    expect(cfg.config.Cmd).toEqual(["index.handler"]);
  });

  it("prints human result lines without --json", async () => {
    const r = await runCli(["package", "--output", path.join(work, "ts-human")], {
      cwd: project,
      env: { XDG_CACHE_HOME: cache },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Image\s+.*ts-human \(OCI layout, tag 1\.0\.0, linux\/amd64\)/);
    expect(r.stdout).toMatch(/Digest\s+sha256:[a-f0-9]{64}/);
    expect(r.stderr).toMatch(/✓ Bundle src\/index\.ts/);
    expect(r.stderr).toMatch(/✓ Layer sha256:/);
  });
});

describe.runIf(TOOLS)("connector package --format zip", () => {
  it("writes a deterministic Lambda zip", async () => {
    const project = tsProject(path.join(work, "zip"));
    const r1 = await pkg(project, ["--format", "zip"]);
    expect(r1.code, r1.stderr).toBe(0);
    const zip = r1.doc.result.output as string;
    expect(zip).toBe(path.join(project, ".connector", "function.zip"));
    expect(sh("unzip", ["-Z1", zip]).trim().split("\n")).toEqual(["index.mjs"]);
    expect(sh("unzip", ["-Z", zip])).toMatch(/-rw-r--r--.*index\.mjs/);
    sh("unzip", ["-tq", zip]);
    expect(sha256File(zip)).toBe(r1.doc.result.digest);
    utimesSync(path.join(project, "src", "index.ts"), new Date("2031-01-01"), new Date("2031-01-01"));
    const r2 = await pkg(project, ["--format", "zip"]);
    expect(r2.doc.result.digest).toBe(r1.doc.result.digest);
  });
});

describe.runIf(TOOLS)("connector package: AppFlow Python image", () => {
  it("puts the package at /var/task/<pkg> and site-packages next to it", async () => {
    const dir = path.join(work, "py");
    writeJson(path.join(dir, "connector.json"), {
      name: "acme-py",
      version: "2.0.0",
      kind: "appflow",
      appflow: {
        label: "acme_py",
        language: "python",
        handler: "acme_connector.handler.lambda_handler",
        pythonPackage: "acme_connector",
        sitePackages: "package",
      },
      image: { base: `oci:${base}:22` },
    });
    const files: Record<string, string> = {
      "acme_connector/__init__.py": "",
      "acme_connector/handler.py": "def lambda_handler(event, context):\n    return {'isSuccess': True}\n",
      "acme_connector/__pycache__/handler.cpython-312.pyc": "junk",
      "package/requests/__init__.py": "VERSION = '2'\n",
      "package/requests-2.0.dist-info/METADATA": "Name: requests\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    chmodSync(path.join(dir, "package", "requests", "__init__.py"), 0o600);
    const r = await pkg(dir);
    expect(r.code, r.stdout).toBe(0);
    const layout = r.doc.result.output as string;
    const cfg = inspect(`oci:${layout}:2.0.0`, "--config");
    expect(cfg.config.Cmd).toEqual(["acme_connector.handler.lambda_handler"]);
    const bundle = path.join(work, "unpack-py");
    sh("umoci", ["unpack", "--image", `${layout}:2.0.0`, bundle]);
    const task = path.join(bundle, "rootfs", "var", "task");
    expect(readdirSync(task).sort()).toEqual(["acme_connector", "requests", "requests-2.0.dist-info"]);
    expect(readdirSync(path.join(task, "acme_connector")).sort()).toEqual(["__init__.py", "handler.py"]);
    expect(statSync(path.join(task, "requests", "__init__.py")).mode & 0o777).toBe(0o644);
    expect(statSync(path.join(task, "acme_connector")).mode & 0o777).toBe(0o755);

    const zip = await pkg(dir, ["--format", "zip"]);
    expect(zip.code, zip.stdout).toBe(0);
    const names = sh("unzip", ["-Z1", zip.doc.result.output]).trim().split("\n");
    expect(names).toContain("acme_connector/handler.py");
    expect(names).toContain("requests/__init__.py");
    expect(names.some((n) => n.includes("__pycache__"))).toBe(false);
  });
});

describe.runIf(TOOLS && JDK)("connector package: Glue JDBC image", () => {
  let dir: string;

  beforeAll(() => {
    dir = path.join(work, "glue");
    const src = path.join(dir, "driver", "com", "example", "simpledb", "jdbc");
    mkdirSync(src, { recursive: true });
    writeFileSync(
      path.join(src, "Driver.java"),
      [
        "package com.example.simpledb.jdbc;",
        "import java.sql.*;",
        "import java.util.Properties;",
        "import java.util.logging.Logger;",
        "public class Driver implements java.sql.Driver {",
        "  public Connection connect(String url, Properties info) { return null; }",
        '  public boolean acceptsURL(String url) { return url.startsWith("jdbc:simpledb:"); }',
        "  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) { return new DriverPropertyInfo[0]; }",
        "  public int getMajorVersion() { return 2; }",
        "  public int getMinorVersion() { return 1; }",
        "  public boolean jdbcCompliant() { return false; }",
        "  public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }",
        "}",
        "",
      ].join("\n"),
    );
    const classes = path.join(dir, "classes");
    sh("javac", ["-d", classes, path.join(src, "Driver.java")]);
    mkdirSync(path.join(classes, "META-INF", "services"), { recursive: true });
    writeFileSync(
      path.join(classes, "META-INF", "services", "java.sql.Driver"),
      "com.example.simpledb.jdbc.Driver\n",
    );
    mkdirSync(path.join(dir, "jars"), { recursive: true });
    sh("jar", ["cf", path.join(dir, "jars", "simpledb-jdbc.jar"), "-C", classes, "."]);
    writeFileSync(path.join(dir, "oem.txt"), "simpledb-oem-key\nsimpledb-oem-value\n");
    writeJson(path.join(dir, "connector.json"), {
      name: "simpledb",
      version: "2.1.0",
      kind: "glue",
      glue: {
        connectorType: "JDBC",
        className: "com.example.simpledb.jdbc.Driver",
        publisherName: "Example Corp",
        description: "Example Corp JDBC driver for Simple DB",
        supportInformation: "See https://example.com/support",
        releaseTimestamp: "2026-11-22 08:00:00",
        jars: ["jars"],
        oemFile: "oem.txt",
      },
    });
  });

  it("builds a base-less Docker v2s2 image with /jars and /oem", async () => {
    const tar = path.join(work, "glue.tar");
    const r = await pkg(dir, ["--tar", tar]);
    expect(r.code, r.stdout).toBe(0);
    const res = r.doc.result;
    expect(res.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(res.tag).toBe("2.1.0");
    expect(res.layers).toHaveLength(1);
    const layout = res.output as string;
    // skopeo 1.9's oci: transport skips index entries with Docker media types, so the manifest is
    // read from the layout directly and the image checked through the docker-archive.
    const raw = rawManifest(layout);
    expect(raw.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(raw.config.mediaType).toBe("application/vnd.docker.container.image.v1+json");
    expect(raw.layers[0].mediaType).toBe("application/vnd.docker.image.rootfs.diff.tar.gzip");
    const index = JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8"));
    expect(index.manifests[0].mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(index.manifests[0].digest).toBe(res.manifestDigest);
    const info = inspect(`docker-archive:${tar}`);
    expect(info.Architecture).toBe("amd64");
    expect(info.Os).toBe("linux");
    expect(info.Layers).toHaveLength(1);
    const blob = path.join(layout, "blobs", "sha256", res.layers[0].digest.slice(7));
    const names = sh("tar", ["-tzf", blob]).trim().split("\n");
    expect(names).toEqual(["jars/", "jars/config.json", "jars/simpledb-jdbc.jar", "oem/", "oem/oem.txt"]);
    const config = JSON.parse(sh("tar", ["-xzOf", blob, "jars/config.json"]));
    expect(config).toEqual({
      releasetimestamp: "2026-11-22 08:00:00",
      connectiontype: "MARKETPLACE",
      classname: "com.example.simpledb.jdbc.Driver",
      publishername: "Example Corp",
      connectortype: "JDBC",
      version: "2.1.0",
      description: "Example Corp JDBC driver for Simple DB",
      supportinformation: "See https://example.com/support",
    });
    // The jar in the image is byte-identical to the one built.
    const inImage = sh("sh", ["-c", 'tar -xzOf "$1" jars/simpledb-jdbc.jar | sha256sum', "sh", blob]);
    expect(`sha256:${inImage.split(" ")[0]}`).toBe(sha256File(path.join(dir, "jars", "simpledb-jdbc.jar")));
    const listing = sh("tar", ["-tvzf", blob, "--numeric-owner"]).trim().split("\n");
    for (const l of listing) expect(l).toMatch(/^(drwxr-xr-x|-rw-r--r--) 0\/0 .* 1970-01-01 00:00 /);
    const again = await pkg(dir);
    expect(again.doc.result.manifestDigest).toBe(res.manifestDigest);
  });

  it("converts OCI base layers to Docker media types", async () => {
    const out = path.join(work, "glue-based");
    const r = await pkg(dir, ["--base", `oci:${base}:22`, "--output", out]);
    expect(r.code, r.stderr).toBe(0);
    const raw = rawManifest(out);
    expect(raw.layers).toHaveLength(2);
    for (const l of raw.layers) expect(l.mediaType).toBe("application/vnd.docker.image.rootfs.diff.tar.gzip");
    expect(raw.layers[0].digest).toBe(inspect(`oci:${base}:22`).Layers[0]);
  });

  it("refuses arm64, a jar that is not a zip, and a config.json that breaks the rules", async () => {
    const arm = await pkg(dir, ["--platform", "linux/arm64"]);
    expect(arm.code).toBe(2);
    expect(arm.doc.error.code).toBe("PACKAGE_GLUE_PLATFORM");
    expect(arm.doc.error.message).toMatch(/linux\/amd64/);

    const bad = path.join(work, "glue-bad");
    cpSync(dir, bad, { recursive: true });
    rmSync(path.join(bad, ".connector"), { recursive: true, force: true });
    writeFileSync(path.join(bad, "jars", "broken.jar"), "this is not a zip");
    const notZip = await pkg(bad);
    expect(notZip.code).toBe(2);
    expect(notZip.doc.error.code).toBe("PACKAGE_JAR_INVALID");
    expect(notZip.doc.error.message).toMatch(/broken\.jar/);
    rmSync(path.join(bad, "jars", "broken.jar"));

    const cfg = JSON.parse(readFileSync(path.join(bad, "connector.json"), "utf8"));
    cfg.glue.releaseTimestamp = "2026-02-30 10:00:00";
    writeJson(path.join(bad, "connector.json"), cfg);
    const badConfig = await pkg(bad);
    expect(badConfig.code).toBe(2);
    expect(badConfig.doc.error.code).toBe("CONFIG_JSON_INVALID");
    expect(badConfig.doc.error.message).toMatch(/releasetimestamp/);

    cfg.glue.releaseTimestamp = "2026-02-28 10:00:00";
    writeJson(path.join(bad, "connector.json"), cfg);
    const badTag = await pkg(bad, ["--image-tag", "latest"]);
    expect(badTag.code).toBe(2);
    expect(badTag.doc.error.message).toMatch(/image tag/);
    expect(existsSync(path.join(bad, ".connector", "image"))).toBe(false);
  });
});

describe.runIf(TOOLS)("connector package refusals", () => {
  it("refuses a missing entry", async () => {
    const dir = tsProject(path.join(work, "no-entry"));
    rmSync(path.join(dir, "src", "index.ts"));
    const r = await pkg(dir);
    expect(r.code).toBe(2);
    expect(r.doc.error.code).toBe("PACKAGE_ENTRY_MISSING");
    expect(r.doc.error.message).toMatch(/src\/index\.ts/);
  });

  it("refuses --no-bundle without a built bundle, and uses it when present", async () => {
    const dir = tsProject(path.join(work, "no-bundle"));
    const r = await pkg(dir, ["--no-bundle"]);
    expect(r.code).toBe(2);
    expect(r.doc.error.code).toBe("PACKAGE_BUNDLE_MISSING");
    mkdirSync(path.join(dir, "dist"));
    writeFileSync(path.join(dir, "dist", "index.mjs"), "export const handler = async () => ({});\n");
    const ok = await pkg(dir, ["--no-bundle"]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("refuses an image over the size limit and leaves nothing behind", async () => {
    const dir = tsProject(path.join(work, "too-big"));
    const project = await loadProject({ cwd: dir, env: {} });
    const error = await packageConnector({
      project,
      format: "image",
      builder: "oci",
      platform: "linux/amd64",
      base: `oci:${base}:22`,
      tag: "1.0.0",
      env: {},
      sizeLimitBytes: 4096,
    }).catch((e: unknown) => e);
    expect(isCliError(error) && error.code).toBe("IMAGE_TOO_LARGE");
    expect(isCliError(error) && error.message).toMatch(/over Lambda's limit/);
    expect(readdirSync(path.join(dir, ".connector")).filter((n) => n !== "bundle")).toEqual([]);
  });

  it("refuses to replace a folder that is not an image layout", async () => {
    const dir = tsProject(path.join(work, "clobber"));
    const r = await pkg(dir, ["--output", path.join(dir, "src")]);
    expect(r.code).toBe(2);
    expect(r.doc.error.code).toBe("OUTPUT_NOT_EMPTY");
    expect(existsSync(path.join(dir, "src", "index.ts"))).toBe(true);
  });

  it("refuses 'none' as an AppFlow base and a bad base layout", async () => {
    const dir = tsProject(path.join(work, "bases"));
    const none = await pkg(dir, ["--base", "none"]);
    expect(none.doc.error.code).toBe("PACKAGE_BASE_REQUIRED");
    const missing = await pkg(dir, ["--base", `oci:${path.join(work, "nowhere")}`]);
    expect(missing.code).toBe(2);
    expect(missing.doc.error.code).toBe("BASE_LAYOUT_INVALID");
    const wrongArch = await pkg(dir, ["--base", `oci:${base}:22-arm`]);
    expect(wrongArch.doc.error.code).toBe("BASE_PLATFORM_MISMATCH");
  });

  it("names the flag when a flag value breaks the schema", async () => {
    const dir = tsProject(path.join(work, "badtag"));
    const r = await pkg(dir, ["--image-tag", "bad tag!"]);
    expect(r.code).toBe(2);
    expect(r.doc.error.message).toMatch(/--image-tag/);
  });
});

describe.runIf(TOOLS)("connector package --builder docker", () => {
  function standIn(name: string, script: string): string {
    const bin = path.join(work, name);
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "docker"), `#!/bin/sh\n${script}\n`);
    chmodSync(path.join(bin, "docker"), 0o755);
    return bin;
  }

  it("writes a Dockerfile with its context and runs docker build (and save)", async () => {
    const log = path.join(work, "docker-args.log");
    const bin = standIn(
      "docker-ok",
      [
        `printf '%s\\n' "$@" >> "${log}"`,
        'echo "--" >> "' + log + '"',
        'if [ "$1" = buildx ] && [ -n "$NO_BUILDX" ]; then echo "unknown command: buildx" >&2; exit 1; fi',
        'if [ "$1" = save ]; then printf archive > "$3"; fi',
        "exit 0",
      ].join("\n"),
    );
    const dir = tsProject(path.join(work, "docker"), {
      image: { base: "public.ecr.aws/lambda/nodejs:22", repository: "acme/crm" },
    });
    const tar = path.join(work, "docker-save.tar");
    const r = await pkg(dir, ["--builder", "docker", "--tar", tar], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const context = path.join(dir, ".connector", "docker");
    expect(r.doc.result).toMatchObject({
      builder: "docker",
      output: context,
      imageName: "acme/crm:1.0.0",
      tar,
    });
    const dockerfile = readFileSync(path.join(context, "Dockerfile"), "utf8");
    expect(dockerfile).toContain("FROM --platform=linux/amd64 public.ecr.aws/lambda/nodejs:22\n");
    expect(dockerfile).toContain("COPY rootfs/ /\n");
    expect(dockerfile).toContain('CMD ["index.handler"]\n');
    expect(dockerfile).toContain("WORKDIR /var/task\n");
    expect(statSync(path.join(context, "rootfs", "var", "task", "index.mjs")).mode & 0o777).toBe(0o644);
    const calls = readFileSync(log, "utf8")
      .split("--\n")
      .filter(Boolean)
      .map((c) => c.trim().split("\n"));
    expect(calls[0]).toEqual(["buildx", "version"]);
    expect(calls[1]?.slice(0, 5)).toEqual([
      "build",
      "--platform",
      "linux/amd64",
      "--provenance=false",
      "--sbom=false",
    ]);
    expect(calls[1]).toEqual(
      expect.arrayContaining(["-t", "acme/crm:1.0.0", "-f", path.join(context, "Dockerfile")]),
    );
    expect(calls[1]?.at(-1)).toBe(context);
    expect(calls[2]?.slice(0, 2)).toEqual(["save", "-o"]);
    expect(calls[2]?.at(-1)).toBe("acme/crm:1.0.0");
    expect(readFileSync(tar, "utf8")).toBe("archive");

    // Without buildx (the legacy builder makes no attestations and knows no --provenance flag).
    rmSync(log);
    const legacy = await pkg(dir, ["--builder", "docker"], {
      PATH: `${bin}:${process.env.PATH}`,
      NO_BUILDX: "1",
    });
    expect(legacy.code, legacy.stdout).toBe(0);
    const legacyCalls = readFileSync(log, "utf8")
      .split("--\n")
      .filter(Boolean)
      .map((c) => c.trim().split("\n"));
    expect(legacyCalls[1]?.slice(0, 4)).toEqual(["build", "--platform", "linux/amd64", "--iidfile"]);
    expect(legacyCalls[1]).not.toContain("--provenance=false");
  });

  it("says so when there is no Docker daemon and suggests the default builder", async () => {
    const bin = standIn(
      "docker-down",
      "echo 'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1",
    );
    const dir = tsProject(path.join(work, "docker-down"), {
      image: { base: "public.ecr.aws/lambda/nodejs:22" },
    });
    const r = await pkg(dir, ["--builder", "docker"], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(2);
    expect(r.doc.error.code).toBe("DOCKER_DAEMON_UNAVAILABLE");
    expect(r.doc.error.message).toMatch(/Cannot connect to the Docker daemon/);
    expect(r.doc.error.hint).toMatch(/default builder/);
  });
});

describe.runIf(TOOLS && registryAvailable)("connector package: registry base", () => {
  it("pulls the base through src/registry, caches it, and needs no network the second time", async () => {
    const registry = await startRegistry();
    const ref = `127.0.0.1:${registry.port}/base/node:22`;
    try {
      sh("skopeo", [
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        `${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
        `oci:${base}:22`,
        `docker://${ref}`,
      ]);
    } catch (error) {
      await registry.stop();
      throw error;
    }
    const dir = tsProject(path.join(work, "registry-base"));
    const project = await loadProject({ cwd: dir, env: {} });
    const cacheDir = path.join(work, "registry-cache");
    const options = {
      project,
      format: "image" as const,
      builder: "oci" as const,
      platform: "linux/amd64" as const,
      base: ref,
      tag: "1.0.0",
      env: {},
      cacheDir,
      insecureRegistry: true,
      credentials: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
    };
    let online: Awaited<ReturnType<typeof packageConnector>>;
    try {
      online = await packageConnector(options);
    } finally {
      await registry.stop();
    }
    const baseLayer = inspect(`oci:${base}:22`).Layers[0] as string;
    expect(online.layers[0]?.digest).toBe(baseLayer);
    expect(existsSync(path.join(cacheDir, "blobs", "sha256", baseLayer.slice(7)))).toBe(true);
    const offline = await packageConnector(options);
    expect(offline.manifestDigest).toBe(online.manifestDigest);
    // The same image as from a local layout of the same base.
    const local = await packageConnector({
      ...options,
      base: `oci:${base}:22`,
      output: path.join(work, "local-base"),
    });
    expect(local.manifestDigest).toBe(online.manifestDigest);
  });
});

if (!JDK) console.warn("Glue package tests skipped: javac/jar not installed");
if (!TOOLS) console.warn("package tests skipped: skopeo/umoci/tar/unzip not installed");
