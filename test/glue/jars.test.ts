import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkJars,
  classFileName,
  collectJarFiles,
  inspectJars,
  type JarCheckResult,
  parseServicesFile,
} from "../../src/glue/jars.js";

const hasJdk = spawnSync("jar", ["--version"]).status === 0 && spawnSync("javac", ["-version"]).status === 0;
if (!hasJdk) console.warn("jar check tests skipped: the JDK's `jar` and `javac` tools are not installed");

const DRIVER = "com.example.simpledb.jdbc.Driver";
const DRIVER_SOURCE = `package com.example.simpledb.jdbc;

import java.sql.Connection;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

public class Driver implements java.sql.Driver {
  public Connection connect(String url, Properties info) throws SQLException { return null; }
  public boolean acceptsURL(String url) { return url.startsWith("jdbc:simpledb:"); }
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }
  public int getMajorVersion() { return 2; }
  public int getMinorVersion() { return 1; }
  public boolean jdbcCompliant() { return false; }
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }
}
`;

let dir = "";
let classesDir = "";
const jars: Record<string, string> = {};

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}

/**
 * Packs `<name>.jar` from compiled classes (paths under the shared classes folder, without
 * `.class`) and extra text files (path → text). Deflated unless `compress` is false.
 */
function makeJar(
  name: string,
  classNames: string[],
  files: Record<string, string> = {},
  compress = true,
): string {
  const staging = path.join(dir, `${name}-content`);
  mkdirSync(staging, { recursive: true });
  for (const c of classNames) {
    const rel = `${c}.class`;
    mkdirSync(path.dirname(path.join(staging, rel)), { recursive: true });
    copyFileSync(path.join(classesDir, rel), path.join(staging, rel));
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(staging, rel)), { recursive: true });
    writeFileSync(path.join(staging, rel), text);
  }
  const out = path.join(dir, `${name}.jar`);
  run("jar", ["--create", ...(compress ? [] : ["--no-compress"]), "--file", out, "-C", staging, "."], dir);
  return out;
}

/** Compiles every source (path → Java text) once, into the shared classes folder. */
function compile(sources: Record<string, string>): void {
  const src = path.join(dir, "src");
  const files = Object.entries(sources).map(([rel, text]) => {
    const file = path.join(src, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  });
  run("javac", ["-d", classesDir, ...files], dir);
}

const cls = (pkg: string, name: string, extra = "") =>
  `${pkg ? `package ${pkg};\n` : ""}public class ${name} ${extra}{}\n`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "ck-jars-"));
  classesDir = path.join(dir, "classes");
  if (!hasJdk) return;
  compile({
    "com/example/simpledb/jdbc/Driver.java": DRIVER_SOURCE,
    "examplecorp/events/EventsSource.java": cls("examplecorp.events", "EventsSource"),
    "examplecorp/events/DefaultSource.java": cls("examplecorp.events", "DefaultSource"),
    "examplecorp/broken/Source.java": cls("examplecorp.broken", "Source"),
    "com/example/athena/connectors/metrics/MetricsMetadataHandler.java": cls(
      "com.example.athena.connectors.metrics",
      "MetricsMetadataHandler",
    ),
    "com/example/athena/connectors/metrics/MetricsRecordHandler.java": cls(
      "com.example.athena.connectors.metrics",
      "MetricsRecordHandler",
    ),
    "com/example/athena/Direct.java": cls("com.example.athena", "Direct"),
  });
  const driver = ["com/example/simpledb/jdbc/Driver"];
  const services = "META-INF/services/java.sql.Driver";
  const sparkServices = "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister";
  jars.driver = makeJar("driver", driver, {
    [services]: `# Simple DB driver\n\n  ${DRIVER}   # the one driver\r\n`,
  });
  jars.driverStored = makeJar("driver-stored", driver, { [services]: `${DRIVER}\n` }, false);
  jars.driverNoServices = makeJar("driver-noservices", driver);
  jars.servicesOnly = makeJar("services-only", [], { [services]: `com.other.Driver\n${DRIVER}\n` });
  jars.otherDriver = makeJar("other-driver", [], { [services]: "com.other.Driver\n" });
  jars.spark = makeJar("spark", ["examplecorp/events/EventsSource", "examplecorp/events/DefaultSource"], {
    [sparkServices]: "examplecorp.events.EventsSource\n",
  });
  jars.sparkBroken = makeJar("spark-broken", ["examplecorp/broken/Source"], {
    [sparkServices]: "examplecorp.broken.Source\nexamplecorp.broken.Missing # gone\n",
  });
  jars.athena = makeJar("athena", [
    "com/example/athena/connectors/metrics/MetricsMetadataHandler",
    "com/example/athena/connectors/metrics/MetricsRecordHandler",
    "com/example/athena/Direct",
  ]);
  jars.text = path.join(dir, "readme.jar");
  writeFileSync(jars.text, "This is a text file renamed to .jar\n");
});

