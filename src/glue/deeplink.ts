/**
 * The Glue Studio "add connection" deep link that activates a Marketplace connector: building it,
 * reading it back, and the rules it must follow. Reference: shared/reference/glue-marketplace.md §6.
 */
import { CliError } from "../ui/errors.js";
import { CLASS_NAME_PATTERN, type Issue, MAX_VERSION_LENGTH, toDeepLinkType } from "./config-json.js";

export type { Issue } from "./config-json.js";

export const DEEP_LINK_BASE = "https://console.aws.amazon.com/gluestudio/home";
export const DEEP_LINK_ROUTE = "/connector/add-connection";
/** The account that owns the AWS Marketplace seller registry (§7). */
export const MARKETPLACE_REGISTRY_ACCOUNT = "709825985650";

export interface JdbcUrlTemplate {
  title: string;
  url: string;
}

/** The decoded fields of a deep link (values without the quotes). */
export interface DeepLinkFields {
  connectorName: string;
  /** `Jdbc`, `Spark` or `Athena`, exactly. */
  connectorType: string;
  connectorDescription?: string;
  connectorUrl: string;
  connectorVersion: string;
  connectorClassName: string;
  /** `connectionAccessJdbcURLFormat`, one per template in display order (Jdbc only). */
  jdbcUrlTemplates?: JdbcUrlTemplate[];
  /** `connectionAccessJdbcURLParamsDelimiter` (Jdbc only). */
  paramsDelimiter?: string;
}

/** Fields as they may come from a parsed link or partial input: anything can be missing. */
export type DeepLinkInput = Partial<DeepLinkFields>;

/** The link's parameter names, in the order we write them (§6.2). */
export const DEEP_LINK_PARAMS = [
  "connectorName",
  "connectorType",
  "connectorDescription",
  "connectorUrl",
  "connectorVersion",
  "connectorClassName",
  "connectionAccessJdbcURLFormat",
  "connectionAccessJdbcURLParamsDelimiter",
] as const;

type ParamName = (typeof DEEP_LINK_PARAMS)[number];

/**
 * One value as it goes into the link: wrapped in double quotes (nothing else is escaped), then
 * percent-encoded with encodeURIComponent. encodeURI would leave `&`, `#`, `=`, `+` and `?` raw, and
 * a JDBC template holding any of them would no longer read back (§6.4).
 */
export function encodeDeepLinkValue(value: string): string {
  return encodeURIComponent(`"${value}"`);
}

export interface BuildDeepLinkOptions {
  /** Adds `?region=<region>` before the `#`, so the console opens in that region. */
  region?: string | undefined;
}

/**
 * The deep link for `fields`, exactly per §6.1/§6.2/§6.4: parameters in the documented order,
 * values quoted and encoded with encodeURIComponent, names, `=` and `&` raw. The description is
 * left out when empty; templates and the delimiter are written for `Jdbc` only. The fields are not
 * validated here: run `validateDeepLink` first.
 */
export function buildDeepLink(fields: DeepLinkFields, options: BuildDeepLinkOptions = {}): string {
  const params: string[] = [];
  const add = (name: ParamName, value: string) => params.push(`${name}=${encodeDeepLinkValue(value)}`);
  add("connectorName", fields.connectorName);
  add("connectorType", fields.connectorType);
  if (fields.connectorDescription !== undefined && fields.connectorDescription !== "") {
    add("connectorDescription", fields.connectorDescription);
  }
  add("connectorUrl", fields.connectorUrl);
  add("connectorVersion", fields.connectorVersion);
  add("connectorClassName", fields.connectorClassName);
  if (fields.connectorType === "Jdbc") {
    for (const t of fields.jdbcUrlTemplates ?? [])
      add("connectionAccessJdbcURLFormat", `${t.title}=${t.url}`);
    if (fields.paramsDelimiter !== undefined)
      add("connectionAccessJdbcURLParamsDelimiter", fields.paramsDelimiter);
  }
  const region = options.region ? `?region=${encodeURIComponent(options.region)}` : "";
  return `${DEEP_LINK_BASE}${region}#${DEEP_LINK_ROUTE}?${params.join("&")}`;
}

export interface ParsedDeepLink {
  fields: DeepLinkInput;
  /** `region` from `?region=` before the `#`, when present. */
  region?: string;
  /**
   * What was tolerated while reading: unquoted or encodeURI-style values, missing, repeated or
   * unknown parameters. Each is a warning to show the user.
   */
  notes: Issue[];
}

