/**
 * The Glue half of `connector test`: config.json, the jars, the per-type class checks, the deep
 * link (shared/reference/glue-marketplace.md §4, §6, §8) and, when Java is installed, a real load
 * of a JDBC driver by JdbcProbe.java (acceptsURL for each URL template, optionally a connection
 * and SELECT 1). Never prints: progress goes to `options.onEvent`, results are returned.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildConfigJson,
  checkConfigAgainstDeepLink,
  type Issue,
  toDeepLinkType,
  validateConfigJson,
} from "../glue/config-json.js";
import {
  type DeepLinkInput,
  type JdbcUrlTemplate,
  MARKETPLACE_REGISTRY_ACCOUNT,
  validateDeepLink,
} from "../glue/deeplink.js";
import {
  checkJars,
  classFileName,
  collectJarFiles,
  inspectJars,
  type JarCheckResult,
  type JarSet,
  SPARK_DATA_SOURCE_SERVICE,
} from "../glue/jars.js";
import { findExecutable } from "../project/files.js";
import type { ConnectorConfig, Project } from "../project/index.js";
import { isCliError } from "../ui/errors.js";
import { type CheckInfo, type CheckResult, type SuiteOptions, selected } from "./types.js";

export interface GlueCheckOptions extends SuiteOptions {
  /** Connect to this JDBC URL and run SELECT 1 (glue.jdbc.connect). */
  jdbcUrl?: string;
  /** User and password for the connection; sent to Java on stdin, never on its command line. */
  jdbcUser?: string;
  jdbcPassword?: string;
  /** Warnings (AWS's style rules, unverifiable Spark short names, …) fail instead of passing. */
  strict?: boolean;
  /** A JDBC driver missing from META-INF/services/java.sql.Driver is a warning, not a failure. */
  lenient?: boolean;
  /** Where the compiled JdbcProbe is cached (default `$XDG_CACHE_HOME/connectorkit/java`). */
  javaCacheDir?: string;
  /** The java executable (default: `java` on PATH, then `$JAVA_HOME/bin/java`). */
  java?: string;
  /** Limit for one Java run (default 20 s); the connection gets this minus 5 s. */
  javaTimeoutMs?: number;
  /** Environment for finding java and the cache directory (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The catalogue of Glue checks, in the order they run (docs/test.md is generated from it). */
export const GLUE_CHECKS: CheckInfo[] = [
  check("glue.config.keys", "config.json has all eight keys, each a non-empty string"),
  check(
    "glue.config.formats",
    "config.json values have the right format (timestamp, MARKETPLACE, class name, connector type, version)",
  ),
  check("glue.jars.present", "The connector has at least one jar (glue.jars)"),
  check("glue.jars.zip", "Every jar opens as a ZIP archive"),
  check("glue.jdbc.class", "JDBC: the driver class file is in a jar"),
  check("glue.jdbc.services", "JDBC: the driver is listed in META-INF/services/java.sql.Driver"),
  check(
    "glue.spark.resolve",
    "Spark: the format resolves (registered short name, class, or package with DefaultSource)",
  ),
  check("glue.spark.services", "Spark: every class listed as a DataSourceRegister exists in the jars"),
  check("glue.athena.class", "Athena: the connector class (or its handler pair) is in a jar"),
  check("glue.deeplink.fields", "The deep-link fields follow Glue Studio's rules"),
  check(
    "glue.deeplink.consistency",
    "config.json classname, connectortype and version match the deep link and the image tag",
  ),
  check("glue.jdbc.load", "JDBC (Java): the driver loads from the jars and ServiceLoader finds it"),
  check(
    "glue.jdbc.accepts-url",
    "JDBC (Java): the driver accepts every deep-link URL template (sample values filled in)",
  ),
  check("glue.jdbc.connect", "JDBC (Java): the driver connects to --jdbc-url and runs SELECT 1"),
];

function check(id: string, title: string): CheckInfo {
  return { id, title, family: id.split(".").slice(0, 2).join(".") };
}

/** What one check concluded (the runner adds id, title, family and duration). */
interface Outcome {
  notApplicable?: boolean;
  status: "pass" | "fail" | "skip";
  reason?: string;
  details?: Record<string, unknown>;
}

/**
 * Runs the selected Glue checks on a project. Each result is pass, fail or skip with a reason
 * that says what is wrong, where, and how to fix it; warnings pass with their text as the reason
 * and fail with `strict`. Stops after the first failure with `bail`.
 */
export async function glueChecks(project: Project, options: GlueCheckOptions = {}): Promise<CheckResult[]> {
  const ctx = new GlueContext(project, options);
  const results: CheckResult[] = [];
  for (const info of GLUE_CHECKS) {
    if (!selected(info.id, options)) continue;
    options.onEvent?.({ type: "step", id: info.id, status: "start", title: info.title });
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await RUNNERS[info.id]!(ctx);
    } catch (error) {
      const message = isCliError(error)
        ? `${error.message}${error.hint ? ` ${error.hint}` : ""}`
        : String((error as Error)?.message ?? error);
      outcome = { status: "fail", reason: `The check could not run: ${ctx.mask(message)}` };
    }
    const result: CheckResult = {
      id: info.id,
      title: info.title,
      family: info.family,
      status: outcome.status,
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      ...(outcome.notApplicable ? { notApplicable: true } : {}),
      durationMs: Math.round(performance.now() - started),
      ...(outcome.details !== undefined ? { details: outcome.details } : {}),
    };
    results.push(result);
    options.onEvent?.({
      type: "step",
      id: info.id,
      status: outcome.status === "pass" ? "done" : outcome.status,
      title: info.title,
      ...(outcome.reason !== undefined ? { detail: outcome.reason } : {}),
    });
    if (options.bail && outcome.status === "fail") break;
  }
  return results;
}

