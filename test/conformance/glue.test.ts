import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GLUE_CHECKS, type GlueCheckOptions, glueChecks, sampleJdbcUrl } from "../../src/conformance/glue.js";
import type { CheckResult } from "../../src/conformance/types.js";
import { loadProject } from "../../src/project/index.js";
import type { ProgressEvent } from "../../src/ui/reporter.js";
import { runCli } from "../helpers/cli.js";

const SQLITE_JAR = "/usr/share/java/sqlite-jdbc.jar";
const H2_JAR = "/usr/share/java/h2.jar";
const has = (cmd: string, arg = "--version") => spawnSync(cmd, [arg], { stdio: "ignore" }).status === 0;
const hasJdk = has("java", "-version") && has("javac", "-version") && has("jar");
const hasSqlite = existsSync(SQLITE_JAR);
if (!hasJdk || !hasSqlite) {
  console.warn(
    "Glue conformance tests skipped: they need a JDK (java, javac, jar) and Debian's " +
      "libxerial-sqlite-jdbc-java (see the README's test command)",
  );
}

const MP_URL = "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/acme-db:1.0.0";
// Built by concatenation so that no linter takes them for template-literal mistakes.
const DATABASE = "$" + "{Database}";
const HOST = "$" + "{Host}";
const PORT = "$" + "{Port}";

let work = "";
let javaCacheDir = "";
/** Every run shares one compiled JdbcProbe, like a real cache. */
const base = (): GlueCheckOptions => ({ javaCacheDir });

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "ck-glue-test-"));
  javaCacheDir = path.join(work, "java-cache");
});

type Json = Record<string, unknown> & {
  glue: Record<string, unknown>;
  deeplink: Record<string, unknown>;
  image: Record<string, unknown>;
};

let counter = 0;
async function scaffold(template: "glue-jdbc" | "glue-spark" | "glue-athena", edit?: (c: Json) => void) {
  const dir = path.join(work, `p${++counter}`, "acme-db");
  const r = await runCli(["init", dir, "--template", template, "--yes", "--no-git"]);
  expect(r.code, r.stderr).toBe(0);
  if (edit) patch(dir, edit);
  return dir;
}

function patch(dir: string, edit: (c: Json) => void): void {
  const file = path.join(dir, "connector.json");
  const config = JSON.parse(readFileSync(file, "utf8")) as Json;
  edit(config);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

async function check(dir: string, options: GlueCheckOptions = {}): Promise<Record<string, CheckResult>> {
  const project = await loadProject({ cwd: dir, env: {} });
  const results = await glueChecks(project, { ...base(), ...options });
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

function statuses(results: Record<string, CheckResult>): Record<string, string> {
  return Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.status]));
}

/** A glue-jdbc project that uses a real driver jar from Debian. */
async function realDriverProject(jar: string, className: string, template: string) {
  const dir = await scaffold("glue-jdbc", (c) => {
    c.glue.className = className;
    c.deeplink.connectorUrl = MP_URL;
    c.deeplink.jdbcUrlTemplates = [{ title: "Database file", url: template }];
  });
  copyFileSync(jar, path.join(dir, "jars", path.basename(jar)));
  return dir;
}

/** Packs a jar with the JDK's `jar` tool from text files (path → content). */
function makeJar(file: string, files: Record<string, string>): void {
  const src = mkdtempSync(path.join(work, "jar-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    writeFileSync(path.join(src, name), text);
  }
  execFileSync("jar", ["cf", file, "-C", src, "."], { stdio: "pipe" });
}

const STATIC_ONLY = { skip: ["glue.jdbc.load", "glue.jdbc.accepts-url", "glue.jdbc.connect"] };

describe("sampleJdbcUrl", () => {
  it("fills every placeholder with a sample value", () => {
    expect(sampleJdbcUrl(`jdbc:postgresql://${HOST}:${PORT}/${DATABASE}?user=$` + "{Username}")).toBe(
      "jdbc:postgresql://localhost:5432/test?user=sample_user",
    );
    expect(sampleJdbcUrl(`jdbc:mysql://${HOST}:${PORT}/x;k=$` + "{OAuthSettingsLocation}")).toBe(
      "jdbc:mysql://localhost:3306/x;k=sample",
    );
    expect(sampleJdbcUrl("jdbc:x:$" + "{Password}")).toBe("jdbc:x:sample_password");
  });
});

describe("GLUE_CHECKS", () => {
  it("lists every check once, each with a family and a title", () => {
    const ids = GLUE_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        "glue.config.keys",
        "glue.config.formats",
        "glue.jars.present",
        "glue.jars.zip",
        "glue.jdbc.class",
        "glue.jdbc.services",
        "glue.spark.resolve",
        "glue.spark.services",
        "glue.athena.class",
        "glue.deeplink.fields",
        "glue.deeplink.consistency",
        "glue.jdbc.load",
        "glue.jdbc.accepts-url",
        "glue.jdbc.connect",
      ]),
    );
    for (const c of GLUE_CHECKS) {
      expect(c.family).toBe(c.id.split(".").slice(0, 2).join("."));
      expect(c.title.length).toBeGreaterThan(10);
    }
  });
});