/** The fields of a deep link (see `parseDeepLinkDetailed` for the region and what was tolerated). */
export function parseDeepLink(url: string): DeepLinkInput {
  return parseDeepLinkDetailed(url).fields;
}

const NOT_A_LINK_HINT =
  "A Glue Studio deep link looks like " + `${DEEP_LINK_BASE}#${DEEP_LINK_ROUTE}?connectorName=…`;

/**
 * Reads a deep link back into fields. Accepts our own output and the variants AWS and vendors
 * publish: unquoted values, encodeURI-style values (raw `:`/`/`/`=`/`;`/`$`, even a raw `&` or `#`
 * inside a quoted value), raw quote characters, a `?region=` before the `#`, a regional console
 * host, missing optional parameters, and line breaks from a wrapped copy. Throws a CliError when
 * the URL is not a Glue Studio add-connection link.
 */
export function parseDeepLinkDetailed(url: string): ParsedDeepLink {
  // A link copied from wrapped text: drop line breaks and the indentation around them.
  const input = url.trim().replace(/\s*[\r\n]+\s*/g, "");
  const notGlue = (why: string) =>
    new CliError("DEEPLINK_NOT_GLUE", `Not a Glue Studio add-connection link: ${why}.`, {
      hint: NOT_A_LINK_HINT,
      details: { url: input },
    });
  const hashAt = input.indexOf("#");
  if (hashAt < 0) throw notGlue("it has no #/connector/add-connection part");
  let base: URL;
  try {
    base = new URL(input.slice(0, hashAt));
  } catch {
    throw notGlue(`${JSON.stringify(input.slice(0, hashAt))} is not a URL`);
  }
  const consoleHost = /^([a-z0-9-]+\.)?console\.aws\.amazon\.com$/;
  if (base.protocol !== "https:" || !consoleHost.test(base.hostname)) {
    throw notGlue(`the host is ${base.protocol}//${base.host}, not https://console.aws.amazon.com`);
  }
  if (base.pathname.replace(/\/+$/, "") !== "/gluestudio/home") {
    throw notGlue(`the path is ${base.pathname}, not /gluestudio/home`);
  }
  // Everything after the first `#`; later `#` characters are part of it (AWS's own placeholder
  // registry URL contains one).
  const fragment = input.slice(hashAt + 1);
  const route = fragment.replace(/^\/?/, "/");
  const q = route.indexOf("?");
  const routePath = (q >= 0 ? route.slice(0, q) : route).replace(/\/+$/, "");
  if (routePath !== DEEP_LINK_ROUTE) {
    throw notGlue(`the page is #${routePath}, not #${DEEP_LINK_ROUTE}`);
  }
  const query = q >= 0 ? route.slice(q + 1) : "";

  const notes: Issue[] = [];
  const parsed: ParsedDeepLink = { fields: {}, notes };
  const region = base.searchParams.get("region");
  if (region) parsed.region = region;

  const known = new Set<string>(DEEP_LINK_PARAMS);
  // Split at `&`, then glue back the pieces of a quoted value that contained a raw `&` (encodeURI
  // style): a piece that does not start with a known parameter name while the previous value's
  // quote is still open belongs to that value.
  const pairs: { name: string; raw: string }[] = [];
  for (const piece of query.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const name = eq >= 0 ? piece.slice(0, eq) : piece;
    const last = pairs[pairs.length - 1];
    if (last && !known.has(name) && quoteIsOpen(decodeLoosely(last.raw))) {
      last.raw += `&${piece}`;
      continue;
    }
    pairs.push({ name, raw: eq >= 0 ? piece.slice(eq + 1) : "" });
  }

  const seen = new Set<string>();
  const otherEncoding = new Set<string>();
  const templates: JdbcUrlTemplate[] = [];
  for (const { name, raw } of pairs) {
    if (!known.has(name)) {
      notes.push({
        field: name,
        rule: "parse.unknown-param",
        message:
          `Unknown parameter "${name}" ignored; Glue Studio documents only ` +
          `${DEEP_LINK_PARAMS.join(", ")}.`,
      });
      continue;
    }
    const value = readValue(name, raw, notes, otherEncoding);
    if (name === "connectionAccessJdbcURLFormat") {
      const eq = value.indexOf("=");
      templates.push(
        eq >= 0 ? { title: value.slice(0, eq), url: value.slice(eq + 1) } : { title: value, url: "" },
      );
      continue;
    }
    if (seen.has(name)) {
      notes.push({
        field: name,
        rule: "parse.repeated-param",
        message: `The parameter ${name} appears more than once; the first value is used.`,
      });
      continue;
    }
    seen.add(name);
    setField(parsed.fields, name as ParamName, value);
  }
  if (templates.length > 0) {
    // Keep the documented order: templates before the delimiter.
    const { paramsDelimiter, ...rest } = parsed.fields;
    parsed.fields = {
      ...rest,
      jdbcUrlTemplates: templates,
      ...(paramsDelimiter !== undefined ? { paramsDelimiter } : {}),
    };
  }
  if (otherEncoding.size > 0) {
    const names = [...otherEncoding];
    notes.push({
      field: names.join(", "),
      rule: "parse.not-component-encoded",
      message:
        `The value${names.length > 1 ? "s" : ""} of ${names.join(", ")} ` +
        `${names.length > 1 ? "are" : "is"} not encoded with encodeURIComponent ` +
        "(AWS's guide mixes in encodeURI); read anyway. Rebuild the link with " +
        "`connector deeplink` so that every reader decodes it the same way.",
    });
  }
  for (const name of [
    "connectorName",
    "connectorType",
    "connectorUrl",
    "connectorVersion",
    "connectorClassName",
  ]) {
    if (!seen.has(name)) {
      notes.push({
        field: name,
        rule: "parse.missing-param",
        message: `The link has no ${name} parameter; Glue Studio will leave that field empty.`,
      });
    }
  }
  return parsed;
}

