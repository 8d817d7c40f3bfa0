/**
 * Local checks on Glue connector jars (reference §8), read from the ZIP central directory without
 * running Java. `inspectJars` reads the jars once; `checkJars` applies the per-type checks and
 * returns the problems as structured results for `connector test` to present.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isCliError } from "../ui/errors.js";
import { CLASS_NAME_PATTERN, toDeepLinkType } from "./config-json.js";
import { ZipArchive } from "./zip.js";

export const JDBC_DRIVER_SERVICE = "java.sql.Driver";
export const SPARK_DATA_SOURCE_SERVICE = "org.apache.spark.sql.sources.DataSourceRegister";
const SERVICES_DIR = "META-INF/services/";
/** Services files larger than this are not read (they are a few lines in practice). */
const MAX_SERVICES_FILE_BYTES = 1024 * 1024;

export type JarCheckSeverity = "error" | "warning";

/** One problem found in the jars. */
export interface JarCheckResult {
  /** Stable check identifier, one of JAR_CHECK_IDS. */
  id: JarCheckId;
  severity: JarCheckSeverity;
  message: string;
}

/** Every check `checkJars` can report; a check not in the results passed (or did not apply). */
export const JAR_CHECK_IDS = [
  "jars.present",
  "jars.readable",
  "jars.services-readable",
  "classname.syntax",
  "jdbc.driver-service",
  "jdbc.driver-class",
  "spark.format",
  "spark.short-name",
  "spark.registered-classes",
  "athena.class",
] as const;

export type JarCheckId = (typeof JAR_CHECK_IDS)[number];

export interface InspectedJar {
  path: string;
  /** False when the file could not be read as a ZIP archive; `error` says why. */
  ok: boolean;
  error?: string;
  entryCount: number;
}

export interface ServicesFile {
  jar: string;
  /** The service interface, i.e. the file name under META-INF/services/. */
  service: string;
  /** The provider classes it lists, in order (comments and blank lines removed). */
  providers: string[];
}

/** What the checks need from a set of jars. */
export interface JarSet {
  jars: InspectedJar[];
  services: ServicesFile[];
  /** Problems found while reading (unreadable jars or services files). */
  problems: JarCheckResult[];
  /** Whether some jar holds the entry (exact path inside the archive). */
  hasEntry(name: string): boolean;
  /** The first jar that holds the entry. */
  jarWithEntry(name: string): string | undefined;
  /** Whether some jar holds the class file of `className` (dotted, `$` for nested classes). */
  hasClass(className: string): boolean;
  /** Services files for one interface across all jars. */
  servicesFor(service: string): ServicesFile[];
}

/**
 * Parses a META-INF/services file the way Java's ServiceLoader does: UTF-8, one class per line,
 * everything after `#` is a comment, surrounding whitespace and blank lines are ignored.
 */
export function parseServicesFile(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const hash = line.indexOf("#");
    const value = (hash >= 0 ? line.slice(0, hash) : line).trim();
    if (value !== "") out.push(value);
  }
  return out;
}

/** `com.example.Driver` → `com/example/Driver.class`. */
export function classFileName(className: string): string {
  return `${className.replace(/\./g, "/")}.class`;
}

/**
 * Expands folders to the `*.jar` files below them (recursively, sorted); files are kept as given,
 * whatever their name. Missing paths are kept too, so that `inspectJars` reports them.
 */
export async function collectJarFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      out.push(p);
      continue;
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const found = (await readdir(p, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.toLowerCase().endsWith(".jar"))
      .map((d) => path.join(d.parentPath, d.name))
      .sort();
    out.push(...found);
  }
  return out;
}