const ids = (results: JarCheckResult[]) => results.map((r) => `${r.severity}:${r.id}`);

async function check(files: string[], connectorType: string, className: string, lenient = false) {
  return checkJars(await inspectJars(files), { connectorType, className, lenient });
}

describe("parseServicesFile", () => {
  it("keeps one class per line, without comments, blank lines and surrounding spaces", () => {
    expect(parseServicesFile("# header\n\n a.B \r\nc.D#inline\n  # only a comment\n\te.F\t\n")).toEqual([
      "a.B",
      "c.D",
      "e.F",
    ]);
    expect(parseServicesFile("")).toEqual([]);
  });

  it("maps class names to class files", () => {
    expect(classFileName("a.b.C")).toBe("a/b/C.class");
    expect(classFileName("a.b.C$Inner")).toBe("a/b/C$Inner.class");
  });
});

describe.skipIf(!hasJdk)("inspectJars on real jars", () => {
  it("reads entries and services files of deflated and stored jars", async () => {
    const set = await inspectJars([jars.driver as string, jars.driverStored as string]);
    expect(set.problems).toEqual([]);
    expect(set.jars.map((j) => j.ok)).toEqual([true, true]);
    expect(set.hasClass(DRIVER)).toBe(true);
    expect(set.jarWithEntry(classFileName(DRIVER))).toBe(jars.driver);
    expect(set.servicesFor("java.sql.Driver").map((s) => s.providers)).toEqual([[DRIVER], [DRIVER]]);
  });

  it("reports a text file renamed .jar as unreadable, naming it", async () => {
    const set = await inspectJars([jars.text as string, jars.driver as string]);
    expect(set.jars[0]).toMatchObject({ ok: false, path: jars.text });
    expect(ids(set.problems)).toEqual(["error:jars.readable"]);
    expect(set.problems[0]?.message).toContain("readme.jar");
    expect(set.problems[0]?.message).toContain("not a ZIP archive");
  });

  it("collects the jars below a folder", async () => {
    const found = await collectJarFiles([dir]);
    expect(found).toContain(jars.driver);
    expect(found.every((f) => f.endsWith(".jar"))).toBe(true);
    expect(await collectJarFiles([path.join(dir, "nope.jar")])).toEqual([path.join(dir, "nope.jar")]);
  });
});

describe.skipIf(!hasJdk)("checkJars: all types", () => {
  it("needs at least one jar", async () => {
    expect(ids(await check([], "JDBC", DRIVER))).toEqual(["error:jars.present"]);
  });

  it("needs a syntactically valid class name, and then skips the per-type checks", async () => {
    const results = await check([jars.driver as string], "JDBC", "com.example..Driver");
    expect(ids(results)).toEqual(["error:classname.syntax"]);
  });

  it("reports an unreadable jar next to the type checks", async () => {
    expect(ids(await check([jars.text as string, jars.driver as string], "JDBC", DRIVER))).toEqual([
      "error:jars.readable",
    ]);
  });
});

