/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: JDBC URL templates hold ${…} placeholders */
import { describe, expect, it } from "vitest";
import {
  buildDeepLink,
  type DeepLinkFields,
  type DeepLinkInput,
  encodeDeepLinkValue,
  parseDeepLink,
  parseDeepLinkDetailed,
  usageInstructions,
  validateDeepLink,
} from "../../src/glue/deeplink.js";
import { CliError } from "../../src/ui/errors.js";

/** The worked JDBC example of the reference, §6.5. */
const JDBC: DeepLinkFields = {
  connectorName: "Example Corp Simple DB",
  connectorType: "Jdbc",
  connectorDescription: "Reads and writes Simple DB tables; supports partitioning.",
  connectorUrl: "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/simpledb-glue:2.1.0",
  connectorVersion: "2.1.0",
  connectorClassName: "com.example.simpledb.jdbc.Driver",
  jdbcUrlTemplates: [
    {
      title: "User and password",
      url: "jdbc:simpledb://${Host}:${Port}/${Database};user=${Username};password=${Password}",
    },
    {
      title: "OAuth",
      url: "jdbc:simpledb://${Host}:${Port}/${Database};AuthScheme=OAuth;OAuthSettingsLocation=${OAuthSettingsLocation}",
    },
  ],
  paramsDelimiter: ";",
};

const JDBC_LINK =
  "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22Example%20Corp%20Simple%20DB%22&connectorType=%22Jdbc%22&connectorDescription=%22Reads%20and%20writes%20Simple%20DB%20tables%3B%20supports%20partitioning.%22&connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Fexample-corp%2Fsimpledb-glue%3A2.1.0%22&connectorVersion=%222.1.0%22&connectorClassName=%22com.example.simpledb.jdbc.Driver%22&connectionAccessJdbcURLFormat=%22User%20and%20password%3Djdbc%3Asimpledb%3A%2F%2F%24%7BHost%7D%3A%24%7BPort%7D%2F%24%7BDatabase%7D%3Buser%3D%24%7BUsername%7D%3Bpassword%3D%24%7BPassword%7D%22&connectionAccessJdbcURLFormat=%22OAuth%3Djdbc%3Asimpledb%3A%2F%2F%24%7BHost%7D%3A%24%7BPort%7D%2F%24%7BDatabase%7D%3BAuthScheme%3DOAuth%3BOAuthSettingsLocation%3D%24%7BOAuthSettingsLocation%7D%22&connectionAccessJdbcURLParamsDelimiter=%22%3B%22";

const SPARK: DeepLinkFields = {
  connectorName: "Example Corp Events",
  connectorType: "Spark",
  connectorUrl: "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/events-glue:1.0.0",
  connectorVersion: "1.0.0",
  connectorClassName: "examplecorp.events",
};

const SPARK_LINK =
  "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22Example%20Corp%20Events%22&connectorType=%22Spark%22&connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Fexample-corp%2Fevents-glue%3A1.0.0%22&connectorVersion=%221.0.0%22&connectorClassName=%22examplecorp.events%22";

const ATHENA: DeepLinkFields = {
  connectorName: "Example Corp Metrics",
  connectorType: "Athena",
  connectorDescription: "Reads metrics, logs and traces.",
  connectorUrl: "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/metrics-glue:3.2",
  connectorVersion: "3.2",
  connectorClassName: "com.example.athena.connectors.Metrics",
};

function issues(input: DeepLinkInput, strict = false) {
  return validateDeepLink(input, { strict });
}

function rules(list: { rule?: string }[]): string[] {
  return list.map((i) => i.rule ?? "?");
}

