import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../project/files.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import { RegistryAuth } from "./auth.js";
import { RegistryClient } from "./client.js";
import { digestHex, isDigest, sha256Digest, shortDigest } from "./digest.js";
import { registryError } from "./errors.js";
import { DEFAULT_RETRY, isUnreachable, type RetryPolicy } from "./http.js";
import { isIndexType, MANIFEST_ACCEPT, manifestMediaType } from "./media.js";
import { byteProgress, forEachLimit } from "./push.js";
import { type ImageReference, parseReference } from "./reference.js";

/**
 * Pulls a base image for `connector package`: resolves the tag (and an index to the platform's
 * manifest), downloads the manifest, config and layers into a content-addressed cache
 * (`<cacheDir>/blobs/sha256/<hex>`, verified by sha256, written to a temporary name and renamed),
 * and remembers the tag → digest resolution (`<cacheDir>/refs/`). A fully cached image needs no
 * network: when the registry cannot be reached, the cached resolution is used and reported.
 */

export type Platform = "linux/amd64" | "linux/arm64";

export interface PullImageOptions {
  reference: string;
  platform: Platform;
  cacheDir: string;
  /** Plain HTTP instead of HTTPS (local registries). */
  insecure?: boolean;
  credentials?: { username: string; password: string };
  onEvent?: ProgressListener;
}

export interface PulledImage {
  reference: string;
  manifestDigest: string;
  manifest: Record<string, unknown>;
  configDigest: string;
  config: Record<string, unknown>;
  layers: Array<{ digest: string; size: number; mediaType: string; blobPath: string }>;
}

interface RefRecord {
  reference: string;
  platform: string;
  /** Digest the tag pointed at (an index or a manifest). */
  topDigest: string;
  /** The platform's image manifest. */
  manifestDigest: string;
  resolvedAt: string;
}

const REVALIDATE_RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 1 };

function usage(code: string, message: string, hint: string): CliError {
  return new CliError(code, message, { hint, exitCode: ExitCode.Usage });
}

export async function pullImage(options: PullImageOptions): Promise<PulledImage> {
  const parsed = parseReference(options.reference);
  if (typeof parsed === "string") {
    throw usage(
      "IMAGE_REFERENCE_INVALID",
      `Invalid base image reference "${options.reference}": ${parsed}.`,
      "Write it as registry/repository:tag or registry/repository@sha256:<digest>, " +
        "e.g. public.ecr.aws/lambda/nodejs:22.",
    );
  }
  const [os, arch] = options.platform.split("/") as [string, string];
  const cache = new BlobCache(options.cacheDir);
  const onEvent = options.onEvent;
  const refFile = path.join(
    options.cacheDir,
    "refs",
    `${createHash("sha256").update(`${parsed.canonical}|${options.platform}`).digest("hex")}.json`,
  );
  const cachedRef = await readRef(refFile);

  // 1. A digest reference that is fully cached: no network at all.
  if (parsed.digest) {
    const local = await fromCache(cache, parsed.digest, os, arch, options.reference);
    if (local) {
      onEvent?.({ type: "log", level: "info", message: `using cached ${parsed.canonical}` });
      return local;
    }
  }

  const client = new RegistryClient({
    baseUrl: `${options.insecure ? "http" : "https"}://${parsed.apiHost}`,
    auth: new RegistryAuth({
      ...(options.credentials ? { credentials: options.credentials } : {}),
      preemptiveBasic: true,
    }),
    onRetry: (info) =>
      onEvent?.({
        type: "log",
        level: "debug",
        message: `retrying ${info.what} in ${info.delayMs} ms (${info.error.message})`,
      }),
  });
  const where = { host: parsed.apiHost, repository: parsed.repository };

  // 2. A tag whose resolution is cached: one HEAD to see whether it moved; offline → the cache.
  if (!parsed.digest && cachedRef) {
    const local = await fromCache(cache, cachedRef.manifestDigest, os, arch, options.reference);
    if (local) {
      let current: string | undefined;
      try {
        const head = await client.headManifest(
          parsed.repository,
          parsed.tag as string,
          MANIFEST_ACCEPT,
          REVALIDATE_RETRY,
        );
        current = head?.digest;
      } catch (error) {
        if (isUnreachable(error)) {
          onEvent?.({
            type: "log",
            level: "warn",
            message:
              `${parsed.apiHost} is unreachable; using the cached ${parsed.canonical} ` +
              `(${shortDigest(cachedRef.topDigest)}, resolved ${cachedRef.resolvedAt}) offline`,
          });
          return local;
        }
        throw registryError(error, where);
      }
      if (current === cachedRef.topDigest || current === cachedRef.manifestDigest) {
        onEvent?.({ type: "log", level: "info", message: `using cached ${parsed.canonical}` });
        return local;
      }
    }
  }

  // 3. Resolve over the network.
  onEvent?.({ type: "step", id: "pull", status: "start", title: `Pulling ${parsed.canonical}` });
  try {
    const top = await fetchManifest(client, cache, parsed, parsed.digest ?? (parsed.tag as string));
    let manifestDigest = top.digest;
    let manifest = top.doc;
    if (isIndexType(top.mediaType)) {
      const chosen = choosePlatform(top.doc, os, arch, parsed.canonical);
      const child = await fetchManifest(client, cache, parsed, chosen);
      if (isIndexType(child.mediaType)) {
        throw usage(
          "IMAGE_UNSUPPORTED",
          `${parsed.canonical}: the ${options.platform} entry is itself an index.`,
          "Use a reference to a single-platform image.",
        );
      }
      manifestDigest = child.digest;
      manifest = child.doc;
    }
    const image = await completeImage(client, cache, parsed, manifestDigest, manifest, options);
    await writeFileAtomic(
      refFile,
      `${JSON.stringify({
        reference: parsed.canonical,
        platform: options.platform,
        topDigest: top.digest,
        manifestDigest,
        resolvedAt: new Date().toISOString(),
      } satisfies RefRecord)}\n`,
    );
    onEvent?.({
      type: "step",
      id: "pull",
      status: "done",
      title: `Pulled ${parsed.canonical}`,
      detail: shortDigest(manifestDigest),
    });
    return image;
  } catch (error) {
    onEvent?.({ type: "step", id: "pull", status: "fail", title: `Pulling ${parsed.canonical}` });
    if (cachedRef && isUnreachable(error)) {
      const local = await fromCache(cache, cachedRef.manifestDigest, os, arch, options.reference);
      if (local) {
        onEvent?.({
          type: "log",
          level: "warn",
          message: `${parsed.apiHost} is unreachable; using the cached ${parsed.canonical} offline`,
        });
        return local;
      }
    }
    if (error instanceof CliError) throw error;
    throw registryError(error, where);
  }
}

