/**
 * Media types of the two manifest families an image can use, and the conversions between them.
 * AppFlow images use OCI types; Glue images use Docker v2 schema 2 (shared/reference/glue-marketplace.md
 * §3.2). A manifest must be consistent: every layer in the family of its manifest.
 */

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
export const OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
export const OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
export const OCI_LAYER_NONDIST_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
export const DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
export const DOCKER_LAYER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

/** Which family a manifest is written in. */
export type ManifestFamily = "oci" | "docker";

export interface FamilyTypes {
  manifest: string;
  config: string;
  layer: string;
}

export const FAMILY_TYPES: Readonly<Record<ManifestFamily, FamilyTypes>> = {
  oci: { manifest: OCI_MANIFEST, config: OCI_CONFIG, layer: OCI_LAYER_GZIP },
  docker: { manifest: DOCKER_MANIFEST, config: DOCKER_CONFIG, layer: DOCKER_LAYER_GZIP },
};

const GZIP_LAYER_TYPES = new Set([
  OCI_LAYER_GZIP,
  OCI_LAYER_NONDIST_GZIP,
  DOCKER_LAYER_GZIP,
  DOCKER_LAYER_FOREIGN_GZIP,
]);

/** True for the media types of gzip-compressed tar layers, in either family. */
export function isGzipLayer(mediaType: string): boolean {
  return GZIP_LAYER_TYPES.has(mediaType);
}

/**
 * The media type a base layer gets in a manifest of `family`: kept when it already belongs to it,
 * otherwise the family's gzip layer type (the blob bytes are the same gzip). Undefined when the
 * layer is not gzip, which Lambda and Glue cannot read.
 */
export function layerTypeFor(family: ManifestFamily, mediaType: string): string | undefined {
  if (!isGzipLayer(mediaType)) return undefined;
  const prefix = family === "oci" ? "application/vnd.oci." : "application/vnd.docker.";
  return mediaType.startsWith(prefix) ? mediaType : FAMILY_TYPES[family].layer;
}

/** True for an image index or a Docker manifest list. */
export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}
