/**
 * The files that go into a layer (or a zip), keyed by their path in the image. Sources are files
 * on disk or bytes in memory. Metadata is normalised here, never copied from the source: mode
 * 0755 for directories and for files with any execute bit, 0644 for every other file.
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { CliError, ExitCode } from "../ui/errors.js";

export type FileSource =
  | { kind: "file"; path: string; size: number; executable: boolean }
  | { kind: "data"; data: Buffer; executable: boolean };

/** One entry of the sorted listing: a directory or a file with its source. */
export type MapEntry =
  | { type: "directory"; name: string; mode: number }
  | { type: "file"; name: string; mode: number; size: number; source: FileSource };

export interface AddTreeOptions {
  /** Leave out entries for which this returns true (`rel` is `/`-separated, relative to the tree). */
  skip?: (rel: string, dirent: Dirent) => boolean;
}

/** A map of image paths to sources; see `entries()` for the sorted, normalised listing. */
export class FileMap {
  private readonly files = new Map<string, FileSource>();
  private readonly dirs = new Set<string>();

  /** Adds (or replaces) a file from disk. `dest` is a path in the image, e.g. `var/task/index.mjs`. */
  addFile(dest: string, source: { path: string; size: number; executable?: boolean }): void {
    const name = normalizeDest(dest);
    this.files.set(name, {
      kind: "file",
      path: source.path,
      size: source.size,
      executable: source.executable ?? false,
    });
  }

  /** Adds (or replaces) a file with the given content. */
  addData(dest: string, data: Buffer | string, executable = false): void {
    const name = normalizeDest(dest);
    this.files.set(name, {
      kind: "data",
      data: typeof data === "string" ? Buffer.from(data, "utf8") : data,
      executable,
    });
  }

  /** Adds a directory (and its parents), even when no file is below it. */
  addDir(dest: string): void {
    const name = normalizeDest(dest);
    if (name !== "") this.dirs.add(name);
  }

  has(dest: string): boolean {
    return this.files.has(normalizeDest(dest));
  }

  get size(): number {
    return this.files.size;
  }

  /** File paths (no directories), unsorted. */
  filePaths(): string[] {
    return [...this.files.keys()];
  }

  /**
   * Copies a directory tree below `destPrefix`. Symbolic links are resolved: a link to a file or a
   * folder inside the tree is stored as what it points to; a link that leads outside the tree, a
   * socket, a FIFO or a device is refused. Returns the number of files added.
   */
  async addTree(srcDir: string, destPrefix: string, options: AddTreeOptions = {}): Promise<number> {
    const root = await realpath(srcDir);
    const prefix = normalizeDest(destPrefix);
    let count = 0;
    const walk = async (dir: string, rel: string, ancestors: Set<string>): Promise<void> => {
      const dirents = await readdir(dir, { withFileTypes: true });
      for (const d of dirents) {
        const childRel = rel === "" ? d.name : `${rel}/${d.name}`;
        if (options.skip?.(childRel, d)) continue;
        const full = path.join(dir, d.name);
        const dest = prefix === "" ? childRel : `${prefix}/${childRel}`;
        let target = full;
        let isDir = d.isDirectory();
        let isFile = d.isFile();
        if (d.isSymbolicLink()) {
          target = await resolveLink(full, root, srcDir);
          const st = await stat(target);
          isDir = st.isDirectory();
          isFile = st.isFile();
          if (!isDir && !isFile) throw unsupported(full, describeStat(st));
        } else if (!isDir && !isFile) {
          throw unsupported(full, describeDirent(d));
        }
        if (isDir) {
          const real = await realpath(target);
          if (ancestors.has(real)) {
            throw new CliError("LAYER_LINK_LOOP", `${full} is a link to a folder that contains it.`, {
              hint: "Remove the link: an image layer cannot hold a loop.",
              exitCode: ExitCode.Usage,
            });
          }
          this.addDir(dest);
          await walk(target, childRel, new Set([...ancestors, real]));
          continue;
        }
        const st = await stat(target);
        this.addFile(dest, { path: target, size: st.size, executable: (st.mode & 0o111) !== 0 });
        count++;
      }
    };
    if (prefix !== "") this.addDir(prefix);
    await walk(root, "", new Set([root]));
    return count;
  }