describe.runIf(hasJdk && hasSqlite)("real JDBC drivers", () => {
  it("sqlite: every check passes, also --strict; the probe is compiled once into the cache", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    const events: ProgressEvent[] = [];
    const results = await check(dir, { strict: true, onEvent: (e) => events.push(e) });
    expect(statuses(results)).toEqual({
      "glue.config.keys": "pass",
      "glue.config.formats": "pass",
      "glue.jars.present": "pass",
      "glue.jars.zip": "pass",
      "glue.jdbc.class": "pass",
      "glue.jdbc.services": "pass",
      "glue.spark.resolve": "skip",
      "glue.spark.services": "skip",
      "glue.athena.class": "skip",
      "glue.deeplink.fields": "pass",
      "glue.deeplink.consistency": "pass",
      "glue.jdbc.load": "pass",
      "glue.jdbc.accepts-url": "pass",
      "glue.jdbc.connect": "skip",
    });
    for (const r of Object.values(results).filter((r) => r.status === "pass")) {
      expect(r.reason, r.id).toBeUndefined();
    }
    expect(results["glue.spark.resolve"]?.reason).toContain("Applies to Spark connectors; this one is JDBC");
    expect(results["glue.jdbc.connect"]?.reason).toContain("--jdbc-url");
    expect(results["glue.jdbc.load"]?.details).toMatchObject({
      className: "org.sqlite.JDBC",
      location: "jars/sqlite-jdbc.jar",
      serviceProviders: ["org.sqlite.JDBC"],
    });
    expect(results["glue.jdbc.accepts-url"]?.details).toEqual({
      templates: [
        {
          title: "Database file",
          template: `jdbc:sqlite:${DATABASE}`,
          url: "jdbc:sqlite:test",
          accepted: true,
        },
      ],
    });
    expect(results["glue.jars.present"]?.details).toEqual({ jars: ["jars/sqlite-jdbc.jar"] });
    // One start and one end event per check, in order.
    expect(events.filter((e) => e.type === "step")).toHaveLength(28);
    expect(events[0]).toMatchObject({ type: "step", id: "glue.config.keys", status: "start" });
    expect(events[1]).toMatchObject({ type: "step", id: "glue.config.keys", status: "done" });
    expect(events.at(-1)).toMatchObject({ id: "glue.jdbc.connect", status: "skip" });
    // Cached by the source's hash.
    const cached = readdirSync(javaCacheDir).filter((d) => !d.startsWith("."));
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(path.join(javaCacheDir, cached[0]!, "JdbcProbe.class"))).toBe(true);

    const connected = await check(dir, { only: ["glue.jdbc"], jdbcUrl: "jdbc:sqlite::memory:" });
    expect(Object.keys(connected)).toEqual([
      "glue.jdbc.class",
      "glue.jdbc.services",
      "glue.jdbc.load",
      "glue.jdbc.accepts-url",
      "glue.jdbc.connect",
    ]);
    expect(connected["glue.jdbc.connect"]?.status, connected["glue.jdbc.connect"]?.reason).toBe("pass");
    expect(connected["glue.jdbc.connect"]?.details).toMatchObject({ value: "1", product: /^SQLite / });
    expect(readdirSync(javaCacheDir).filter((d) => !d.startsWith("."))).toEqual(cached);
  });

  it.runIf(existsSync(H2_JAR))(
    "h2: loads, accepts its template, connects and never echoes the password",
    async () => {
      const dir = await realDriverProject(H2_JAR, "org.h2.Driver", `jdbc:h2:mem:${DATABASE}`);
      const password = "s3cret-h2-password";
      const results = await check(dir, {
        strict: true,
        jdbcUrl: "jdbc:h2:mem:test",
        jdbcUser: "sa",
        jdbcPassword: password,
      });
      for (const r of Object.values(results)) {
        expect(
          r.status === "pass" || r.id.startsWith("glue.spark") || r.id.startsWith("glue.athena"),
          r.id,
        ).toBe(true);
      }
      expect(results["glue.jdbc.connect"]?.details).toMatchObject({ value: "1", product: /^H2 / });
      expect(JSON.stringify(results)).not.toContain(password);
    },
  );

  it.runIf(existsSync(H2_JAR))("a connection that fails says why, with the password masked", async () => {
    const dir = await realDriverProject(H2_JAR, "org.h2.Driver", `jdbc:h2:mem:${DATABASE}`);
    const results = await check(dir, {
      only: ["glue.jdbc.connect"],
      jdbcUrl: "jdbc:h2:tcp://127.0.0.1:1/nothing;PASSWORD=topsecret1",
      jdbcPassword: "another-secret",
    });
    const connect = results["glue.jdbc.connect"];
    expect(connect?.status).toBe("fail");
    expect(connect?.reason).toContain(
      "Connecting to jdbc:h2:tcp://127.0.0.1:1/nothing;PASSWORD=*** with org.h2",
    );
    expect(JSON.stringify(results)).not.toContain("topsecret1");
    expect(JSON.stringify(results)).not.toContain("another-secret");
  });
});