// ---- shared state ---------------------------------------------------------------------------

type ConnectorKind = "JDBC" | "Spark" | "Athena";

interface ConfigJsonSource {
  /** `generated` from connector.json (what `connector package` writes), or a file on disk. */
  source: "generated" | "file";
  /** The hand-written file, relative to the project root. */
  file?: string;
  value?: unknown;
  /** Why there is no value: no glue section, or the file is not JSON. */
  error?: string;
}

interface JarFiles {
  entries: string[];
  missing: string[];
  files: string[];
}

interface DeepLinkState {
  fields: DeepLinkInput & { connectorType: string };
  region?: string;
}

/** Lazily computed, shared inputs of the checks; each is computed at most once. */
class GlueContext {
  readonly config: Partial<ConnectorConfig>;
  readonly strict: boolean;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly project: Project,
    readonly options: GlueCheckOptions,
  ) {
    this.config = project.config as Partial<ConnectorConfig>;
    this.strict = options.strict === true;
  }

  get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  /** The connector type in config.json spelling, or undefined when unknown. */
  get kind(): ConnectorKind | undefined {
    const t = this.config.glue?.connectorType;
    const d = t === undefined ? undefined : toDeepLinkType(t);
    return d === "Jdbc" ? "JDBC" : d;
  }

  rel(p: string): string {
    return path.relative(this.project.root, p) || ".";
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
    }
    return p;
  }

  /** Replaces the password and any password=… in a text meant for the results. */
  mask(text: string): string {
    let out = text;
    const secret = this.options.jdbcPassword;
    if (secret && secret.length >= 4) out = out.split(secret).join("***");
    return out
      .replace(/((?:password|passwd|pwd)\s*=\s*)[^;&\s,)]*/gi, "$1***")
      .replace(/(\/\/[^/:@\s]+:)[^/@\s]+@/g, "$1***@");
  }

  configJson(): Promise<ConfigJsonSource> {
    return this.once("config", async () => {
      for (const dir of await this.jarDirectories()) {
        const file = path.join(dir, "config.json");
        if (!existsSync(file)) continue;
        const text = await readFile(file, "utf8");
        try {
          return { source: "file", file: this.rel(file), value: JSON.parse(text) as unknown };
        } catch (error) {
          return {
            source: "file",
            file: this.rel(file),
            error:
              `${this.rel(file)} is not valid JSON (${(error as Error).message}); fix it, or delete it to ` +
              "let `connector package` generate config.json from connector.json.",
          };
        }
      }
      try {
        return { source: "generated", value: buildConfigJson(this.config as ConnectorConfig) };
      } catch (error) {
        const message = isCliError(error) ? `${error.message} ${error.hint ?? ""}`.trim() : String(error);
        return { source: "generated", error: message };
      }
    });
  }

  private async jarDirectories(): Promise<string[]> {
    const out: string[] = [];
    for (const entry of this.jarEntries()) {
      const abs = this.project.resolve(entry);
      try {
        if ((await stat(abs)).isDirectory()) out.push(abs);
      } catch {
        // reported by glue.jars.present
      }
    }
    return out;
  }

  jarEntries(): string[] {
    return this.config.glue?.jars ?? this.project.get<string[]>("glue.jars") ?? ["jars"];
  }

  jarFiles(): Promise<JarFiles> {
    return this.once("jarFiles", async () => {
      const entries = this.jarEntries();
      const missing: string[] = [];
      const present: string[] = [];
      for (const entry of entries) {
        const abs = this.project.resolve(entry);
        if (existsSync(abs)) present.push(abs);
        else missing.push(entry);
      }
      return { entries, missing, files: await collectJarFiles(present) };
    });
  }

  jarSet(): Promise<JarSet> {
    return this.once("jarSet", async () => inspectJars((await this.jarFiles()).files));
  }

  jarChecks(): Promise<JarCheckResult[]> {
    return this.once("jarChecks", async () => {
      const glue = this.config.glue;
      if (!glue) return [];
      return checkJars(await this.jarSet(), {
        connectorType: glue.connectorType,
        className: glue.className,
        lenient: this.options.lenient === true,
      });
    });
  }

  deepLink(): DeepLinkState {
    return deepLinkFromConfig(this.config);
  }

  probe(): Promise<ProbeOutcome> {
    return this.once("probe", () => runProbe(this));
  }
}

// ---- outcome helpers --------------------------------------------------------------------------

const pass = (details?: Record<string, unknown>): Outcome => ({
  status: "pass",
  ...(details ? { details } : {}),
});
const skip = (reason: string): Outcome => ({ status: "skip", reason });
/** A skip because the check does not apply to this kind of connector (not a failure under --strict). */
const na = (reason: string): Outcome => ({ status: "skip", reason, notApplicable: true });

/**
 * Errors fail; warnings pass with their text as the reason, or fail with `strict` (except
 * `advisory` ones, which never fail).
 */