  /**
   * Every entry, parents included, sorted by the UTF-8 bytes of its name (directories end with
   * `/`, so each one sorts before its contents).
   */
  entries(): MapEntry[] {
    const dirNames = new Set<string>();
    const addParents = (name: string, includeSelf: boolean) => {
      const parts = name.split("/");
      const upto = includeSelf ? parts.length : parts.length - 1;
      for (let i = 1; i <= upto; i++) dirNames.add(`${parts.slice(0, i).join("/")}/`);
    };
    for (const d of this.dirs) addParents(d, true);
    for (const f of this.files.keys()) addParents(f, false);
    const out: MapEntry[] = [];
    for (const name of dirNames) {
      if (this.files.has(name.slice(0, -1))) {
        throw new CliError("LAYER_PATH_CONFLICT", `/${name.slice(0, -1)} is both a file and a folder.`, {
          hint: "Rename one of them; an image path can only be one of the two.",
          exitCode: ExitCode.Usage,
        });
      }
      out.push({ type: "directory", name, mode: 0o755 });
    }
    for (const [name, source] of this.files) {
      const size = source.kind === "file" ? source.size : source.data.length;
      out.push({ type: "file", name, mode: source.executable ? 0o755 : 0o644, size, source });
    }
    const keyed = out.map((e) => ({ e, k: Buffer.from(e.name, "utf8") }));
    keyed.sort((a, b) => Buffer.compare(a.k, b.k));
    return keyed.map((x) => x.e);
  }

  /** Sum of the file sizes. */
  totalBytes(): number {
    let n = 0;
    for (const s of this.files.values()) n += s.kind === "file" ? s.size : s.data.length;
    return n;
  }
}

/** `/var/task/x` or `var/task/x/` → `var/task/x`; refuses `..`, `.` and empty segments. */
export function normalizeDest(dest: string): string {
  const trimmed = dest.replace(/^\/+/, "").replace(/\/+$/, "");
  if (trimmed === "") return "";
  for (const seg of trimmed.split("/")) {
    if (seg === "" || seg === "." || seg === "..") {
      throw new CliError("LAYER_BAD_PATH", `${JSON.stringify(dest)} is not a valid path inside the image.`, {
        hint: "Use a plain relative path without '.', '..' or empty segments.",
        exitCode: ExitCode.Usage,
      });
    }
  }
  return trimmed;
}

async function resolveLink(link: string, root: string, shownRoot: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(link);
  } catch {
    throw new CliError("LAYER_BROKEN_LINK", `${link} is a symbolic link to a missing file.`, {
      hint: "Remove the link or restore its target.",
      exitCode: ExitCode.Usage,
    });
  }
  const rel = path.relative(root, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new CliError(
      "LAYER_LINK_OUTSIDE",
      `${link} is a symbolic link to ${real}, outside ${shownRoot}; it would not exist in the image.`,
      {
        hint: "Copy the file into the folder instead of linking to it.",
        exitCode: ExitCode.Usage,
      },
    );
  }
  return real;
}

function unsupported(file: string, what: string): CliError {
  return new CliError("LAYER_UNSUPPORTED_FILE", `${file} is ${what}; a layer holds only files and folders.`, {
    hint: "Remove it from the folder that is packaged (or move it elsewhere).",
    exitCode: ExitCode.Usage,
  });
}

function describeDirent(d: Dirent): string {
  if (d.isSocket()) return "a socket";
  if (d.isFIFO()) return "a FIFO";
  if (d.isBlockDevice()) return "a block device";
  if (d.isCharacterDevice()) return "a character device";
  return "not a regular file";
}

function describeStat(st: { isSocket(): boolean; isFIFO(): boolean; isBlockDevice(): boolean }): string {
  if (st.isSocket()) return "a link to a socket";
  if (st.isFIFO()) return "a link to a FIFO";
  if (st.isBlockDevice()) return "a link to a device";
  return "a link to something that is not a regular file";
}
