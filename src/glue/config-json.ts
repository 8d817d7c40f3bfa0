/**
 * The Glue Marketplace `config.json` (shipped at /jars/config.json in the connector image):
 * building it from connector.json, validating it, and the spellings of the connector type in the
 * places Glue uses them. Reference: shared/reference/glue-marketplace.md §4.
 */
import type { ConnectorConfig, GlueSettings } from "../project/types.js";
import { CliError } from "../ui/errors.js";

/** One problem found by a validator: the field it is about and a message that says how to fix it. */
export interface Issue {
  field: string;
  message: string;
  /** Stable identifier of the rule that produced the issue (for tests and check reports). */
  rule?: string;
}

export interface ValidationResult {
  errors: Issue[];
  warnings: Issue[];
}

/** The eight keys AWS shows, all required, in the order we write them. */
export const CONFIG_JSON_KEYS = [
  "releasetimestamp",
  "connectiontype",
  "classname",
  "publishername",
  "connectortype",
  "version",
  "description",
  "supportinformation",
] as const;

export type ConfigJsonKey = (typeof CONFIG_JSON_KEYS)[number];

export type ConfigConnectorType = "JDBC" | "Spark" | "Athena";
export type DeepLinkConnectorType = "Jdbc" | "Spark" | "Athena";

export interface GlueConfigJson {
  releasetimestamp: string;
  connectiontype: "MARKETPLACE";
  classname: string;
  publishername: string;
  connectortype: ConfigConnectorType;
  version: string;
  description: string;
  supportinformation: string;
}

export interface ConnectorTypeNames {
  /** `config.json` `connectortype`. */
  configJson: ConfigConnectorType;
  /** Deep link `connectorType`. */
  deepLink: DeepLinkConnectorType;
  /** Glue connection property `CONNECTOR_TYPE`. */
  connectionProperty: DeepLinkConnectorType;
  /** Job script `connection_type` for a Marketplace connector. */
  marketplaceConnectionType: `marketplace.${string}`;
  /** Job script `connection_type` for a BYOC (custom) connector. */
  customConnectionType: `custom.${string}`;
}

/**
 * How each connector type is spelled where (§4 table). The Athena spelling in config.json is an
 * assumption: AWS never shows one.
 */
export const CONNECTOR_TYPE_NAMES: Readonly<Record<"jdbc" | "spark" | "athena", ConnectorTypeNames>> = {
  jdbc: {
    configJson: "JDBC",
    deepLink: "Jdbc",
    connectionProperty: "Jdbc",
    marketplaceConnectionType: "marketplace.jdbc",
    customConnectionType: "custom.jdbc",
  },
  spark: {
    configJson: "Spark",
    deepLink: "Spark",
    connectionProperty: "Spark",
    marketplaceConnectionType: "marketplace.spark",
    customConnectionType: "custom.spark",
  },
  athena: {
    configJson: "Athena",
    deepLink: "Athena",
    connectionProperty: "Athena",
    marketplaceConnectionType: "marketplace.athena",
    customConnectionType: "custom.athena",
  },
};

/** Every spelling of a connector type, in any casing, from any of the places above. */
export function connectorTypeNames(type: string): ConnectorTypeNames | undefined {
  const key = type
    .trim()
    .toLowerCase()
    .replace(/^(marketplace|custom)\./, "");
  return key === "jdbc" || key === "spark" || key === "athena" ? CONNECTOR_TYPE_NAMES[key] : undefined;
}

/** `JDBC`/`jdbc`/`Jdbc` → `Jdbc` (the deep-link spelling); undefined for anything else. */
export function toDeepLinkType(type: string): DeepLinkConnectorType | undefined {
  return connectorTypeNames(type)?.deepLink;
}

/** `Jdbc`/`jdbc` → `JDBC` (the config.json spelling); undefined for anything else. */
export function toConfigJsonType(type: string): ConfigConnectorType | undefined {
  return connectorTypeNames(type)?.configJson;
}

/** The job script's `connection_type`: `marketplace.jdbc`, `custom.spark`, … */
export function toJobConnectionType(type: string, delivery: "marketplace" | "custom" = "marketplace") {
  const names = connectorTypeNames(type);
  if (!names) return undefined;
  return delivery === "marketplace" ? names.marketplaceConnectionType : names.customConnectionType;
}

/** A Java class name, or a Spark short name: dotted identifiers. */
export const CLASS_NAME_PATTERN = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const VERSION_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
/** The deep link's connectorVersion limit (§6.3); config.json's version should fit it too. */
export const MAX_VERSION_LENGTH = 36;

