/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: JDBC URL templates hold ${…} placeholders */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectFile } from "../../src/project/index.js";
import { runCli } from "../helpers/cli.js";

const JDBC_LINK =
  "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22Example%20Corp%20Simple%20DB%22&connectorType=%22Jdbc%22&connectorDescription=%22Reads%20and%20writes%20Simple%20DB%20tables%3B%20supports%20partitioning.%22&connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Fexample-corp%2Fsimpledb-glue%3A2.1.0%22&connectorVersion=%222.1.0%22&connectorClassName=%22com.example.simpledb.jdbc.Driver%22&connectionAccessJdbcURLFormat=%22User%20and%20password%3Djdbc%3Asimpledb%3A%2F%2F%24%7BHost%7D%3A%24%7BPort%7D%2F%24%7BDatabase%7D%3Buser%3D%24%7BUsername%7D%3Bpassword%3D%24%7BPassword%7D%22&connectionAccessJdbcURLFormat=%22OAuth%3Djdbc%3Asimpledb%3A%2F%2F%24%7BHost%7D%3A%24%7BPort%7D%2F%24%7BDatabase%7D%3BAuthScheme%3DOAuth%3BOAuthSettingsLocation%3D%24%7BOAuthSettingsLocation%7D%22&connectionAccessJdbcURLParamsDelimiter=%22%3B%22";

const SPARK_LINK =
  "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22Example%20Corp%20Events%22&connectorType=%22Spark%22&connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Fexample-corp%2Fevents-glue%3A1.0.0%22&connectorVersion=%221.0.0%22&connectorClassName=%22examplecorp.events%22";

const URL_JDBC = "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/simpledb-glue:2.1.0";
const T1 = "jdbc:simpledb://${Host}:${Port}/${Database};user=${Username};password=${Password}";
const T2 =
  "jdbc:simpledb://${Host}:${Port}/${Database};AuthScheme=OAuth;OAuthSettingsLocation=${OAuthSettingsLocation}";

/** The worked example of the reference as a connector.json. */
const PROJECT = {
  name: "simpledb-glue",
  version: "2.1.0",
  kind: "glue",
  glue: {
    connectorType: "JDBC",
    className: "com.example.simpledb.jdbc.Driver",
    publisherName: "Example Corp",
    description: "Example Corp JDBC driver for Simple DB",
    supportInformation: "See https://example.com/support",
  },
  deeplink: {
    connectorName: "Example Corp Simple DB",
    connectorDescription: "Reads and writes Simple DB tables; supports partitioning.",
    connectorUrl: URL_JDBC,
    jdbcUrlTemplates: [
      { title: "User and password", url: T1 },
      { title: "OAuth", url: T2 },
    ],
    paramsDelimiter: ";",
  },
};

const FLAGS_JDBC = [
  "--name",
  "Example Corp Simple DB",
  "--type",
  "Jdbc",
  "--description",
  "Reads and writes Simple DB tables; supports partitioning.",
  "--url",
  URL_JDBC,
  "--connector-version",
  "2.1.0",
  "--class-name",
  "com.example.simpledb.jdbc.Driver",
  "--jdbc-url",
  `User and password=${T1}`,
  "--jdbc-url",
  `OAuth=${T2}`,
  "--delimiter",
  ";",
];

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function project(config: unknown): string {
  const dir = tempDir("ck-deeplink-");
  writeFileSync(path.join(dir, "connector.json"), JSON.stringify(config, null, 2));
  return dir;
}

/** A folder with no connector.json in it or above it. */
function bare(): string {
  const dir = tempDir("ck-deeplink-bare-");
  expect(findProjectFile(dir)).toBeUndefined();
  return dir;
}