class BlobCache {
  readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = path.join(cacheDir, "blobs", "sha256");
  }

  path(digest: string): string {
    return path.join(this.dir, digestHex(digest));
  }

  async has(digest: string, size?: number): Promise<boolean> {
    const s = await stat(this.path(digest)).catch(() => undefined);
    return Boolean(s?.isFile() && (size === undefined || s.size === size));
  }

  async read(digest: string): Promise<Buffer | undefined> {
    try {
      const bytes = await readFile(this.path(digest));
      return sha256Digest(bytes) === digest ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  async write(digest: string, bytes: Buffer): Promise<void> {
    await writeFileAtomic(this.path(digest), bytes);
  }
}

async function readRef(file: string): Promise<RefRecord | undefined> {
  try {
    const doc = JSON.parse(await readFile(file, "utf8")) as Partial<RefRecord>;
    if (isDigest(doc.manifestDigest) && isDigest(doc.topDigest)) return doc as RefRecord;
  } catch {
    // not cached
  }
  return undefined;
}

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  try {
    const doc = JSON.parse(bytes.toString("utf8")) as unknown;
    if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // below
  }
  throw new CliError("IMAGE_INVALID", `${what} is not a JSON object.`, {
    hint: "The registry served something that is not an image manifest or config.",
    exitCode: ExitCode.Network,
  });
}

interface Descriptor {
  digest: string;
  size: number;
  mediaType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

function descriptors(value: unknown): Descriptor[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (d): d is Descriptor =>
      typeof d === "object" && d !== null && isDigest((d as Descriptor).digest) && typeof d.size === "number",
  );
}

function choosePlatform(index: Record<string, unknown>, os: string, arch: string, ref: string): string {
  const entries = descriptors(index.manifests);
  const match = entries.find(
    (d) =>
      d.platform?.os === os &&
      d.platform?.architecture === arch &&
      (arch !== "arm64" || !d.platform.variant || d.platform.variant === "v8"),
  );
  if (!match) {
    const available = entries
      .map((d) => `${d.platform?.os ?? "?"}/${d.platform?.architecture ?? "?"}`)
      .filter((p) => p !== "?/?" && p !== "unknown/unknown");
    throw usage(
      "PLATFORM_NOT_FOUND",
      `${ref} has no ${os}/${arch} image (it has: ${available.join(", ") || "none"}).`,
      "Pick a base image that supports the function's architecture (image.platform / lambda.architecture).",
    );
  }
  return match.digest;
}