describe.runIf(hasJdk && hasSqlite)("the glue-jdbc template's driver skeleton", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await scaffold("glue-jdbc");
    execFileSync("sh", ["build.sh"], { cwd: dir, stdio: "pipe" });
  });

  it("passes class, services, load and acceptsURL; connect fails with the skeleton's message", async () => {
    const results = await check(dir, { jdbcUrl: "jdbc:acme_db://localhost:5432/test" });
    expect(statuses(results)).toMatchObject({
      "glue.jars.present": "pass",
      "glue.jars.zip": "pass",
      "glue.jdbc.class": "pass",
      "glue.jdbc.services": "pass",
      "glue.jdbc.load": "pass",
      "glue.jdbc.accepts-url": "pass",
      "glue.jdbc.connect": "fail",
      "glue.deeplink.consistency": "pass",
    });
    expect(results["glue.jdbc.class"]?.details).toEqual({
      className: "com.example.acme_db.Driver",
      jar: "jars/acme-db.jar",
    });
    expect(results["glue.jdbc.accepts-url"]?.details?.templates).toMatchObject([
      { url: "jdbc:acme_db://localhost:5432/test;user=sample_user;password=sample_password", accepted: true },
    ]);
    expect(results["glue.jdbc.connect"]?.reason).toContain("AcmeDb: connect() is not implemented yet");
    expect(results["glue.jdbc.connect"]?.reason).toContain("SQLFeatureNotSupportedException");
    // A fresh project has no Marketplace image URL yet: a warning, and a failure under --strict.
    expect(results["glue.deeplink.fields"]?.status).toBe("pass");
    expect(results["glue.deeplink.fields"]?.reason).toMatch(/^Warning: connectorUrl is not set yet/);
    const strict = await check(dir, { strict: true, only: ["glue.deeplink.fields"] });
    expect(strict["glue.deeplink.fields"]?.status).toBe("fail");
    expect(strict["glue.deeplink.fields"]?.reason).toContain("--strict makes them failures");
  });

  it("a template the driver does not accept fails acceptsURL with the URL tried", async () => {
    patch(dir, (c) => {
      c.deeplink.jdbcUrlTemplates = [
        { title: "Good", url: `jdbc:acme_db://${HOST}:${PORT}/${DATABASE}` },
        { title: "Typo", url: `jdbc:acmedb://${HOST}:${PORT}/${DATABASE}` },
      ];
    });
    const results = await check(dir, { only: ["glue.jdbc.accepts-url"] });
    const r = results["glue.jdbc.accepts-url"];
    expect(r?.status).toBe("fail");
    expect(r?.reason).toContain(
      'com.example.acme_db.Driver.acceptsURL() rejects the URL of template "Typo" ' +
        `(jdbc:acmedb://${HOST}:${PORT}/${DATABASE} with sample values: jdbc:acmedb://localhost:5432/test)`,
    );
    expect(r?.reason).not.toContain('"Good"');
  });

  it("a driver missing from its services file: the static check and ServiceLoader both say so", async () => {
    const other = await scaffold("glue-jdbc");
    writeFileSync(path.join(other, "driver/resources/META-INF/services/java.sql.Driver"), "# none yet\n");
    execFileSync("sh", ["build.sh"], { cwd: other, stdio: "pipe" });
    const results = await check(other, { only: ["glue.jdbc"] });
    expect(results["glue.jdbc.class"]?.status).toBe("pass");
    expect(results["glue.jdbc.services"]?.status).toBe("fail");
    expect(results["glue.jdbc.services"]?.reason).toContain(
      "The JDBC driver com.example.acme_db.Driver is not registered: " +
        "META-INF/services/java.sql.Driver lists no class (acme-db.jar)",
    );
    expect(results["glue.jdbc.load"]?.status).toBe("fail");
    expect(results["glue.jdbc.load"]?.reason).toContain(
      "com.example.acme_db.Driver loads by name, but ServiceLoader.load(java.sql.Driver) over the jars " +
        "returns no driver",
    );
    const lenient = await check(other, { only: ["glue.jdbc"], lenient: true });
    expect(lenient["glue.jdbc.services"]?.status).toBe("pass");
    expect(lenient["glue.jdbc.services"]?.reason).toMatch(/^Warning: The JDBC driver/);
    expect(lenient["glue.jdbc.load"]?.status).toBe("pass");
    expect(lenient["glue.jdbc.load"]?.reason).toMatch(/^Warning: /);
  });
});

