/** Manifest and blob media types of the OCI image spec and Docker's image manifest v2 schema 2. */
export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;

/** Single-platform image manifests (what Lambda and Glue accept). */
export const IMAGE_MANIFEST_TYPES: readonly string[] = [MediaType.ociManifest, MediaType.dockerManifest];

/** Multi-platform indexes (manifest lists). */
export const INDEX_TYPES: readonly string[] = [MediaType.ociIndex, MediaType.dockerManifestList];

/** The Accept header for manifest requests: every type we can read, indexes included. */
export const MANIFEST_ACCEPT = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES].join(", ");

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_TYPES.includes(mediaType);
}

/**
 * The media type of a manifest document: its own `mediaType` field, else inferred from its shape
 * (umoci's OCI manifests omit the optional field).
 */
export function manifestMediaType(doc: Record<string, unknown>, fallback?: string): string {
  if (typeof doc.mediaType === "string" && doc.mediaType !== "") return doc.mediaType;
  if (fallback) return fallback;
  return Array.isArray(doc.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}
