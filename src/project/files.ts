import { randomBytes } from "node:crypto";
import { accessSync, constants, statSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Writes a file atomically: a temporary name in the same directory, then rename; the temporary file
 * is removed when writing fails. Nothing half-written is ever left under the final name.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { mode });
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The executable `command` resolves to: a path is checked as given, a bare name is looked up in
 * `env.PATH` (with PATHEXT on Windows). Undefined when there is none.
 */
export function findExecutable(command: string, env: NodeJS.ProcessEnv): string | undefined {
  if (command.includes("/") || command.includes(path.sep)) {
    return isExecutable(command) ? path.resolve(command) : undefined;
  }
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d !== "");
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}