describe.runIf(hasJdk && hasSqlite)("broken projects", () => {
  it("no jar at all", async () => {
    const dir = await scaffold("glue-jdbc");
    const results = await check(dir);
    expect(results["glue.jars.present"]?.status).toBe("fail");
    expect(results["glue.jars.present"]?.reason).toContain(
      'No .jar file found in "jars" (glue.jars in connector.json): ' +
        "a Glue connector needs at least one jar. " +
        "Build the driver with ./build.sh",
    );
    expect(results["glue.jars.zip"]?.status).toBe("skip");
    expect(results["glue.jdbc.class"]).toMatchObject({ status: "skip", reason: /glue.jars.present/ });
    expect(results["glue.jdbc.load"]?.status).toBe("skip");
  });

  it("a glue.jars entry that does not exist", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    patch(dir, (c) => {
      c.glue.jars = ["jars", "lib"];
    });
    const results = await check(dir, { only: ["glue.jars"] });
    expect(results["glue.jars.present"]?.status).toBe("fail");
    expect(results["glue.jars.present"]?.reason).toContain(
      `glue.jars lists "lib", but ${path.join(dir, "lib")}`,
    );
  });

  it("a jar that is a text file", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    writeFileSync(path.join(dir, "jars/notes.jar"), "this is not a zip archive\n");
    const results = await check(dir, STATIC_ONLY);
    expect(results["glue.jars.present"]?.status).toBe("pass");
    expect(results["glue.jars.zip"]?.status).toBe("fail");
    expect(results["glue.jars.zip"]?.reason).toContain(path.join(dir, "jars/notes.jar"));
    expect(results["glue.jars.zip"]?.reason).toContain("Every jar must open as a ZIP archive");
    expect(results["glue.jars.zip"]?.details?.jars).toContainEqual({
      path: "jars/notes.jar",
      ok: false,
      entries: 0,
    });
    // The good jar is still checked.
    expect(results["glue.jdbc.class"]?.status).toBe("pass");
  });

  it("a class name that is in no jar", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "com.example.Missing", `jdbc:sqlite:${DATABASE}`);
    const results = await check(dir);
    expect(results["glue.jdbc.class"]?.status).toBe("fail");
    expect(results["glue.jdbc.class"]?.reason).toBe(
      "The driver class file com/example/Missing.class is in none of the jar; check glue.className " +
        "or add the jar that contains the driver.",
    );
    expect(results["glue.jdbc.services"]?.reason).toContain(
      "META-INF/services/java.sql.Driver lists org.sqlite.JDBC (sqlite-jdbc.jar) but not com.example.Missing",
    );
    expect(results["glue.jdbc.load"]).toMatchObject({
      status: "skip",
      reason:
        "The driver class com.example.Missing is in none of the jars (see glue.jdbc.class), " +
        "so there is nothing to load.",
    });
  });

  it("a class that is in a jar but is not a registered driver", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.SQLiteConfig", `jdbc:sqlite:${DATABASE}`);
    const results = await check(dir, { only: ["glue.jdbc"] });
    expect(results["glue.jdbc.class"]?.status).toBe("pass");
    expect(results["glue.jdbc.services"]?.status).toBe("fail");
    expect(results["glue.jdbc.services"]?.reason).toContain(
      "The JDBC driver org.sqlite.SQLiteConfig is not registered: META-INF/services/java.sql.Driver lists " +
        "org.sqlite.JDBC (sqlite-jdbc.jar) but not org.sqlite.SQLiteConfig. " +
        'Add a line "org.sqlite.SQLiteConfig" to META-INF/services/java.sql.Driver',
    );
    expect(results["glue.jdbc.load"]?.status).toBe("fail");
    expect(results["glue.jdbc.load"]?.reason).toContain(
      "cannot load org.sqlite.SQLiteConfig from the jars: org.sqlite.SQLiteConfig does not implement " +
        "java.sql.Driver. A JDBC driver must be a public class that implements java.sql.Driver",
    );
    expect(results["glue.jdbc.accepts-url"]).toMatchObject({ status: "skip", reason: /did not load/ });
  });

  it("config.json formats: an impossible release timestamp", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    patch(dir, (c) => {
      c.glue.releaseTimestamp = "2021-02-30 12:00:00";
    });
    const results = await check(dir, { only: ["glue.config"] });
    expect(results["glue.config.keys"]?.status).toBe("pass");
    expect(results["glue.config.formats"]).toMatchObject({
      status: "fail",
      reason:
        'config.json "releasetimestamp" "2021-02-30 12:00:00" is not a real date and time ' +
        "(February 2021 has 28 days); write a UTC time as YYYY-MM-DD hh:mm:ss (24-hour clock, one space, " +
        "no T, no zone). [connector.json glue.releaseTimestamp]",
    });
  });

  it("a hand-written config.json next to the jars: casing warning, strict failure, unknown key", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    const config = {
      releasetimestamp: "2024-05-01 10:00:00",
      connectiontype: "MARKETPLACE",
      classname: "org.sqlite.JDBC",
      publishername: "Example Corp",
      connectortype: "jdbc",
      version: "1.0.0",
      description: "SQLite",
      supportinformation: "none",
      extra: "x",
    };
    writeFileSync(path.join(dir, "jars/config.json"), JSON.stringify(config));
    const results = await check(dir, { only: ["glue.config", "glue.deeplink.consistency"] });
    expect(results["glue.config.formats"]?.status).toBe("pass");
    expect(results["glue.config.formats"]?.reason).toBe(
      'Warning: config.json "connectortype" "jdbc" was rewritten to "JDBC", the spelling config.json uses ' +
        "(the deep link spells it differently: Jdbc, Spark, Athena). [jars/config.json]",
    );
    expect(results["glue.config.formats"]?.details).toEqual({ source: "jars/config.json" });
    expect(results["glue.config.keys"]?.status).toBe("pass");
    expect(results["glue.config.keys"]?.reason).toContain('config.json has the unknown key "extra"');
    expect(results["glue.deeplink.consistency"]?.status).toBe("pass");

    const strict = await check(dir, { only: ["glue.config"], strict: true });
    expect(strict["glue.config.formats"]?.status).toBe("fail");
    expect(strict["glue.config.formats"]?.reason).toContain('"connectortype" "jdbc" was rewritten');
    expect(strict["glue.config.keys"]?.status).toBe("fail");

    writeFileSync(path.join(dir, "jars/config.json"), "{ not json");
    const broken = await check(dir, { only: ["glue.config"] });
    expect(broken["glue.config.keys"]?.status).toBe("fail");
    expect(broken["glue.config.keys"]?.reason).toMatch(/^jars\/config.json is not valid JSON/);
    expect(broken["glue.config.formats"]?.status).toBe("skip");
  });

  it("a class name and version in config.json that differ from the deep link and the image tag", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    const config = {
      releasetimestamp: "2024-05-01 10:00:00",
      connectiontype: "MARKETPLACE",
      classname: "org.other.Driver",
      publishername: "Example Corp",
      connectortype: "JDBC",
      version: "1.0.0",
      description: "SQLite",
      supportinformation: "none",
    };
    writeFileSync(path.join(dir, "jars/config.json"), JSON.stringify(config));
    patch(dir, (c) => {
      c.image.tag = "1.0.1";
    });
    const results = await check(dir, { only: ["glue.deeplink.consistency"] });
    const r = results["glue.deeplink.consistency"];
    expect(r?.status).toBe("fail");
    expect(r?.reason).toContain(
      'config.json classname "org.other.Driver" differs from the deep link\'s connectorClassName ' +
        '"org.sqlite.JDBC"; make them equal. [jars/config.json vs connector.json]',
    );
    expect(r?.reason).toContain('config.json version "1.0.0" differs from the image tag "1.0.1"');
  });

  it("deep link: a misspelt credential placeholder warns (strict: fails); equal titles fail", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    patch(dir, (c) => {
      c.deeplink.jdbcUrlTemplates = [{ title: "File", url: `jdbc:sqlite:${DATABASE};user=$` + "{username}" }];
    });
    const warned = await check(dir, { only: ["glue.deeplink"] });
    expect(warned["glue.deeplink.fields"]?.status).toBe("pass");
    expect(warned["glue.deeplink.fields"]?.reason).toBe(
      "Warning: JDBC URL template 1 uses $" +
        "{username}; write exactly $" +
        "{Username}, the only spelling Glue Studio recognises as a credential " +
        "(it then stores it encrypted). " +
        "[connector.json deeplink.jdbcUrlTemplates]",
    );
    const strict = await check(dir, { only: ["glue.deeplink"], strict: true });
    expect(strict["glue.deeplink.fields"]?.status).toBe("fail");

    patch(dir, (c) => {
      c.deeplink.jdbcUrlTemplates = [
        { title: "File", url: `jdbc:sqlite:${DATABASE}` },
        { title: "File", url: "jdbc:sqlite::memory:" },
      ];
    });
    const dup = await check(dir, { only: ["glue.deeplink"] });
    expect(dup["glue.deeplink.fields"]?.status).toBe("fail");
    expect(dup["glue.deeplink.fields"]?.reason).toBe(
      'JDBC URL templates 1 and 2 share the title "File"; titles must be unique. ' +
        "[connector.json deeplink.jdbcUrlTemplates]",
    );
  });

  it("java missing: the Java checks are skipped with the reason", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    const results = await check(dir, { java: "/nonexistent/java", jdbcUrl: "jdbc:sqlite::memory:" });
    for (const id of ["glue.jdbc.load", "glue.jdbc.accepts-url", "glue.jdbc.connect"]) {
      expect(results[id]?.status, id).toBe("skip");
      expect(results[id]?.reason, id).toBe(
        "java was not found at /nonexistent/java; install a JDK 8 or later to load the driver for real " +
          "(the jar checks above ran without it).",
      );
    }
    expect(results["glue.jdbc.class"]?.status).toBe("pass");
  });
});