/** `YYYY-MM-DD hh:mm:ss` in UTC, the format of `releasetimestamp`. */
export function formatReleaseTimestamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${p(date.getUTCFullYear(), 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`
  );
}

export interface BuildConfigJsonOptions {
  /** Clock for the generated `releasetimestamp`; tests pass a fixed one. */
  now?: () => Date;
}

/**
 * Builds config.json from connector.json's `glue` section and `version`. `releasetimestamp` is
 * taken from `glue.releaseTimestamp` when set, otherwise generated from the clock (UTC). The
 * result is not validated here: pass it to `validateConfigJson` before writing it.
 */
export function buildConfigJson(
  config: Pick<ConnectorConfig, "version"> & { glue?: GlueSettings | undefined },
  options: BuildConfigJsonOptions = {},
): GlueConfigJson {
  const glue = config.glue;
  if (!glue) {
    throw new CliError(
      "GLUE_SECTION_MISSING",
      'connector.json has no "glue" section, so there is no config.json.',
      {
        hint:
          'Add "glue": {"connectorType", "className", "publisherName", "description", ' +
          '"supportInformation"} to connector.json.',
      },
    );
  }
  const now = options.now ?? (() => new Date());
  return {
    releasetimestamp: glue.releaseTimestamp ?? formatReleaseTimestamp(now()),
    connectiontype: "MARKETPLACE",
    classname: glue.className,
    publishername: glue.publisherName,
    // The schema restricts glue.connectorType to the config.json spellings; map anyway so a
    // hand-built settings object with another casing still yields the right one.
    connectortype: toConfigJsonType(glue.connectorType) ?? glue.connectorType,
    version: config.version,
    description: glue.description,
    supportinformation: glue.supportInformation,
  };
}

/** config.json as written into the image: two-space indented, final newline. */
export function formatConfigJson(config: GlueConfigJson | Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Parses config.json text; a syntax error is a CliError naming `source`. */
export function parseConfigJson(text: string, source = "config.json"): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError("CONFIG_JSON_INVALID", `${source} is not valid JSON: ${(error as Error).message}.`, {
      hint: "config.json is a JSON object with eight string values (see the Glue reference, section 4).",
    });
  }
}

export interface ConfigJsonValidation extends ValidationResult {
  /**
   * The input with fixable spellings corrected (connectortype casing) and every other key kept as
   * is, unknown ones included. `{}` when the input is not an object.
   */
  normalized: Record<string, unknown>;
}

/** Checks config.json against every rule of §4. Never throws. */
export function validateConfigJson(obj: unknown): ConfigJsonValidation {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    errors.push({
      field: "(top level)",
      rule: "config.object",
      message:
        `config.json must be a JSON object, not ${describeJson(obj)}; ` +
        'write {"releasetimestamp": "...", ...} with the eight keys.',
    });
    return { errors, warnings, normalized: {} };
  }
  const input = obj as Record<string, unknown>;
  const normalized: Record<string, unknown> = { ...input };
  const known = new Set<string>(CONFIG_JSON_KEYS);

  for (const key of CONFIG_JSON_KEYS) {
    if (!(key in input)) {
      errors.push({
        field: key,
        rule: "config.required",
        message:
          `config.json is missing "${key}"; all eight keys ` +
          `(${CONFIG_JSON_KEYS.join(", ")}) are required.`,
      });
    }
  }
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== "string") {
      errors.push({
        field: key,
        rule: "config.string",
        message:
          `config.json "${key}" is ${describeJson(value)}; ` +
          "every value must be a JSON string (put it in quotes).",
      });
    }
    if (!known.has(key)) {
      const near = CONFIG_JSON_KEYS.find((k) => k === key.toLowerCase().replace(/[^a-z]/g, ""));
      warnings.push({
        field: key,
        rule: "config.unknown-key",
        message:
          `config.json has the unknown key "${key}"; it is kept, but Glue and the Marketplace review ` +
          `know only ${CONFIG_JSON_KEYS.join(", ")}${near ? ` (did you mean "${near}"?)` : ""}.`,
      });
    }
  }

  const str = (key: ConfigJsonKey): string | undefined => {
    const v = input[key];
    return typeof v === "string" ? v : undefined;
  };

  const ts = str("releasetimestamp");
  if (ts !== undefined) {
    const problem = timestampProblem(ts);
    if (problem) {
      errors.push({ field: "releasetimestamp", rule: "config.releasetimestamp", message: problem });
    }
  }

  const ct = str("connectiontype");
  if (ct !== undefined && ct !== "MARKETPLACE") {
    errors.push({
      field: "connectiontype",
      rule: "config.connectiontype",
      message: `config.json "connectiontype" is ${JSON.stringify(ct)}; it must be exactly "MARKETPLACE".`,
    });
  }

  const cls = str("classname");
  if (cls !== undefined) {
    if (cls.trim() === "") {
      errors.push({
        field: "classname",
        rule: "config.classname",
        message:
          'config.json "classname" is empty; ' +
          "give the JDBC driver class, the Spark format or the Athena class.",
      });
    } else if (!CLASS_NAME_PATTERN.test(cls)) {
      errors.push({
        field: "classname",
        rule: "config.classname",
        message:
          `config.json "classname" ${JSON.stringify(cls)} is not a dotted Java name ` +
          "(letters, digits, _ and $, separated by single dots, e.g. com.example.jdbc.Driver or tpcds).",
      });
    }
  }

  for (const key of ["publishername", "description", "supportinformation"] as const) {
    const v = str(key);
    if (v !== undefined && v.trim() === "") {
      errors.push({
        field: key,
        rule: "config.non-empty",
        message: `config.json "${key}" is empty; write some text (set glue.${camel(key)} in connector.json).`,
      });
    }
  }

  const type = str("connectortype");
  if (type !== undefined) {
    const canonical = toConfigJsonType(type);
    if (!canonical || /\./.test(type)) {
      errors.push({
        field: "connectortype",
        rule: "config.connectortype",
        message:
          `config.json "connectortype" is ${JSON.stringify(type)}; ` +
          'it must be one of "JDBC", "Spark" or "Athena".',
      });
    } else if (canonical !== type) {
      normalized.connectortype = canonical;
      warnings.push({
        field: "connectortype",
        rule: "config.connectortype-casing",
        message:
          `config.json "connectortype" ${JSON.stringify(type)} was rewritten to "${canonical}", ` +
          "the spelling config.json uses (the deep link spells it differently: Jdbc, Spark, Athena).",
      });
    }
  }

  const version = str("version");
  if (version !== undefined) {
    if (version.trim() === "") {
      errors.push({
        field: "version",
        rule: "config.version",
        message: 'config.json "version" is empty; it must equal the image tag (connector.json "version").',
      });
    } else if (!VERSION_PATTERN.test(version) || version.length > MAX_VERSION_LENGTH) {
      warnings.push({
        field: "version",
        rule: "config.version-format",
        message:
          `config.json "version" ${JSON.stringify(version)} is not digits separated by dots of at most ` +
          `${MAX_VERSION_LENGTH} characters; the deep link's connectorVersion must be, ` +
          "so the two will differ " +
          "(use a version such as 1.2.0).",
      });
    }
  }

  return { errors, warnings, normalized };
}