/** Reads the central directory and the services files of every jar. Never throws for a bad jar. */
export async function inspectJars(paths: string[]): Promise<JarSet> {
  const jars: InspectedJar[] = [];
  const services: ServicesFile[] = [];
  const problems: JarCheckResult[] = [];
  const entries = new Map<string, string>();

  for (const file of paths) {
    let zip: ZipArchive;
    try {
      zip = await ZipArchive.open(file);
    } catch (error) {
      const message = isCliError(error) ? error.message : `${file}: ${(error as Error).message}`;
      jars.push({ path: file, ok: false, error: message, entryCount: 0 });
      problems.push({
        id: "jars.readable",
        severity: "error",
        message: `${message}. Every jar must open as a ZIP archive.`,
      });
      continue;
    }
    try {
      jars.push({ path: file, ok: true, entryCount: zip.entries.length });
      for (const entry of zip.entries) {
        if (!entries.has(entry.name)) entries.set(entry.name, file);
        const isService =
          entry.name.startsWith(SERVICES_DIR) &&
          !entry.isDirectory &&
          !entry.name.slice(SERVICES_DIR.length).includes("/");
        if (!isService) continue;
        try {
          const data = await zip.read(entry, { maxBytes: MAX_SERVICES_FILE_BYTES });
          services.push({
            jar: file,
            service: entry.name.slice(SERVICES_DIR.length),
            // A BOM is not stripped: ServiceLoader does not strip it either, so a services file
            // that starts with one is broken in Java too and the check should fail.
            providers: parseServicesFile((data ?? Buffer.alloc(0)).toString("utf8")),
          });
        } catch (error) {
          problems.push({
            id: "jars.services-readable",
            severity: "error",
            message:
              `${isCliError(error) ? error.message : (error as Error).message}. ` +
              "The services file cannot be read.",
          });
        }
      }
    } finally {
      await zip.close();
    }
  }

  return {
    jars,
    services,
    problems,
    hasEntry: (name) => entries.has(name),
    jarWithEntry: (name) => entries.get(name),
    hasClass: (className) => entries.has(classFileName(className)),
    servicesFor: (service) => services.filter((s) => s.service === service),
  };
}

export interface CheckJarsOptions {
  /** Connector type in any casing: JDBC/Jdbc, Spark, Athena. */
  connectorType: string;
  /** config.json `classname` / the deep link's `connectorClassName`. */
  className: string;
  /** Report a missing java.sql.Driver services entry as a warning, not an error. */
  lenient?: boolean;
}

/**
 * Applies the §8 checks for the connector type to the jars. Returns the problems only (errors and
 * warnings), the read problems of `inspectJars` first; an empty array means every check passed.
 */
export function checkJars(set: JarSet, options: CheckJarsOptions): JarCheckResult[] {
  const results: JarCheckResult[] = [...set.problems];
  const className = options.className.trim();
  if (set.jars.length === 0) {
    results.push({
      id: "jars.present",
      severity: "error",
      message: "No jar was found: a Glue connector needs at least one .jar (connector.json glue.jars).",
    });
  }
  if (!CLASS_NAME_PATTERN.test(className)) {
    results.push({
      id: "classname.syntax",
      severity: "error",
      message:
        `The class name ${JSON.stringify(options.className)} is not a dotted Java name ` +
        "(letters, digits, _ and $ separated by single dots); fix glue.className.",
    });
    // The per-type checks look for files named after the class; they would only repeat this.
    return results;
  }
  const readable = set.jars.filter((j) => j.ok).length;
  // Without a readable jar every per-type check would fail too and only repeat the problem above.
  if (readable === 0) return results;
  const inJars = readable === 1 ? "the jar" : `the ${readable} jars`;
  switch (toDeepLinkType(options.connectorType)) {
    case "Jdbc":
      results.push(...checkJdbc(set, className, inJars, options.lenient ?? false));
      break;
    case "Spark":
      results.push(...checkSpark(set, className, inJars));
      break;
    case "Athena":
      results.push(...checkAthena(set, className, inJars));
      break;
    default:
      // An unknown type is reported by config.json and deep-link validation; nothing to check here.
      break;
  }
  return results;
}