/** A driver whose static initialiser or connect() never returns (javac and jar from the JDK). */
function slowDriverJar(dir: string, where: "init" | "connect"): string {
  const cls = where === "init" ? "SlowInit" : "SlowConnect";
  const src = mkdtempSync(path.join(work, "slow-"));
  const sleep = "try { Thread.sleep(120000); } catch (InterruptedException e) { }";
  writeFileSync(
    path.join(src, `${cls}.java`),
    `package slow;
public class ${cls} implements java.sql.Driver {
  ${where === "init" ? `static { ${sleep} }` : ""}
  public java.sql.Connection connect(String url, java.util.Properties info) {
    ${where === "connect" ? sleep : ""}
    return null;
  }
  public boolean acceptsURL(String url) { return url.startsWith("jdbc:slow:"); }
  public java.sql.DriverPropertyInfo[] getPropertyInfo(String url, java.util.Properties info) {
    return new java.sql.DriverPropertyInfo[0];
  }
  public int getMajorVersion() { return 1; }
  public int getMinorVersion() { return 0; }
  public boolean jdbcCompliant() { return false; }
  public java.util.logging.Logger getParentLogger() { return null; }
}
`,
  );
  const classes = path.join(src, "classes");
  execFileSync("javac", ["-d", classes, path.join(src, `${cls}.java`)], { stdio: "pipe" });
  mkdirSync(path.join(classes, "META-INF/services"), { recursive: true });
  writeFileSync(path.join(classes, "META-INF/services/java.sql.Driver"), `slow.${cls}\n`);
  execFileSync("jar", ["cf", path.join(dir, "jars/slow.jar"), "-C", classes, "."], { stdio: "pipe" });
  return `slow.${cls}`;
}

