import { toDeepLinkType } from "../glue/config-json.js";
import {
  buildDeepLink,
  type DeepLinkFields,
  type DeepLinkInput,
  deliveryOption,
  type Issue,
  type JdbcUrlTemplate,
  MARKETPLACE_REGISTRY_ACCOUNT,
  parseDeepLink,
  parseDeepLinkDetailed,
  usageInstructions,
  validateDeepLink,
} from "../glue/deeplink.js";
import { findExecutable } from "../project/files.js";
import type { ConnectorConfig } from "../project/types.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { CommandContext } from "./context.js";

export interface DeepLinkResult {
  url: string;
  /** The decoded fields the link carries. */
  fields: DeepLinkInput;
  warnings: Issue[];
  /** The Marketplace "Usage instructions" sentence. */
  markdown: string;
  /** The other delivery-option fields of the Marketplace portal. */
  deliveryOption: { title: string; description: string; containerImage: string };
  region?: string;
  /** Present with --open: whether an opener was started. */
  opened?: boolean;
}

export interface ParseResult {
  fields: DeepLinkInput;
  region?: string;
  warnings: Issue[];
}

/** Where each field can be set, for messages. */
const SOURCES: Record<string, string> = {
  connectorName: "--name or deeplink.connectorName",
  connectorType: "--type or glue.connectorType",
  connectorDescription: "--description or deeplink.connectorDescription",
  connectorUrl: "--url or deeplink.connectorUrl",
  connectorVersion: "--connector-version, deeplink.connectorVersion or version",
  connectorClassName: "--class-name or glue.className",
  connectionAccessJdbcURLFormat: "--jdbc-url 'title=template' or deeplink.jdbcUrlTemplates",
  connectionAccessJdbcURLParamsDelimiter: "--delimiter or deeplink.paramsDelimiter",
  region: "--region or deeplink.region",
};

const FIELD_FLAGS = [
  ["name", "--name"],
  ["type", "--type"],
  ["description", "--description"],
  ["url", "--url"],
  ["connectorVersion", "--connector-version"],
  ["className", "--class-name"],
  ["jdbcUrl", "--jdbc-url"],
  ["delimiter", "--delimiter"],
  ["markdown", "--markdown"],
  ["open", "--open"],
] as const;

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const strict = options.strict === true;
  const toParse = str(options.parse);
  if (toParse !== undefined) {
    const mixed = FIELD_FLAGS.filter(([key]) => options[key] !== undefined && options[key] !== false);
    if (mixed.length > 0) {
      throw new CliError(
        "USAGE",
        `--parse cannot be combined with ${mixed.map(([, flag]) => flag).join(", ")}.`,
        {
          hint:
            "Use --parse <url> alone (with --strict or --json) to decode a link, " +
            "or drop it to build one.",
        },
      );
    }
    return parseLink(ctx, toParse, strict);
  }
  return buildLink(ctx, options, strict);
}