function judge(
  ctx: GlueContext,
  errors: string[],
  warnings: string[],
  details?: Record<string, unknown>,
  advisory: string[] = [],
): Outcome {
  const extra = details ? { details } : {};
  const allWarnings = [...warnings, ...advisory];
  if (errors.length > 0) {
    const rest = allWarnings.length > 0 ? `\nAlso (warnings): ${allWarnings.join("\n")}` : "";
    return { status: "fail", reason: errors.join("\n") + rest, ...extra };
  }
  if (warnings.length > 0 && ctx.strict) {
    return {
      status: "fail",
      reason:
        `${allWarnings.join("\n")}\n` +
        `(warning${warnings.length > 1 ? "s" : ""}; --strict makes them failures)`,
      ...extra,
    };
  }
  if (allWarnings.length > 0)
    return { status: "pass", reason: `Warning: ${allWarnings.join("\n")}`, ...extra };
  return { status: "pass", ...extra };
}

// ---- config.json ------------------------------------------------------------------------------

/** validateConfigJson rules that are about the keys being there (the rest are formats). */
const KEY_RULES = new Set([
  "config.object",
  "config.required",
  "config.string",
  "config.non-empty",
  "config.unknown-key",
  "config.version",
]);

/** Where each generated config.json value comes from in connector.json. */
const CONFIG_SOURCES: Record<string, string> = {
  releasetimestamp: "glue.releaseTimestamp",
  classname: "glue.className",
  publishername: "glue.publisherName",
  connectortype: "glue.connectorType",
  version: "version",
  description: "glue.description",
  supportinformation: "glue.supportInformation",
};

function where(source: ConfigJsonSource, issue: Issue): string {
  if (source.source === "file") return `${issue.message} [${source.file}]`;
  const from = CONFIG_SOURCES[issue.field];
  return from ? `${issue.message} [connector.json ${from}]` : issue.message;
}

async function configCheck(ctx: GlueContext, keys: boolean): Promise<Outcome> {
  const source = await ctx.configJson();
  if (source.error !== undefined) {
    return keys ? { status: "fail", reason: source.error } : skip(`No config.json to check: ${source.error}`);
  }
  const v = validateConfigJson(source.value);
  const mine = (i: Issue) => KEY_RULES.has(i.rule ?? "") === keys;
  const details = {
    source: source.source === "file" ? source.file : "generated from connector.json",
    ...(keys ? { config: v.normalized } : {}),
  };
  if (!keys && v.errors.some((i) => i.rule === "config.object")) {
    return skip("config.json is not a JSON object (see glue.config.keys).");
  }
  return judge(
    ctx,
    v.errors.filter(mine).map((i) => where(source, i)),
    v.warnings.filter(mine).map((i) => where(source, i)),
    details,
  );
}

// ---- jars -------------------------------------------------------------------------------------

async function jarsPresent(ctx: GlueContext): Promise<Outcome> {
  const { entries, missing, files } = await ctx.jarFiles();
  const errors = missing.map(
    (entry) =>
      `glue.jars lists "${entry}", but ${ctx.project.resolve(entry)} does not exist; create it and put the ` +
      "connector's .jar files there, or fix glue.jars in connector.json.",
  );
  if (files.length === 0) {
    const how =
      ctx.kind === "JDBC" && existsSync(ctx.project.resolve("build.sh"))
        ? "Build the driver with ./build.sh, or copy your driver jar into jars/."
        : "Copy the connector's jar (and the dependencies Glue does not provide) into jars/.";
    errors.push(
      `No .jar file found in ${entries.map((e) => `"${e}"`).join(", ")} (glue.jars in connector.json): ` +
        `a Glue connector needs at least one jar. ${how}`,
    );
  }
  return judge(ctx, errors, [], { jars: files.map((f) => ctx.rel(f)) });
}

async function jarsZip(ctx: GlueContext): Promise<Outcome> {
  const { files } = await ctx.jarFiles();
  if (files.length === 0) return skip("No jar to open (see glue.jars.present).");
  const set = await ctx.jarSet();
  const errors = set.problems.map((p) => p.message);
  return judge(ctx, errors, [], {
    jars: set.jars.map((j) => ({ path: ctx.rel(j.path), ok: j.ok, entries: j.entryCount })),
  });
}

/** Why a per-type jar check does not apply, or undefined when it does. */
async function typeGate(ctx: GlueContext, kind: ConnectorKind): Promise<string | undefined> {
  const glue = ctx.config.glue;
  if (!glue) return 'connector.json has no "glue" section, so there is no connector type or class to check.';
  if (ctx.kind !== kind) {
    return `Applies to ${kind} connectors; this one is ${glue.connectorType} (glue.connectorType).`;
  }
  const set = await ctx.jarSet();
  if (!set.jars.some((j) => j.ok)) {
    return "No readable jar to look in (see glue.jars.present and glue.jars.zip).";
  }
  if ((await ctx.jarChecks()).some((r) => r.id === "classname.syntax")) {
    return (
      `glue.className ${JSON.stringify(glue.className)} is not a dotted Java name ` +
      "(see glue.config.formats)."
    );
  }
  return undefined;
}

async function jarCheck(
  ctx: GlueContext,
  kind: ConnectorKind,
  ids: JarCheckResult["id"][],
  details: (set: JarSet) => Record<string, unknown>,
): Promise<Outcome> {
  if (ctx.config.glue && ctx.kind !== kind) {
    return na(
      `Applies to ${kind} connectors; this one is ${ctx.config.glue.connectorType} (glue.connectorType).`,
    );
  }
  const gate = await typeGate(ctx, kind);
  if (gate) return skip(gate);
  const found = (await ctx.jarChecks()).filter((r) => ids.includes(r.id));
  return judge(
    ctx,
    found.filter((r) => r.severity === "error").map((r) => r.message),
    found.filter((r) => r.severity === "warning").map((r) => r.message),
    details(await ctx.jarSet()),
  );
}