function checkJdbc(set: JarSet, className: string, inJars: string, lenient: boolean): JarCheckResult[] {
  const results: JarCheckResult[] = [];
  const files = set.servicesFor(JDBC_DRIVER_SERVICE);
  const listed = files.some((f) => f.providers.includes(className));
  if (!listed) {
    const where = `META-INF/services/${JDBC_DRIVER_SERVICE}`;
    const found =
      files.length === 0
        ? `no jar contains ${where}`
        : `${where} lists ${files
            .map(
              (f) => `${f.providers.length ? f.providers.join(", ") : "no class"} (${path.basename(f.jar)})`,
            )
            .join("; ")} but not ${className}`;
    results.push({
      id: "jdbc.driver-service",
      severity: lenient ? "warning" : "error",
      message:
        `The JDBC driver ${className} is not registered: ${found}. Add a line "${className}" to ${where} ` +
        "in the driver jar so DriverManager finds it.",
    });
  }
  if (!set.hasClass(className)) {
    results.push({
      id: "jdbc.driver-class",
      severity: "error",
      message:
        `The driver class file ${classFileName(className)} is in none of ${inJars}; check glue.className ` +
        "or add the jar that contains the driver.",
    });
  }
  return results;
}

function checkSpark(set: JarSet, format: string, inJars: string): JarCheckResult[] {
  const results: JarCheckResult[] = [];
  const registrations = set.servicesFor(SPARK_DATA_SOURCE_SERVICE);
  const registered: string[] = [];
  for (const file of registrations) {
    for (const provider of file.providers) {
      if (set.hasClass(provider)) {
        registered.push(provider);
        continue;
      }
      results.push({
        id: "spark.registered-classes",
        severity: "error",
        message:
          `META-INF/services/${SPARK_DATA_SOURCE_SERVICE} in ${path.basename(file.jar)} lists ${provider}, ` +
          `but ${classFileName(provider)} is in none of ${inJars}; Spark fails to load every data source ` +
          "when one listed class is missing. Fix the services file or add the class.",
      });
    }
  }
  // Spark's lookup order: a registered short name, then the name as a class, then
  // <name>.DefaultSource. A short name is only readable by running Java (DataSourceRegister's
  // shortName()), so (a) can only be assumed when some registered class exists.
  const isShortName = !format.includes(".");
  const viaShortName = isShortName && registered.length > 0;
  const viaClass = set.hasClass(format);
  const viaDefaultSource = set.hasClass(`${format}.DefaultSource`);
  if (viaClass || viaDefaultSource) return results;
  if (viaShortName) {
    results.push({
      id: "spark.short-name",
      severity: "warning",
      message:
        `The format "${format}" is a short name; ${inJars} register ${registered.join(", ")} as data ` +
        "sources, but which short name each returns is not verifiable without running Java. Make sure " +
        `one of them returns "${format}" from shortName().`,
    });
    return results;
  }
  results.push({
    id: "spark.format",
    severity: "error",
    message:
      `Spark cannot resolve the format "${format}" from ${inJars}: ` +
      (isShortName
        ? `no jar registers a data source in META-INF/services/${SPARK_DATA_SOURCE_SERVICE}, and `
        : "") +
      `neither ${classFileName(format)} nor ${classFileName(`${format}.DefaultSource`)} exists. ` +
      "Register a DataSourceRegister whose shortName() is the format, " +
      "or use the data source's class or package name.",
  });
  return results;
}

function checkAthena(set: JarSet, className: string, inJars: string): JarCheckResult[] {
  if (set.hasClass(className)) return [];
  // [inferred] convention: com.example.connectors.Cloudwatch →
  // com/example/connectors/cloudwatch/CloudwatchMetadataHandler.class (and …RecordHandler.class).
  const dot = className.lastIndexOf(".");
  const base = dot >= 0 ? className.slice(0, dot) : "";
  const name = dot >= 0 ? className.slice(dot + 1) : className;
  const pkg = [base, name.toLowerCase()].filter((s) => s !== "").join(".");
  const metadata = `${pkg}.${name}MetadataHandler`;
  const record = `${pkg}.${name}RecordHandler`;
  if (set.hasClass(metadata) && set.hasClass(record)) return [];
  return [
    {
      id: "athena.class",
      severity: "warning",
      message:
        `Neither the class ${classFileName(className)} nor the handler pair ${classFileName(metadata)} / ` +
        `${classFileName(record)} is in ${inJars}. The handler naming is a convention, not a rule, so this ` +
        "is only a warning; check glue.className against the connector's classes.",
    },
  ];
}
