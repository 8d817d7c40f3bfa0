import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileMap } from "../../src/image/file-map.js";
import { buildLayer } from "../../src/image/layer.js";
import { encodeHeader } from "../../src/image/tar.js";
import { isCliError } from "../../src/ui/errors.js";
import { gunzipDigest, hasTools, sh, sha256File } from "./helpers.js";

let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "ck-layer-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The tree of the reference's verified listing (local-test-stack.md §7). */
function makeTree(dir: string, order: "forward" | "reverse" = "forward"): void {
  const files: [string, string | Buffer, number][] = [
    ["index.js", "exports.handler = async () => 1;\n", 0o644],
    ["lib/blob.bin", Buffer.alloc(200_000, 7), 0o644],
    ["lib/run.sh", "#!/bin/sh\necho hi\n", 0o755],
    ["lib/sub/private.txt", "secret\n", 0o600],
  ];
  const list = order === "forward" ? files : [...files].reverse();
  for (const [rel, data, mode] of list) {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, data);
    chmodSync(f, mode);
  }
}

async function layerOf(dir: string, name: string) {
  const map = new FileMap();
  map.addDir("var/task");
  await map.addTree(dir, "var/task");
  return buildLayer(map, { outFile: path.join(work, `${name}.tgz`) });
}

describe("buildLayer", () => {
  it.skipIf(!hasTools("tar", "gunzip"))(
    "writes the reference's listing: explicit dirs, 0/0, 1970, 0644/0755",
    async () => {
      const tree = path.join(work, "t1");
      makeTree(tree);
      const info = await layerOf(tree, "t1");
      const listing = sh("tar", ["-tvzf", info.blobPath, "--numeric-owner"])
        .trim()
        .split("\n")
        .map((l) => l.replace(/\s+/g, " "));
      expect(listing).toEqual([
        "drwxr-xr-x 0/0 0 1970-01-01 00:00 var/",
        "drwxr-xr-x 0/0 0 1970-01-01 00:00 var/task/",
        "-rw-r--r-- 0/0 33 1970-01-01 00:00 var/task/index.js",
        "drwxr-xr-x 0/0 0 1970-01-01 00:00 var/task/lib/",
        "-rw-r--r-- 0/0 200000 1970-01-01 00:00 var/task/lib/blob.bin",
        "-rwxr-xr-x 0/0 18 1970-01-01 00:00 var/task/lib/run.sh",
        "drwxr-xr-x 0/0 0 1970-01-01 00:00 var/task/lib/sub/",
        "-rw-r--r-- 0/0 7 1970-01-01 00:00 var/task/lib/sub/private.txt",
      ]);
      expect(gunzipDigest(info.blobPath)).toBe(info.diffId);
      expect(sha256File(info.blobPath)).toBe(info.digest);
      expect(readFileSync(info.blobPath).subarray(0, 10).toString("hex")).toBe("1f8b0800000000000003");
      // Empty user and group names (GNU tar then shows the numeric ids).
      const first = gunzipSync(readFileSync(info.blobPath)).subarray(0, 512);
      expect(first.subarray(265, 329).every((b) => b === 0)).toBe(true);
    },
  );

  it("gives the same digests after touch, chmod and a copy made in another order", async () => {
    const a = path.join(work, "r1");
    makeTree(a, "forward");
    const first = await layerOf(a, "r1");
    const b = path.join(work, "r2");
    makeTree(b, "reverse");
    utimesSync(path.join(b, "index.js"), new Date("2030-01-01"), new Date("2030-01-01"));
    chmodSync(path.join(b, "lib", "blob.bin"), 0o600);
    chmodSync(path.join(b, "lib", "run.sh"), 0o700);
    const c = path.join(work, "r3");
    cpSync(a, c, { recursive: true });
    const second = await layerOf(b, "r2");
    const third = await layerOf(c, "r3");
    expect(second.diffId).toBe(first.diffId);
    expect(second.digest).toBe(first.digest);
    expect(third.digest).toBe(first.digest);
  });

  it.skipIf(!hasTools("tar"))(
    "stores long and non-ASCII names through PAX, sizes past 100 characters",
    async () => {
      const map = new FileMap();
      const deep = `var/task/${"d".repeat(120)}/${"e".repeat(90)}`;
      map.addData(`${deep}/file.txt`, "x");
      map.addData(`var/task/${"n".repeat(150)}.txt`, "y");
      map.addData("var/task/über.txt", "z");
      const info = await buildLayer(map, { outFile: path.join(work, "long.tgz") });
      const names = sh("tar", ["-tzf", info.blobPath]).trim().split("\n");
      expect(names).toContain(`${deep}/file.txt`);
      expect(names).toContain(`var/task/${"n".repeat(150)}.txt`);
      expect(names).toContain("var/task/über.txt");
      expect(names.some((n) => n.includes("PaxHeaders"))).toBe(false);
    },
  );

  it("resolves links inside the tree and refuses links outside it", async () => {
    const tree = path.join(work, "links");
    mkdirSync(path.join(tree, "lib"), { recursive: true });
    writeFileSync(path.join(tree, "lib", "real.js"), "1");
    symlinkSync("real.js", path.join(tree, "lib", "alias.js"));
    const map = new FileMap();
    await map.addTree(tree, "var/task");
    const entry = map.entries().find((e) => e.name === "var/task/lib/alias.js");
    expect(entry?.type).toBe("file");

    symlinkSync("/etc/hostname", path.join(tree, "outside"));
    const bad = new FileMap();
    const error = await bad.addTree(tree, "var/task").catch((e: unknown) => e);
    expect(isCliError(error) && error.code).toBe("LAYER_LINK_OUTSIDE");
  });

  it("refuses sockets", async () => {
    const tree = path.join(work, "sock");
    mkdirSync(tree, { recursive: true });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(tree, "s.sock"), resolve));
    try {
      const error = await new FileMap().addTree(tree, "x").catch((e: unknown) => e);
      expect(isCliError(error) && error.code).toBe("LAYER_UNSUPPORTED_FILE");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses paths with '..' and a path that is both file and folder", () => {
    expect(() => new FileMap().addData("var/../etc/passwd", "x")).toThrow(/not a valid path/);
    const map = new FileMap();
    map.addData("a/b", "1");
    map.addData("a/b/c", "2");
    expect(() => map.entries()).toThrow(/both a file and a folder/);
  });
});

describe("tar headers", () => {
  it("has a valid checksum and ustar magic", () => {
    const h = encodeHeader({ name: "var/task/x", type: "file", mode: 0o644, size: 5, mtime: 0 });
    expect(h.length).toBe(512);
    expect(h.subarray(257, 263).toString("binary")).toBe("ustar\u0000");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
    expect(Number.parseInt(h.subarray(148, 154).toString("ascii"), 8)).toBe(sum);
  });
});