async function fetchManifest(
  client: RegistryClient,
  cache: BlobCache,
  ref: ImageReference,
  reference: string,
): Promise<{ digest: string; mediaType: string; doc: Record<string, unknown> }> {
  if (isDigest(reference)) {
    const cached = await cache.read(reference);
    if (cached) {
      const doc = parseJson(cached, `manifest ${reference}`);
      return { digest: reference, mediaType: manifestMediaType(doc), doc };
    }
  }
  const { bytes, info } = await client.getManifest(ref.repository, reference, MANIFEST_ACCEPT);
  const digest = sha256Digest(bytes);
  if ((isDigest(reference) && digest !== reference) || (info.digest && info.digest !== digest)) {
    throw new CliError(
      "DIGEST_MISMATCH",
      `${ref.registry}/${ref.repository}: the manifest for ${reference} does not match its digest.`,
      {
        hint: "The registry or a proxy altered the manifest; try again or pin another digest.",
        exitCode: ExitCode.Network,
      },
    );
  }
  const doc = parseJson(bytes, `manifest ${reference}`);
  const mediaType = manifestMediaType(doc, info.mediaType);
  if (/prettyjws|manifest\.v1\+json$/.test(mediaType) && !mediaType.includes("oci")) {
    throw usage(
      "IMAGE_UNSUPPORTED",
      `${ref.canonical}: the registry served a Docker schema 1 manifest, which is not supported.`,
      "Use an image pushed with a current tool (Docker v2 schema 2 or OCI).",
    );
  }
  await cache.write(digest, bytes);
  return { digest, mediaType, doc };
}

async function completeImage(
  client: RegistryClient,
  cache: BlobCache,
  ref: ImageReference,
  manifestDigest: string,
  manifest: Record<string, unknown>,
  options: PullImageOptions,
): Promise<PulledImage> {
  const config = (manifest.config ?? {}) as Descriptor;
  if (!isDigest(config.digest)) {
    throw new CliError("IMAGE_INVALID", `${ref.canonical}: the manifest has no config descriptor.`, {
      hint: "Use a single-platform image manifest.",
      exitCode: ExitCode.Usage,
    });
  }
  const layers = descriptors(manifest.layers);
  const missing: Descriptor[] = [];
  for (const d of [config, ...layers]) if (!(await cache.has(d.digest, d.size))) missing.push(d);
  await mkdir(cache.dir, { recursive: true });
  if (missing.length > 0) {
    const total = missing.reduce((n, d) => n + d.size, 0);
    const progress = byteProgress(
      options.onEvent,
      "pull-blobs",
      `Downloading ${missing.length} blobs`,
      total,
    );
    progress.start();
    await forEachLimit(missing, 3, async (d) => {
      await client.downloadBlob(ref.repository, d, cache.path(d.digest), {
        onBytes: (n) => progress.add(n),
        onRestart: (n) => progress.add(-n),
      });
    });
  }
  const configBytes = await cache.read(config.digest);
  if (!configBytes) {
    throw new CliError("IMAGE_INVALID", `${ref.canonical}: the config blob could not be read back.`, {
      hint: "Delete the cache directory and try again.",
      exitCode: ExitCode.Network,
    });
  }
  const configDoc = parseJson(configBytes, `config ${config.digest}`);
  const [, arch] = options.platform.split("/");
  if (typeof configDoc.architecture === "string" && configDoc.architecture !== arch) {
    throw usage(
      "PLATFORM_MISMATCH",
      `${ref.canonical} is a ${String(configDoc.os ?? "linux")}/${configDoc.architecture} image, ` +
        `not ${options.platform}.`,
      "Use a multi-platform base or one built for the function's architecture.",
    );
  }
  return {
    reference: options.reference,
    manifestDigest,
    manifest,
    configDigest: config.digest,
    config: configDoc,
    layers: layers.map((l) => ({
      digest: l.digest,
      size: l.size,
      mediaType: l.mediaType ?? "application/vnd.oci.image.layer.v1.tar+gzip",
      blobPath: cache.path(l.digest),
    })),
  };
}

/** The image from the cache alone, or undefined when anything is missing. */
async function fromCache(
  cache: BlobCache,
  digest: string,
  os: string,
  arch: string,
  reference: string,
): Promise<PulledImage | undefined> {
  const bytes = await cache.read(digest);
  if (!bytes) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parseJson(bytes, "manifest");
  } catch {
    return undefined;
  }
  let manifestDigest = digest;
  if (isIndexType(manifestMediaType(doc))) {
    let chosen: string;
    try {
      chosen = choosePlatform(doc, os, arch, reference);
    } catch {
      return undefined;
    }
    const child = await cache.read(chosen);
    if (!child) return undefined;
    try {
      doc = parseJson(child, "manifest");
    } catch {
      return undefined;
    }
    manifestDigest = chosen;
  }
  const config = (doc.config ?? {}) as Descriptor;
  if (!isDigest(config.digest)) return undefined;
  const configBytes = await cache.read(config.digest);
  if (!configBytes) return undefined;
  const layers = descriptors(doc.layers);
  for (const l of layers) if (!(await cache.has(l.digest, l.size))) return undefined;
  let configDoc: Record<string, unknown>;
  try {
    configDoc = parseJson(configBytes, "config");
  } catch {
    return undefined;
  }
  if (typeof configDoc.architecture === "string" && configDoc.architecture !== arch) return undefined;
  return {
    reference,
    manifestDigest,
    manifest: doc,
    configDigest: config.digest,
    config: configDoc,
    layers: layers.map((l) => ({
      digest: l.digest,
      size: l.size,
      mediaType: l.mediaType ?? "application/vnd.oci.image.layer.v1.tar+gzip",
      blobPath: cache.path(l.digest),
    })),
  };
}