function className(ctx: GlueContext): string {
  return ctx.config.glue?.className ?? "";
}

function jdbcClass(ctx: GlueContext): Promise<Outcome> {
  return jarCheck(ctx, "JDBC", ["jdbc.driver-class"], (set) => {
    const jar = set.jarWithEntry(classFileName(className(ctx)));
    return { className: className(ctx), ...(jar ? { jar: ctx.rel(jar) } : {}) };
  });
}

function jdbcServices(ctx: GlueContext): Promise<Outcome> {
  return jarCheck(ctx, "JDBC", ["jdbc.driver-service"], (set) => ({
    services: set
      .servicesFor("java.sql.Driver")
      .map((f) => ({ jar: ctx.rel(f.jar), providers: f.providers })),
  }));
}

function sparkResolve(ctx: GlueContext): Promise<Outcome> {
  return jarCheck(ctx, "Spark", ["spark.format", "spark.short-name"], (set) => {
    const format = className(ctx);
    const via = set.hasClass(format)
      ? "class"
      : set.hasClass(`${format}.DefaultSource`)
        ? "DefaultSource"
        : set.servicesFor(SPARK_DATA_SOURCE_SERVICE).length > 0 && !format.includes(".")
          ? "short name (unverified)"
          : "none";
    return { format, resolvedVia: via };
  });
}

function sparkServices(ctx: GlueContext): Promise<Outcome> {
  return jarCheck(ctx, "Spark", ["spark.registered-classes"], (set) => ({
    registered: set
      .servicesFor(SPARK_DATA_SOURCE_SERVICE)
      .map((f) => ({ jar: ctx.rel(f.jar), providers: f.providers })),
  }));
}

function athenaClass(ctx: GlueContext): Promise<Outcome> {
  return jarCheck(ctx, "Athena", ["athena.class"], () => ({ className: className(ctx) }));
}

// ---- deep link --------------------------------------------------------------------------------

/** Where each deep-link field is set in connector.json, for messages. */
const LINK_SOURCES: Record<string, string> = {
  connectorName: "deeplink.connectorName",
  connectorType: "glue.connectorType",
  connectorDescription: "deeplink.connectorDescription (or glue.description)",
  connectorUrl: "deeplink.connectorUrl (or image.registryId + image.repository)",
  connectorVersion: "deeplink.connectorVersion (or version)",
  connectorClassName: "glue.className",
  connectionAccessJdbcURLFormat: "deeplink.jdbcUrlTemplates",
  connectionAccessJdbcURLParamsDelimiter: "deeplink.paramsDelimiter",
  region: "deeplink.region",
};

/**
 * The deep-link fields `connector deeplink` would use without flags. This duplicates the few
 * lines of src/commands/deeplink.ts that read connector.json (a command module, which domain code
 * must not import): same sources, same defaults.
 */
function deepLinkFromConfig(config: Partial<ConnectorConfig>): DeepLinkState {
  const file = config.deeplink ?? {};
  const glue = config.glue;
  let description = file.connectorDescription;
  if (description === undefined && glue?.description && /^[A-Za-z0-9 .,;]*$/.test(glue.description)) {
    description = glue.description;
  }
  const connectorUrl = file.connectorUrl ?? marketplaceUrl(config) ?? "";
  const type = glue?.connectorType;
  const fields: DeepLinkState["fields"] = {
    connectorName: file.connectorName ?? "",
    connectorType: type === undefined ? "" : (toDeepLinkType(type) ?? type),
    ...(description !== undefined ? { connectorDescription: description } : {}),
    connectorUrl,
    connectorVersion: file.connectorVersion ?? config.version ?? "",
    connectorClassName: glue?.className ?? "",
    ...(file.jdbcUrlTemplates !== undefined ? { jdbcUrlTemplates: file.jdbcUrlTemplates } : {}),
    ...(file.paramsDelimiter !== undefined ? { paramsDelimiter: file.paramsDelimiter } : {}),
  };
  return { fields, ...(file.region !== undefined ? { region: file.region } : {}) };
}

/** Same rule as `connector deeplink`: derivable only for the Marketplace registry (us-east-1). */
function marketplaceUrl(config: Partial<ConnectorConfig>): string | undefined {
  const image = config.image;
  if (!image?.repository || image.registryId !== MARKETPLACE_REGISTRY_ACCOUNT) return undefined;
  const tag = image.tag ?? config.version;
  if (!tag) return undefined;
  return `https://${MARKETPLACE_REGISTRY_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${image.repository}:${tag}`;
}

function linkWhere(issue: Issue): string {
  const from = LINK_SOURCES[issue.field.replace(/\[\d+\]$/, "")];
  return from ? `${issue.message} [connector.json ${from}]` : issue.message;
}