describe("buildDeepLink", () => {
  it("produces exactly the worked JDBC example of the reference", () => {
    expect(buildDeepLink(JDBC)).toBe(JDBC_LINK);
  });

  it("produces exactly the Spark example of the reference", () => {
    expect(buildDeepLink(SPARK)).toBe(SPARK_LINK);
  });

  it("builds an Athena link without JDBC parameters", () => {
    const link = buildDeepLink({
      ...ATHENA,
      jdbcUrlTemplates: [{ title: "x", url: "jdbc:y" }],
      paramsDelimiter: ";",
    });
    expect(link).toBe(
      "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?" +
        "connectorName=%22Example%20Corp%20Metrics%22&connectorType=%22Athena%22" +
        "&connectorDescription=%22Reads%20metrics%2C%20logs%20and%20traces.%22" +
        "&connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Fexample-corp%2Fmetrics-glue%3A3.2%22" +
        "&connectorVersion=%223.2%22&connectorClassName=%22com.example.athena.connectors.Metrics%22",
    );
    expect(validateDeepLink(ATHENA)).toEqual({ errors: [], warnings: [] });
  });

  it("adds ?region= before the # only when asked", () => {
    expect(buildDeepLink(SPARK, { region: "eu-west-1" })).toBe(
      SPARK_LINK.replace("/gluestudio/home#", "/gluestudio/home?region=eu-west-1#"),
    );
    expect(buildDeepLink(SPARK, {})).toBe(SPARK_LINK);
  });

  it("quotes and then encodes every value with encodeURIComponent", () => {
    expect(encodeDeepLinkValue(";")).toBe("%22%3B%22");
    expect(encodeDeepLinkValue("a&b=c+d#e")).toBe("%22a%26b%3Dc%2Bd%23e%22");
  });

  it("leaves out an empty description", () => {
    expect(buildDeepLink({ ...SPARK, connectorDescription: "" })).toBe(SPARK_LINK);
  });

  it("reads back with URLSearchParams as quoted values", () => {
    const fragment = JDBC_LINK.slice(JDBC_LINK.indexOf("?") + 1);
    const params = new URLSearchParams(fragment);
    expect(params.get("connectorName")).toBe('"Example Corp Simple DB"');
    expect(params.getAll("connectionAccessJdbcURLFormat")).toHaveLength(2);
  });
});

