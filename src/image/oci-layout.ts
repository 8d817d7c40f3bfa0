/**
 * OCI image layouts on disk (`oci-layout`, `index.json`, `blobs/sha256/<hex>`): reading one as a
 * base image (`--base oci:<dir>[:tag]`) and writing the one `connector package` produces.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PulledImage } from "../registry/pull.js";
import { CliError, ExitCode } from "../ui/errors.js";
import { type Descriptor, digestHex, type JsonBlob } from "./manifest.js";
import { isIndexType, OCI_INDEX } from "./media-types.js";
import { matchesPlatform, type Platform, platformSpec } from "./platform.js";

export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/** A single-platform image ready to build on: what `pullImage` returns for a registry base. */
export type { PulledImage };

/** Path of a blob in a layout. */
export function blobPath(dir: string, digest: string): string {
  return path.join(dir, "blobs", "sha256", digestHex(digest));
}

/**
 * Reads the image `ref` (the `org.opencontainers.image.ref.name` annotation) for `platform` from
 * the layout in `dir`. Without `ref` the layout must hold exactly one image (or one ref). An index
 * is resolved to the manifest for the platform.
 */
export async function readOciLayout(dir: string, platform: Platform, ref?: string): Promise<PulledImage> {
  const shown = ref ? `oci:${dir}:${ref}` : `oci:${dir}`;
  const layoutFile = await readJson(path.join(dir, "oci-layout"), shown, "oci-layout").catch((error) => {
    throw layoutError(shown, `it has no readable oci-layout file (${(error as Error).message})`);
  });
  if (layoutFile.imageLayoutVersion !== "1.0.0") {
    throw layoutError(
      shown,
      `unsupported imageLayoutVersion ${JSON.stringify(layoutFile.imageLayoutVersion)}`,
    );
  }
  const index = await readJson(path.join(dir, "index.json"), shown, "index.json");
  const all = descriptors(index, shown, "index.json");
  let candidates = all;
  if (ref !== undefined) {
    candidates = all.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === ref);
    if (candidates.length === 0) {
      throw layoutError(shown, `no image is tagged ${JSON.stringify(ref)} (tags: ${refList(all)})`);
    }
  } else {
    const refs = new Set(all.map((d) => d.annotations?.[REF_NAME_ANNOTATION]));
    if (refs.size > 1) {
      throw layoutError(
        shown,
        `it holds several images (tags: ${refList(all)}); name one as oci:<dir>:<tag>`,
      );
    }
  }
  if (candidates.length > 1) {
    const forPlatform = candidates.filter((d) => d.platform && matchesPlatform(d.platform, platform));
    if (forPlatform.length >= 1) candidates = forPlatform.slice(0, 1);
  }
  if (candidates.length !== 1) {
    throw layoutError(shown, `${candidates.length} manifests match; expected one per platform`);
  }
  const { manifest, manifestDigest } = await resolveManifest(
    dir,
    candidates[0] as Descriptor,
    platform,
    shown,
    0,
  );
  const configDesc = manifest.config as Descriptor | undefined;
  if (!configDesc || typeof configDesc.digest !== "string") {
    throw layoutError(shown, `manifest ${manifestDigest} has no config`);
  }
  const config = JSON.parse((await readBlob(dir, configDesc, shown)).toString("utf8")) as Record<
    string,
    unknown
  >;
  if (!matchesPlatform(config, platform)) {
    const got = `${String(config.os)}/${String(config.architecture)}`;
    throw new CliError("BASE_PLATFORM_MISMATCH", `The base image ${shown} is ${got}, not ${platform}.`, {
      hint: `Use a base built for ${platform}, or package for ${got} with --platform.`,
      exitCode: ExitCode.Usage,
    });
  }
  const layerDescs = Array.isArray(manifest.layers) ? (manifest.layers as Descriptor[]) : [];
  const layers: PulledImage["layers"] = [];
  for (const l of layerDescs) {
    const file = blobPath(dir, l.digest);
    const st = await stat(file).catch(() => undefined);
    if (!st) throw layoutError(shown, `layer blob ${l.digest} is missing`);
    if (st.size !== l.size)
      throw layoutError(shown, `layer blob ${l.digest} has ${st.size} bytes, not ${l.size}`);
    layers.push({ digest: l.digest, size: l.size, mediaType: l.mediaType, blobPath: file });
  }
  return { reference: shown, manifestDigest, manifest, configDigest: configDesc.digest, config, layers };
}