/**
 * Cross-checks config.json with the deep-link inputs and the image tag (§8, last row). Every
 * mismatch is an error: the buyer would activate a connector that differs from the image.
 */
export function checkConfigAgainstDeepLink(
  config: Record<string, unknown>,
  link: { connectorType?: string; connectorClassName?: string; connectorVersion?: string },
  imageTag?: string,
): Issue[] {
  const issues: Issue[] = [];
  const cls = config.classname;
  if (link.connectorClassName !== undefined && typeof cls === "string" && cls !== link.connectorClassName) {
    issues.push({
      field: "classname",
      rule: "config.matches-deeplink",
      message:
        `config.json classname ${JSON.stringify(cls)} differs from the deep link's connectorClassName ` +
        `${JSON.stringify(link.connectorClassName)}; make them equal.`,
    });
  }
  const type = config.connectortype;
  if (
    link.connectorType !== undefined &&
    typeof type === "string" &&
    toDeepLinkType(type) !== link.connectorType
  ) {
    issues.push({
      field: "connectortype",
      rule: "config.matches-deeplink",
      message:
        `config.json connectortype ${JSON.stringify(type)} does not correspond to the deep link's ` +
        `connectorType ${JSON.stringify(link.connectorType)} (JDBC↔Jdbc, Spark↔Spark, Athena↔Athena).`,
    });
  }
  const version = config.version;
  if (typeof version === "string") {
    if (link.connectorVersion !== undefined && version !== link.connectorVersion) {
      issues.push({
        field: "version",
        rule: "config.matches-deeplink",
        message:
          `config.json version ${JSON.stringify(version)} differs from the deep link's connectorVersion ` +
          `${JSON.stringify(link.connectorVersion)}; make them equal.`,
      });
    }
    if (imageTag !== undefined && version !== imageTag) {
      issues.push({
        field: "version",
        rule: "config.matches-image-tag",
        message:
          `config.json version ${JSON.stringify(version)} differs from the image tag ` +
          `${JSON.stringify(imageTag)}; tag the image with the version.`,
      });
    }
  }
  return issues;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Why `value` is not a valid `releasetimestamp`, or undefined when it is. */
function timestampProblem(value: string): string | undefined {
  const fix = "write a UTC time as YYYY-MM-DD hh:mm:ss (24-hour clock, one space, no T, no zone)";
  const m = TIMESTAMP_PATTERN.exec(value);
  if (!m) return `config.json "releasetimestamp" ${JSON.stringify(value)} has the wrong format; ${fix}.`;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const bad = (what: string) =>
    `config.json "releasetimestamp" ${JSON.stringify(value)} is not a real date and time (${what}); ${fix}.`;
  if (month < 1 || month > 12) return bad(`month ${month} does not exist`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return bad(`${MONTHS[month - 1]} ${year} has ${days} days`);
  if (hour > 23) return bad(`hour ${hour} is past 23`);
  if (minute > 59) return bad(`minute ${minute} is past 59`);
  // Leap seconds are not accepted: nothing in Glue's tooling produces them.
  if (second > 59) return bad(`second ${second} is past 59`);
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  return `a ${typeof value} (${String(value)})`;
}

function camel(key: "publishername" | "description" | "supportinformation"): string {
  return key === "publishername"
    ? "publisherName"
    : key === "supportinformation"
      ? "supportInformation"
      : key;
}