describe("round trip build → parse", () => {
  it("gives back the worked examples", () => {
    expect(parseDeepLink(JDBC_LINK)).toEqual(JDBC);
    expect(parseDeepLink(SPARK_LINK)).toEqual(SPARK);
    expect(parseDeepLink(buildDeepLink(ATHENA))).toEqual(ATHENA);
    expect(parseDeepLinkDetailed(JDBC_LINK).notes).toEqual([]);
  });

  it.each([
    ["ampersand, plus, equals, hash", "jdbc:x://h/db?user=${Username}&password=${Password}+x#y"],
    ["percent", "jdbc:x://h/db;discount=50%;x=%41%zz"],
    ["quotes", "jdbc:x://h/db;opts=\"a b\";q='single'"],
    ["spaces and non-ASCII", "jdbc:x://h/Société Générale;emoji=🚀;ß=ü"],
    ["question marks and slashes", "jdbc:x://h/?a=/b?c=%2F"],
  ])("keeps %s intact", (_label, url) => {
    const fields: DeepLinkFields = {
      ...JDBC,
      connectorName: "Société Générale 🚀",
      connectorDescription: 'Says "hi" & more: 100% + = # ? / émoji 🎉',
      jdbcUrlTemplates: [
        { title: "Main & backup + #1", url },
        { title: "Second", url: `${url};more=1` },
      ],
      paramsDelimiter: "&",
    };
    const link = buildDeepLink(fields, { region: "us-east-1" });
    expect(link).not.toMatch(/[\s"]/);
    const parsed = parseDeepLinkDetailed(link);
    expect(parsed.fields).toEqual(fields);
    expect(parsed.region).toBe("us-east-1");
    expect(parsed.notes).toEqual([]);
  });
});

describe("parseDeepLink: variants published by AWS and vendors", () => {
  it("reads AWS's production style (encodeURIComponent, quoted) with a version that breaks the rules", () => {
    const link =
      "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22AWS%20Glue%20Connector%20for%20TPC-DS%20v1.0%22&connectorType=%22Spark%22&connectorDescription=%22Generates%20TPC-DS%20data%22&connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Famazon-web-services%2Fglue-tpcds%3A1.0.0-glue3.0%22&connectorVersion=%221.0.0-glue3.0%22&connectorClassName=%22tpcds%22";
    const parsed = parseDeepLinkDetailed(link);
    expect(parsed.fields).toEqual({
      connectorName: "AWS Glue Connector for TPC-DS v1.0",
      connectorType: "Spark",
      connectorDescription: "Generates TPC-DS data",
      connectorUrl:
        "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/amazon-web-services/glue-tpcds:1.0.0-glue3.0",
      connectorVersion: "1.0.0-glue3.0",
      connectorClassName: "tpcds",
    });
    expect(parsed.notes).toEqual([]);
    const v = validateDeepLink(parsed.fields);
    expect(v.errors).toEqual([]);
    expect(rules(v.warnings)).toEqual(["name.characters", "description.characters", "version.format"]);
  });

  it("reads the guide's encodeURI-style values, with raw : / = ; $ and a %3B delimiter", () => {
    const link =
      "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22Example%20Corp%20Simple%20DB%22&connectorType=%22Jdbc%22&connectorUrl=%22https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/simpledb-glue:2.1.0%22&connectorVersion=%222.1.0%22&connectorClassName=%22com.example.simpledb.jdbc.Driver%22&connectionAccessJdbcURLFormat=%22User%20and%20password=jdbc:simpledb://$%7BHost%7D:$%7BPort%7D/$%7BDatabase%7D;user=$%7BUsername%7D;password=$%7BPassword%7D%22&connectionAccessJdbcURLParamsDelimiter=%22%3B%22";
    const parsed = parseDeepLinkDetailed(link);
    const { connectorDescription: _d, ...rest } = JDBC;
    expect(parsed.fields).toEqual({ ...rest, jdbcUrlTemplates: [JDBC.jdbcUrlTemplates?.[0]] });
    expect(rules(parsed.notes)).toContain("parse.not-component-encoded");
  });

  it("glues back an encodeURI-style template that holds raw & + and #", () => {
    const link =
      "https://console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName=%22X%22&connectorType=%22Jdbc%22&connectionAccessJdbcURLFormat=%22T=jdbc:x://h/db?user=$%7BUsername%7D&password=$%7BPassword%7D+x#y%22&connectionAccessJdbcURLParamsDelimiter=%22&%22";
    const fields = parseDeepLink(link);
    expect(fields.jdbcUrlTemplates).toEqual([
      { title: "T", url: "jdbc:x://h/db?user=${Username}&password=${Password}+x#y" },
    ]);
    expect(fields.paramsDelimiter).toBe("&");
  });

  it("reads unquoted values, a raw # in the registry URL, ?region= and a missing optional parameter", () => {
    const link =
      "https://console.aws.amazon.com/gluestudio/home?region=us-east-1#/connector/add-connection?connectorName=%22Vendor%20DB%22&connectorType=Jdbc&connectorUrl=https://mp-account-#.dkr.ecr.us-east-1.amazonaws.com/vendor/db:1.0&connectorClassName=%22com.vendor.Driver%22&connectionAccessJdbcURLFormat=%22Basic=jdbc:vendor://${Host}%22&connectionAccessJdbcURLParamsDelimiter=%22;%22";
    const parsed = parseDeepLinkDetailed(link);
    expect(parsed.region).toBe("us-east-1");
    expect(parsed.fields).toEqual({
      connectorName: "Vendor DB",
      connectorType: "Jdbc",
      connectorUrl: "https://mp-account-#.dkr.ecr.us-east-1.amazonaws.com/vendor/db:1.0",
      connectorClassName: "com.vendor.Driver",
      jdbcUrlTemplates: [{ title: "Basic", url: "jdbc:vendor://${Host}" }],
      paramsDelimiter: ";",
    });
    expect(rules(parsed.notes)).toEqual([
      "parse.unquoted",
      "parse.unquoted",
      "parse.not-component-encoded",
      "parse.missing-param",
    ]);
    expect(parsed.notes[2]?.field).toBe(
      "connectionAccessJdbcURLFormat, connectionAccessJdbcURLParamsDelimiter",
    );
    expect(parsed.notes[3]?.field).toBe("connectorVersion");
  });

  it("reads raw quote characters, a regional console host and a wrapped, multi-line copy", () => {
    const link = [
      'https://us-east-1.console.aws.amazon.com/gluestudio/home#/connector/add-connection?connectorName="Raw Quotes"',
      '  &connectorType="Spark"',
      "  &connectorUrl=%22https%3A%2F%2F709825985650.dkr.ecr.us-east-1.amazonaws.com%2Fa%2Fb%3A1%22",
      "  &connectorVersion=%221%22&connectorClassName=%22a.b%22",
    ].join("\n");
    expect(parseDeepLink(link)).toEqual({
      connectorName: "Raw Quotes",
      connectorType: "Spark",
      connectorUrl: "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/a/b:1",
      connectorVersion: "1",
      connectorClassName: "a.b",
    });
  });

  it("notes unknown and repeated parameters and bad percent escapes", () => {
    const parsed = parseDeepLinkDetailed(
      `${SPARK_LINK}&utm_source=%22mail%22&connectorName=%22Other%22&connectorDescription=%22100%%22`,
    );
    expect(parsed.fields.connectorName).toBe("Example Corp Events");
    expect(parsed.fields.connectorDescription).toBe("100%");
    expect(rules(parsed.notes)).toEqual(["parse.unknown-param", "parse.repeated-param", "parse.bad-percent"]);
  });

  it("splits a template at the first =", () => {
    const fields = parseDeepLink(
      `${SPARK_LINK.replace("Spark", "Jdbc")}` +
        `&connectionAccessJdbcURLFormat=${encodeDeepLinkValue("A=b=c=d")}`,
    );
    expect(fields.jdbcUrlTemplates).toEqual([{ title: "A", url: "b=c=d" }]);
  });

  it.each([
    ["https://example.com/gluestudio/home#/connector/add-connection?connectorName=%22x%22", /host/],
    ["http://console.aws.amazon.com/gluestudio/home#/connector/add-connection", /host/],
    ["https://console.aws.amazon.com/glue/home#/connector/add-connection", /path/],
    ["https://console.aws.amazon.com/gluestudio/home#/jobs", /page/],
    ["https://console.aws.amazon.com/gluestudio/home", /no #/],
    ["not a url#/connector/add-connection", /not a URL/],
  ])("rejects %s", (url, why) => {
    let error: unknown;
    try {
      parseDeepLink(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe("DEEPLINK_NOT_GLUE");
    expect((error as CliError).message).toMatch(why);
    expect((error as CliError).hint).toContain("#/connector/add-connection");
  });
});

describe("validateDeepLink: one test per rule", () => {
  it("accepts the worked examples without any issue, strict or not", () => {
    expect(issues(JDBC, true)).toEqual({ errors: [], warnings: [] });
    expect(issues(SPARK, true)).toEqual({ errors: [], warnings: [] });
  });

  it("connectorName: empty is a hard error", () => {
    expect(rules(issues({ ...SPARK, connectorName: "" }).errors)).toEqual(["name.required"]);
    expect(rules(issues({ ...SPARK, connectorName: "   " }).errors)).toEqual(["name.required"]);
    expect(issues({ ...SPARK, connectorName: "A 1" }).errors).toEqual([]);
  });

  it("connectorName: only letters, digits and spaces (style)", () => {
    const bad = { ...SPARK, connectorName: "Example-Corp v1.0" };
    const loose = issues(bad);
    expect(loose.errors).toEqual([]);
    expect(rules(loose.warnings)).toEqual(["name.characters"]);
    expect(loose.warnings[0]?.message).toContain('"-", "."');
    expect(rules(issues(bad, true).errors)).toEqual(["name.characters"]);
    expect(issues({ ...SPARK, connectorName: "Example Corp 2" }, true).errors).toEqual([]);
  });

  it("connectorType: exactly Spark, Athena or Jdbc (hard), suggesting the right casing", () => {
    for (const t of ["JDBC", "jdbc", "spark", "ATHENA", "Glue", ""]) {
      const r = issues({ ...SPARK, connectorType: t });
      expect(rules(r.errors), t).toEqual(["type.value"]);
    }
    expect(issues({ ...SPARK, connectorType: "JDBC" }).errors[0]?.message).toContain('write "Jdbc"');
    for (const t of ["Spark", "Athena"]) expect(issues({ ...SPARK, connectorType: t }).errors).toEqual([]);
  });

  it("connectorDescription: only letters, digits, spaces . , ; (style)", () => {
    const bad = { ...SPARK, connectorDescription: "Reads (and writes) data!" };
    expect(rules(issues(bad).warnings)).toEqual(["description.characters"]);
    expect(rules(issues(bad, true).errors)).toEqual(["description.characters"]);
    expect(issues({ ...SPARK, connectorDescription: "Reads, writes; fast." }, true)).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it("connectorDescription: more than 50 words is a warning, even with strict", () => {
    const long = {
      ...SPARK,
      connectorDescription: Array.from({ length: 51 }, (_, i) => `word${i}`).join(" "),
    };
    const strict = issues(long, true);
    expect(strict.errors).toEqual([]);
    expect(rules(strict.warnings)).toEqual(["description.words"]);
    const fifty = { ...SPARK, connectorDescription: Array.from({ length: 50 }, () => "w").join(" ") };
    expect(issues(fifty, true)).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ["", /empty/],
    ["709825985650.dkr.ecr.us-east-1.amazonaws.com/a/b:1", /must start with https/],
    ["https://709825985650.dkr.ecr.us-east-1.amazonaws.com/a/b@sha256:abc", /digest/],
    ["https://709825985650.dkr.ecr.us-east-1.amazonaws.com/a/b", /exactly one :<tag>/],
    ["https://709825985650.dkr.ecr.us-east-1.amazonaws.com/a/b:1:2", /exactly one :<tag>/],
    ["https://70982598565.dkr.ecr.us-east-1.amazonaws.com/a/b:1", /not an ECR image URL/],
    ["https://709825985650.dkr.ecr.us-east-1.amazonaws.com.evil/a/b:1", /not an ECR image URL/],
  ])("connectorUrl %j fails the ECR pattern (hard)", (url, why) => {
    const r = issues({ ...SPARK, connectorUrl: url, connectorVersion: "1" });
    expect(rules(r.errors)).toEqual(["url.format"]);
    expect(r.errors[0]?.message).toMatch(why);
  });

  it("connectorUrl: an account other than the Marketplace registry (style)", () => {
    const own = { ...SPARK, connectorUrl: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/a/b:1.0.0" };
    expect(rules(issues(own).warnings)).toEqual(["url.marketplace-account"]);
    expect(rules(issues(own, true).errors)).toEqual(["url.marketplace-account"]);
  });

  it("connectorUrl: a region Glue's downloader rejects (style)", () => {
    const central = {
      ...SPARK,
      connectorUrl: "https://709825985650.dkr.ecr.eu-central-1.amazonaws.com/a/b:1.0.0",
    };
    expect(rules(issues(central).warnings)).toEqual(["url.glue-region"]);
    expect(rules(issues(central, true).errors)).toEqual(["url.glue-region"]);
    const west = { ...central, connectorUrl: central.connectorUrl.replace("eu-central-1", "eu-west-1") };
    expect(issues(west, true)).toEqual({ errors: [], warnings: [] });
  });

  it("connectorVersion: digits separated by dots, at most 36 characters (style)", () => {
    for (const version of ["1.0.0-glue3.0", "v1", "1..2", "1.", `1.${"0".repeat(35)}`]) {
      const url = SPARK.connectorUrl.replace(/:1\.0\.0$/, `:${version}`);
      const bad = { ...SPARK, connectorUrl: url, connectorVersion: version };
      expect(rules(issues(bad).warnings), version).toEqual(["version.format"]);
      expect(rules(issues(bad, true).errors), version).toEqual(["version.format"]);
    }
    const ok = `1.${"0".repeat(34)}`;
    expect(ok.length).toBe(36);
    expect(
      issues({ ...SPARK, connectorUrl: SPARK.connectorUrl.replace("1.0.0", ok), connectorVersion: ok }, true)
        .errors,
    ).toEqual([]);
  });

  it("connectorVersion: empty (style)", () => {
    expect(rules(issues({ ...SPARK, connectorVersion: "" }).warnings)).toEqual(["version.required"]);
    expect(rules(issues({ ...SPARK, connectorVersion: "" }, true).errors)).toEqual(["version.required"]);
  });

  it("connectorVersion: should equal the image tag (style)", () => {
    const r = issues({ ...SPARK, connectorVersion: "1.0.1" });
    expect(rules(r.warnings)).toEqual(["version.image-tag"]);
    expect(rules(issues({ ...SPARK, connectorVersion: "1.0.1" }, true).errors)).toEqual([
      "version.image-tag",
    ]);
  });

  it("connectorClassName: empty is a hard error; a non-dotted name is style", () => {
    expect(rules(issues({ ...SPARK, connectorClassName: "" }).errors)).toEqual(["classname.required"]);
    const bad = { ...SPARK, connectorClassName: "com.example..Driver" };
    expect(rules(issues(bad).warnings)).toEqual(["classname.syntax"]);
    expect(rules(issues(bad, true).errors)).toEqual(["classname.syntax"]);
    expect(issues({ ...SPARK, connectorClassName: "tpcds" }, true).errors).toEqual([]);
  });

  it("connectorClassName and connectorVersion: equal to config.json (style)", () => {
    const configJson = { classname: "com.other.Driver", connectortype: "Spark", version: "2.0.0" };
    const r = validateDeepLink(SPARK, { configJson });
    expect(rules(r.warnings)).toEqual(["config.classname", "config.version"]);
    expect(rules(validateDeepLink(SPARK, { configJson, strict: true }).errors)).toEqual([
      "config.classname",
      "config.version",
    ]);
    expect(rules(validateDeepLink(SPARK, { configJson: { connectortype: "JDBC" } }).warnings)).toEqual([
      "config.connectortype",
    ]);
    const same = { classname: "examplecorp.events", connectortype: "Spark", version: "1.0.0" };
    expect(validateDeepLink(SPARK, { configJson: same, strict: true })).toEqual({ errors: [], warnings: [] });
  });

  it("Jdbc: at least one template (hard)", () => {
    const { jdbcUrlTemplates: _t, ...none } = JDBC;
    expect(rules(issues(none).errors)).toEqual(["jdbc.templates-required"]);
    expect(rules(issues({ ...JDBC, jdbcUrlTemplates: [] }).errors)).toEqual(["jdbc.templates-required"]);
  });

  it("Jdbc: each title non-empty (hard)", () => {
    const r = issues({ ...JDBC, jdbcUrlTemplates: [{ title: " ", url: "jdbc:x" }] });
    expect(rules(r.errors)).toEqual(["jdbc.title-required"]);
    expect(r.errors[0]?.field).toBe("connectionAccessJdbcURLFormat[1]");
  });

  it("Jdbc: titles unique (hard)", () => {
    const t = { title: "Same", url: "jdbc:x" };
    const r = issues({ ...JDBC, jdbcUrlTemplates: [t, { title: "Other", url: "jdbc:y" }, t] });
    expect(rules(r.errors)).toEqual(["jdbc.title-unique"]);
    expect(r.errors[0]?.message).toContain("1 and 3");
  });

  it("Jdbc: a title must not contain = (hard: the link splits at the first =)", () => {
    expect(rules(issues({ ...JDBC, jdbcUrlTemplates: [{ title: "a=b", url: "jdbc:x" }] }).errors)).toEqual([
      "jdbc.title-equals",
    ]);
  });

  it("Jdbc: each template non-empty (hard)", () => {
    expect(rules(issues({ ...JDBC, jdbcUrlTemplates: [{ title: "T", url: "" }] }).errors)).toEqual([
      "jdbc.template-required",
    ]);
  });

  it("Jdbc: a template should start with jdbc: (style)", () => {
    const bad = { ...JDBC, jdbcUrlTemplates: [{ title: "T", url: "simpledb://h" }] };
    expect(rules(issues(bad).warnings)).toEqual(["jdbc.template-scheme"]);
    expect(rules(issues(bad, true).errors)).toEqual(["jdbc.template-scheme"]);
  });

  it.each([
    ["${username}", "${Username}"],
    ["${user}", "${Username}"],
    ["${USER_NAME}", "${Username}"],
    ["${ Username }", "${Username}"],
    ["${PASSWORD}", "${Password}"],
    ["${pwd}", "${Password}"],
    ["${Passwd}", "${Password}"],
  ])("Jdbc: credential placeholder %s is a misspelling of %s (style)", (found, want) => {
    const bad = { ...JDBC, jdbcUrlTemplates: [{ title: "T", url: `jdbc:x://h;u=${found}` }] };
    const r = issues(bad);
    expect(rules(r.warnings)).toEqual(["jdbc.credential-placeholder"]);
    expect(r.warnings[0]?.message).toContain(found);
    expect(r.warnings[0]?.message).toContain(`write exactly ${want}`);
    expect(rules(issues(bad, true).errors)).toEqual(["jdbc.credential-placeholder"]);
  });

  it("Jdbc: ${Username}, ${Password} and other placeholders pass", () => {
    const ok = {
      ...JDBC,
      jdbcUrlTemplates: [
        { title: "T", url: "jdbc:x://${Host}:${Port};u=${Username};p=${Password};k=${ApiKey}" },
      ],
    };
    expect(issues(ok, true)).toEqual({ errors: [], warnings: [] });
  });

  it("Jdbc: the delimiter is required and non-empty (hard)", () => {
    const { paramsDelimiter: _p, ...none } = JDBC;
    expect(rules(issues(none).errors)).toEqual(["jdbc.delimiter-required"]);
    expect(rules(issues({ ...JDBC, paramsDelimiter: "" }).errors)).toEqual(["jdbc.delimiter-required"]);
  });

  it("Spark and Athena: JDBC templates and delimiter are not used (style)", () => {
    const extra = { ...SPARK, jdbcUrlTemplates: [{ title: "T", url: "jdbc:x" }] };
    expect(rules(issues(extra).warnings)).toEqual(["jdbc.not-used"]);
    expect(rules(issues({ ...ATHENA, paramsDelimiter: ";" }, true).errors)).toEqual(["jdbc.not-used"]);
  });

  it("values longer than Glue's 1024-byte property limit (style)", () => {
    const long = { ...JDBC, jdbcUrlTemplates: [{ title: "T", url: `jdbc:x://${"é".repeat(512)}` }] };
    expect(rules(issues(long).warnings)).toEqual(["jdbc.template-length"]);
  });

  it("region: must be an AWS region name (hard)", () => {
    expect(rules(validateDeepLink(SPARK, { region: "EU-West" }).errors)).toEqual(["region.format"]);
    expect(validateDeepLink(SPARK, { region: "ap-southeast-2" }).errors).toEqual([]);
  });

  it("reports every problem at once", () => {
    const r = issues({ connectorType: "Jdbc" });
    expect(rules(r.errors)).toEqual([
      "name.required",
      "url.format",
      "classname.required",
      "jdbc.templates-required",
      "jdbc.delimiter-required",
    ]);
    expect(rules(r.warnings)).toEqual(["version.required"]);
    for (const e of r.errors) expect(e.message.length).toBeGreaterThan(20);
  });
});

describe("usageInstructions", () => {
  it("is the Marketplace sentence with a Markdown link", () => {
    expect(usageInstructions(SPARK_LINK)).toBe(
      "Please subscribe to the product from AWS Marketplace and " +
        `[Activate the Glue connector from AWS Glue Studio](${SPARK_LINK})`,
    );
  });

  it("escapes parentheses, which would end the Markdown link, without changing the decoded values", () => {
    const fields = { ...SPARK, connectorDescription: "Reads (and writes)" };
    const link = buildDeepLink(fields);
    const md = usageInstructions(link);
    const target = /\]\((.*)\)$/.exec(md)?.[1] ?? "";
    expect(target).not.toMatch(/[()]/);
    expect(parseDeepLink(target)).toEqual(fields);
  });
});
