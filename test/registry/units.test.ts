import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseChallenges } from "../../src/registry/auth.js";
import {
  backoffDelay,
  DEFAULT_RETRY,
  NetworkError,
  parseErrorBody,
  parseRetryAfter,
  RegistryHttpError,
  withRetry,
} from "../../src/registry/http.js";
import { readLayout } from "../../src/registry/layout.js";
import { PushedRecord } from "../../src/registry/record.js";
import { ecrRegistryHost, isRepositoryName, isTag, parseReference } from "../../src/registry/reference.js";
import { CliError } from "../../src/ui/errors.js";
import { writeLayout } from "./layouts.js";

const D = `sha256:${"a".repeat(64)}`;
const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe("image references", () => {
  it.each([
    ["public.ecr.aws/lambda/nodejs:22", "public.ecr.aws", "public.ecr.aws", "lambda/nodejs", "22"],
    ["alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest"],
    ["docker.io/library/alpine:3.20", "docker.io", "registry-1.docker.io", "library/alpine", "3.20"],
    ["user/app", "docker.io", "registry-1.docker.io", "user/app", "latest"],
    ["127.0.0.1:5000/base/node:1", "127.0.0.1:5000", "127.0.0.1:5000", "base/node", "1"],
    ["localhost/x", "localhost", "localhost", "x", "latest"],
  ])("%s", (input, registry, apiHost, repository, tag) => {
    expect(parseReference(input)).toMatchObject({ registry, apiHost, repository, tag });
  });

  it("keeps a digest and needs no tag then", () => {
    const r = parseReference(`public.ecr.aws/lambda/nodejs@${D}`);
    expect(r).toMatchObject({ digest: D, canonical: `public.ecr.aws/lambda/nodejs@${D}` });
    expect((r as { tag?: string }).tag).toBeUndefined();
    expect(parseReference(`a/b:1@${D}`)).toMatchObject({ tag: "1", digest: D });
  });

  it.each([
    ["", /empty/],
    ["https://public.ecr.aws/x", /scheme/],
    ["x@sha256:zz", /not a sha256 digest/],
    ["Upper/Case", /not a valid repository/],
    ["a/b:-x", /not a valid tag/],
  ])("rejects %j", (input, message) => {
    expect(parseReference(input)).toMatch(message);
  });

  it("validates ECR repository names and tags", () => {
    expect(isRepositoryName("acme/crm-connector")).toBe(true);
    expect(isRepositoryName("a")).toBe(false);
    expect(isRepositoryName("Acme")).toBe(false);
    expect(isRepositoryName("a//b")).toBe(false);
    expect(isTag("1.0.0")).toBe(true);
    expect(isTag("1.0.0+build")).toBe(false);
    expect(isTag(".x")).toBe(false);
    expect(isTag("x".repeat(129))).toBe(false);
    expect(ecrRegistryHost("123456789012", "eu-west-1")).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    expect(ecrRegistryHost("123456789012", "cn-north-1")).toBe(
      "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
    );
  });
});

describe("WWW-Authenticate", () => {
  it("parses Bearer and Basic challenges", () => {
    expect(
      parseChallenges(
        `Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",` +
          'scope="aws:lambda/nodejs:pull"',
      ),
    ).toEqual([
      {
        scheme: "Bearer",
        params: {
          realm: "https://public.ecr.aws/token/",
          service: "public.ecr.aws",
          scope: "aws:lambda/nodejs:pull",
        },
      },
    ]);
    expect(parseChallenges('Basic realm="basic-realm"')).toEqual([
      { scheme: "Basic", params: { realm: "basic-realm" } },
    ]);
    expect(parseChallenges(['Basic realm="a"', 'Bearer realm="b", error="insufficient_scope"'])).toEqual([
      { scheme: "Basic", params: { realm: "a" } },
      { scheme: "Bearer", params: { realm: "b", error: "insufficient_scope" } },
    ]);
    expect(parseChallenges('Bearer realm="a\\"b"')[0]?.params.realm).toBe('a"b');
    expect(parseChallenges(undefined)).toEqual([]);
  });
});