describe.skipIf(!hasJdk)("checkJars: JDBC", () => {
  it("passes a driver jar whose services file lists the class and which holds the class", async () => {
    expect(await check([jars.driver as string], "JDBC", DRIVER)).toEqual([]);
    expect(await check([jars.driverStored as string], "Jdbc", DRIVER)).toEqual([]);
  });

  it("fails without META-INF/services/java.sql.Driver (a warning with lenient)", async () => {
    const strict = await check([jars.driverNoServices as string], "JDBC", DRIVER);
    expect(ids(strict)).toEqual(["error:jdbc.driver-service"]);
    expect(strict[0]?.message).toContain("no jar contains META-INF/services/java.sql.Driver");
    const lenient = await check([jars.driverNoServices as string], "JDBC", DRIVER, true);
    expect(ids(lenient)).toEqual(["warning:jdbc.driver-service"]);
  });

  it("fails when the services file lists other classes only, saying which", async () => {
    const results = await check(
      [jars.otherDriver as string, jars.driverNoServices as string],
      "JDBC",
      DRIVER,
    );
    expect(ids(results)).toEqual(["error:jdbc.driver-service"]);
    expect(results[0]?.message).toContain("lists com.other.Driver (other-driver.jar)");
  });

  it("fails when the class file is missing", async () => {
    const results = await check([jars.servicesOnly as string], "JDBC", DRIVER);
    expect(ids(results)).toEqual(["error:jdbc.driver-class"]);
    expect(results[0]?.message).toContain("com/example/simpledb/jdbc/Driver.class");
  });

  it("accepts the services file and the class in different jars", async () => {
    expect(
      await check([jars.servicesOnly as string, jars.driverNoServices as string], "JDBC", DRIVER),
    ).toEqual([]);
  });

  const debianDrivers = [
    ["/usr/share/java/sqlite-jdbc.jar", "org.sqlite.JDBC"],
    ["/usr/share/java/h2.jar", "org.h2.Driver"],
  ] as const;
  for (const [file, driver] of debianDrivers) {
    it.skipIf(!existsSync(file))(`passes the real driver ${path.basename(file)} (${driver})`, async () => {
      expect(await check([file], "JDBC", driver)).toEqual([]);
      expect(ids(await check([file], "JDBC", `${driver}Nope`))).toEqual([
        "error:jdbc.driver-service",
        "error:jdbc.driver-class",
      ]);
    });
  }
});

describe.skipIf(!hasJdk)("checkJars: Spark", () => {
  it("(a) a short name with a registered data source is a warning: not verifiable", async () => {
    const results = await check([jars.spark as string], "Spark", "events");
    expect(ids(results)).toEqual(["warning:spark.short-name"]);
    expect(results[0]?.message).toContain("not verifiable");
    expect(results[0]?.message).toContain("examplecorp.events.EventsSource");
  });

  it("(b) the format is a class", async () => {
    expect(await check([jars.spark as string], "Spark", "examplecorp.events.EventsSource")).toEqual([]);
  });

  it("(c) the format is a package holding DefaultSource", async () => {
    expect(await check([jars.spark as string], "Spark", "examplecorp.events")).toEqual([]);
  });

  it("fails when no way resolves the format", async () => {
    const short = await check([jars.driver as string], "Spark", "events");
    expect(ids(short)).toEqual(["error:spark.format"]);
    expect(short[0]?.message).toContain("no jar registers a data source");
    const dotted = await check([jars.spark as string], "Spark", "examplecorp.nothing");
    expect(ids(dotted)).toEqual(["error:spark.format"]);
    expect(dotted[0]?.message).toContain("examplecorp/nothing/DefaultSource.class");
  });

  it("fails for every registered class that does not exist", async () => {
    const results = await check([jars.sparkBroken as string], "Spark", "examplecorp.broken.Source");
    expect(ids(results)).toEqual(["error:spark.registered-classes"]);
    expect(results[0]?.message).toContain("examplecorp.broken.Missing");
  });
});

describe.skipIf(!hasJdk)("checkJars: Athena", () => {
  it("passes when the class exists", async () => {
    expect(await check([jars.athena as string], "Athena", "com.example.athena.Direct")).toEqual([]);
  });

  it("passes when the handler pair of the convention exists", async () => {
    expect(await check([jars.athena as string], "Athena", "com.example.athena.connectors.Metrics")).toEqual(
      [],
    );
  });

  it("warns (not errors) when neither exists", async () => {
    const results = await check([jars.athena as string], "Athena", "com.example.athena.connectors.Logs");
    expect(ids(results)).toEqual(["warning:athena.class"]);
    expect(results[0]?.message).toContain("com/example/athena/connectors/logs/LogsMetadataHandler.class");
  });
});
