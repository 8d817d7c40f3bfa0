import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ErrorObject } from "ajv";
import { CliError, ExitCode } from "../ui/errors.js";
import { closest } from "../ui/suggest.js";
import { listSettings, type SettingInfo, settingInfo } from "./schema.js";
import { validate } from "./schema-validator.generated.js";
import type { ConnectorConfig, SettingSource } from "./types.js";

export const PROJECT_FILE = "connector.json";

/** Walks from `cwd` up to the filesystem root and returns the first connector.json found. */
export function findProjectFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, PROJECT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface LoadProjectOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, keyed by setting path (`aws.region`). Undefined = not given. */
  flags?: Record<string, unknown>;
  /** How each flag is spelled, for error messages (`{"aws.region": "--region"}`). */
  flagNames?: Record<string, string>;
  /** Fail when no connector.json is found (default true). */
  required?: boolean;
}

/** A loaded project: the merged settings (flags > CONNECTOR_* env > connector.json > defaults). */
export class Project {
  constructor(
    /** Directory that holds connector.json (or the cwd when there is none). */
    readonly root: string,
    /** Absolute path of connector.json, when one was found. */
    readonly file: string | undefined,
    /** connector.json merged with env and flags; schema defaults are not materialised here. */
    readonly config: ConnectorConfig,
    private readonly sources: ReadonlyMap<string, SettingSource>,
  ) {}

  /** Effective value of a setting, falling back to the schema default. */
  get<T = unknown>(settingPath: string): T | undefined {
    const v = getPath(this.config, settingPath);
    if (v !== undefined) return v as T;
    return settingInfo(settingPath)?.default as T | undefined;
  }

  /** Where the effective value of a setting came from. */
  source(settingPath: string): SettingSource | undefined {
    const s = this.sources.get(settingPath);
    if (s) return s;
    if (getPath(this.config, settingPath) !== undefined) return "file";
    return settingInfo(settingPath)?.default !== undefined ? "default" : undefined;
  }

  /** Resolves a path relative to the project root. */
  resolve(...parts: string[]): string {
    return path.resolve(this.root, ...parts);
  }
}

/**
 * Loads connector.json from `cwd` upward, overlays CONNECTOR_* environment variables and flags,
 * and validates the result against the schema. Errors name the file, the JSON path (or the env
 * variable / flag that supplied the value) and what was expected.
 */
