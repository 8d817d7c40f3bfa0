import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { CliError, ExitCode } from "../ui/errors.js";
import { digestHex, isDigest, sha256Digest } from "./digest.js";
import { IMAGE_MANIFEST_TYPES, isIndexType, manifestMediaType } from "./media.js";

/**
 * Reads one image out of an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/<hex>`):
 * the manifest bytes exactly as stored (so the digest never changes), its media type, and the
 * config and layer blobs it needs, checked for presence and size. Nothing is hashed but the
 * manifest: the registry verifies every blob's digest on upload.
 */

export const REF_NAME = "org.opencontainers.image.ref.name";

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface LayoutBlob {
  digest: string;
  size: number;
  mediaType: string;
  /** Absolute path of the blob file. */
  path: string;
  role: "config" | "layer";
}

export interface LayoutImage {
  dir: string;
  /** `org.opencontainers.image.ref.name` of the chosen descriptor, when it has one. */
  refName: string | undefined;
  digest: string;
  mediaType: string;
  manifestBytes: Buffer;
  manifest: Record<string, unknown>;
  /** Config first, then layers in order, without duplicates. */
  blobs: LayoutBlob[];
  /** Sum of the blob sizes. */
  totalBytes: number;
}

function layoutError(code: string, message: string, hint: string): CliError {
  return new CliError(code, message, { hint, exitCode: ExitCode.Usage });
}

export function blobPath(dir: string, digest: string): string {
  return path.join(dir, "blobs", "sha256", digestHex(digest));
}

async function readJson(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw layoutError(
      "LAYOUT_NOT_FOUND",
      `No OCI image layout at ${path.dirname(file)} (${what} is missing).`,
      "Build the image first with `connector package`, or point --layout at an OCI image layout.",
    );
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw layoutError(
    "LAYOUT_INVALID",
    `${file} is not a JSON object.`,
    "Rebuild the image with `connector package`.",
  );
}

function asDescriptor(value: unknown): Descriptor | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const d = value as Record<string, unknown>;
  if (!isDigest(d.digest) || typeof d.size !== "number" || !Number.isInteger(d.size) || d.size < 0) {
    return undefined;
  }
  return d as unknown as Descriptor;
}

/**
 * Opens the image named `ref` (an `org.opencontainers.image.ref.name`), or the only image of the
 * layout when `ref` is undefined or matches nothing and the layout holds exactly one.
 */
export async function readLayout(dir: string, ref?: string): Promise<LayoutImage> {
  const root = path.resolve(dir);
  const marker = await readJson(path.join(root, "oci-layout"), "oci-layout");
  if (typeof marker.imageLayoutVersion !== "string") {
    throw layoutError(
      "LAYOUT_INVALID",
      `${path.join(root, "oci-layout")} has no imageLayoutVersion.`,
      "Rebuild the image with `connector package`.",
    );
  }
  const index = await readJson(path.join(root, "index.json"), "index.json");
  const entries = (Array.isArray(index.manifests) ? index.manifests : []).map(asDescriptor);
  if (entries.length === 0 || entries.some((e) => e === undefined)) {
    throw layoutError(
      "LAYOUT_INVALID",
      `${path.join(root, "index.json")} lists no valid manifest descriptor.`,
      "Rebuild the image with `connector package`.",
    );
  }
  const descriptors = entries as Descriptor[];
  const named = ref ? descriptors.filter((d) => d.annotations?.[REF_NAME] === ref) : [];
  let chosen = named[0];
  if (!chosen && descriptors.length === 1) chosen = descriptors[0];
  if (!chosen) {
    const names = descriptors.map((d) => d.annotations?.[REF_NAME] ?? d.digest).join(", ");
    throw layoutError(
      "LAYOUT_AMBIGUOUS",
      `The layout at ${root} holds ${descriptors.length} images (${names})` +
        (ref ? ` and none is named "${ref}".` : "."),
      "Name the image to push with --layout-ref <name>.",
    );
  }
  const manifestFile = blobPath(root, chosen.digest);
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(manifestFile);
  } catch {
    throw layoutError(
      "LAYOUT_INCOMPLETE",
      `The manifest blob ${chosen.digest} is missing from ${root}.`,
      "Rebuild the image with `connector package`.",
    );
  }
  if (sha256Digest(manifestBytes) !== chosen.digest || manifestBytes.length !== chosen.size) {
    throw layoutError(
      "LAYOUT_CORRUPT",
      `The manifest blob ${chosen.digest} in ${root} does not match its digest or size.`,
      "Rebuild the image with `connector package`.",
    );
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestBytes.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw layoutError(
      "LAYOUT_CORRUPT",
      `The manifest ${chosen.digest} is not JSON.`,
      "Rebuild the image with `connector package`.",
    );
  }
  const mediaType = chosen.mediaType ?? manifestMediaType(manifest);
  if (isIndexType(mediaType) || Array.isArray(manifest.manifests)) {
    throw layoutError(
      "IMAGE_IS_INDEX",
      `${chosen.digest} is an image index (multi-platform); ` +
        "Lambda and Glue need one single-platform manifest.",
      "Package a single platform (image.platform) and push that image.",
    );
  }
  if (!IMAGE_MANIFEST_TYPES.includes(mediaType)) {
    throw layoutError(
      "MEDIA_TYPE_UNSUPPORTED",
      `The manifest media type ${mediaType} is not an OCI or Docker v2 image manifest.`,
      "Rebuild the image with `connector package`.",
    );
  }
  const config = asDescriptor(manifest.config);
  const layers = (Array.isArray(manifest.layers) ? manifest.layers : []).map(asDescriptor);
  if (!config || layers.some((l) => l === undefined)) {
    throw layoutError(
      "LAYOUT_CORRUPT",
      `The manifest ${chosen.digest} has an invalid config or layer descriptor.`,
      "Rebuild the image with `connector package`.",
    );
  }
  const blobs: LayoutBlob[] = [];
  const seen = new Set<string>();
  const add = (d: Descriptor, role: LayoutBlob["role"]) => {
    if (seen.has(d.digest)) return;
    seen.add(d.digest);
    blobs.push({
      digest: d.digest,
      size: d.size,
      mediaType: d.mediaType ?? "application/octet-stream",
      path: blobPath(root, d.digest),
      role,
    });
  };
  add(config, "config");
  for (const l of layers as Descriptor[]) add(l, "layer");
  await Promise.all(
    blobs.map(async (b) => {
      const s = await stat(b.path).catch(() => undefined);
      if (!s?.isFile()) {
        throw layoutError(
          "LAYOUT_INCOMPLETE",
          `The ${b.role} blob ${b.digest} is missing from ${root}.`,
          "Rebuild the image with `connector package`.",
        );
      }
      if (s.size !== b.size) {
        throw layoutError(
          "LAYOUT_CORRUPT",
          `The ${b.role} blob ${b.digest} is ${s.size} bytes; the manifest says ${b.size}.`,
          "Rebuild the image with `connector package`.",
        );
      }
    }),
  );
  return {
    dir: root,
    refName: chosen.annotations?.[REF_NAME],
    digest: chosen.digest,
    mediaType,
    manifestBytes,
    manifest,
    blobs,
    totalBytes: blobs.reduce((n, b) => n + b.size, 0),
  };
}
