import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import { available } from "../stack/process.js";

/** Test images as OCI image layouts: built with umoci, or written by hand (Docker v2s2, random). */

export const umociAvailable = available("umoci", ["--version"]);
export const skopeoAvailable = available("skopeo", ["--version"]);

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/**
 * A Lambda-like image built with umoci: `files` go under /var/task, Cmd index.handler,
 * WorkingDir /var/task. Returns the layout directory.
 */
export function umociLayout(dir: string, tag: string, files: Record<string, string>): string {
  const layout = path.join(dir, "layout");
  const payload = path.join(dir, "payload");
  mkdirSync(payload, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(payload, name)), { recursive: true });
    writeFileSync(path.join(payload, name), content);
  }
  const run = (...args: string[]) => execFileSync("umoci", args, { stdio: "pipe" });
  run("init", "--layout", layout);
  run("new", "--image", `${layout}:${tag}`);
  run("insert", "--image", `${layout}:${tag}`, payload, "/var/task");
  run(
    "config",
    "--image",
    `${layout}:${tag}`,
    "--config.cmd",
    "index.handler",
    "--config.workingdir",
    "/var/task",
    "--config.env",
    "LAMBDA_TASK_ROOT=/var/task",
  );
  return layout;
}

function tarEntry(name: string, body: Buffer, type: "0" | "5" = "0"): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write(type === "5" ? "0000755\0" : "0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write(type, 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad]);
}

/** An uncompressed tar of `files` (with their parent directories), small enough for memory. */
export function tarOf(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const name of Object.keys(files).sort()) {
    const segs = name.split("/").slice(0, -1);
    for (let i = 1; i <= segs.length; i++) {
      const d = `${segs.slice(0, i).join("/")}/`;
      if (!dirs.has(d)) {
        dirs.add(d);
        parts.push(tarEntry(d, Buffer.alloc(0), "5"));
      }
    }
    const v = files[name] as string | Buffer;
    parts.push(tarEntry(name, Buffer.isBuffer(v) ? v : Buffer.from(v)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface WrittenLayout {
  layout: string;
  manifestDigest: string;
  manifestBytes: Buffer;
  layerDigests: string[];
  configDigest: string;
}

/**
 * Writes a layout by hand with one layer per entry of `layers` (each a file map). `docker: true`
 * uses Docker v2s2 media types (Glue images), otherwise OCI with a top-level mediaType.
 */
export function writeLayout(
  dir: string,
  tag: string,
  layers: Array<Record<string, string | Buffer>>,
  options: { docker?: boolean; arch?: string; cmd?: string[] } = {},
): WrittenLayout {
  const layout = path.join(dir, "layout");
  const blobs = path.join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => {
    const hex = sha(b);
    writeFileSync(path.join(blobs, hex), b);
    return `sha256:${hex}`;
  };
  const docker = options.docker === true;
  const layerDescs = layers.map((files) => {
    const tar = tarOf(files);
    const gz = gzipSync(tar, { level: 6 });
    return {
      mediaType: docker
        ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
        : "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: put(gz),
      size: gz.length,
      diffId: `sha256:${sha(tar)}`,
    };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.arch ?? "amd64",
      os: "linux",
      config: { Cmd: options.cmd ?? ["index.handler"], WorkingDir: "/var/task", Env: ["PATH=/usr/bin:/bin"] },
      rootfs: { type: "layers", diff_ids: layerDescs.map((l) => l.diffId) },
      history: layerDescs.map(() => ({ created: "1970-01-01T00:00:00Z", created_by: "connectorkit test" })),
    }),
  );
  const configDigest = put(config);
  const mediaType = docker
    ? "application/vnd.docker.distribution.manifest.v2+json"
    : "application/vnd.oci.image.manifest.v1+json";
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: docker
          ? "application/vnd.docker.container.image.v1+json"
          : "application/vnd.oci.image.config.v1+json",
        digest: configDigest,
        size: config.length,
      },
      layers: layerDescs.map(({ mediaType: m, digest, size }) => ({ mediaType: m, digest, size })),
    }),
  );
  const manifestDigest = put(manifestBytes);
  writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    path.join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType,
          digest: manifestDigest,
          size: manifestBytes.length,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return {
    layout,
    manifestDigest,
    manifestBytes,
    layerDigests: layerDescs.map((l) => l.digest),
    configDigest,
  };
}