function setField(fields: DeepLinkInput, name: ParamName, value: string): void {
  switch (name) {
    case "connectionAccessJdbcURLParamsDelimiter":
      fields.paramsDelimiter = value;
      break;
    case "connectionAccessJdbcURLFormat":
      break;
    default:
      fields[name] = value;
  }
}

/** Decodes one raw value and strips the quotes, noting what was tolerated. */
function readValue(name: string, raw: string, notes: Issue[], otherEncoding: Set<string>): string {
  let decoded: string;
  let badPercent = false;
  try {
    // decodeURIComponent, not form decoding: a raw `+` in an encodeURI-style value is a plus sign.
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = decodeLoosely(raw);
    badPercent = true;
    notes.push({
      field: name,
      rule: "parse.bad-percent",
      message: `The value of ${name} has a "%" that is not a valid escape; it was kept as written.`,
    });
  }
  if (decoded.length >= 2 && decoded.startsWith('"') && decoded.endsWith('"')) {
    if (!badPercent && raw !== encodeURIComponent(decoded)) otherEncoding.add(name);
    return decoded.slice(1, -1);
  }
  notes.push({
    field: name,
    rule: "parse.unquoted",
    message: `The value of ${name} is not wrapped in double quotes ("%22…%22"); it was read as is.`,
  });
  return decoded;
}

