/**
 * Descriptors, JSON blobs and the single-platform image manifest. JSON is serialised exactly once
 * and those bytes are hashed and stored, never re-serialised.
 */
import { createHash } from "node:crypto";
import { FAMILY_TYPES, type ManifestFamily } from "./media-types.js";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

/** Serialised JSON with its digest and length. */
export interface JsonBlob {
  bytes: Buffer;
  digest: string;
  size: number;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Compact JSON bytes of `value` and their sha256. */
export function jsonBlob(value: unknown): JsonBlob {
  const bytes = Buffer.from(JSON.stringify(value), "utf8");
  return { bytes, digest: sha256(bytes), size: bytes.length };
}

/** `sha256:abc…` → `abc…`; throws on anything that is not a sha256 digest. */
export function digestHex(digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1] as string;
}

/**
 * The image manifest for `family`: OCI (with the top-level `mediaType`) or Docker v2 schema 2.
 * Layer descriptors must already carry media types of the family.
 */
export function buildManifest(
  family: ManifestFamily,
  config: { digest: string; size: number },
  layers: Array<{ mediaType: string; digest: string; size: number }>,
): Record<string, unknown> {
  const types = FAMILY_TYPES[family];
  return {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
}