describe.runIf(hasJdk)("drivers that hang", () => {
  it("a static initialiser that never returns fails glue.jdbc.load after the time limit", async () => {
    const dir = await scaffold("glue-jdbc");
    const cls = slowDriverJar(dir, "init");
    patch(dir, (c) => {
      c.glue.className = cls;
    });
    const results = await check(dir, { only: ["glue.jdbc.load"], javaTimeoutMs: 2500 });
    expect(results["glue.jdbc.load"]?.status).toBe("fail");
    expect(results["glue.jdbc.load"]?.reason).toContain(
      "Java did not finish within 2.5 s while loading slow.SlowInit: a static initialiser that blocks",
    );
  });

  it("a connect() that never returns fails glue.jdbc.connect; the other Java checks report", async () => {
    const dir = await scaffold("glue-jdbc");
    const cls = slowDriverJar(dir, "connect");
    patch(dir, (c) => {
      c.glue.className = cls;
      c.deeplink.jdbcUrlTemplates = [{ title: "Slow", url: `jdbc:slow://${HOST}` }];
    });
    const results = await check(dir, { only: ["glue.jdbc"], jdbcUrl: "jdbc:slow://x", javaTimeoutMs: 6500 });
    expect(statuses(results)).toEqual({
      "glue.jdbc.class": "pass",
      "glue.jdbc.services": "pass",
      "glue.jdbc.load": "pass",
      "glue.jdbc.accepts-url": "pass",
      "glue.jdbc.connect": "fail",
    });
    expect(results["glue.jdbc.connect"]?.reason).toContain(
      "Connecting to jdbc:slow://x with slow.SlowConnect got no answer within 1500 ms",
    );
  });
});

