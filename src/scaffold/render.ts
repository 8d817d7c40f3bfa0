import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CliError, ExitCode } from "../ui/errors.js";

/** One question a template asks (and the flag that answers it). */
export interface TemplateVariable {
  name: string;
  /** Prompt text on a TTY. */
  message: string;
  /** Default value; may reference earlier variables as `{{name}}`. */
  default?: string;
  /** Allowed values (a select prompt). */
  choices?: string[];
  /** Flag that sets it, e.g. `--label`. */
  flag?: string;
  /** Name of a validator in src/scaffold/names.ts or a regex source. */
  validate?: "appflowLabel" | "npmName" | "javaClass" | "nonEmpty";
}

/** `template.json` beside a template's files. */
export interface TemplateManifest {
  name: string;
  description: string;
  kind: "appflow" | "glue";
  language?: "typescript" | "python" | "java";
  variables: TemplateVariable[];
  /** Post-steps this template wants: `npm install`, `git init`. */
  install?: "npm" | "none";
}

export interface RenderedFile {
  /** Path relative to the project root, with `/` separators. */
  path: string;
  content: Buffer;
  mode: number;
}

/**
 * Where the templates live: `src/templates/` in a checkout (tests run from sources) and in the
 * published package (it ships `src/templates`), found relative to this module or its bundle chunk.
 */
export function templatesRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, "../templates"), path.join(here, "../src/templates")]) {
    if (existsSync(path.join(candidate, "appflow-typescript", "template.json"))) return candidate;
  }
  throw new Error(`connectorkit templates not found near ${here}`);
}

export async function listTemplates(root = templatesRoot()): Promise<TemplateManifest[]> {
  const names = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
    .map((d) => d.name);
  const manifests = await Promise.all(names.sort().map((n) => readManifest(path.join(root, n))));
  return manifests;
}

export async function readManifest(dir: string): Promise<TemplateManifest> {
  const manifest = JSON.parse(await readFile(path.join(dir, "template.json"), "utf8")) as TemplateManifest;
  return manifest;
}

/** Special file names: npm drops `.gitignore` from packages, so templates store `_gitignore`. */
function outputName(segment: string): string {
  if (segment === "_gitignore") return ".gitignore";
  if (segment === "_github") return ".github";
  if (segment === "_npmrc") return ".npmrc";
  if (segment === "_connector") return ".connector";
  return segment.endsWith(".hbs") ? segment.slice(0, -4) : segment;
}

type Render = (source: string, vars: Record<string, unknown>) => string;

/**
 * Renders every file of a template folder in memory. `*.hbs` files and every path segment go
 * through handlebars (strict: a missing variable is a template bug and throws); other files are
 * copied byte for byte. Executable files keep mode 0755, all others get 0644.
 */
export async function renderTemplate(dir: string, vars: Record<string, unknown>): Promise<RenderedFile[]> {
  const { default: Handlebars } = await import("handlebars");
  const hb = Handlebars.create();
  hb.registerHelper("json", (v: unknown) => JSON.stringify(v));
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  // Shared fragments: <templates>/_partials/<name>.hbs, used as {{> name}}.
  const partials = path.join(path.dirname(dir), "_partials");
  if (existsSync(partials)) {
    for (const f of await readdir(partials)) {
      if (f.endsWith(".hbs"))
        hb.registerPartial(f.slice(0, -4), await readFile(path.join(partials, f), "utf8"));
    }
  }
  const render: Render = (source, v) => hb.compile(source, { strict: true, noEscape: true })(v);
  const files: RenderedFile[] = [];
  const walk = async (rel: string) => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && e.name === "template.json") continue;
      if (e.isDirectory()) {
        await walk(relPath);
        continue;
      }
      const src = path.join(dir, relPath);
      const st = await stat(src);
      const outPath = relPath
        .split("/")
        .map((seg) => outputName(seg.includes("{{") ? render(seg, vars) : seg))
        .join("/");
      const raw = await readFile(src);
      const content = e.name.endsWith(".hbs") ? Buffer.from(render(raw.toString("utf8"), vars), "utf8") : raw;
      // Local secrets (.connector/) are readable by the owner only.
      const mode = outPath.startsWith(".connector/") ? 0o600 : st.mode & 0o111 ? 0o755 : 0o644;
      files.push({ path: outPath, content, mode });
    }
  };
  await walk("");
  return files;
}

export interface WriteResult {
  written: string[];
  skipped: string[];
}

/** True when `dir` does not exist or holds nothing. */
export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

/**
 * Writes rendered files under `target`. Never overwrites: every file is created exclusively, and an
 * existing file is skipped (only allowed with `force`; without it a non-empty target is refused
 * before anything is written). If writing fails midway, what this call created is removed again.
 */
export async function writeProject(
  target: string,
  files: RenderedFile[],
  options: { force: boolean },
): Promise<WriteResult> {
  if (existsSync(target)) {
    const st = await lstat(target);
    if (!st.isDirectory()) {
      throw new CliError("TARGET_NOT_DIRECTORY", `${target} exists and is not a directory.`, {
        hint: "Choose another target directory.",
      });
    }
    if (!options.force && !(await isEmptyDir(target))) {
      throw new CliError("TARGET_NOT_EMPTY", `${target} is not empty; nothing was written.`, {
        hint: "Choose an empty or new directory, or pass --force to add only the files that do not exist yet.",
        exitCode: ExitCode.Usage,
      });
    }
  }
  const createdDirs: string[] = [];
  const createdFiles: string[] = [];
  const result: WriteResult = { written: [], skipped: [] };
  const ensureDir = async (dir: string) => {
    const missing: string[] = [];
    let d = dir;
    while (!existsSync(d)) {
      missing.unshift(d);
      d = path.dirname(d);
    }
    for (const m of missing) {
      await mkdir(m);
      createdDirs.push(m);
    }
  };
  try {
    for (const f of files) {
      const abs = path.join(target, ...f.path.split("/"));
      await ensureDir(path.dirname(abs));
      try {
        await writeFile(abs, f.content, { flag: "wx", mode: f.mode });
        createdFiles.push(abs);
        result.written.push(f.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
          result.skipped.push(f.path);
          continue;
        }
        throw error;
      }
    }
  } catch (error) {
    for (const f of createdFiles.reverse()) await rm(f, { force: true });
    for (const d of createdDirs.reverse()) await rmdir(d).catch(() => {});
    throw new CliError("WRITE_FAILED", `Could not write the project: ${(error as Error).message}.`, {
      hint: "Nothing was left behind; check permissions and free space, then re-run.",
      cause: error,
    });
  }
  return result;
}
