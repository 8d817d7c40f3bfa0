import { describe, expect, it } from "vitest";
import {
  buildConfigJson,
  CONFIG_JSON_KEYS,
  checkConfigAgainstDeepLink,
  connectorTypeNames,
  formatConfigJson,
  formatReleaseTimestamp,
  parseConfigJson,
  toConfigJsonType,
  toDeepLinkType,
  toJobConnectionType,
  validateConfigJson,
} from "../../src/glue/config-json.js";
import type { GlueSettings } from "../../src/project/types.js";
import { CliError } from "../../src/ui/errors.js";

const glue: GlueSettings = {
  connectorType: "JDBC",
  className: "com.example.simpledb.jdbc.Driver",
  publisherName: "Example Corp",
  description: "Example Corp JDBC driver for Simple DB",
  supportInformation: "See https://example.com/support",
};

/** The example of reference §4. */
const EXAMPLE = {
  releasetimestamp: "2026-11-22 08:00:00",
  connectiontype: "MARKETPLACE",
  classname: "com.example.simpledb.jdbc.Driver",
  publishername: "Example Corp",
  connectortype: "JDBC",
  version: "2.1.0",
  description: "Example Corp JDBC driver for Simple DB",
  supportinformation: "See https://example.com/support",
};

const rules = (list: { rule?: string }[]) => list.map((i) => i.rule);

describe("buildConfigJson", () => {
  it("builds the reference example, generating the timestamp in UTC from the clock", () => {
    const now = () => new Date("2026-11-22T09:00:00+01:00");
    const built = buildConfigJson({ version: "2.1.0", glue }, { now });
    expect(built).toEqual(EXAMPLE);
    expect(Object.keys(built)).toEqual([...CONFIG_JSON_KEYS]);
    expect(validateConfigJson(built)).toEqual({ errors: [], warnings: [], normalized: EXAMPLE });
    expect(formatConfigJson(built)).toBe(`${JSON.stringify(EXAMPLE, null, 2)}\n`);
  });

  it("keeps glue.releaseTimestamp when it is set", () => {
    const built = buildConfigJson({
      version: "1",
      glue: { ...glue, releaseTimestamp: "2020-12-21 12:00:00" },
    });
    expect(built.releasetimestamp).toBe("2020-12-21 12:00:00");
  });

  it("pads every part of the timestamp", () => {
    expect(formatReleaseTimestamp(new Date(Date.UTC(987, 0, 2, 3, 4, 5)))).toBe("0987-01-02 03:04:05");
  });

  it("writes the config.json spelling of the type whatever the input casing", () => {
    const built = buildConfigJson({ version: "1", glue: { ...glue, connectorType: "jdbc" as "JDBC" } });
    expect(built.connectortype).toBe("JDBC");
  });

  it("throws a CliError without a glue section", () => {
    expect(() => buildConfigJson({ version: "1" })).toThrow(CliError);
  });
});

