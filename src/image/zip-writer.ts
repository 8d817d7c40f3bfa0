/**
 * A deterministic ZIP writer for Lambda deployment packages: entries sorted by their UTF-8 names,
 * one fixed timestamp, Unix modes 0644/0755 in the external attributes (Lambda runs as a non-root
 * user), deflate through node:zlib with fixed parameters. No ZIP64: Lambda zips are far smaller.
 */
import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { crc32, deflateRawSync } from "node:zlib";
import { CliError, ExitCode } from "../ui/errors.js";
import { discard, replaceFile, stagingFileFor } from "./atomic.js";
import type { FileMap, MapEntry } from "./file-map.js";

export interface WriteZipOptions {
  /** The zip to write (replaced atomically). */
  file: string;
  /** Timestamp of every entry, seconds since the epoch; clamped to 1980 (DOS time starts there). */
  mtime?: number;
  /** deflate level (default 6). */
  level?: number;
}

export interface ZipInfo {
  file: string;
  size: number;
  digest: string;
  entryCount: number;
  /** Sum of the uncompressed file sizes. */
  uncompressedBytes: number;
}

const MAX_32 = 0xffffffff;

/** Writes the files of `map` (paths as they are in the map) into a zip. */
export async function writeZip(map: FileMap, options: WriteZipOptions): Promise<ZipInfo> {
  const entries = map.entries();
  if (entries.length > 0xffff) throw tooBig(`${entries.length} entries`);
  const { time, date } = dosDateTime(options.mtime ?? 0);
  const tmp = await stagingFileFor(options.file);
  const handle = await open(tmp, "w");
  const hash = createHash("sha256");
  let offset = 0;
  let uncompressedBytes = 0;
  const central: Buffer[] = [];
  const write = async (b: Buffer) => {
    hash.update(b);
    await handle.write(b, 0, b.length);
    offset += b.length;
  };
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name, "utf8");
      const data = e.type === "file" ? await contentOf(e) : Buffer.alloc(0);
      uncompressedBytes += data.length;
      const deflated = data.length > 0 ? deflateRawSync(data, { level: options.level ?? 6 }) : undefined;
      // Store when deflate does not help, as zip tools do.
      const method = deflated && deflated.length < data.length ? 8 : 0;
      const body = method === 8 ? (deflated as Buffer) : data;
      const crc = data.length > 0 ? crc32(data) : 0;
      if (offset > MAX_32 || data.length > MAX_32) throw tooBig(`${e.name} at offset ${offset}`);
      const flags = 0x0800; // names are UTF-8
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      const headerOffset = offset;
      await write(Buffer.concat([local, name]));
      if (body.length > 0) await write(body);

      const isDir = e.type === "directory";
      const unixMode = (isDir ? 0o040000 : 0o100000) | e.mode;
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, zip 2.0
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(flags, 8);
      cd.writeUInt16LE(method, 10);
      cd.writeUInt16LE(time, 12);
      cd.writeUInt16LE(date, 14);
      cd.writeUInt32LE(crc >>> 0, 16);
      cd.writeUInt32LE(body.length, 20);
      cd.writeUInt32LE(data.length, 24);
      cd.writeUInt16LE(name.length, 28);
      cd.writeUInt16LE(0, 30); // extra
      cd.writeUInt16LE(0, 32); // comment
      cd.writeUInt16LE(0, 34); // disk
      cd.writeUInt16LE(0, 36); // internal attributes
      cd.writeUInt32LE(((unixMode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
      cd.writeUInt32LE(headerOffset, 42);
      central.push(cd, name);
    }
    const cdStart = offset;
    const cdBytes = Buffer.concat(central);
    await write(cdBytes);
    if (offset > MAX_32) throw tooBig(`${offset} bytes`);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(0, 4);
    eocd.writeUInt16LE(0, 6);
    eocd.writeUInt16LE(entries.length, 8);
    eocd.writeUInt16LE(entries.length, 10);
    eocd.writeUInt32LE(cdBytes.length, 12);
    eocd.writeUInt32LE(cdStart, 16);
    eocd.writeUInt16LE(0, 20);
    await write(eocd);
    await handle.close();
    await replaceFile(tmp, options.file);
  } catch (error) {
    await handle.close().catch(() => {});
    await discard(tmp);
    throw error;
  }
  return {
    file: options.file,
    size: offset,
    digest: `sha256:${hash.digest("hex")}`,
    entryCount: entries.length,
    uncompressedBytes,
  };
}

async function contentOf(e: Extract<MapEntry, { type: "file" }>): Promise<Buffer> {
  if (e.source.kind === "data") return e.source.data;
  const data = await readFile(e.source.path);
  if (data.length !== e.size) {
    throw new CliError("ZIP_FILE_CHANGED", `${e.source.path} changed while the zip was written.`, {
      hint: "Stop whatever writes to it and package again.",
      exitCode: ExitCode.Usage,
    });
  }
  return data;
}

/** MS-DOS date and time fields (local time without zone; we use UTC), never before 1980-01-01. */
export function dosDateTime(seconds: number): { time: number; date: number } {
  const d = new Date(Math.max(seconds, 315532800) * 1000);
  const year = Math.min(d.getUTCFullYear(), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function tooBig(what: string): CliError {
  return new CliError("ZIP_TOO_LARGE", `The zip is too large for a Lambda deployment package (${what}).`, {
    hint: "Lambda zips are limited to 250 MB unzipped; package a container image instead (--format image).",
    exitCode: ExitCode.Usage,
  });
}
