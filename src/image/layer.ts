/**
 * Builds one image layer from a FileMap: a deterministic tar (sorted entries, fixed mtime, owner
 * 0/0, modes 0644/0755), gzip-compressed with fixed parameters, written to a file while both
 * digests are computed in the same pass. The tar is never held in memory as a whole.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { type FileHandle, open, readFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip, constants as zc } from "node:zlib";
import { CliError, ExitCode } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import type { FileMap, MapEntry } from "./file-map.js";
import { encodeHeader, endOfArchive, padding } from "./tar.js";

export interface BuildLayerOptions {
  /** Where the gzip blob is written (the directory must exist). */
  outFile: string;
  /** mtime of every entry, seconds since the epoch (default 0). */
  mtime?: number;
  /** gzip level (default 6). The level is part of the digest: keep the default for reproducible builds. */
  level?: number;
  onEvent?: ProgressListener;
  /** Step id used for progress events (default "layer"). */
  progressId?: string;
  /** Title used for progress events. */
  progressTitle?: string;
}

export interface LayerInfo {
  /** `sha256:` of the gzip bytes: the manifest's layer digest. */
  digest: string;
  /** Length of the gzip bytes. */
  size: number;
  /** `sha256:` of the uncompressed tar: the config's rootfs diff_id. */
  diffId: string;
  /** Length of the uncompressed tar. */
  uncompressedSize: number;
  /** The file that holds the gzip bytes. */
  blobPath: string;
  /** Number of tar entries (files and directories). */
  entryCount: number;
}

/** Files up to this size are read whole (and ahead of time); larger ones in chunks. */
const SMALL_FILE = 2 * 1024 * 1024;
const READ_CHUNK = 2 * 1024 * 1024;
/** Pieces are gathered into batches of about this size before they reach zlib. */
const BATCH = 1024 * 1024;
/** How many small files are read ahead of the one being written. */
const READ_AHEAD = 16;

/** Writes the layer of `files` to `options.outFile` and returns its digests and sizes. */
export async function buildLayer(files: FileMap, options: BuildLayerOptions): Promise<LayerInfo> {
  const entries = files.entries();
  return buildLayerFromEntries(entries, options);
}

/** Like `buildLayer`, for an already sorted entry list (see FileMap.entries()). */
export async function buildLayerFromEntries(
  entries: MapEntry[],
  options: BuildLayerOptions,
): Promise<LayerInfo> {
  const mtime = options.mtime ?? 0;
  const rawHash = createHash("sha256");
  const gzHash = createHash("sha256");
  let rawBytes = 0;
  let gzBytes = 0;
  const total = entries.reduce((n, e) => n + (e.type === "file" ? e.size : 0), 0);
  const id = options.progressId ?? "layer";
  const title = options.progressTitle ?? "Layer";
  let reported = 0;
  const step = Math.max(8 * 1024 * 1024, Math.floor(total / 50));

  async function* source(): AsyncGenerator<Buffer> {
    for await (const chunk of tarChunks(entries, mtime)) {
      rawHash.update(chunk);
      rawBytes += chunk.length;
      if (options.onEvent && rawBytes - reported >= step) {
        reported = rawBytes;
        options.onEvent({
          type: "progress",
          id,
          title,
          current: Math.min(rawBytes, total),
          total,
          unit: "bytes",
        });
      }
      yield chunk;
    }
  }
  async function* tap(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of input) {
      gzHash.update(chunk);
      gzBytes += chunk.length;
      yield chunk;
    }
  }
  // Fixed parameters: level 6, default window and memory level, no file name, mtime 0, OS unix.
  const gzip = createGzip({
    level: options.level ?? 6,
    windowBits: 15,
    memLevel: 8,
    strategy: zc.Z_DEFAULT_STRATEGY,
    chunkSize: 256 * 1024,
  });
  await pipeline(source, gzip, tap, createWriteStream(options.outFile));
  if (reported > 0) options.onEvent?.({ type: "progress", id, title, current: total, total, unit: "bytes" });
  return {
    digest: `sha256:${gzHash.digest("hex")}`,
    size: gzBytes,
    diffId: `sha256:${rawHash.digest("hex")}`,
    uncompressedSize: rawBytes,
    blobPath: options.outFile,
    entryCount: entries.length,
  };
}

/** The tar stream of the entries, in batches of about BATCH bytes. */
export async function* tarChunks(entries: MapEntry[], mtime: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  const flush = (): Buffer => {
    const out = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    return out;
  };
  const add = (b: Buffer) => {
    parts.push(b);
    partBytes += b.length;
  };

  // Small files are read a few entries ahead so that the disk is busy while zlib works.
  const pending = new Map<number, Promise<Buffer>>();
  let next = 0;
  const fill = (from: number) => {
    if (next < from) next = from;
    while (next < entries.length && pending.size < READ_AHEAD) {
      const e = entries[next] as MapEntry;
      if (e.type === "file" && e.source.kind === "file" && e.size <= SMALL_FILE) {
        const p = readFile(e.source.path);
        p.catch(() => {}); // observed when awaited below
        pending.set(next, p);
      }
      next++;
    }
  };

  for (let i = 0; i < entries.length; i++) {
    fill(i + 1);
    const e = entries[i] as MapEntry;
    add(
      encodeHeader({ name: e.name, type: e.type, mode: e.mode, size: e.type === "file" ? e.size : 0, mtime }),
    );
    if (e.type === "file") {
      const src = e.source;
      if (src.kind === "data") {
        add(src.data);
      } else if (e.size <= SMALL_FILE) {
        let data = pending.get(i);
        pending.delete(i);
        data ??= readFile(src.path);
        const buf = await readOrExplain(data, src.path);
        if (buf.length !== e.size) throw changed(src.path, e.size, buf.length);
        add(buf);
      } else {
        if (partBytes > 0) yield flush();
        yield* readLarge(src.path, e.size);
      }
      const pad = padding(e.size);
      if (pad > 0) add(Buffer.alloc(pad));
    }
    if (partBytes >= BATCH) yield flush();
  }
  add(endOfArchive());
  yield flush();
}

async function* readLarge(file: string, size: number): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    let done = 0;
    while (done < size) {
      const want = Math.min(READ_CHUNK, size - done);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buf, 0, want, done);
      if (bytesRead === 0) throw changed(file, size, done);
      done += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
    const extra = await handle.read(Buffer.alloc(1), 0, 1, size);
    if (extra.bytesRead > 0) throw changed(file, size, size + 1);
  } finally {
    await handle.close();
  }
}

async function readOrExplain(p: Promise<Buffer>, file: string): Promise<Buffer> {
  try {
    return await p;
  } catch (error) {
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): CliError {
  return new CliError("LAYER_READ_FAILED", `Cannot read ${file}: ${(error as Error).message}.`, {
    hint: "Check that the file exists and is readable by you.",
    exitCode: ExitCode.Usage,
  });
}

function changed(file: string, expected: number, actual: number): CliError {
  return new CliError(
    "LAYER_FILE_CHANGED",
    `${file} changed while the layer was built (expected ${expected} bytes, read ${actual}${actual > expected ? "+" : ""}).`,
    {
      hint: "Stop whatever writes to it (a watcher or a build) and package again.",
      exitCode: ExitCode.Usage,
    },
  );
}