describe("validateConfigJson", () => {
  it("requires an object", () => {
    for (const v of [null, [], "x", 3]) {
      const r = validateConfigJson(v);
      expect(rules(r.errors)).toEqual(["config.object"]);
      expect(r.normalized).toEqual({});
    }
  });

  it("requires each of the eight keys", () => {
    for (const key of CONFIG_JSON_KEYS) {
      const { [key]: _gone, ...rest } = EXAMPLE;
      const r = validateConfigJson(rest);
      expect(rules(r.errors), key).toEqual(["config.required"]);
      expect(r.errors[0]?.field).toBe(key);
      expect(r.errors[0]?.message).toContain(`"${key}"`);
    }
  });

  it("requires every value to be a string", () => {
    const r = validateConfigJson({ ...EXAMPLE, version: 2.1, releasetimestamp: null, extra: true });
    expect(r.errors.map((e) => [e.field, e.rule])).toEqual([
      ["releasetimestamp", "config.string"],
      ["version", "config.string"],
      ["extra", "config.string"],
    ]);
    expect(r.errors[1]?.message).toContain("a number (2.1)");
  });

  it.each([
    "2021-02-30 10:00:00",
    "2023-02-29 00:00:00",
    "1900-02-29 00:00:00",
    "2021-13-01 00:00:00",
    "2021-00-10 00:00:00",
    "2021-04-31 00:00:00",
    "2021-01-01 24:00:00",
    "2021-01-01 23:60:00",
    "2021-01-01 23:59:60",
  ])("rejects the impossible date and time %s", (ts) => {
    const r = validateConfigJson({ ...EXAMPLE, releasetimestamp: ts });
    expect(rules(r.errors)).toEqual(["config.releasetimestamp"]);
    expect(r.errors[0]?.message).toContain("not a real date and time");
  });

  it("explains February 2021", () => {
    const r = validateConfigJson({ ...EXAMPLE, releasetimestamp: "2021-02-30 10:00:00" });
    expect(r.errors[0]?.message).toContain("February 2021 has 28 days");
  });

  it.each([
    "2021-08-30T07:10:00",
    "2021-08-30 07:10:00Z",
    "2021-08-30  07:10:00",
    "2021-8-30 07:10:00",
    "2021-08-30 7:10:00",
    "2021-08-30",
    "",
  ])("rejects the format of %j", (ts) => {
    const r = validateConfigJson({ ...EXAMPLE, releasetimestamp: ts });
    expect(rules(r.errors)).toEqual(["config.releasetimestamp"]);
    expect(r.errors[0]?.message).toContain("YYYY-MM-DD hh:mm:ss");
  });

  it.each(["2020-12-21 12:00:00", "2024-02-29 23:59:59", "2000-02-29 00:00:00", "2021-08-30 07:10:00"])(
    "accepts %s",
    (ts) => {
      expect(validateConfigJson({ ...EXAMPLE, releasetimestamp: ts }).errors).toEqual([]);
    },
  );

  it("requires connectiontype MARKETPLACE exactly", () => {
    for (const v of ["marketplace", "CUSTOM", ""]) {
      expect(rules(validateConfigJson({ ...EXAMPLE, connectiontype: v }).errors)).toEqual([
        "config.connectiontype",
      ]);
    }
  });

  it("requires classname non-empty and a dotted Java name", () => {
    for (const v of [
      "",
      " ",
      "com.example..Driver",
      "1com.Driver",
      "com.example.Driver ",
      "com-example.Driver",
    ]) {
      expect(rules(validateConfigJson({ ...EXAMPLE, classname: v }).errors), v).toEqual(["config.classname"]);
    }
    for (const v of ["tpcds", "partner.jdbc.salesforce.salesforcedriver", "a.B$Inner", "_x.$y"]) {
      expect(validateConfigJson({ ...EXAMPLE, classname: v }).errors, v).toEqual([]);
    }
  });

  it("requires publishername, description and supportinformation non-empty", () => {
    for (const key of ["publishername", "description", "supportinformation"] as const) {
      const r = validateConfigJson({ ...EXAMPLE, [key]: "  " });
      expect(rules(r.errors), key).toEqual(["config.non-empty"]);
      expect(r.errors[0]?.field).toBe(key);
    }
  });

  it("accepts the three connector types", () => {
    for (const t of ["JDBC", "Spark", "Athena"]) {
      expect(validateConfigJson({ ...EXAMPLE, connectortype: t })).toMatchObject({
        errors: [],
        warnings: [],
      });
    }
  });

  it("rewrites other casings of connectortype with a warning", () => {
    const r = validateConfigJson({ ...EXAMPLE, connectortype: "Jdbc" });
    expect(r.errors).toEqual([]);
    expect(rules(r.warnings)).toEqual(["config.connectortype-casing"]);
    expect(r.warnings[0]?.message).toContain('rewritten to "JDBC"');
    expect(r.normalized.connectortype).toBe("JDBC");
    expect(validateConfigJson({ ...EXAMPLE, connectortype: "spark" }).normalized.connectortype).toBe("Spark");
    expect(validateConfigJson({ ...EXAMPLE, connectortype: "ATHENA" }).normalized.connectortype).toBe(
      "Athena",
    );
  });

  it("rejects an unknown connectortype", () => {
    for (const t of ["Glue", "marketplace.jdbc", ""]) {
      expect(rules(validateConfigJson({ ...EXAMPLE, connectortype: t }).errors), t).toEqual([
        "config.connectortype",
      ]);
    }
  });

  it("keeps unknown keys with a warning (suggesting the right key)", () => {
    const r = validateConfigJson({ ...EXAMPLE, releaseTimestamp: "x", vendor: "acme" });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.field, w.rule])).toEqual([
      ["releaseTimestamp", "config.unknown-key"],
      ["vendor", "config.unknown-key"],
    ]);
    expect(r.warnings[0]?.message).toContain('did you mean "releasetimestamp"');
    expect(r.normalized).toEqual({ ...EXAMPLE, releaseTimestamp: "x", vendor: "acme" });
  });

  it("requires a non-empty version and warns when it does not fit the deep link's pattern or length", () => {
    expect(rules(validateConfigJson({ ...EXAMPLE, version: "" }).errors)).toEqual(["config.version"]);
    for (const v of ["1.0.0-glue3.0", "19.0.7362.0x", `1.${"1".repeat(35)}`]) {
      const r = validateConfigJson({ ...EXAMPLE, version: v });
      expect(r.errors, v).toEqual([]);
      expect(rules(r.warnings), v).toEqual(["config.version-format"]);
    }
    expect(validateConfigJson({ ...EXAMPLE, version: "19.0.7362.0" }).warnings).toEqual([]);
  });

  it("reports all problems together", () => {
    const r = validateConfigJson({ connectiontype: "X", connectortype: "jdbc", other: 1 });
    expect(r.errors.length).toBe(6 + 1 + 1);
    expect(r.warnings.length).toBe(2);
  });

  it("parses text, naming the file on a syntax error", () => {
    expect(parseConfigJson('{"a":"b"}')).toEqual({ a: "b" });
    expect(() => parseConfigJson("{", "/jars/config.json")).toThrow(/\/jars\/config\.json is not valid JSON/);
  });
});

