/**
 * A small deterministic tar writer (POSIX ustar, with PAX records for long or non-ASCII names and
 * sizes over 8 GiB). Only regular files and directories; every header carries the metadata it is
 * given and nothing from the machine: owner 0/0, empty user and group names, no device numbers.
 */

export const BLOCK = 512;

export interface TarHeader {
  /** Path inside the archive, relative, `/`-separated; directories end with `/`. */
  name: string;
  type: "file" | "directory";
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Content length in bytes (0 for directories). */
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const USTAR_SIZE_MAX = 0o77777777777;
const encoder = new TextEncoder();

/** The header block(s) of one entry: a PAX extended header first when ustar cannot hold it. */
export function encodeHeader(header: TarHeader): Buffer {
  const nameBytes = Buffer.from(header.name, "utf8");
  const split = splitName(nameBytes, header.name);
  const pax: [string, string][] = [];
  if (!split) pax.push(["path", header.name]);
  if (header.size > USTAR_SIZE_MAX) pax.push(["size", String(header.size)]);
  const main = ustarBlock({
    name: split ? split.name : fallbackName(header.name, header.type),
    prefix: split ? split.prefix : Buffer.alloc(0),
    mode: header.mode,
    size: header.size > USTAR_SIZE_MAX ? 0 : header.size,
    mtime: header.mtime,
    typeflag: header.type === "directory" ? "5" : "0",
  });
  if (pax.length === 0) return main;
  const body = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(""), "utf8");
  const paxHeader = ustarBlock({
    name: Buffer.from(`PaxHeaders/${shortBase(header.name)}`, "utf8"),
    prefix: Buffer.alloc(0),
    mode: 0o644,
    size: body.length,
    mtime: header.mtime,
    typeflag: "x",
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), main]);
}

/** Zero bytes that bring `size` up to a multiple of the block size. */
export function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

/** The end-of-archive marker: two zero blocks. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

/**
 * Splits a name into the ustar `prefix` (≤155 bytes) and `name` (≤100 bytes) fields; undefined
 * when it does not fit or is not plain ASCII (those go into a PAX `path` record, as Go's
 * archive/tar does, so every reader sees the same UTF-8 name).
 */
function splitName(bytes: Buffer, name: string): { name: Buffer; prefix: Buffer } | undefined {
  if (!/^[\x20-\x7e]*$/.test(name)) return undefined;
  if (bytes.length <= 100) return { name: bytes, prefix: Buffer.alloc(0) };
  // The slash at the split point is dropped; a trailing directory slash stays in the name part.
  const limit = Math.min(bytes.length - 2, 155);
  for (let i = limit; i > 0; i--) {
    if (bytes[i] !== 0x2f) continue;
    const rest = bytes.subarray(i + 1);
    if (rest.length > 100 || rest.length === 0) return undefined;
    return { name: rest, prefix: bytes.subarray(0, i) };
  }
  return undefined;
}

/** A ustar name for readers that ignore PAX: the tail of the path, ASCII only. */
function fallbackName(name: string, type: TarHeader["type"]): Buffer {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_");
  const suffix = type === "directory" ? "/" : "";
  const trimmed = ascii.endsWith("/") ? ascii.slice(0, -1) : ascii;
  return Buffer.from(trimmed.slice(-(100 - suffix.length)) + suffix, "ascii");
}

function shortBase(name: string): string {
  const base =
    name
      .replace(/\/$/, "")
      .split("/")
      .pop()
      ?.replace(/[^\x20-\x7e]/g, "_") ?? "entry";
  return base.slice(0, 80);
}

/** One PAX record, `"<length> <key>=<value>\n"`, where the length counts itself. */
function paxRecord(key: string, value: string): string {
  const payload = ` ${key}=${value}\n`;
  const bytes = encoder.encode(payload).length;
  let digits = 1;
  while (String(bytes + digits).length !== digits) digits++;
  return `${bytes + digits}${payload}`;
}

interface RawHeader {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
}

function ustarBlock(h: RawHeader): Buffer {
  const b = Buffer.alloc(BLOCK);
  h.name.copy(b, 0, 0, Math.min(h.name.length, 100));
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0); // uid
  octal(b, 116, 8, 0); // gid
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  b.write(h.typeflag, 156, "ascii");
  b.write("ustar\u000000", 257, "binary");
  // uname (265) and gname (297) stay empty.
  octal(b, 329, 8, 0); // devmajor
  octal(b, 337, 8, 0); // devminor
  h.prefix.copy(b, 345, 0, Math.min(h.prefix.length, 155));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i] as number;
  b.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "binary");
  return b;
}

/** Writes `value` as zero-padded octal digits followed by a NUL, filling `width` bytes. */
function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(
    `${Math.floor(value)
      .toString(8)
      .padStart(width - 1, "0")}\u0000`,
    offset,
    "ascii",
  );
}
