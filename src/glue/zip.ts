/**
 * A small read-only ZIP reader for jar files, in plain Node: it reads the central directory to list
 * entries and reads one entry's bytes (stored, or deflated through node:zlib). Enough for the
 * local jar checks (reference §8); no writing, no encryption, no ZIP64.
 */
import { type FileHandle, open } from "node:fs/promises";
import { crc32, inflateRawSync } from "node:zlib";
import { CliError } from "../ui/errors.js";

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

/** Entries larger than this are not read unless the caller raises the limit. */
export const DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export interface ZipEntry {
  /** Path inside the archive, `/`-separated; directories end with `/`. */
  name: string;
  /** 0 stored, 8 deflate; anything else cannot be read here. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the local file header (already corrected for a prefix before the archive). */
  localHeaderOffset: number;
  isDirectory: boolean;
}

function zipError(code: string, file: string, what: string, hint: string): CliError {
  return new CliError(code, `${file}: ${what}`, { hint, details: { file } });
}

const NOT_A_JAR_HINT =
  "A jar must be a ZIP archive: rebuild it with `jar` or your build tool (Maven, Gradle, sbt), or remove it.";

/** An open ZIP archive. Call `close()` when done, or use `withZip`. */
export class ZipArchive {
  private readonly byName: Map<string, ZipEntry>;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    readonly entries: readonly ZipEntry[],
  ) {
    this.byName = new Map();
    for (const e of entries) if (!this.byName.has(e.name)) this.byName.set(e.name, e);
  }

  /**
   * Opens `file` and reads its central directory. Throws a CliError naming the file when it is
   * missing, not a ZIP archive, damaged, split over several disks or a ZIP64 archive.
   */
  static async open(file: string): Promise<ZipArchive> {
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const what = code === "ENOENT" ? "no such file" : `cannot be opened (${(error as Error).message})`;
      throw zipError("ZIP_UNREADABLE", file, what, "Check the path to the jar.");
    }
    try {
      const entries = await readCentralDirectory(file, handle);
      return new ZipArchive(file, handle, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Every entry name, in central-directory order. */
  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /**
   * The uncompressed bytes of one entry (by name or entry), checked against the stored size and
   * CRC-32. Undefined when there is no such entry.
   */
  async read(
    nameOrEntry: string | ZipEntry,
    options: { maxBytes?: number } = {},
  ): Promise<Buffer | undefined> {
    const entry = typeof nameOrEntry === "string" ? this.byName.get(nameOrEntry) : nameOrEntry;
    if (!entry) return undefined;
    const where = `${this.file} (entry ${entry.name})`;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    if (entry.flags & 0x1) {
      throw zipError("ZIP_ENCRYPTED", where, "the entry is encrypted", "Jars must not be encrypted.");
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw zipError(
        "ZIP_METHOD",
        where,
        `uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
        "Rebuild the jar with a standard tool; Java itself reads only these two methods.",
      );
    }
    if (entry.uncompressedSize > maxBytes) {
      throw zipError(
        "ZIP_ENTRY_TOO_LARGE",
        where,
        `is ${entry.uncompressedSize} bytes, more than the ${maxBytes}-byte limit for reading one entry`,
        "This entry is not one the checks need to read; report it if it should be.",
      );
    }
    const header = await readAt(this.handle, entry.localHeaderOffset, LOCAL_SIZE);
    if (header.length < LOCAL_SIZE || header.readUInt32LE(0) !== SIG_LOCAL) {
      throw zipError("ZIP_CORRUPT", where, "the local file header is missing or damaged", NOT_A_JAR_HINT);
    }
    const dataStart =
      entry.localHeaderOffset + LOCAL_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    const raw = await readAt(this.handle, dataStart, entry.compressedSize);
    if (raw.length < entry.compressedSize) {
      throw zipError("ZIP_CORRUPT", where, "the archive ends inside this entry's data", NOT_A_JAR_HINT);
    }
    let data: Buffer;
    if (entry.method === 0) {
      data = raw;
    } else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (error) {
        throw zipError(
          "ZIP_CORRUPT",
          where,
          `the deflated data is damaged (${(error as Error).message})`,
          NOT_A_JAR_HINT,
        );
      }
    }
    if (data.length !== entry.uncompressedSize || crc32(data) >>> 0 !== entry.crc32) {
      throw zipError(
        "ZIP_CORRUPT",
        where,
        "the data does not match the size or CRC-32 recorded in the archive",
        NOT_A_JAR_HINT,
      );
    }
    return data;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Opens `file`, runs `fn` and always closes the archive. */
export async function withZip<T>(file: string, fn: (zip: ZipArchive) => Promise<T>): Promise<T> {
  const zip = await ZipArchive.open(file);
  try {
    return await fn(zip);
  } finally {
    await zip.close();
  }
}

/** The entry names of a ZIP file. */
export async function listZipEntries(file: string): Promise<string[]> {
  return withZip(file, async (zip) => zip.names());
}

/** One entry's bytes, or undefined when the archive has no such entry. */
export async function readZipEntry(file: string, name: string): Promise<Buffer | undefined> {
  return withZip(file, (zip) => zip.read(name));
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

async function readCentralDirectory(file: string, handle: FileHandle): Promise<ZipEntry[]> {
  const { size } = await handle.stat();
  const notZip = (why: string) =>
    zipError("ZIP_INVALID", file, `not a ZIP archive (${why}), so it cannot be a jar`, NOT_A_JAR_HINT);
  if (size < EOCD_SIZE) throw notZip(`only ${size} bytes long`);

  // The end-of-central-directory record sits at the end, followed by a comment of up to 64 KiB.
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = size - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notZip("no end-of-central-directory record");

  const diskNumber = tail.readUInt16LE(eocd + 4);
  const cdDisk = tail.readUInt16LE(eocd + 6);
  const entriesOnDisk = tail.readUInt16LE(eocd + 8);
  const totalEntries = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);

  const zip64Locator = eocd >= 20 && tail.readUInt32LE(eocd - 20) === SIG_ZIP64_LOCATOR;
  if (zip64Locator || totalEntries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw zipError(
      "ZIP64_UNSUPPORTED",
      file,
      "is a ZIP64 archive (more than 65,535 entries or larger than 4 GiB), " +
        "which this reader does not support",
      "Split the jar (e.g. do not shade very large dependencies into it) or check it with `jar tf`.",
    );
  }
  if (diskNumber !== 0 || cdDisk !== 0 || entriesOnDisk !== totalEntries) {
    throw zipError(
      "ZIP_MULTIDISK",
      file,
      "is a split (multi-disk) ZIP archive",
      "Rebuild it as one file with `jar`.",
    );
  }

  // Where the central directory really is. It differs from cdOffset when bytes were put before the
  // archive (a launcher script in an "executable jar"); every stored offset then shifts by `prefix`.
  const eocdAbs = tailStart + eocd;
  const cdStart = eocdAbs - cdSize;
  const prefix = cdStart - cdOffset;
  if (cdStart < 0 || prefix < 0) throw notZip("the central directory lies outside the file");

  const cd = await readAt(handle, cdStart, cdSize);
  const entries: ZipEntry[] = [];
  let pos = 0;
  for (let i = 0; i < totalEntries; i++) {
    if (pos + CENTRAL_SIZE > cd.length || cd.readUInt32LE(pos) !== SIG_CENTRAL) {
      throw zipError(
        "ZIP_CORRUPT",
        file,
        `the central directory is damaged at entry ${i + 1} of ${totalEntries}`,
        NOT_A_JAR_HINT,
      );
    }
    const flags = cd.readUInt16LE(pos + 8);
    const nameLength = cd.readUInt16LE(pos + 28);
    const extraLength = cd.readUInt16LE(pos + 30);
    const commentLength = cd.readUInt16LE(pos + 32);
    const compressedSize = cd.readUInt32LE(pos + 20);
    const uncompressedSize = cd.readUInt32LE(pos + 24);
    const localOffset = cd.readUInt32LE(pos + 42);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw zipError(
        "ZIP64_UNSUPPORTED",
        file,
        "has ZIP64 entries (an entry or the archive is larger than 4 GiB), " +
          "which this reader does not support",
        "Split the jar or check it with `jar tf`.",
      );
    }
    // Java reads entry names as UTF-8 whether or not the "language encoding" flag (bit 11) is set,
    // so do the same instead of falling back to CP437.
    const name = cd.toString("utf8", pos + CENTRAL_SIZE, pos + CENTRAL_SIZE + nameLength);
    entries.push({
      name,
      method: cd.readUInt16LE(pos + 10),
      flags,
      crc32: cd.readUInt32LE(pos + 16),
      compressedSize,
      uncompressedSize,
      localHeaderOffset: localOffset + prefix,
      isDirectory: name.endsWith("/"),
    });
    pos += CENTRAL_SIZE + nameLength + extraLength + commentLength;
  }
  return entries;
}