export async function loadProject(options: LoadProjectOptions): Promise<Project> {
  const env = options.env ?? process.env;
  const file = findProjectFile(options.cwd);
  let fileConfig: Record<string, unknown> = {};
  if (file) {
    fileConfig = parseProjectJson(await readFile(file, "utf8"), file);
  } else if (options.required ?? true) {
    throw new CliError(
      "PROJECT_NOT_FOUND",
      `No ${PROJECT_FILE} in ${path.resolve(options.cwd)} or any parent.`,
      {
        hint: "Run the command inside a connector project, pass --cwd <dir>, or create one with `connector init`.",
      },
    );
  }
  const sources = new Map<string, SettingSource>();
  const merged = structuredClone(fileConfig);
  for (const info of listSettings()) {
    const raw = env[info.env];
    if (raw === undefined || raw === "") continue;
    setPath(merged, info.path, coerceEnv(info, raw));
    sources.set(info.path, "env");
  }
  for (const [p, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    setPath(merged, p, value);
    sources.set(p, "flag");
  }
  if (file || Object.keys(merged).length > 0) {
    validateConfig(merged, {
      file: file ?? "(no connector.json)",
      sources,
      flagNames: options.flagNames ?? {},
      partial: !file,
    });
  }
  const root = file ? path.dirname(file) : path.resolve(options.cwd);
  return new Project(root, file, merged as unknown as ConnectorConfig, sources);
}

/** Parses connector.json text; a syntax error names the line and column. */
export function parseProjectJson(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const pos = /position (\d+)/.exec(message);
    const where = pos ? ` at ${lineColumn(text, Number(pos[1]))}` : "";
    throw new CliError("PROJECT_INVALID_JSON", `${file}${where}: not valid JSON (${message}).`, {
      hint: "Fix the JSON syntax; connector.json is strict JSON (no comments, no trailing commas).",
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError("PROJECT_INVALID", `${file}: the top level must be a JSON object.`, {
      hint: 'Start from `{"name": "...", "version": "1.0.0", "kind": "appflow", ...}` or run `connector init`.',
    });
  }
  return value as Record<string, unknown>;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `${line}:${column}`;
}

function coerceEnv(info: SettingInfo, raw: string): unknown {
  const bad = (expected: string) =>
    new CliError(
      "CONFIG_INVALID_ENV",
      `${info.env}=${JSON.stringify(raw)} is not valid: expected ${expected}.`,
      {
        hint: `Fix or unset ${info.env}; it overrides ${info.path} in connector.json.`,
      },
    );
  switch (info.type) {
    case "integer":
      if (!/^-?\d+$/.test(raw.trim())) throw bad("an integer");
      return Number(raw.trim());
    case "number":
      if (!Number.isFinite(Number(raw)) || raw.trim() === "") throw bad("a number");
      return Number(raw);
    case "boolean": {
      const v = raw.trim().toLowerCase();
      if (["true", "1", "yes"].includes(v)) return true;
      if (["false", "0", "no"].includes(v)) return false;
      throw bad("true or false");
    }
    case "string[]":
      return raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "object":
      try {
        return JSON.parse(raw);
      } catch {
        throw bad("a JSON object");
      }
    default:
      return raw;
  }
}

interface ValidateContext {
  file: string;
  sources: ReadonlyMap<string, SettingSource>;
  flagNames: Record<string, string>;
  /** Without a connector.json only overridden values are checked (no required fields). */
  partial: boolean;
}

function validateConfig(config: Record<string, unknown>, ctx: ValidateContext): void {
  // Precompiled from the schema at build time (scripts/gen-schema-validator.mjs): no Ajv compile here.
  if (validate(config)) return;
  const errors = (validate.errors ?? []).filter(
    (e) => !(ctx.partial && (e.keyword === "required" || e.keyword === "if" || e.keyword === "not")),
  );
  // `if`/`then` failures are reported through their inner errors; drop the wrapper noise.
  const relevant = errors.filter((e) => e.keyword !== "if");
  if (relevant.length === 0) return;
  const problems = dedupe(relevant.map((e) => describeError(e, ctx)));
  const first = problems[0] ?? "invalid configuration";
  const more = problems.length > 1 ? `\n${problems.map((p) => `  - ${p}`).join("\n")}` : "";
  throw new CliError(
    "PROJECT_INVALID",
    problems.length > 1 ? `${ctx.file}: ${problems.length} problems:${more}` : `${ctx.file}: ${first}`,
    {
      hint: "Fix the values named above (the schema is connectorkit/connector.schema.json; see docs/connector-json.md).",
      details: { problems },
      exitCode: ExitCode.Usage,
    },
  );
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function describeError(e: ErrorObject, ctx: ValidateContext): string {
  const p = pointerToPath(e.instancePath);
  const source = ctx.sources.get(p);
  const where =
    source === "env"
      ? `${settingInfo(p)?.env ?? p} (environment)`
      : source === "flag"
        ? `${ctx.flagNames[p] ?? p} (flag)`
        : p || "(top level)";
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${where}: missing required property "${String(params.missingProperty)}"`;
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      return `${where}: unknown property "${extra}"${suggest(extra, p)}`;
    }
    case "enum":
      return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "type":
      return `${where}: must be ${String(params.type)}`;
    case "maxLength":
      return `${where}: must be at most ${String(params.limit)} characters`;
    case "minLength":
      return `${where}: must be at least ${String(params.limit)} character${params.limit === 1 ? "" : "s"}`;
    case "pattern":
      return `${where}: must match ${String(params.pattern)}${settingHelp(p)}`;
    case "not":
      return `${where}: a "${p === "" ? "kind" : p}" project must not have this section (see "kind")`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

function settingHelp(p: string): string {
  const d = settingInfo(p)?.description;
  return d ? ` (${d})` : "";
}

function suggest(name: string, parent: string): string {
  const prefix = parent ? `${parent}.` : "";
  const candidates = listSettings()
    .map((s) => s.path)
    .filter((s) => s.startsWith(prefix))
    .map((s) => s.slice(prefix.length).split(".")[0] ?? "");
  const best = closest(name, [...new Set(candidates)]);
  return best ? ` (did you mean "${best}"?)` : "";
}

export function getPath(obj: unknown, p: string): unknown {
  let cur: unknown = obj;
  for (const seg of p.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, p: string, value: unknown): void {
  const segs = p.split(".");
  let cur = obj;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1] as string] = value;
}
