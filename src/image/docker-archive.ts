/**
 * A `docker save`-style tarball that `docker load` (and `skopeo … docker-archive:`) accepts. Like
 * the archives Docker 25+ writes, it is also an OCI layout: `oci-layout`, `index.json` and
 * `blobs/sha256/…`, plus Docker's `manifest.json` (`Config`, `RepoTags`, `Layers`). Layers stay
 * gzip-compressed; `docker load` detects the compression.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { discard, replaceFile, stagingFileFor } from "./atomic.js";
import { FileMap } from "./file-map.js";
import { tarChunks } from "./layer.js";
import { digestHex } from "./manifest.js";

export interface DockerArchiveOptions {
  /** The OCI layout to pack (as written by `connector package`). */
  layoutDir: string;
  /** Manifest digest of the image in the layout. */
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
  /** `name:tag` for RepoTags, e.g. `acme-crm:1.0.0`. */
  repoTag: string;
  /** The tarball to write (replaced atomically). */
  file: string;
  /** mtime of the entries (seconds). */
  mtime?: number;
}

export interface DockerArchiveInfo {
  file: string;
  size: number;
  digest: string;
}

/** Writes the tarball and returns its length and sha256. */
export async function writeDockerArchive(options: DockerArchiveOptions): Promise<DockerArchiveInfo> {
  const map = new FileMap();
  const blob = (digest: string) => `blobs/sha256/${digestHex(digest)}`;
  const blobs = new Set([options.manifestDigest, options.configDigest, ...options.layerDigests]);
  for (const digest of blobs) {
    const file = path.join(options.layoutDir, blob(digest));
    map.addFile(blob(digest), { path: file, size: (await stat(file)).size });
  }
  for (const name of ["oci-layout", "index.json"]) {
    map.addData(name, await readFile(path.join(options.layoutDir, name)));
  }
  const manifest = [
    {
      Config: blob(options.configDigest),
      RepoTags: [options.repoTag],
      Layers: options.layerDigests.map(blob),
    },
  ];
  map.addData("manifest.json", `${JSON.stringify(manifest)}\n`);

  const tmp = await stagingFileFor(options.file);
  const hash = createHash("sha256");
  let size = 0;
  try {
    const entries = map.entries();
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of tarChunks(entries, options.mtime ?? 0)) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    }
    await pipeline(counted, createWriteStream(tmp));
    await replaceFile(tmp, options.file);
  } catch (error) {
    await discard(tmp);
    throw error;
  }
  return { file: options.file, size, digest: `sha256:${hash.digest("hex")}` };
}

/**
 * A valid `RepoTags` entry: the repository lower-cased with characters Docker does not allow
 * replaced, and the tag.
 */
export function repoTagFor(repository: string, tag: string): string {
  const repo =
    repository
      .toLowerCase()
      .replace(/^@/, "")
      .replace(/[^a-z0-9._/-]/g, "-")
      .replace(/^[^a-z0-9]+/, "")
      .replace(/[^a-z0-9]+$/, "") || "connector";
  return `${repo}:${tag}`;
}