/** Percent-decodes the valid escapes of `raw` and keeps everything else as written. */
function decodeLoosely(raw: string): string {
  return raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** A value that starts with a quote but does not end with one yet. */
function quoteIsOpen(decoded: string): boolean {
  return decoded.startsWith('"') && (decoded.length === 1 || !decoded.endsWith('"'));
}

export interface ValidateDeepLinkOptions {
  /** Report the style rules of §6.3 as errors instead of warnings. */
  strict?: boolean;
  /** The `?region=` value, when one will be added; checked for the AWS region format. */
  region?: string | undefined;
  /**
   * What config.json will say, to cross-check classname, connector type and version. Mismatches
   * follow `strict` (connector test uses `checkConfigAgainstDeepLink`, which makes them errors).
   */
  configJson?: { classname?: string; connectortype?: string; version?: string };
}

export interface DeepLinkValidation {
  errors: Issue[];
  warnings: Issue[];
}

const NAME_PATTERN = /^[A-Za-z0-9 ]+$/;
const DESCRIPTION_PATTERN = /^[A-Za-z0-9 .,;]*$/;
const VERSION_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
const ECR_URL_PATTERN = /^https:\/\/(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/[^:@]+:([^:@]+)$/;
/** Glue's downloader (§5): the middle of the region must be exactly four letters. */
const GLUE_DOWNLOADER_HOST = /^([0-9]{12})\.dkr\.ecr\.[a-z]{2}-[a-z]{4}-[0-9]\.amazonaws\.com$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;
const MAX_DESCRIPTION_WORDS = 50;
/** Every Glue connection property value is at most 1024 bytes (§1). */
const MAX_PROPERTY_BYTES = 1024;

// Built by concatenation so that linters do not take them for template-literal mistakes.
const USERNAME_PLACEHOLDER = "$" + "{Username}";
const PASSWORD_PLACEHOLDER = "$" + "{Password}";
const USER_PLACEHOLDERS = new Set([
  "username",
  "user",
  "userid",
  "uid",
  "usr",
  "login",
  "loginname",
  "dbuser",
]);
const PASSWORD_PLACEHOLDERS = new Set([
  "password",
  "pass",
  "passwd",
  "pwd",
  "pw",
  "dbpassword",
  "userpassword",
]);

/**
 * Checks deep-link fields against every rule of §6.3. Hard errors (marked E in the reference) are
 * always errors. The style rules AWS states but its own links break are warnings, or errors with
 * `strict`; the 50-word description recommendation stays a warning even then.
 */
export function validateDeepLink(
  fields: DeepLinkInput,
  options: ValidateDeepLinkOptions = {},
): DeepLinkValidation {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const hard = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const style = (field: string, rule: string, message: string) =>
    (options.strict ? errors : warnings).push({ field, rule, message });
  const advice = (field: string, rule: string, message: string) => warnings.push({ field, rule, message });

  // connectorName
  const name = fields.connectorName ?? "";
  if (name.trim() === "") {
    hard("connectorName", "name.required", "connectorName is empty; give the connector's display name.");
  } else if (!NAME_PATTERN.test(name)) {
    style(
      "connectorName",
      "name.characters",
      `connectorName ${JSON.stringify(name)} has characters other than letters, digits and spaces ` +
        `(${listBad(name, /[A-Za-z0-9 ]/)}); AWS's guide allows only those.`,
    );
  }

  // connectorType
  const type = fields.connectorType ?? "";
  const isJdbc = type === "Jdbc";
  if (type !== "Jdbc" && type !== "Spark" && type !== "Athena") {
    const fix = toDeepLinkType(type);
    hard(
      "connectorType",
      "type.value",
      type === ""
        ? "connectorType is empty; it must be exactly Jdbc, Spark or Athena."
        : `connectorType ${JSON.stringify(type)} must be exactly Jdbc, Spark or Athena` +
            (fix ? ` (write "${fix}": the deep link spells it differently from config.json).` : "."),
    );
  }

  // connectorDescription
  const description = fields.connectorDescription;
  if (description !== undefined && description !== "") {
    if (!DESCRIPTION_PATTERN.test(description)) {
      style(
        "connectorDescription",
        "description.characters",
        `connectorDescription has characters other than letters, digits, spaces, ".", "," and ";" ` +
          `(${listBad(description, /[A-Za-z0-9 .,;]/)}); AWS's guide allows only those.`,
      );
    }
    const words = description
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "").length;
    if (words > MAX_DESCRIPTION_WORDS) {
      advice(
        "connectorDescription",
        "description.words",
        `connectorDescription has ${words} words; AWS recommends at most ${MAX_DESCRIPTION_WORDS}.`,
      );
    }
  }

  // connectorUrl
  const url = fields.connectorUrl ?? "";
  const urlMatch = ECR_URL_PATTERN.exec(url);
  let imageTag: string | undefined;
  if (!urlMatch) {
    hard("connectorUrl", "url.format", describeBadUrl(url));
  } else {
    const [, account, , tag] = urlMatch;
    imageTag = tag;
    if (account !== MARKETPLACE_REGISTRY_ACCOUNT) {
      style(
        "connectorUrl",
        "url.marketplace-account",
        `connectorUrl is in account ${account}, not in the AWS Marketplace registry ` +
          `(${MARKETPLACE_REGISTRY_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com); AWS says to link the image ` +
          "Marketplace copied from your push, not the one in your own account.",
      );
    }
    const host = url.slice("https://".length).split("/")[0] ?? "";
    if (!GLUE_DOWNLOADER_HOST.test(host)) {
      style(
        "connectorUrl",
        "url.glue-region",
        `Glue jobs cannot download from ${host}: Glue's downloader accepts only regions whose middle part ` +
          "has exactly four letters (us-east-1 and eu-west-1 work, eu-central-1 and ap-southeast-1 do not).",
      );
    }
    if (utf8Length(url) > MAX_PROPERTY_BYTES) {
      style(
        "connectorUrl",
        "url.length",
        `connectorUrl is longer than ${MAX_PROPERTY_BYTES} bytes, Glue's limit.`,
      );
    }
  }

  // connectorVersion
  const version = fields.connectorVersion ?? "";
  if (version === "") {
    style(
      "connectorVersion",
      "version.required",
      "connectorVersion is empty; give the version shown to buyers.",
    );
  } else {
    if (!VERSION_PATTERN.test(version) || version.length > MAX_VERSION_LENGTH) {
      style(
        "connectorVersion",
        "version.format",
        `connectorVersion ${JSON.stringify(version)} must be digits separated by dots, at most ` +
          `${MAX_VERSION_LENGTH} characters (for example 2.1.0).`,
      );
    }
    if (imageTag !== undefined && imageTag !== version) {
      style(
        "connectorVersion",
        "version.image-tag",
        `connectorVersion ${JSON.stringify(version)} differs from the image tag ` +
          `${JSON.stringify(imageTag)} ` +
          "in connectorUrl; tag the image with the version.",
      );
    }
  }

  // connectorClassName
  const className = fields.connectorClassName ?? "";
  if (className.trim() === "") {
    hard(
      "connectorClassName",
      "classname.required",
      "connectorClassName is empty; give the JDBC driver class, the Spark format or the Athena class.",
    );
  } else {
    if (!CLASS_NAME_PATTERN.test(className)) {
      style(
        "connectorClassName",
        "classname.syntax",
        `connectorClassName ${JSON.stringify(className)} is not a dotted Java name ` +
          "(e.g. com.example.jdbc.Driver or tpcds).",
      );
    }
    if (utf8Length(className) > MAX_PROPERTY_BYTES) {
      style(
        "connectorClassName",
        "classname.length",
        `connectorClassName is longer than ${MAX_PROPERTY_BYTES} bytes.`,
      );
    }
  }

  // JDBC URL templates and delimiter
  const templates = fields.jdbcUrlTemplates ?? [];
  if (isJdbc) {
    if (templates.length === 0) {
      hard(
        "connectionAccessJdbcURLFormat",
        "jdbc.templates-required",
        "A Jdbc connector needs at least one JDBC URL template " +
          "(title and jdbc: URL with placeholders such as " +
          USERNAME_PLACEHOLDER +
          ").",
      );
    }
    const titles = new Map<string, number>();
    templates.forEach((t, i) => {
      const field = `connectionAccessJdbcURLFormat[${i + 1}]`;
      if (t.title.trim() === "") {
        hard(field, "jdbc.title-required", `JDBC URL template ${i + 1} has an empty title.`);
      } else if (t.title.includes("=")) {
        // The link carries "title=template" and readers split at the first "=", so a title with "="
        // would come back as a different title and template.
        hard(
          field,
          "jdbc.title-equals",
          `The title ${JSON.stringify(t.title)} of JDBC URL template ${i + 1} contains "="; ` +
            "the link splits " +
            "title and template at the first =, so remove it from the title.",
        );
      } else {
        const first = titles.get(t.title);
        if (first !== undefined) {
          hard(
            field,
            "jdbc.title-unique",
            `JDBC URL templates ${first} and ${i + 1} share the title ${JSON.stringify(t.title)}; ` +
              "titles must be unique.",
          );
        } else {
          titles.set(t.title, i + 1);
        }
      }
      if (t.url.trim() === "") {
        hard(
          field,
          "jdbc.template-required",
          `JDBC URL template ${i + 1} (${JSON.stringify(t.title)}) is empty.`,
        );
        return;
      }
      if (!t.url.startsWith("jdbc:")) {
        style(field, "jdbc.template-scheme", `JDBC URL template ${i + 1} does not start with "jdbc:".`);
      }
      for (const placeholder of credentialMisspellings(t.url)) {
        style(
          field,
          "jdbc.credential-placeholder",
          `JDBC URL template ${i + 1} uses ${placeholder.found}; ` +
            `write exactly ${placeholder.want}, the only ` +
            "spelling Glue Studio recognises as a credential (it then stores it encrypted).",
        );
      }
      if (utf8Length(t.url) > MAX_PROPERTY_BYTES) {
        style(
          field,
          "jdbc.template-length",
          `JDBC URL template ${i + 1} is longer than ${MAX_PROPERTY_BYTES} bytes.`,
        );
      }
    });
    if (fields.paramsDelimiter === undefined || fields.paramsDelimiter === "") {
      hard(
        "connectionAccessJdbcURLParamsDelimiter",
        "jdbc.delimiter-required",
        "A Jdbc connector needs the JDBC URL parameter delimiter (for example ; or &).",
      );
    }
  } else if (type === "Spark" || type === "Athena") {
    if (templates.length > 0 || fields.paramsDelimiter !== undefined) {
      style(
        "connectionAccessJdbcURLFormat",
        "jdbc.not-used",
        "JDBC URL templates and the parameter delimiter apply to Jdbc connectors only; " +
          `they are left out of a ${type} link.`,
      );
    }
  }

  // ?region=
  if (options.region !== undefined && !REGION_PATTERN.test(options.region)) {
    hard(
      "region",
      "region.format",
      `The region ${JSON.stringify(options.region)} is not an AWS region name (e.g. us-east-1).`,
    );
  }

  // Cross-check with config.json
  const cfg = options.configJson;
  if (cfg) {
    if (cfg.classname !== undefined && className !== "" && cfg.classname !== className) {
      style(
        "connectorClassName",
        "config.classname",
        `connectorClassName ${JSON.stringify(className)} differs from config.json classname ` +
          `${JSON.stringify(cfg.classname)} (glue.className).`,
      );
    }
    if (cfg.connectortype !== undefined && type !== "" && toDeepLinkType(cfg.connectortype) !== type) {
      style(
        "connectorType",
        "config.connectortype",
        `connectorType ${JSON.stringify(type)} does not match config.json connectortype ` +
          `${JSON.stringify(cfg.connectortype)} (glue.connectorType).`,
      );
    }
    if (cfg.version !== undefined && version !== "" && cfg.version !== version) {
      style(
        "connectorVersion",
        "config.version",
        `connectorVersion ${JSON.stringify(version)} differs from config.json version ` +
          `${JSON.stringify(cfg.version)} (connector.json "version").`,
      );
    }
  }
  return { errors, warnings };
}

/** Explains why a connectorUrl fails the ECR image URL pattern. */
function describeBadUrl(url: string): string {
  const want = "https://<12-digit account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>";
  if (url === "")
    return `connectorUrl is empty; give the image URL in the AWS Marketplace registry, ${want}.`;
  const shown = JSON.stringify(url);
  if (!url.startsWith("https://")) {
    return `connectorUrl ${shown} must start with https:// (Glue's downloader needs the scheme): ${want}.`;
  }
  if (url.includes("@")) return `connectorUrl ${shown} uses a digest; Glue needs a tag: ${want}.`;
  const pathPart = url.slice("https://".length).split("/").slice(1).join("/");
  if (pathPart !== "" && (pathPart.match(/:/g) ?? []).length !== 1) {
    return `connectorUrl ${shown} must end in exactly one :<tag> after the repository: ${want}.`;
  }
  return `connectorUrl ${shown} is not an ECR image URL: ${want}.`;
}

/** `${username}`, `${user}`, `${PASSWORD}`, … with the spelling they should have. */
function credentialMisspellings(template: string): { found: string; want: string }[] {
  const out: { found: string; want: string }[] = [];
  for (const m of template.matchAll(/\$\{([^}]*)\}/g)) {
    const inner = m[1] ?? "";
    if (inner === "Username" || inner === "Password") continue;
    const key = inner.toLowerCase().replace(/[\s_.-]/g, "");
    if (USER_PLACEHOLDERS.has(key)) out.push({ found: m[0], want: USERNAME_PLACEHOLDER });
    else if (PASSWORD_PLACEHOLDERS.has(key)) out.push({ found: m[0], want: PASSWORD_PLACEHOLDER });
  }
  return out;
}

function listBad(value: string, allowed: RegExp): string {
  const bad = [...new Set([...value].filter((ch) => !allowed.test(ch)))];
  return bad.map((ch) => JSON.stringify(ch)).join(", ");
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/**
 * The "Usage instructions" sentence for the Marketplace delivery option (§6.6), with the link as
 * a Markdown link. `(` and `)` are the only characters encodeURIComponent leaves raw that would
 * end a Markdown link target early, so they are written as %28 and %29 there; the decoded values
 * are unchanged.
 */
export function usageInstructions(link: string): string {
  const target = link.replace(/\(/g, "%28").replace(/\)/g, "%29");
  return (
    "Please subscribe to the product from AWS Marketplace and " +
    `[Activate the Glue connector from AWS Glue Studio](${target})`
  );
}

/** The rest of the Marketplace delivery option (§6.6) for a given connector image URL. */
export function deliveryOption(connectorUrl: string): {
  title: string;
  description: string;
  containerImage: string;
} {
  return {
    title: "Activate in AWS Glue Studio",
    description: "Import jars in AWS Glue jobs.",
    containerImage: connectorUrl.replace(/^https:\/\//, ""),
  };
}