async function buildLink(ctx: CommandContext, options: Record<string, unknown>, strict: boolean) {
  // Loaded here, not at the top: --parse needs no project (and no JSON Schema validator).
  const { loadProject } = await import("../project/index.js");
  const project = await loadProject({ cwd: ctx.globals.cwd, env: ctx.env, required: false });
  const config = project.config as Partial<ConnectorConfig>;
  const file = config.deeplink ?? {};
  const glue = config.glue;
  const notes: Issue[] = [];
  const inputErrors: Issue[] = [];

  const typeFlag = str(options.type);
  const type =
    typeFlag !== undefined ? (toDeepLinkType(typeFlag) ?? typeFlag) : glueType(glue?.connectorType);

  let description = str(options.description) ?? file.connectorDescription;
  if (description === undefined && glue?.description) {
    if (/^[A-Za-z0-9 .,;]*$/.test(glue.description)) {
      description = glue.description;
    } else {
      notes.push({
        field: "connectorDescription",
        rule: "description.default-skipped",
        message:
          "glue.description was not used as connectorDescription: it has characters the deep link does not " +
          "allow (only letters, digits, spaces, . , ;). Set deeplink.connectorDescription or --description.",
      });
    }
  }

  let templates: JdbcUrlTemplate[] | undefined = file.jdbcUrlTemplates;
  const jdbcFlags = strList(options.jdbcUrl);
  if (jdbcFlags.length > 0) {
    templates = [];
    for (const value of jdbcFlags) {
      const eq = value.indexOf("=");
      if (eq < 0) {
        inputErrors.push({
          field: "connectionAccessJdbcURLFormat",
          rule: "jdbc.flag-format",
          message:
            `--jdbc-url ${JSON.stringify(value)} has no "="; ` +
            'write it as "title=jdbc:…" (split at the first =).',
        });
        continue;
      }
      templates.push({ title: value.slice(0, eq), url: value.slice(eq + 1) });
    }
  }

  const fields: DeepLinkFields = {
    connectorName: str(options.name) ?? file.connectorName ?? "",
    connectorType: type ?? "",
    ...(description !== undefined ? { connectorDescription: description } : {}),
    connectorUrl: str(options.url) ?? file.connectorUrl ?? marketplaceUrl(config) ?? "",
    connectorVersion: str(options.connectorVersion) ?? file.connectorVersion ?? config.version ?? "",
    connectorClassName: str(options.className) ?? glue?.className ?? "",
    ...(templates !== undefined ? { jdbcUrlTemplates: templates } : {}),
    ...((str(options.delimiter) ?? file.paramsDelimiter) !== undefined
      ? { paramsDelimiter: str(options.delimiter) ?? file.paramsDelimiter }
      : {}),
  };
  const region = str(options.region) ?? ctx.globals.region ?? file.region;

  const validation = validateDeepLink(fields, {
    strict,
    region,
    ...(glue
      ? {
          configJson: {
            classname: glue.className,
            connectortype: glue.connectorType,
            ...(config.version !== undefined ? { version: config.version } : {}),
          },
        }
      : {}),
  });
  const errors = [...inputErrors, ...validation.errors];
  const warnings = [...notes, ...validation.warnings];
  for (const w of warnings) ctx.reporter.warn(w.message);
  if (errors.length > 0) throw invalidLink(errors, warnings, strict, "build");

  const url = buildDeepLink(fields, { region });
  const result: DeepLinkResult = {
    url,
    fields: parseDeepLink(url),
    warnings,
    markdown: usageInstructions(url),
    deliveryOption: deliveryOption(fields.connectorUrl),
    ...(region ? { region } : {}),
  };
  if (options.open === true) result.opened = await openLink(ctx, url);
  ctx.reporter.result("deeplink", result, options.markdown === true ? result.markdown : url);
  return ExitCode.Ok;
}

function parseLink(ctx: CommandContext, url: string, strict: boolean) {
  const parsed = parseDeepLinkDetailed(url);
  const validation = validateDeepLink(parsed.fields, { strict, region: parsed.region });
  // A missing parameter that validation reports anyway needs no second message.
  const reported = new Set([...validation.errors, ...validation.warnings].map((i) => i.field));
  const notes = parsed.notes.filter((n) => !(n.rule === "parse.missing-param" && reported.has(n.field)));
  const warnings = [...notes, ...validation.warnings];
  for (const w of warnings) ctx.reporter.warn(w.message);
  if (validation.errors.length > 0) {
    throw invalidLink(validation.errors, warnings, strict, "parse", parsed.fields, fieldTable(parsed));
  }
  const result: ParseResult = {
    fields: parsed.fields,
    ...(parsed.region ? { region: parsed.region } : {}),
    warnings,
  };
  ctx.reporter.result("deeplink", result, fieldTable(parsed));
  return ExitCode.Ok;
}