describe("connector deeplink: building", () => {
  it("prints exactly the worked example from connector.json, and nothing on stderr", async () => {
    const r = await runCli(["deeplink"], { cwd: project(PROJECT) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JDBC_LINK}\n`);
    expect(r.stderr).toBe("");
  });

  it("needs no connector.json when every field comes from flags", async () => {
    const r = await runCli(["deeplink", ...FLAGS_JDBC], { cwd: bare() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JDBC_LINK}\n`);
  });

  it("builds the Spark example from flags", async () => {
    const r = await runCli(
      [
        "deeplink",
        "--name",
        "Example Corp Events",
        "--type",
        "spark",
        "--url",
        "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/events-glue:1.0.0",
        "--connector-version",
        "1.0.0",
        "--class-name",
        "examplecorp.events",
      ],
      { cwd: bare() },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SPARK_LINK}\n`);
  });

  it("takes the type from glue.connectorType in the deep-link casing, and flags over the file", async () => {
    const r = await runCli(["deeplink", "--json", "--name", "Other Name", "--type", "JDBC"], {
      cwd: project(PROJECT),
    });
    expect(r.code).toBe(0);
    const result = r.json().result as { fields: Record<string, unknown> };
    expect(result.fields.connectorType).toBe("Jdbc");
    expect(result.fields.connectorName).toBe("Other Name");
    expect(result.fields.connectorVersion).toBe("2.1.0");
    expect(result.fields.connectorClassName).toBe("com.example.simpledb.jdbc.Driver");
  });

  it("--jdbc-url replaces the file's templates", async () => {
    const r = await runCli(["deeplink", "--json", "--jdbc-url", "Only=jdbc:simpledb://h;a=b"], {
      cwd: project(PROJECT),
    });
    const result = r.json().result as { fields: { jdbcUrlTemplates: unknown } };
    expect(result.fields.jdbcUrlTemplates).toEqual([{ title: "Only", url: "jdbc:simpledb://h;a=b" }]);
  });

  it("uses glue.description when it passes the character rule, else leaves it out and warns", async () => {
    const { connectorDescription: _d, ...deeplink } = PROJECT.deeplink;
    const good = await runCli(["deeplink", "--json"], { cwd: project({ ...PROJECT, deeplink }) });
    const goodFields = (good.json().result as { fields: Record<string, unknown> }).fields;
    expect(goodFields.connectorDescription).toBe("Example Corp JDBC driver for Simple DB");

    const glue = { ...PROJECT.glue, description: "Example Corp's driver (Simple DB)" };
    const bad = await runCli(["deeplink"], { cwd: project({ ...PROJECT, glue, deeplink }) });
    expect(bad.code).toBe(0);
    expect(bad.stdout).not.toContain("connectorDescription");
    expect(bad.stderr).toContain("warning: glue.description was not used as connectorDescription");
  });

  it("derives the URL from image.repository when image.registryId is the Marketplace registry", async () => {
    const { connectorUrl: _u, ...deeplink } = PROJECT.deeplink;
    const image = { repository: "example-corp/simpledb-glue", registryId: "709825985650" };
    const r = await runCli(["deeplink"], { cwd: project({ ...PROJECT, deeplink, image }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JDBC_LINK}\n`);
  });

  it("adds ?region= from --region or deeplink.region, and only then", async () => {
    const withFlag = await runCli(["deeplink", "--region", "eu-west-1"], { cwd: project(PROJECT) });
    expect(withFlag.stdout).toBe(`${JDBC_LINK.replace("home#", "home?region=eu-west-1#")}\n`);
    const fromFile = await runCli(["deeplink"], {
      cwd: project({ ...PROJECT, deeplink: { ...PROJECT.deeplink, region: "us-west-2" } }),
    });
    expect(fromFile.stdout).toBe(`${JDBC_LINK.replace("home#", "home?region=us-west-2#")}\n`);
    const env = await runCli(["deeplink"], {
      cwd: project(PROJECT),
      env: { CONNECTOR_AWS_REGION: "eu-west-1" },
    });
    expect(env.stdout).toBe(`${JDBC_LINK}\n`);
  });

  it("--markdown prints the usage-instructions sentence", async () => {
    const r = await runCli(["deeplink", "--markdown"], { cwd: project(PROJECT) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Please subscribe to the product from AWS Marketplace and " +
        `[Activate the Glue connector from AWS Glue Studio](${JDBC_LINK})\n`,
    );
  });

  it("--json prints one document: link, decoded fields, warnings and the Markdown", async () => {
    const r = await runCli(["deeplink", "--json"], { cwd: project(PROJECT) });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ ok: true, command: "deeplink" });
    const result = doc.result as Record<string, unknown>;
    expect(result.url).toBe(JDBC_LINK);
    expect(result.fields).toEqual({
      ...PROJECT.deeplink,
      connectorType: "Jdbc",
      connectorVersion: "2.1.0",
      connectorClassName: "com.example.simpledb.jdbc.Driver",
    });
    expect(result.warnings).toEqual([]);
    expect(result.markdown).toContain(`](${JDBC_LINK})`);
    expect(result.deliveryOption).toEqual({
      title: "Activate in AWS Glue Studio",
      description: "Import jars in AWS Glue jobs.",
      containerImage: URL_JDBC.replace("https://", ""),
    });
  });

  it("prints style warnings on stderr and still the link on stdout", async () => {
    const r = await runCli(["deeplink", "--name", "Example-Corp DB"], { cwd: project(PROJECT) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("connectorName=%22Example-Corp%20DB%22");
    expect(r.stderr).toContain('warning: connectorName "Example-Corp DB" has characters other than');
    const json = await runCli(["deeplink", "--json", "--name", "Example-Corp DB"], { cwd: project(PROJECT) });
    const result = json.json().result as { warnings: { field: string }[] };
    expect(result.warnings.map((w) => w.field)).toEqual(["connectorName"]);
  });

  it("--strict turns style warnings into errors: exit 2, nothing on stdout", async () => {
    const r = await runCli(["deeplink", "--strict", "--name", "Example-Corp DB"], { cwd: project(PROJECT) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error: Cannot build the deep link: 1 problem");
    expect(r.stderr).toContain("[--name or deeplink.connectorName]");
    expect(r.stderr).toContain("--strict");
    const ok = await runCli(["deeplink", "--strict"], { cwd: project(PROJECT) });
    expect(ok.code).toBe(0);
  });

  it("fails with exit 2 listing every hard error, with nothing on stdout", async () => {
    const r = await runCli(["deeplink", "--type", "Jdbc", "--name", ""], { cwd: bare() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("5 problems");
    for (const what of [
      "connectorName is empty",
      "connectorUrl is empty",
      "connectorClassName is empty",
      "at least one JDBC URL template",
      "parameter delimiter",
    ]) {
      expect(r.stderr).toContain(what);
    }
    const json = await runCli(["--json", "deeplink", "--type", "Jdbc"], { cwd: bare() });
    expect(json.code).toBe(2);
    const doc = json.json() as { ok: boolean; error: { code: string; details: { errors: unknown[] } } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe("DEEPLINK_INVALID");
    expect(doc.error.details.errors).toHaveLength(5);
  });

  it("rejects a --jdbc-url without =, and a bad --region", async () => {
    const r = await runCli(["deeplink", "--jdbc-url", "no equals sign", "--region", "Europe"], {
      cwd: project(PROJECT),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('--jdbc-url "no equals sign" has no "="');
    expect(r.stderr).toContain('The region "Europe" is not an AWS region name');
  });

  it("fails on an invalid connector.json with exit 2", async () => {
    const r = await runCli(["deeplink"], { cwd: project({ ...PROJECT, glue: { connectorType: "Nope" } }) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });
});

describe("connector deeplink --parse", () => {
  it("prints the decoded fields as a table", async () => {
    const r = await runCli(["deeplink", "--parse", JDBC_LINK], { cwd: bare() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toContain("region                   (absent)");
    expect(lines).toContain("connectorName            Example Corp Simple DB");
    expect(lines).toContain("connectorType            Jdbc");
    expect(lines).toContain(`jdbcUrlTemplate 1 title  User and password`);
    expect(lines).toContain(`jdbcUrlTemplate 2 url    ${T2}`);
    expect(lines).toContain("paramsDelimiter          ;");
  });

  it("--json gives the fields and the warnings", async () => {
    const r = await runCli(["deeplink", "--json", "--parse", SPARK_LINK.replace("Events", "Events-2")]);
    expect(r.code).toBe(0);
    const result = r.json().result as { fields: Record<string, unknown>; warnings: { rule: string }[] };
    expect(result.fields).toEqual({
      connectorName: "Example Corp Events-2",
      connectorType: "Spark",
      connectorUrl: "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/events-glue:1.0.0",
      connectorVersion: "1.0.0",
      connectorClassName: "examplecorp.events",
    });
    expect(result.warnings.map((w) => w.rule)).toEqual(["name.characters"]);
  });

  it("with --strict, a link that breaks a style rule exits 2", async () => {
    const r = await runCli(["deeplink", "--strict", "--parse", SPARK_LINK.replace("Events", "Events-2")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("The deep link is not valid: 1 problem");
    expect(r.stderr).toMatch(/\nconnectorName +Example Corp Events-2\n/);
  });

  it("rejects a URL that is not a Glue Studio link, exit 2", async () => {
    const r = await runCli(["deeplink", "--parse", "https://example.com/#/connector/add-connection"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Not a Glue Studio add-connection link");
    const json = await runCli(["deeplink", "--json", "--parse", "https://example.com/"]);
    expect((json.json() as { error: { code: string } }).error.code).toBe("DEEPLINK_NOT_GLUE");
  });

  it("cannot be combined with the field flags", async () => {
    const r = await runCli(["deeplink", "--parse", SPARK_LINK, "--name", "X"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--parse cannot be combined with --name");
  });
});

describe("connector deeplink --open", () => {
  function opener(): { bin: string; record: string } {
    const bin = tempDir("ck-opener-");
    const record = path.join(bin, "opened.txt");
    for (const name of ["xdg-open", "open"]) {
      const script = path.join(bin, name);
      writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`);
      chmodSync(script, 0o755);
    }
    return { bin, record };
  }

  it.skipIf(process.platform === "win32")("opens the link with the platform's opener", async () => {
    const { bin, record } = opener();
    const r = await runCli(["deeplink", "--open"], {
      cwd: project(PROJECT),
      env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JDBC_LINK}\n`);
    expect(readFileSync(record, "utf8")).toBe(JDBC_LINK);
  });

  it("warns, without failing, when there is no opener", async () => {
    const empty = tempDir("ck-noopener-");
    const r = await runCli(["deeplink", "--open", "--json"], { cwd: project(PROJECT), env: { PATH: empty } });
    expect(r.code).toBe(0);
    expect((r.json().result as { opened: boolean }).opened).toBe(false);
    expect(r.stderr).toContain("no browser was opened");
    expect(existsSync(path.join(empty, "opened.txt"))).toBe(false);
  });
});