/**
 * A layout of incompressible layers of the given sizes (bytes, roughly), streamed in 1 MB chunks:
 * each layer is a level-0 gzip of one tar entry of random bytes. Memory stays small.
 */
export async function randomLayout(dir: string, tag: string, sizes: number[]): Promise<WrittenLayout> {
  const layout = path.join(dir, "layout");
  const blobs = path.join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const layers = [];
  for (const [i, size] of sizes.entries()) layers.push(await writeRandomLayer(blobs, size, i));
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["index.handler"], WorkingDir: "/var/task" },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created: "1970-01-01T00:00:00Z", created_by: "random" })),
    }),
  );
  const configHex = sha(config);
  writeFileSync(path.join(blobs, configHex), config);
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: `sha256:${configHex}`,
        size: config.length,
      },
      layers: layers.map((l) => ({
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  const manifestHex = sha(manifestBytes);
  writeFileSync(path.join(blobs, manifestHex), manifestBytes);
  writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    path.join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: `sha256:${manifestHex}`,
          size: manifestBytes.length,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return {
    layout,
    manifestDigest: `sha256:${manifestHex}`,
    manifestBytes,
    layerDigests: layers.map((l) => l.digest),
    configDigest: `sha256:${configHex}`,
  };
}

async function writeRandomLayer(blobs: string, size: number, index: number) {
  const payload = Math.max(0, size - 2048);
  const tarHash = createHash("sha256");
  const gzHash = createHash("sha256");
  let gzSize = 0;
  const tmp = path.join(blobs, `tmp-${process.pid}-${index}`);
  await pipeline(
    async function* () {
      const header = tarEntry(`random-${index}.bin`, Buffer.alloc(0)).subarray(0, 512);
      const h = Buffer.from(header);
      h.write(`${payload.toString(8).padStart(11, "0")}\0`, 124);
      h.write("        ", 148);
      let sum = 0;
      for (const b of h) sum += b;
      h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
      yield h;
      let left = payload;
      while (left > 0) {
        const n = Math.min(left, 1 << 20);
        yield randomBytes(n);
        left -= n;
      }
      yield Buffer.alloc(((512 - (payload % 512)) % 512) + 1024);
    },
    async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        tarHash.update(c);
        yield c;
      }
    },
    createGzip({ level: 0 }),
    async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        gzHash.update(c);
        gzSize += c.length;
        yield c;
      }
    },
    createWriteStream(tmp),
  );
  const hex = gzHash.digest("hex");
  renameSync(tmp, path.join(blobs, hex));
  return { digest: `sha256:${hex}`, size: gzSize, diffId: `sha256:${tarHash.digest("hex")}` };
}

/**
 * One layout holding a multi-platform image index under `tag`, from single-platform layouts
 * written by writeLayout (their blobs are copied over).
 */
export function indexLayout(
  dir: string,
  tag: string,
  images: Array<{ written: WrittenLayout; arch: string }>,
): { layout: string; indexDigest: string } {
  const layout = path.join(dir, "index-layout");
  const blobs = path.join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  for (const { written } of images) {
    execFileSync("cp", ["-r", `${path.join(written.layout, "blobs", "sha256")}/.`, blobs]);
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: images.map(({ written, arch }) => ({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: written.manifestDigest,
        size: written.manifestBytes.length,
        platform: { os: "linux", architecture: arch, ...(arch === "arm64" ? { variant: "v8" } : {}) },
      })),
    }),
  );
  const hex = sha(index);
  writeFileSync(path.join(blobs, hex), index);
  writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    path.join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          digest: `sha256:${hex}`,
          size: index.length,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return { layout, indexDigest: `sha256:${hex}` };
}