function invalidLink(
  errors: Issue[],
  warnings: Issue[],
  strict: boolean,
  mode: "build" | "parse",
  fields?: DeepLinkInput,
  context?: string,
): CliError {
  const baseField = (f: string) => f.replace(/\[\d+\]$/, "");
  const lines = errors.map((e) =>
    mode === "build" && SOURCES[baseField(e.field)]
      ? `  - ${e.message} [${SOURCES[baseField(e.field)]}]`
      : `  - ${e.message}`,
  );
  const what = mode === "build" ? "Cannot build the deep link" : "The deep link is not valid";
  const count = errors.length === 1 ? "1 problem" : `${errors.length} problems`;
  const strictNote = strict ? " --strict makes AWS's style rules errors; without it they are warnings." : "";
  return new CliError("DEEPLINK_INVALID", `${what}: ${count}:\n${lines.join("\n")}`, {
    hint:
      (mode === "build"
        ? "Set the values named above with the flags shown or in connector.json " +
          "(deeplink and glue sections); " +
          "see docs/deeplink.md."
        : "Fix the link, or rebuild it with `connector deeplink`; see docs/deeplink.md.") + strictNote,
    exitCode: ExitCode.Usage,
    details: { errors, warnings, ...(fields ? { fields } : {}) },
    ...(context ? { context } : {}),
  });
}

/** The decoded link as a two-column table. */
function fieldTable(parsed: { fields: DeepLinkInput; region?: string }): string {
  const f = parsed.fields;
  const rows: [string, string | undefined][] = [
    ["region", parsed.region],
    ["connectorName", f.connectorName],
    ["connectorType", f.connectorType],
    ["connectorDescription", f.connectorDescription],
    ["connectorUrl", f.connectorUrl],
    ["connectorVersion", f.connectorVersion],
    ["connectorClassName", f.connectorClassName],
  ];
  (f.jdbcUrlTemplates ?? []).forEach((t, i) => {
    rows.push([`jdbcUrlTemplate ${i + 1} title`, t.title]);
    rows.push([`jdbcUrlTemplate ${i + 1} url`, t.url]);
  });
  rows.push(["paramsDelimiter", f.paramsDelimiter]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v === undefined ? "(absent)" : show(v)}`).join("\n");
}

/** A value as shown in the table: as is, or JSON-quoted when it holds control characters or edge spaces. */
function show(value: string): string {
  return /[\u0000-\u001f\u007f]/.test(value) || value !== value.trim() || value === ""
    ? JSON.stringify(value)
    : value;
}

/**
 * Opens the link with the platform's opener. No opener, or one that fails, is a warning: the link
 * is printed anyway. On Windows `rundll32 url.dll,FileProtocolHandler` is used instead of `start`:
 * `start` is a cmd.exe built-in, and cmd would interpret the `&`, `%` and `^` every link contains.
 */
async function openLink(ctx: CommandContext, url: string): Promise<boolean> {
  const [command, args]: [string, string[]] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["rundll32", ["url.dll,FileProtocolHandler", url]]
        : ["xdg-open", [url]];
  const executable = findExecutable(command, ctx.env);
  if (!executable) {
    ctx.reporter.warn(
      `--open: no ${command} on PATH, so no browser was opened; open the printed link yourself.`,
    );
    return false;
  }
  try {
    const { execa } = await import("execa");
    await execa(executable, args, { env: ctx.env, extendEnv: false, stdio: "ignore", timeout: 20_000 });
    return true;
  } catch (error) {
    const why = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    ctx.reporter.warn(`--open: ${command} failed (${why}); open the printed link yourself.`);
    return false;
  }
}

/**
 * The Marketplace image URL derived from connector.json, only when image.registryId names the
 * Marketplace registry explicitly: that registry is always in us-east-1 (reference §7), so the URL
 * is then known. Otherwise the URL must be given, because AWS warns against linking any other image.
 */
function marketplaceUrl(config: Partial<ConnectorConfig>): string | undefined {
  const image = config.image;
  if (!image?.repository || image.registryId !== MARKETPLACE_REGISTRY_ACCOUNT) return undefined;
  const tag = image.tag ?? config.version;
  if (!tag) return undefined;
  return `https://${MARKETPLACE_REGISTRY_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${image.repository}:${tag}`;
}

function glueType(type: string | undefined): string | undefined {
  return type === undefined ? undefined : (toDeepLinkType(type) ?? type);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function strList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}
