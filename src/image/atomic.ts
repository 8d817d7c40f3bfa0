/**
 * Outputs appear whole or not at all: everything is built in a temporary sibling of the target
 * and renamed into place at the end (same directory, so the rename never crosses filesystems).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { CliError, ExitCode } from "../ui/errors.js";

/** Creates an empty temporary directory next to `target` (its parent is created when missing). */
export async function stagingDirFor(target: string): Promise<string> {
  const parent = path.dirname(path.resolve(target));
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, `.${path.basename(target)}.tmp-`));
  // mkdtemp makes it private (0700); the finished folder should look like any other.
  await chmod(dir, 0o755);
  return dir;
}

/** A temporary file name next to `target` (the parent directory is created). */
export async function stagingFileFor(target: string): Promise<string> {
  const parent = path.dirname(path.resolve(target));
  await mkdir(parent, { recursive: true });
  return path.join(parent, `.${path.basename(target)}.tmp-${randomBytes(6).toString("hex")}`);
}

/**
 * Checks that `target` may be replaced by an image layout: it is absent, an empty directory, or a
 * directory that already holds an OCI layout. Anything else is refused rather than deleted.
 */
export async function assertReplaceableLayout(target: string): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(target);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    throw new CliError("OUTPUT_NOT_A_DIRECTORY", `${target} exists and is not a directory.`, {
      hint: "Pass --output <dir> naming a new folder (the image layout is a folder).",
      exitCode: ExitCode.Usage,
    });
  }
  if (existsSync(path.join(target, "oci-layout"))) return;
  if ((await readdir(target)).length === 0) return;
  throw new CliError(
    "OUTPUT_NOT_EMPTY",
    `${target} is a folder that is not an image layout; refusing to replace its contents.`,
    { hint: "Pass --output <dir> naming a new or empty folder.", exitCode: ExitCode.Usage },
  );
}

/** Moves the finished `staging` directory to `target`, replacing an older one. */
export async function replaceDir(staging: string, target: string): Promise<void> {
  let old: string | undefined;
  if (existsSync(target)) {
    old = path.join(path.dirname(target), `.${path.basename(target)}.old-${randomBytes(6).toString("hex")}`);
    await rename(target, old);
  }
  try {
    await rename(staging, target);
  } catch (error) {
    if (old) await rename(old, target).catch(() => {});
    throw error;
  }
  if (old) await rm(old, { recursive: true, force: true });
}

/** Moves a finished temporary file into place (atomic on the same filesystem). */
export async function replaceFile(staging: string, target: string): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (st?.isDirectory()) {
    throw new CliError("OUTPUT_IS_A_DIRECTORY", `${target} is a directory.`, {
      hint: "Name a file, e.g. --tar image.tar.",
      exitCode: ExitCode.Usage,
    });
  }
  await rename(staging, target);
}

/** Removes a staging path, ignoring errors (used on failure). */
export async function discard(p: string | undefined): Promise<void> {
  if (p) await rm(p, { recursive: true, force: true }).catch(() => {});
}