async function deepLinkFields(ctx: GlueContext): Promise<Outcome> {
  const { fields, region } = ctx.deepLink();
  const v = validateDeepLink(fields, { strict: false, ...(region !== undefined ? { region } : {}) });
  const errors: string[] = [];
  const warnings: string[] = [];
  const advisory: string[] = [];
  for (const issue of v.errors) {
    if (issue.field === "connectorUrl" && fields.connectorUrl === "") {
      // Before the Marketplace product exists there is no URL to give: not a failure of the code.
      warnings.push(
        "connectorUrl is not set yet: Glue Studio needs the image URL in the AWS Marketplace registry, " +
          `https://${MARKETPLACE_REGISTRY_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/<repository>:<version>. ` +
          "Set deeplink.connectorUrl (or image.registryId 709825985650 and image.repository) " +
          "in connector.json " +
          "once the Marketplace product's repository exists.",
      );
      continue;
    }
    errors.push(linkWhere(issue));
  }
  for (const issue of v.warnings) {
    // The image tag is compared by glue.deeplink.consistency, where a mismatch is an error.
    if (issue.rule === "version.image-tag") continue;
    (issue.rule === "description.words" ? advisory : warnings).push(linkWhere(issue));
  }
  const templates = fields.jdbcUrlTemplates ?? [];
  return judge(
    ctx,
    errors,
    warnings,
    {
      connectorName: fields.connectorName,
      connectorType: fields.connectorType,
      connectorUrl: fields.connectorUrl,
      connectorVersion: fields.connectorVersion,
      connectorClassName: fields.connectorClassName,
      ...(templates.length > 0 ? { jdbcUrlTemplates: templates.map((t) => t.title) } : {}),
    },
    advisory,
  );
}

const ECR_URL_TAG = /^https:\/\/\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[^:@]+:([^:@]+)$/;

async function deepLinkConsistency(ctx: GlueContext): Promise<Outcome> {
  const source = await ctx.configJson();
  if (source.error !== undefined || typeof source.value !== "object" || source.value === null) {
    return skip("No config.json to compare (see glue.config.keys).");
  }
  const cfg = validateConfigJson(source.value).normalized;
  const { fields } = ctx.deepLink();
  const link = {
    ...(fields.connectorType !== "" ? { connectorType: fields.connectorType } : {}),
    ...(fields.connectorClassName ? { connectorClassName: fields.connectorClassName } : {}),
    ...(fields.connectorVersion ? { connectorVersion: fields.connectorVersion } : {}),
  };
  const imageTag = ctx.config.image?.tag;
  const issues = checkConfigAgainstDeepLink(cfg, link, imageTag);
  const urlTag = ECR_URL_TAG.exec(fields.connectorUrl ?? "")?.[1];
  if (urlTag !== undefined && urlTag !== imageTag) {
    for (const issue of checkConfigAgainstDeepLink(cfg, {}, urlTag)) {
      issues.push({ ...issue, message: issue.message.replace("the image tag", "the tag in connectorUrl") });
    }
  }
  const side = source.source === "file" ? `[${source.file} vs connector.json]` : "[connector.json]";
  return judge(
    ctx,
    issues.map((i) => `${i.message} ${side}`),
    [],
    {
      config: { classname: cfg.classname, connectortype: cfg.connectortype, version: cfg.version },
      deepLink: link,
      ...(imageTag !== undefined ? { imageTag } : {}),
      ...(urlTag !== undefined ? { connectorUrlTag: urlTag } : {}),
    },
  );
}

// ---- Java: JdbcProbe --------------------------------------------------------------------------

const PROBE_CLASS = "JdbcProbe";
const DEFAULT_JAVA_TIMEOUT_MS = 20_000;
const COMPILE_TIMEOUT_MS = 120_000;

/** The folder that holds JdbcProbe.java: beside this module, or next to the bundle in dist/. */
export function javaSourceDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [
    path.join(here, "java"),
    path.join(here, "../conformance/java"),
    path.join(here, "../src/conformance/java"),
  ]) {
    if (existsSync(path.join(candidate, `${PROBE_CLASS}.java`))) return candidate;
  }
  return undefined;
}

/** `$XDG_CACHE_HOME/connectorkit/java`, or `~/.cache/connectorkit/java`. */
export function defaultJavaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return path.join(base ?? path.join(os.homedir(), ".cache"), "connectorkit", "java");
}

const SAMPLE_PORTS: Record<string, string> = {
  postgresql: "5432",
  redshift: "5439",
  mysql: "3306",
  mariadb: "3306",
  sqlserver: "1433",
  jtds: "1433",
  oracle: "1521",
  db2: "50000",
  snowflake: "443",
  h2: "9092",
};

/**
 * A JDBC URL template with a sample value for every `${Placeholder}`: Host → localhost, Port → the
 * usual port of the subprotocol (5432 otherwise), Database → test, Username and Password → sample
 * strings, anything else → sample.
 */
export function sampleJdbcUrl(template: string): string {
  const sub = /^jdbc:([^:]+)/.exec(template)?.[1]?.toLowerCase() ?? "";
  return template.replace(/\$\{([^}]*)\}/g, (_, key: string) => {
    const k = key.toLowerCase().replace(/[\s_.-]/g, "");
    if (["host", "hostname", "server", "servername", "endpoint", "address"].includes(k)) return "localhost";
    if (k === "port" || k === "portnumber") return SAMPLE_PORTS[sub] ?? "5432";
    if (["database", "db", "dbname", "databasename", "catalog"].includes(k)) return "test";
    if (["username", "user", "userid", "uid", "login"].includes(k)) return "sample_user";
    if (["password", "pass", "passwd", "pwd"].includes(k)) return "sample_password";
    return "sample";
  });
}

interface ProbeLoad {
  ok: boolean;
  stage?: string;
  error?: string;
  location?: string;
  version?: string;
  serviceListed?: boolean;
  serviceProviders?: string[];
  serviceErrors?: string[];
}