describe.runIf(hasJdk && hasSqlite)("Spark and Athena projects", () => {
  it("Spark: a format that resolves nowhere fails; a class resolves", async () => {
    const dir = await scaffold("glue-spark", (c) => {
      c.glue.className = "com.example.nothing";
    });
    copyFileSync(SQLITE_JAR, path.join(dir, "jars/any.jar"));
    const results = await check(dir);
    expect(results["glue.spark.resolve"]?.status).toBe("fail");
    expect(results["glue.spark.resolve"]?.reason).toBe(
      'Spark cannot resolve the format "com.example.nothing" from the jar: ' +
        "neither com/example/nothing.class nor com/example/nothing/DefaultSource.class exists. " +
        "Register a DataSourceRegister whose shortName() " +
        "is the format, or use the data source's class or package name.",
    );
    expect(results["glue.spark.services"]?.status).toBe("pass");
    for (const id of ["glue.jdbc.class", "glue.jdbc.load", "glue.jdbc.connect", "glue.athena.class"]) {
      expect(results[id]?.status, id).toBe("skip");
    }
    expect(results["glue.jdbc.load"]?.reason).toBe(
      "Applies to JDBC connectors; this one is Spark (glue.connectorType).",
    );

    patch(dir, (c) => {
      c.glue.className = "org.sqlite.JDBC";
    });
    const ok = await check(dir, { only: ["glue.spark"] });
    expect(ok["glue.spark.resolve"]).toMatchObject({ status: "pass", details: { resolvedVia: "class" } });
  });

  it("Spark: a short name is unverifiable (strict: fails); listed classes must exist", async () => {
    const dir = await scaffold("glue-spark", (c) => {
      c.glue.className = "acmesource";
    });
    copyFileSync(SQLITE_JAR, path.join(dir, "jars/sqlite.jar"));
    const services = "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister";
    makeJar(path.join(dir, "jars/register.jar"), { [services]: "# the data source\norg.sqlite.JDBC\n" });
    const results = await check(dir, { only: ["glue.spark"] });
    expect(results["glue.spark.resolve"]?.status).toBe("pass");
    expect(results["glue.spark.resolve"]?.reason).toContain("not verifiable without running Java");
    expect(results["glue.spark.services"]?.status).toBe("pass");
    const strict = await check(dir, { only: ["glue.spark"], strict: true });
    expect(strict["glue.spark.resolve"]?.status).toBe("fail");

    rmSync(path.join(dir, "jars/register.jar"));
    makeJar(path.join(dir, "jars/register.jar"), { [services]: "com.example.Gone\n" });
    const missing = await check(dir, { only: ["glue.spark"] });
    expect(missing["glue.spark.services"]?.status).toBe("fail");
    expect(missing["glue.spark.services"]?.reason).toContain(
      "lists com.example.Gone, but com/example/Gone.class is in none of the 2 jars",
    );
    expect(missing["glue.spark.resolve"]?.status).toBe("fail");
  });

  it("Athena: a missing class is a warning (a failure with --strict); a present class passes", async () => {
    const dir = await scaffold("glue-athena");
    copyFileSync(SQLITE_JAR, path.join(dir, "jars/any.jar"));
    const results = await check(dir, { only: ["glue.athena"] });
    expect(results["glue.athena.class"]?.status).toBe("pass");
    expect(results["glue.athena.class"]?.reason).toMatch(
      /^Warning: Neither the class com\/example\/acme_db\/AcmeDb.class nor the handler pair/,
    );
    const strict = await check(dir, { only: ["glue.athena"], strict: true });
    expect(strict["glue.athena.class"]?.status).toBe("fail");
    patch(dir, (c) => {
      c.glue.className = "org.sqlite.JDBC";
    });
    const ok = await check(dir, { only: ["glue.athena"], strict: true });
    expect(ok["glue.athena.class"]).toMatchObject({ status: "pass" });
    expect(ok["glue.athena.class"]?.reason).toBeUndefined();
  });
});