async function resolveManifest(
  dir: string,
  desc: Descriptor,
  platform: Platform,
  shown: string,
  depth: number,
): Promise<{ manifest: Record<string, unknown>; manifestDigest: string }> {
  if (depth > 4) throw layoutError(shown, "indexes are nested too deeply");
  const doc = JSON.parse((await readBlob(dir, desc, shown)).toString("utf8")) as Record<string, unknown>;
  const mediaType = (doc.mediaType as string | undefined) ?? desc.mediaType;
  if (isIndexType(mediaType) || Array.isArray(doc.manifests)) {
    const list = descriptors(doc, shown, desc.digest);
    const match = list.find((d) => d.platform && matchesPlatform(d.platform, platform));
    if (!match) {
      const have = list
        .map((d) => (d.platform ? `${d.platform.os}/${d.platform.architecture}` : "?"))
        .join(", ");
      throw new CliError(
        "BASE_PLATFORM_MISSING",
        `The base image ${shown} has no ${platform} image (it has ${have}).`,
        {
          hint: "Choose a base that includes the platform, or another --platform.",
          exitCode: ExitCode.Usage,
        },
      );
    }
    return resolveManifest(dir, match, platform, shown, depth + 1);
  }
  return { manifest: doc, manifestDigest: desc.digest };
}

function descriptors(doc: Record<string, unknown>, shown: string, where: string): Descriptor[] {
  const list = doc.manifests;
  if (!Array.isArray(list) || list.length === 0) throw layoutError(shown, `${where} lists no manifests`);
  for (const d of list as Descriptor[]) {
    if (typeof d?.digest !== "string" || typeof d.size !== "number") {
      throw layoutError(shown, `${where} has a descriptor without digest or size`);
    }
  }
  return list as Descriptor[];
}

async function readBlob(dir: string, desc: Descriptor, shown: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(blobPath(dir, desc.digest));
  } catch {
    throw layoutError(shown, `blob ${desc.digest} is missing`);
  }
  const actual = `sha256:${createHash("sha256").update(data).digest("hex")}`;
  if (actual !== desc.digest) throw layoutError(shown, `blob ${desc.digest} does not match its digest`);
  return data;
}

async function readJson(file: string, shown: string, what: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, "utf8");
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw layoutError(shown, `${what} is not a JSON object`);
}

function refList(all: Descriptor[]): string {
  const refs = [...new Set(all.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((r) => r))];
  return refs.length ? refs.join(", ") : "none";
}

function layoutError(shown: string, why: string): CliError {
  return new CliError("BASE_LAYOUT_INVALID", `Cannot use ${shown} as a base image: ${why}.`, {
    hint: "Give a valid OCI image layout (as written by `skopeo copy … oci:<dir>:<tag>` or umoci).",
    exitCode: ExitCode.Usage,
  });
}

/** Copies a blob file into a layout being written, checking its length. */
export async function copyBlobInto(dir: string, digest: string, source: string, size: number): Promise<void> {
  const target = blobPath(dir, digest);
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(source, target);
  const st = await stat(target);
  if (st.size !== size) {
    throw new CliError("BASE_BLOB_SIZE", `Blob ${digest} from ${source} has ${st.size} bytes, not ${size}.`, {
      hint: "The cached copy is damaged: delete it (connectorkit cache) and package again.",
      exitCode: ExitCode.Usage,
    });
  }
}

/** Writes a JSON blob into `<dir>/blobs/sha256/`. */
export async function writeJsonBlob(dir: string, blob: JsonBlob): Promise<void> {
  const target = blobPath(dir, blob.digest);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, blob.bytes);
}

export interface LayoutIndexOptions {
  manifest: JsonBlob;
  manifestMediaType: string;
  tag: string;
  platform: Platform;
}

/**
 * Writes `oci-layout` and `index.json` (one entry: the image manifest, tagged through the
 * `org.opencontainers.image.ref.name` annotation) and the manifest blob.
 */
export async function writeLayoutIndex(dir: string, options: LayoutIndexOptions): Promise<void> {
  await writeJsonBlob(dir, options.manifest);
  await writeFile(path.join(dir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
  const spec = platformSpec(options.platform);
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      {
        mediaType: options.manifestMediaType,
        digest: options.manifest.digest,
        size: options.manifest.size,
        annotations: { [REF_NAME_ANNOTATION]: options.tag },
        platform: { architecture: spec.architecture, os: spec.os },
      },
    ],
  };
  await writeFile(path.join(dir, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
}