interface ProbeResult {
  java?: string;
  error?: string;
  load?: ProbeLoad;
  accepts?: { url: string; accepted: boolean; error?: string }[];
  connect?: {
    ok: boolean;
    stage?: string;
    error?: string;
    sqlState?: string;
    product?: string;
    value?: string;
  };
}

type ProbeOutcome =
  | { kind: "unavailable"; reason: string }
  | { kind: "failed"; reason: string }
  | { kind: "ok"; result: ProbeResult; templates: { template: JdbcUrlTemplate; url: string }[] };

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
}

const MAX_OUTPUT = 1024 * 1024;

function runProcess(
  command: string,
  args: string[],
  options: { input?: string; cwd?: string; timeoutMs: number; env: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    const finish = (r: ProcessResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (c: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += c;
    });
    child.stderr.on("data", (c: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += c;
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      finish({ code: null, stdout, stderr, timedOut, spawnError: error }),
    );
    child.on("close", (code) => finish({ code, stdout, stderr, timedOut }));
    child.stdin.on("error", () => {
      // The process may exit before reading its input; its exit status tells what happened.
    });
    child.stdin.end(options.input ?? "");
  });
}

function findJava(ctx: GlueContext): string | undefined {
  const env = ctx.env;
  if (ctx.options.java !== undefined) return findExecutable(ctx.options.java, env);
  return (
    findExecutable("java", env) ??
    (env.JAVA_HOME ? findExecutable(path.join(env.JAVA_HOME, "bin", "java"), env) : undefined)
  );
}

function findJavac(java: string, env: NodeJS.ProcessEnv): string | undefined {
  const sibling = (p: string) => findExecutable(path.join(path.dirname(p), "javac"), env);
  let real: string | undefined;
  try {
    real = realpathSync(java);
  } catch {
    real = undefined;
  }
  return sibling(java) ?? (real ? sibling(real) : undefined) ?? findExecutable("javac", env);
}