describe.runIf(hasSqlite)("selection and --bail", () => {
  it("runs only the selected checks, honours --skip, and stops at the first failure with bail", async () => {
    const dir = await realDriverProject(SQLITE_JAR, "org.sqlite.JDBC", `jdbc:sqlite:${DATABASE}`);
    const only = await check(dir, { only: ["glue.config", "glue.jars.zip"] });
    expect(Object.keys(only)).toEqual(["glue.config.keys", "glue.config.formats", "glue.jars.zip"]);
    const skipped = await check(dir, { skip: ["glue.jdbc", "glue.spark", "glue.athena", "glue.deeplink"] });
    expect(Object.keys(skipped)).toEqual([
      "glue.config.keys",
      "glue.config.formats",
      "glue.jars.present",
      "glue.jars.zip",
    ]);

    writeFileSync(path.join(dir, "jars/notes.jar"), "not a zip");
    const events: ProgressEvent[] = [];
    const bailed = await check(dir, { bail: true, onEvent: (e) => events.push(e) });
    expect(Object.keys(bailed)).toEqual([
      "glue.config.keys",
      "glue.config.formats",
      "glue.jars.present",
      "glue.jars.zip",
    ]);
    expect(bailed["glue.jars.zip"]?.status).toBe("fail");
    expect(events.at(-1)).toMatchObject({ type: "step", id: "glue.jars.zip", status: "fail" });
    const all = await check(dir, { ...STATIC_ONLY, bail: false });
    expect(Object.keys(all).length).toBeGreaterThan(4);
  });
});