describe("retries", () => {
  const url = new URL("http://127.0.0.1/v2/x/blobs/uploads/");
  const fast = { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 4 };

  it("backs off exponentially with jitter, within bounds", () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const step = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, DEFAULT_RETRY, () => 0)).toBe(step / 2);
      expect(backoffDelay(attempt, DEFAULT_RETRY, () => 0.999999)).toBeLessThanOrEqual(step);
    }
  });

  it("retries 5xx, 429 and connection resets, not 4xx", async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new RegistryHttpError("PUT", url, 500, "");
        if (calls === 2) throw new RegistryHttpError("PUT", url, 429, "");
        if (calls === 3)
          throw new NetworkError("PUT", url, Object.assign(new Error("reset"), { code: "ECONNRESET" }));
        return "ok";
      },
      { policy: fast },
    );
    expect(value).toBe("ok");
    expect(calls).toBe(4);
    let denied = 0;
    await expect(
      withRetry(
        async () => {
          denied++;
          throw new RegistryHttpError("PUT", url, 403, "");
        },
        { policy: fast },
      ),
    ).rejects.toMatchObject({ status: 403 });
    expect(denied).toBe(1);
  });

  it("gives up after the attempts and honours Retry-After", async () => {
    const delays: number[] = [];
    await expect(
      withRetry(
        async () => {
          throw new RegistryHttpError("HEAD", url, 429, "", { "retry-after": "0.01" });
        },
        { policy: { ...fast, attempts: 3 }, onRetry: (i) => delays.push(i.delayMs) },
      ),
    ).rejects.toBeInstanceOf(RegistryHttpError);
    expect(delays).toEqual([10, 10]);
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("reads distribution error bodies and never the query string", () => {
    expect(parseErrorBody('{"errors":[{"code":"NAME_UNKNOWN","message":"no such repo"}]}')).toEqual({
      code: "NAME_UNKNOWN",
      message: "no such repo",
    });
    expect(parseErrorBody("<html><body>Bad gateway</body></html>")).toEqual({ message: "Bad gateway" });
    const e = new RegistryHttpError(
      "PUT",
      new URL("http://h/v2/r/blobs/uploads/1?_state=secret&digest=x"),
      400,
      "",
    );
    expect(e.message).not.toContain("secret");
  });
});

describe("OCI layout reading", () => {
  const dir = () => tempDir("ck-layout-");

  it("reads the image, blobs in order, and keeps the manifest bytes", async () => {
    const w = writeLayout(dir(), "1.0.0", [{ "a.txt": "a" }, { "b.txt": "b" }]);
    const image = await readLayout(w.layout);
    expect(image.digest).toBe(w.manifestDigest);
    expect(image.manifestBytes.equals(w.manifestBytes)).toBe(true);
    expect(image.refName).toBe("1.0.0");
    expect(image.blobs.map((b) => b.digest)).toEqual([w.configDigest, ...w.layerDigests]);
    expect(image.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
  });

  it("explains what is wrong with a layout", async () => {
    const fail = async (layout: string, code: string) => {
      const e = await readLayout(layout).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).code).toBe(code);
      expect((e as CliError).exitCode).toBe(2);
    };
    await fail(path.join(dir(), "none"), "LAYOUT_NOT_FOUND");
    const w = writeLayout(dir(), "1.0.0", [{ "a.txt": "a" }]);
    writeFileSync(path.join(w.layout, "blobs/sha256", (w.layerDigests[0] as string).slice(7)), "short");
    await fail(w.layout, "LAYOUT_CORRUPT");
    const idx = writeLayout(dir(), "1.0.0", [{ "a.txt": "a" }]);
    const indexBlob = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: idx.manifestDigest, size: 1 },
        ],
      }),
    );
    const { createHash } = await import("node:crypto");
    const hex = createHash("sha256").update(indexBlob).digest("hex");
    writeFileSync(path.join(idx.layout, "blobs/sha256", hex), indexBlob);
    writeFileSync(
      path.join(idx.layout, "index.json"),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: "application/vnd.oci.image.index.v1+json",
            digest: `sha256:${hex}`,
            size: indexBlob.length,
          },
        ],
      }),
    );
    await fail(idx.layout, "IMAGE_IS_INDEX");
  });
});

describe("pushed.json", () => {
  it("remembers other repositories per registry, most recent first", async () => {
    const cache = tempDir("ck-record-");
    const r = await PushedRecord.open(cache);
    r.add("reg", "a", [D]);
    r.add("reg", "b", [D]);
    r.add("other", "c", [D]);
    await r.save();
    const again = await PushedRecord.open(cache);
    expect(again.candidates("reg", D, "x")).toEqual(["b", "a"]);
    expect(again.candidates("reg", D, "b")).toEqual(["a"]);
    expect(again.candidates("nope", D, "x")).toEqual([]);
  });
});
