import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listZipEntries, readZipEntry, withZip, ZipArchive } from "../../src/glue/zip.js";
import { CliError } from "../../src/ui/errors.js";

const hasJar = spawnSync("jar", ["--version"]).status === 0;
if (!hasJar) console.warn("zip tests skipped: the JDK's `jar` tool is not installed");

const SERVICES = "# registered drivers\n\ncom.example.Driver\n";
const BIG = `${"The quick brown fox jumps over the lazy dog. ".repeat(2000)}Société Générale 🚀\n`;

let dir = "";
let deflated = "";
let stored = "";

function jar(args: string[], cwd: string): void {
  const r = spawnSync("jar", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`jar ${args.join(" ")} failed: ${r.stderr}`);
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error("expected a CliError");
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "ck-zip-"));
  if (!hasJar) return;
  const content = path.join(dir, "content");
  mkdirSync(path.join(content, "META-INF/services"), { recursive: true });
  mkdirSync(path.join(content, "docs/é"), { recursive: true });
  writeFileSync(path.join(content, "META-INF/services/java.sql.Driver"), SERVICES);
  writeFileSync(path.join(content, "docs/é/big.txt"), BIG);
  writeFileSync(path.join(content, "empty.txt"), "");
  deflated = path.join(dir, "deflated.jar");
  stored = path.join(dir, "stored.jar");
  jar(["--create", "--file", deflated, "-C", content, "."], dir);
  jar(["--create", "--no-compress", "--file", stored, "-C", content, "."], dir);
});

describe.skipIf(!hasJar)("ZipArchive on jars made by the JDK", () => {
  it("lists the entries of the central directory", async () => {
    for (const file of [deflated, stored]) {
      const names = await listZipEntries(file);
      expect(names).toEqual(
        expect.arrayContaining([
          "META-INF/",
          "META-INF/MANIFEST.MF",
          "META-INF/services/java.sql.Driver",
          "docs/é/big.txt",
          "empty.txt",
        ]),
      );
    }
  });

  it("reads deflated entries", async () => {
    await withZip(deflated, async (zip) => {
      const big = zip.entry("docs/é/big.txt");
      expect(big?.method).toBe(8);
      expect(big?.compressedSize).toBeLessThan(big?.uncompressedSize ?? 0);
      expect((await zip.read("docs/é/big.txt"))?.toString("utf8")).toBe(BIG);
      expect((await zip.read("META-INF/services/java.sql.Driver"))?.toString("utf8")).toBe(SERVICES);
      expect((await zip.read("empty.txt"))?.length).toBe(0);
      expect(zip.entry("META-INF/")?.isDirectory).toBe(true);
    });
  });

  it("reads stored entries", async () => {
    await withZip(stored, async (zip) => {
      expect(zip.entry("docs/é/big.txt")?.method).toBe(0);
      expect((await zip.read("docs/é/big.txt"))?.toString("utf8")).toBe(BIG);
      expect((await zip.read("empty.txt"))?.length).toBe(0);
    });
    expect((await readZipEntry(stored, "META-INF/services/java.sql.Driver"))?.toString()).toBe(SERVICES);
  });

  it("answers undefined for an entry that does not exist", async () => {
    expect(await readZipEntry(deflated, "nope.class")).toBeUndefined();
    await withZip(deflated, async (zip) => expect(zip.has("nope")).toBe(false));
  });

  it("reads a jar with a launcher script in front of it (executable jar)", async () => {
    const exec = path.join(dir, "exec.jar");
    writeFileSync(
      exec,
      Buffer.concat([Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n'), readFileSync(deflated)]),
    );
    expect((await readZipEntry(exec, "docs/é/big.txt"))?.toString("utf8")).toBe(BIG);
  });

  it("detects damaged data through the CRC-32", async () => {
    const bytes = Buffer.from(readFileSync(stored));
    const at = bytes.indexOf(Buffer.from("The quick brown fox"));
    bytes[at] = "t".charCodeAt(0);
    const broken = path.join(dir, "crc.jar");
    writeFileSync(broken, bytes);
    const e = await failure(readZipEntry(broken, "docs/é/big.txt"));
    expect(e.code).toBe("ZIP_CORRUPT");
    expect(e.message).toContain("crc.jar (entry docs/é/big.txt)");
  });

  it("refuses to read an entry above the size limit", async () => {
    const e = await failure(withZip(deflated, (zip) => zip.read("docs/é/big.txt", { maxBytes: 100 })));
    expect(e.code).toBe("ZIP_ENTRY_TOO_LARGE");
  });
});

describe("ZipArchive on files that are not jars", () => {
  it("refuses a text file renamed .jar, naming the file", async () => {
    const fake = path.join(dir, "notes.jar");
    writeFileSync(fake, "These are notes, not a jar.\n".repeat(10));
    const e = await failure(ZipArchive.open(fake));
    expect(e.code).toBe("ZIP_INVALID");
    expect(e.message).toContain(fake);
    expect(e.message).toContain("not a ZIP archive");
    expect(e.hint).toMatch(/jar/);
  });

  it("refuses an empty file and a missing file", async () => {
    const empty = path.join(dir, "empty.jar");
    writeFileSync(empty, "");
    expect((await failure(ZipArchive.open(empty))).message).toContain("only 0 bytes");
    const missing = await failure(ZipArchive.open(path.join(dir, "missing.jar")));
    expect(missing.code).toBe("ZIP_UNREADABLE");
    expect(missing.message).toContain("no such file");
  });

  it("detects a ZIP64 archive and refuses it clearly", async () => {
    // No tool here makes a small ZIP64 file (the JDK only switches to ZIP64 beyond 65,535 entries
    // or 4 GiB), so write the records by hand: a ZIP64 end locator, then an end record whose
    // counts are the 0xFFFF "see ZIP64" markers.
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(0xffff, 8);
    eocd.writeUInt16LE(0xffff, 10);
    eocd.writeUInt32LE(0xffffffff, 12);
    eocd.writeUInt32LE(0xffffffff, 16);
    const file = path.join(dir, "zip64.jar");
    writeFileSync(file, Buffer.concat([locator, eocd]));
    const e = await failure(ZipArchive.open(file));
    expect(e.code).toBe("ZIP64_UNSUPPORTED");
    expect(e.message).toContain("zip64.jar");
    expect(e.message).toContain("ZIP64");
  });

  it("reads an empty archive (an end record only)", async () => {
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    const file = path.join(dir, "nothing.zip");
    writeFileSync(file, eocd);
    expect(await listZipEntries(file)).toEqual([]);
  });
});