/** Compiles JdbcProbe.java into `<cache>/<sha256 of the source>/` unless it is there already. */
async function ensureProbeCompiled(
  ctx: GlueContext,
  java: string,
): Promise<{ dir: string } | { unavailable: string }> {
  const sourceDir = javaSourceDir();
  if (!sourceDir) {
    return {
      unavailable:
        `connectorkit's ${PROBE_CLASS}.java was not found next to the installed package; ` +
        "reinstall connectorkit to run the Java checks.",
    };
  }
  const sourceFile = path.join(sourceDir, `${PROBE_CLASS}.java`);
  const source = await readFile(sourceFile);
  const hash = createHash("sha256").update(source).digest("hex");
  const root = ctx.options.javaCacheDir ?? defaultJavaCacheDir(ctx.env);
  const dir = path.join(root, hash);
  if (existsSync(path.join(dir, `${PROBE_CLASS}.class`))) return { dir };

  const javac = findJavac(java, ctx.env);
  if (!javac) {
    return {
      unavailable:
        `javac was not found next to ${java} or on PATH, so ${PROBE_CLASS} cannot be compiled: ` +
        "install a JDK (not only a JRE), version 8 or later.",
    };
  }
  await mkdir(root, { recursive: true });
  const tmp = await mkdtemp(path.join(root, `.tmp-${hash.slice(0, 12)}-`));
  const attempts = [["--release", "8"], ["-source", "8", "-target", "8"], []];
  let lastError = "";
  try {
    for (const flags of attempts) {
      const r = await runProcess(javac, [...flags, "-encoding", "UTF-8", "-nowarn", "-d", tmp, sourceFile], {
        timeoutMs: COMPILE_TIMEOUT_MS,
        env: ctx.env,
      });
      if (r.spawnError) {
        return { unavailable: `${javac} could not be started (${r.spawnError.message}).` };
      }
      if (r.code === 0 && existsSync(path.join(tmp, `${PROBE_CLASS}.class`))) {
        try {
          await rename(tmp, dir);
        } catch (error) {
          // Another run compiled it at the same time: theirs is as good as ours.
          if (!existsSync(path.join(dir, `${PROBE_CLASS}.class`))) throw error;
        }
        return { dir };
      }
      lastError = r.timedOut ? "javac timed out" : r.stderr.trim().split("\n").slice(0, 5).join(" ");
    }
    return { unavailable: `${javac} could not compile ${PROBE_CLASS}.java: ${lastError}` };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const NOT_JDBC = "Applies to JDBC connectors only (glue.connectorType).";

/** A skip from javaGate: "not a JDBC connector" does not apply; anything else could not run. */
function gateSkip(ctx: GlueContext, gate: string): Outcome {
  if (gate !== NOT_JDBC) return skip(gate);
  return na(
    `Applies to JDBC connectors; this one is ${ctx.config.glue?.connectorType} (glue.connectorType).`,
  );
}

/** Why the Java checks do not apply (before Java is even looked for), or undefined. */
async function javaGate(ctx: GlueContext): Promise<string | undefined> {
  if (ctx.config.glue && ctx.kind !== "JDBC") return NOT_JDBC;
  const gate = await typeGate(ctx, "JDBC");
  if (gate) return gate;
  const set = await ctx.jarSet();
  if (!set.hasClass(className(ctx))) {
    return (
      `The driver class ${className(ctx)} is in none of the jars (see glue.jdbc.class), ` +
      "so there is nothing to load."
    );
  }
  return undefined;
}

async function runProbe(ctx: GlueContext): Promise<ProbeOutcome> {
  const java = findJava(ctx);
  if (!java) {
    const which =
      ctx.options.java !== undefined
        ? `java was not found at ${ctx.options.java}`
        : "java was not found on PATH (nor in $JAVA_HOME/bin)";
    return {
      kind: "unavailable",
      reason:
        `${which}; install a JDK 8 or later to load the driver for real ` +
        "(the jar checks above ran without it).",
    };
  }
  const compiled = await ensureProbeCompiled(ctx, java);
  if ("unavailable" in compiled) return { kind: "unavailable", reason: compiled.unavailable };

  const { fields } = ctx.deepLink();
  const templates = selected("glue.jdbc.accepts-url", ctx.options)
    ? (fields.jdbcUrlTemplates ?? [])
        .filter((t) => t.url.trim() !== "")
        .map((template) => ({ template, url: sampleJdbcUrl(template.url) }))
    : [];
  const timeoutMs = ctx.options.javaTimeoutMs ?? DEFAULT_JAVA_TIMEOUT_MS;
  const wantConnect = ctx.options.jdbcUrl !== undefined && selected("glue.jdbc.connect", ctx.options);
  const request = {
    driver: className(ctx),
    jars: (await ctx.jarSet()).jars.filter((j) => j.ok).map((j) => path.resolve(j.path)),
    urls: templates.map((t) => t.url),
    ...(wantConnect
      ? {
          connect: {
            url: ctx.options.jdbcUrl,
            ...(ctx.options.jdbcUser !== undefined ? { user: ctx.options.jdbcUser } : {}),
            ...(ctx.options.jdbcPassword !== undefined ? { password: ctx.options.jdbcPassword } : {}),
            timeoutMs: Math.max(1000, timeoutMs - 5000),
          },
        }
      : {}),
  };
  // The request (which may hold a password) goes on stdin: command lines are visible to others.
  const r = await runProcess(java, ["-cp", compiled.dir, PROBE_CLASS], {
    input: JSON.stringify(request),
    cwd: ctx.project.root,
    timeoutMs,
    env: ctx.env,
  });
  if (r.spawnError) {
    return { kind: "unavailable", reason: `${java} could not be started (${r.spawnError.message}).` };
  }
  const stderrTail = ctx.mask(r.stderr.trim().split("\n").slice(-5).join(" "));
  if (r.timedOut) {
    return {
      kind: "failed",
      reason:
        `Java did not finish within ${Math.round(timeoutMs / 100) / 10} s while loading ${className(ctx)}` +
        (wantConnect ? " or connecting" : "") +
        ": a static initialiser that blocks (network, locks) would hang Glue jobs too." +
        (stderrTail ? ` stderr: ${stderrTail}` : ""),
    };
  }
  const line = r.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  let result: ProbeResult | undefined;
  try {
    result = line ? (JSON.parse(line) as ProbeResult) : undefined;
  } catch {
    result = undefined;
  }
  if (!result) {
    return {
      kind: "failed",
      reason:
        `Java exited with status ${r.code} without a result while loading ${className(ctx)}` +
        (stderrTail ? `: ${stderrTail}` : "."),
    };
  }
  return { kind: "ok", result, templates };
}

const LOAD_HINTS: [RegExp, string][] = [
  [
    /NoClassDefFoundError/,
    "A class the driver needs is missing from the jars: add the jar that contains it to glue.jars " +
      "(Glue provides only Spark and its dependencies).",
  ],
  [
    /ExceptionInInitializerError/,
    "The driver's static initialiser threw; it runs whenever Glue loads the driver, so fix it.",
  ],
  [
    /UnsupportedClassVersionError/,
    "The driver was compiled for a newer Java than this one; Glue 3.0 and 4.0 run Java 8, " +
      "so compile with javac --release 8.",
  ],
  [
    /does not implement|public, non-abstract|no-argument constructor/,
    "A JDBC driver must be a public class that implements java.sql.Driver and has a public no-argument " +
      "constructor.",
  ],
];

type ProbeRun = Extract<ProbeOutcome, { kind: "ok" }>;

/** The probe's result, or the outcome every Java check reports when there is none. */
async function probe(ctx: GlueContext): Promise<ProbeRun | Outcome> {
  const outcome = await ctx.probe();
  if (outcome.kind === "unavailable") return skip(outcome.reason);
  if (outcome.kind === "failed") return { status: "fail", reason: outcome.reason };
  return outcome;
}

async function jdbcLoad(ctx: GlueContext): Promise<Outcome> {
  const gate = await javaGate(ctx);
  if (gate) return gateSkip(ctx, gate);
  const outcome = await probe(ctx);
  if (!("kind" in outcome)) return outcome;
  const { result } = outcome;
  const cls = className(ctx);
  const load = result.load;
  if (!load) {
    return { status: "fail", reason: `The Java probe failed before loading ${cls}: ${result.error ?? "?"}` };
  }
  const details = {
    java: result.java,
    className: cls,
    ...(load.location ? { location: ctx.rel(load.location) } : {}),
    ...(load.version ? { driverVersion: load.version } : {}),
    serviceProviders: load.serviceProviders ?? [],
  };
  if (!load.ok) {
    const error = ctx.mask(load.error ?? "unknown error");
    const hint = LOAD_HINTS.find(([re]) => re.test(error))?.[1] ?? "";
    return {
      status: "fail",
      reason: `Java ${result.java ?? ""} cannot load ${cls} from the jars: ${error}. ${hint}`.trim(),
      details,
    };
  }
  if (!load.serviceListed) {
    const found = load.serviceProviders?.length ? load.serviceProviders.join(", ") : "no driver";
    const errors = load.serviceErrors?.length ? ` (errors: ${load.serviceErrors.join("; ")})` : "";
    const message =
      `${cls} loads by name, but ServiceLoader.load(java.sql.Driver) over the jars returns ${found}` +
      `${errors}, so DriverManager will not find it: add the line ${cls} to ` +
      "META-INF/services/java.sql.Driver in the driver jar.";
    return ctx.options.lenient ? judge(ctx, [], [message], details) : judge(ctx, [message], [], details);
  }
  return pass(details);
}

async function jdbcAcceptsUrl(ctx: GlueContext): Promise<Outcome> {
  const gate = await javaGate(ctx);
  if (gate) return gateSkip(ctx, gate);
  const templates = ctx.deepLink().fields.jdbcUrlTemplates ?? [];
  if (templates.filter((t) => t.url.trim() !== "").length === 0) {
    return skip(
      "No JDBC URL template to try: add one to deeplink.jdbcUrlTemplates in connector.json " +
        "(glue.deeplink.fields reports it).",
    );
  }
  const outcome = await probe(ctx);
  if (!("kind" in outcome)) return outcome;
  const { result } = outcome;
  if (!result.load?.ok) {
    return skip(
      `The driver did not load (see glue.jdbc.load): ${ctx.mask(result.load?.error ?? result.error ?? "")}`,
    );
  }
  const answers = result.accepts ?? [];
  const errors: string[] = [];
  const rows = outcome.templates.map(({ template, url }, i) => {
    const answer = answers[i];
    const accepted = answer?.accepted === true;
    if (!accepted) {
      errors.push(
        `${className(ctx)}.acceptsURL() rejects the URL of template "${template.title}" ` +
          `(${template.url} with sample values: ${url})` +
          (answer?.error ? `, throwing ${ctx.mask(answer.error)}` : "") +
          ". Glue builds connection URLs from this template, so the template must use the prefix " +
          "the driver " +
          "accepts: fix deeplink.jdbcUrlTemplates in connector.json or the driver's acceptsURL().",
      );
    }
    return { title: template.title, template: template.url, url, accepted };
  });
  return judge(ctx, errors, [], { templates: rows });
}

async function jdbcConnect(ctx: GlueContext): Promise<Outcome> {
  if (ctx.kind !== undefined && ctx.kind !== "JDBC") {
    return na(
      `Applies to JDBC connectors; this one is ${ctx.config.glue?.connectorType} (glue.connectorType).`,
    );
  }
  if (ctx.options.jdbcUrl === undefined) {
    return na(
      "No JDBC URL given: pass --jdbc-url <jdbc:…> to connect to a database with the driver " +
        "and run SELECT 1.",
    );
  }
  const gate = await javaGate(ctx);
  if (gate) return gateSkip(ctx, gate);
  const outcome = await probe(ctx);
  if (!("kind" in outcome)) return outcome;
  const { result } = outcome;
  if (!result.load?.ok) {
    return skip(
      `The driver did not load (see glue.jdbc.load): ${ctx.mask(result.load?.error ?? result.error ?? "")}`,
    );
  }
  const url = ctx.mask(ctx.options.jdbcUrl);
  const c = result.connect;
  if (!c) return { status: "fail", reason: `The Java probe returned no connection result for ${url}.` };
  const details = {
    url,
    ...(c.product ? { product: c.product } : {}),
    ...(c.value !== undefined ? { value: c.value } : {}),
    ...(c.sqlState ? { sqlState: c.sqlState } : {}),
  };
  if (c.ok) return pass(details);
  const error = ctx.mask(c.error ?? "unknown error");
  const reason =
    c.stage === "timeout"
      ? `Connecting to ${url} with ${className(ctx)} got ${error}: check the host, port and network ` +
        "(firewall, VPN), or raise the timeout."
      : c.stage === "query"
        ? `Connected to ${url}${c.product ? ` (${c.product})` : ""}, but SELECT 1 failed: ${error}.`
        : `Connecting to ${url} with ${className(ctx)} failed: ${error}. ` +
          "Check the URL, the credentials and that " +
          "the database is reachable; the driver's connect() is what a Glue job calls.";
  return { status: "fail", reason, details };
}

// ---- the catalogue's runners ------------------------------------------------------------------

const RUNNERS: Record<string, (ctx: GlueContext) => Promise<Outcome>> = {
  "glue.config.keys": (ctx) => configCheck(ctx, true),
  "glue.config.formats": (ctx) => configCheck(ctx, false),
  "glue.jars.present": jarsPresent,
  "glue.jars.zip": jarsZip,
  "glue.jdbc.class": jdbcClass,
  "glue.jdbc.services": jdbcServices,
  "glue.spark.resolve": sparkResolve,
  "glue.spark.services": sparkServices,
  "glue.athena.class": athenaClass,
  "glue.deeplink.fields": deepLinkFields,
  "glue.deeplink.consistency": deepLinkConsistency,
  "glue.jdbc.load": jdbcLoad,
  "glue.jdbc.accepts-url": jdbcAcceptsUrl,
  "glue.jdbc.connect": jdbcConnect,
};
