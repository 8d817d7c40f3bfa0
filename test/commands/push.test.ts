import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import {
  randomLayout,
  skopeoAvailable,
  umociAvailable,
  umociLayout,
  writeLayout,
} from "../registry/layouts.js";
import { type EcrProxy, startEcrProxy } from "../stack/ecr-proxy.js";
import { type FaultProxy, startFaultProxy } from "../stack/faults.js";
import { MOTO_ENV, type Moto, motoAvailable, startMoto } from "../stack/moto.js";
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  type Registry,
  registryAvailable,
  startRegistry,
} from "../stack/registry.js";

const missing = [
  registryAvailable ? "" : "docker-registry/htpasswd",
  skopeoAvailable ? "" : "skopeo",
  umociAvailable ? "" : "umoci",
  motoAvailable ? "" : "moto (python3 -c 'import moto')",
].filter(Boolean);
if (missing.length > 0) {
  console.warn(
    `skipping connector push tests: ${missing.join(", ")} not installed (see scripts/install-test-deps.sh)`,
  );
}

const CREDS = `${REGISTRY_USER}:${REGISTRY_PASSWORD}`;
const TOKEN_B64 = Buffer.from(CREDS).toString("base64");
const HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

describe.skipIf(missing.length > 0)("connector push against docker-registry + moto", () => {
  let moto: Moto;
  let registry: Registry;
  let proxy: EcrProxy;
  let faults: FaultProxy;
  let ecr: ECRClient;
  let work: string;

  beforeAll(async () => {
    // The AWS SDK reads credentials from process.env; runCli gets the same values.
    Object.assign(process.env, MOTO_ENV);
    work = mkdtempSync(path.join(tmpdir(), "ck-push-"));
    [moto, registry] = await Promise.all([startMoto(), startRegistry()]);
    proxy = await startEcrProxy({ registryPort: registry.port, motoUrl: moto.url });
    faults = await startFaultProxy({ port: proxy.port });
    ecr = new ECRClient({ endpoint: moto.url, region: "us-east-1" });
  });

  afterAll(async () => {
    ecr?.destroy();
    await faults?.stop();
    await proxy?.stop();
    await Promise.all([moto?.stop(), registry?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => faults.clear());

  let n = 0;
  /** A fresh project dir with connector.json; the layout is written by the caller. */
  function project(extra: Record<string, unknown> = {}, version = "1.0.0"): string {
    const dir = path.join(work, `p${++n}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "connector.json"),
      JSON.stringify({
        name: "acme-crm",
        version,
        kind: "appflow",
        appflow: { label: "acme-crm" },
        ...extra,
      }),
    );
    return dir;
  }

  function push(cwd: string, ...args: string[]) {
    return runCli(["push", "--json", "--endpoint-url", moto.url, "--registry-url", faults.url, ...args], {
      cwd,
      env: { ...MOTO_ENV, XDG_CACHE_HOME: path.join(work, "cache") },
    });
  }

  function result(r: Awaited<ReturnType<typeof push>>) {
    const doc = r.json() as { ok: boolean; result: Record<string, unknown>; error?: Record<string, string> };
    if (!doc.ok) throw new Error(`push failed (${r.code}): ${JSON.stringify(doc.error)}\n${r.stderr}`);
    return doc.result as {
      imageUri: string;
      digest: string;
      uploaded: string[];
      skipped: string[];
      mounted: string[];
      bytesUploaded: number;
      created: boolean;
      unchanged: boolean;
      replaced?: string;
    };
  }

  const skopeo = (...args: string[]) => execFileSync("skopeo", args, { encoding: "utf8" });

  it("pushes a umoci-built image; skopeo and umoci read back its files and config", async () => {
    const dir = project({ image: { repository: "appflow/acme-crm" } });
    const layout = umociLayout(path.join(dir, ".connector"), "1.0.0", {
      "index.js": "exports.handler = async () => ({ ok: true });\n",
      "lib/util.js": "module.exports = 1;\n",
    });
    // the default layout location is .connector/image
    execFileSync("mv", [layout, path.join(dir, ".connector", "image")]);
    const r = await push(dir);
    const res = result(r);
    expect(r.code).toBe(0);
    expect(res.created).toBe(true);
    expect(res.imageUri).toBe(`${HOST}/appflow/acme-crm:1.0.0`);
    const index = JSON.parse(readFileSync(path.join(dir, ".connector/image/index.json"), "utf8"));
    expect(res.digest).toBe(index.manifests[0].digest);
    expect(res.uploaded.length).toBe(2); // config + one layer
    const record = JSON.parse(readFileSync(path.join(dir, ".connector/push.json"), "utf8"));
    expect(record).toMatchObject({ imageUri: res.imageUri, digest: res.digest, registryId: "123456789012" });

    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: "appflow/acme-crm", imageIds: [{ imageTag: "1.0.0" }] }),
    );
    expect(images.imageDetails?.[0]?.imageDigest).toBe(res.digest);

    const ref = `docker://127.0.0.1:${registry.port}/appflow/acme-crm:1.0.0`;
    const inspect = JSON.parse(skopeo("inspect", "--creds", CREDS, "--tls-verify=false", ref));
    expect(inspect.Digest).toBe(res.digest);
    const config = JSON.parse(skopeo("inspect", "--config", "--creds", CREDS, "--tls-verify=false", ref));
    expect(config.config.Cmd).toEqual(["index.handler"]);
    expect(config.config.WorkingDir).toBe("/var/task");
    const back = path.join(dir, "back");
    skopeo("copy", "--src-creds", CREDS, "--src-tls-verify=false", ref, `oci:${back}:pulled`);
    execFileSync("umoci", ["unpack", "--image", `${back}:pulled`, path.join(dir, "bundle")]);
    expect(readFileSync(path.join(dir, "bundle/rootfs/var/task/index.js"), "utf8")).toContain("handler");
    expect(existsSync(path.join(dir, "bundle/rootfs/var/task/lib/util.js"))).toBe(true);
    const runtime = JSON.parse(readFileSync(path.join(dir, "bundle/config.json"), "utf8"));
    expect(runtime.process.cwd).toBe("/var/task");
    expect(runtime.process.args).toEqual(["index.handler"]);

    // Re-push: nothing uploaded, no blob traffic at all.
    faults.clear();
    const again = result(await push(dir));
    expect(again.unchanged).toBe(true);
    expect(again.uploaded).toEqual([]);
    expect(again.bytesUploaded).toBe(0);
    expect(faults.log.filter((l) => l.path.includes("/blobs/"))).toEqual([]);
  });

  it("pushes a Docker v2s2 layout with its media type and digest unchanged", async () => {
    const dir = project({ kind: "appflow" }, "2.0.0");
    const built = writeLayout(dir, "2.0.0", [{ "jars/driver.jar": "PK fake", "jars/config.json": "{}" }], {
      docker: true,
    });
    const res = result(await push(dir, "--layout", built.layout, "--ecr-repo-name", "glue-driver"));
    expect(res.digest).toBe(built.manifestDigest);
    const raw = skopeo(
      "inspect",
      "--raw",
      "--creds",
      CREDS,
      "--tls-verify=false",
      `docker://127.0.0.1:${registry.port}/glue-driver:2.0.0`,
    );
    expect(Buffer.from(raw)).toEqual(built.manifestBytes);
    expect(JSON.parse(raw).mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: "glue-driver", imageIds: [{ imageTag: "2.0.0" }] }),
    );
    expect(images.imageDetails?.[0]?.imageManifestMediaType).toBe(
      "application/vnd.docker.distribution.manifest.v2+json",
    );
  });

  it("refuses to move a tag to another image unless --force; immutable tags always refuse", async () => {
    const dir = project();
    const a = writeLayout(path.join(dir, "a"), "1.0.0", [{ "var/task/index.js": "a" }]);
    const b = writeLayout(path.join(dir, "b"), "1.0.0", [{ "var/task/index.js": "b" }]);
    result(await push(dir, "--layout", a.layout, "--ecr-repo-name", "moving"));
    faults.clear();
    const refused = await push(dir, "--layout", b.layout, "--ecr-repo-name", "moving");
    expect(refused.code).toBe(2);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: "TAG_EXISTS" } });
    expect(faults.log.some((l) => l.method === "PUT")).toBe(false);
    const forced = result(await push(dir, "--layout", b.layout, "--ecr-repo-name", "moving", "--force"));
    expect(forced.replaced).toBe(a.manifestDigest);
    expect(forced.digest).toBe(b.manifestDigest);

    result(await push(dir, "--layout", a.layout, "--ecr-repo-name", "frozen", "--immutable-tags"));
    const repo = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["frozen"] }));
    expect(repo.repositories?.[0]?.imageTagMutability).toBe("IMMUTABLE");
    const frozen = await push(dir, "--layout", b.layout, "--ecr-repo-name", "frozen", "--force");
    expect(frozen.code).toBe(2);
    expect(frozen.json()).toMatchObject({ ok: false, error: { code: "TAG_IMMUTABLE" } });
  });

  it("never creates a repository with --no-create-repo or in the Marketplace registry", async () => {
    const dir = project();
    const a = writeLayout(dir, "1.0.0", [{ "var/task/index.js": "x" }]);
    const r = await push(dir, "--layout", a.layout, "--ecr-repo-name", "not-there", "--no-create-repo");
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({ ok: false, error: { code: "REPOSITORY_NOT_FOUND" } });
    const m = await push(
      dir,
      "--layout",
      a.layout,
      "--ecr-repo-name",
      "seller/thing",
      "--registry-id",
      "709825985650",
    );
    expect(m.code).toBe(3);
    const doc = m.json() as { error: { code: string; hint: string } };
    expect(doc.error.code).toBe("REPOSITORY_NOT_FOUND");
    expect(doc.error.hint).toMatch(/Marketplace Management Portal/);
    const repos = await ecr.send(new DescribeRepositoriesCommand({}));
    const names = (repos.repositories ?? []).map((x) => x.repositoryName);
    expect(names).not.toContain("not-there");
    expect(names).not.toContain("seller/thing");
    expect(faults.log).toEqual([]);
  });

  it("validates the repository name and tag before any AWS call", async () => {
    const dir = project();
    const a = writeLayout(dir, "1.0.0", [{ "var/task/index.js": "x" }]);
    // The ECR endpoint is a closed port: any AWS call would exit 4, not 2.
    const env = { ...MOTO_ENV, XDG_CACHE_HOME: path.join(work, "cache") };
    const bad = await runCli(
      [
        "push",
        "--json",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--layout",
        a.layout,
        "--ecr-repo-name",
        "Bad_Name",
      ],
      { cwd: dir, env },
    );
    expect(bad.code).toBe(2);
    const tag = await runCli(
      [
        "push",
        "--json",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--layout",
        a.layout,
        "--ecr-repo-name",
        "ok-repo",
        "--image-tag",
        "-bad",
      ],
      { cwd: dir, env },
    );
    expect(tag.code).toBe(2);
    const noLayout = await runCli(
      [
        "push",
        "--json",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--layout",
        path.join(dir, "nope"),
        "--ecr-repo-name",
        "ok-repo",
      ],
      { cwd: dir, env },
    );
    expect(noLayout.code).toBe(2);
    expect(noLayout.json()).toMatchObject({ error: { code: "LAYOUT_NOT_FOUND" } });
  });

  it("retries injected 500s, 429 with Retry-After and a connection reset mid-upload", async () => {
    const dir = project();
    const img = await randomLayout(dir, "1.0.0", [3 << 20, 1 << 20]);
    faults.add({
      method: "POST",
      url: /\/blobs\/uploads\/$/,
      times: 2,
      action: { kind: "status", status: 500 },
    });
    faults.add({
      method: "HEAD",
      url: /\/blobs\//,
      times: 1,
      action: { kind: "status", status: 429, retryAfter: 1 },
    });
    faults.add({
      method: "PUT",
      url: new RegExp(`digest=${encodeURIComponent(img.layerDigests[0] as string)}`),
      times: 1,
      action: { kind: "reset", afterBytes: 1 << 20 },
    });
    faults.add({ method: "PUT", url: /\/manifests\//, times: 1, action: { kind: "status", status: 503 } });
    const r = await push(dir, "--layout", img.layout, "--ecr-repo-name", "flaky");
    const res = result(r);
    expect(res.uploaded.sort()).toEqual([img.configDigest, ...img.layerDigests].sort());
    const outcomes = faults.log.map((l) => `${l.method} ${l.outcome}`);
    expect(outcomes).toContain("POST 500");
    expect(outcomes).toContain("HEAD 429");
    expect(outcomes).toContain("PUT reset");
    expect(outcomes).toContain("PUT 503");
    // a fresh upload session after the reset: more POSTs than blobs
    const posts = faults.log.filter((l) => l.method === "POST" && l.outcome === 202).length;
    expect(posts).toBeGreaterThan(3);
    expect(r.stderr).toMatch(/retrying/);
    // the manifest goes last: after every blob upload has been answered
    const manifestPut = faults.log.find(
      (l) => l.method === "PUT" && l.path.includes("/manifests/") && l.outcome === 201,
    );
    const blobPuts = faults.log.filter((l) => l.method === "PUT" && l.path.includes("/blobs/uploads/"));
    expect(manifestPut).toBeDefined();
    for (const b of blobPuts)
      expect(b.end ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(manifestPut?.start ?? 0);
    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: "flaky", imageIds: [{ imageTag: "1.0.0" }] }),
    );
    expect(images.imageDetails?.[0]?.imageDigest).toBe(img.manifestDigest);
  });

  it("uploads at most --concurrency blobs at a time", async () => {
    const dir = project();
    const img = await randomLayout(dir, "1.0.0", Array(6).fill(2 << 20));
    result(await push(dir, "--layout", img.layout, "--ecr-repo-name", "bounded", "--concurrency", "2"));
    const puts = faults.log.filter((l) => l.method === "PUT" && l.path.includes("/blobs/uploads/"));
    expect(puts.length).toBe(7);
    const overlap = Math.max(
      ...puts.map(
        (p) => puts.filter((q) => q.start <= p.start && (q.end ?? Number.POSITIVE_INFINITY) > p.start).length,
      ),
    );
    expect(overlap).toBeLessThanOrEqual(2);
  });

  it("re-pushes an unchanged image with one registry request and no AWS call; a refused token falls back", async () => {
    const dir = project();
    const a = writeLayout(dir, "1.0.0", [{ "var/task/index.js": "fast" }]);
    // ECR API traffic goes through its own logging proxy, to count it.
    const ecrLog = await startFaultProxy({ port: Number(new URL(moto.url).port) });
    try {
      const cache = path.join(work, "cache-fast");
      const run = () =>
        runCli(
          [
            "push",
            "--json",
            "--endpoint-url",
            ecrLog.url,
            "--registry-url",
            faults.url,
            "--layout",
            a.layout,
            "--ecr-repo-name",
            "fast/path",
          ],
          { cwd: dir, env: { ...MOTO_ENV, XDG_CACHE_HOME: cache } },
        );
      expect(result(await run()).uploaded.length).toBeGreaterThan(0);
      const file = path.join(cache, "connectorkit", "ecr-credentials.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);

      ecrLog.clear();
      faults.clear();
      const again = await run();
      expect(result(again)).toMatchObject({ unchanged: true, uploaded: [], digest: a.manifestDigest });
      expect(ecrLog.log).toEqual([]);
      expect(faults.log.map((r) => `${r.method} ${r.path}`)).toEqual(["HEAD /v2/fast/path/manifests/1.0.0"]);
      expect(again.stdout + again.stderr).not.toContain(REGISTRY_PASSWORD);

      // A token the registry refuses is dropped; the full path runs and refreshes it.
      const cached = JSON.parse(readFileSync(file, "utf8")) as Record<string, { password: string }>;
      for (const e of Object.values(cached)) e.password = "revoked-token";
      writeFileSync(file, JSON.stringify(cached));
      ecrLog.clear();
      const fallback = await run();
      expect(result(fallback)).toMatchObject({ unchanged: true, uploaded: [] });
      expect(ecrLog.log.length).toBeGreaterThan(0);
      expect(readFileSync(file, "utf8")).not.toContain("revoked-token");
    } finally {
      await ecrLog.stop();
    }
  });

  it("an interrupted push leaves no tag; the re-run uploads only the missing blob", async () => {
    const dir = project();
    const img = await randomLayout(dir, "1.0.0", [4 << 20, 1 << 20, 1 << 20]);
    const big = img.layerDigests[0] as string;
    faults.add({
      method: "PUT",
      url: new RegExp(`digest=${encodeURIComponent(big)}`),
      times: Number.POSITIVE_INFINITY,
      action: { kind: "reset", afterBytes: 2 << 20 },
    });
    const first = await push(dir, "--layout", img.layout, "--ecr-repo-name", "resume");
    expect(first.code).toBe(4);
    expect(first.json()).toMatchObject({ ok: false, error: { code: "NETWORK" } });
    expect(faults.log.some((l) => l.path.includes("/manifests/") && l.method === "PUT")).toBe(false);
    const tags = await fetch(`${registry.url}/v2/resume/tags/list`, {
      headers: { authorization: `Basic ${TOKEN_B64}` },
    });
    expect(tags.status === 404 || !((await tags.json()) as { tags?: string[] }).tags?.includes("1.0.0")).toBe(
      true,
    );
    await expect(
      ecr.send(new DescribeImagesCommand({ repositoryName: "resume", imageIds: [{ imageTag: "1.0.0" }] })),
    ).rejects.toMatchObject({ name: "ImageNotFoundException" });

    faults.clear();
    const res = result(await push(dir, "--layout", img.layout, "--ecr-repo-name", "resume"));
    expect(res.uploaded).toEqual([big]);
    expect(res.skipped.sort()).toEqual([img.configDigest, ...img.layerDigests.slice(1)].sort());
    const uploads = faults.log.filter((l) => l.method === "PUT" && l.path.includes("/blobs/uploads/"));
    expect(uploads.map((l) => l.query.get("digest"))).toEqual([big]);
  });

  it("mounts blobs already pushed to another repository of the registry", async () => {
    const dir = project();
    const img = writeLayout(dir, "1.0.0", [{ "var/task/a.js": "a" }, { "var/task/b.js": "b" }]);
    result(await push(dir, "--layout", img.layout, "--ecr-repo-name", "mount-src"));
    faults.clear();
    const res = result(await push(dir, "--layout", img.layout, "--ecr-repo-name", "mount-dst"));
    expect(res.mounted.sort()).toEqual([img.configDigest, ...img.layerDigests].sort());
    expect(res.uploaded).toEqual([]);
    const mounts = faults.log.filter((l) => l.query.get("from") === "mount-src");
    expect(mounts.length).toBe(3);
    expect(mounts.every((l) => l.outcome === 201)).toBe(true);
  });

  it("maps a refused login to exit 3 and never prints the token", async () => {
    const dir = project();
    const img = writeLayout(dir, "1.0.0", [{ "var/task/index.js": "x" }]);
    faults.add({
      url: /^\/v2\//,
      times: Number.POSITIVE_INFINITY,
      action: {
        kind: "status",
        status: 401,
        body: JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }),
      },
    });
    for (const args of [["--json"], ["--verbose"]]) {
      const r = await push(dir, "--layout", img.layout, "--ecr-repo-name", "denied", ...args);
      expect(r.code).toBe(3);
      for (const text of [r.stdout, r.stderr]) {
        expect(text).not.toContain(REGISTRY_PASSWORD);
        expect(text).not.toContain(TOKEN_B64);
      }
    }
    const r = await push(dir, "--layout", img.layout, "--ecr-repo-name", "denied");
    expect(r.json()).toMatchObject({ ok: false, error: { code: "REGISTRY_AUTH" } });
  });

  it("exits 4 when the registry cannot be reached", async () => {
    const dir = project();
    const img = writeLayout(dir, "1.0.0", [{ "var/task/index.js": "x" }]);
    const r = await runCli(
      [
        "push",
        "--json",
        "--endpoint-url",
        moto.url,
        "--registry-url",
        "http://127.0.0.1:9",
        "--layout",
        img.layout,
        "--ecr-repo-name",
        "unreachable",
      ],
      { cwd: dir, env: { ...MOTO_ENV, XDG_CACHE_HOME: path.join(work, "cache") } },
    );
    expect(r.code).toBe(4);
    expect(r.json()).toMatchObject({ ok: false, error: { code: "NETWORK" } });
  }, 20_000);

  it("writes the buyer's usage instructions and prints human lines", async () => {
    const dir = project({ lambda: { memorySize: 512, architecture: "arm64" } }, "3.1.0");
    const img = writeLayout(dir, "3.1.0", [{ "var/task/index.js": "x" }], { arch: "arm64" });
    const r = await runCli(
      [
        "push",
        "--endpoint-url",
        moto.url,
        "--registry-url",
        faults.url,
        "--layout",
        img.layout,
        "--ecr-repo-name",
        "seller/acme-crm",
        "--instructions",
        "USAGE.md",
      ],
      { cwd: dir, env: { ...MOTO_ENV, XDG_CACHE_HOME: path.join(work, "cache") } },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Pushed ${HOST}/seller/acme-crm:3.1.0`);
    expect(r.stdout).toContain(`@${img.manifestDigest}`);
    const md = readFileSync(path.join(dir, "USAGE.md"), "utf8");
    expect(md).toContain(`SOURCE=${HOST}/seller/acme-crm:3.1.0`);
    expect(md).toContain(img.manifestDigest);
    expect(md).toContain(`docker login --username AWS --password-stdin ${HOST}`);
    expect(md).toMatch(/docker pull --platform linux\/arm64 "\$SOURCE"/);
    expect(md).toContain('docker tag "$SOURCE" "$TARGET"');
    expect(md).toContain("--package-type Image");
    expect(md).toContain('--code ImageUri="$TARGET"');
    expect(md).toContain("--memory-size 512");
    expect(md).toContain('--source-account "$ACCOUNT_ID"');
    expect(md).toContain('--source-arn "arn:aws:appflow:$REGION:$ACCOUNT_ID:*"');
    expect(md).toContain("aws appflow register-connector");
    expect(md).toContain("connector register");
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);
  });
});