describe("connector type spellings", () => {
  it("maps between config.json, the deep link and job connection types", () => {
    expect(toDeepLinkType("JDBC")).toBe("Jdbc");
    expect(toDeepLinkType("Spark")).toBe("Spark");
    expect(toDeepLinkType("athena")).toBe("Athena");
    expect(toConfigJsonType("Jdbc")).toBe("JDBC");
    expect(toConfigJsonType("marketplace.spark")).toBe("Spark");
    expect(toJobConnectionType("JDBC")).toBe("marketplace.jdbc");
    expect(toJobConnectionType("Athena", "custom")).toBe("custom.athena");
    expect(connectorTypeNames("Jdbc")?.connectionProperty).toBe("Jdbc");
    expect(toDeepLinkType("glue")).toBeUndefined();
    expect(toJobConnectionType("x")).toBeUndefined();
  });
});

describe("checkConfigAgainstDeepLink", () => {
  it("reports every mismatch with the deep link and the image tag as an error", () => {
    const link = { connectorType: "Jdbc", connectorClassName: EXAMPLE.classname, connectorVersion: "2.1.0" };
    expect(checkConfigAgainstDeepLink(EXAMPLE, link, "2.1.0")).toEqual([]);
    const bad = checkConfigAgainstDeepLink(
      EXAMPLE,
      { connectorType: "Spark", connectorClassName: "x.Y", connectorVersion: "2.1.1" },
      "2.2.0",
    );
    expect(bad.map((i) => i.field)).toEqual(["classname", "connectortype", "version", "version"]);
  });
});
