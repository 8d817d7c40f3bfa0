import { describe, expect, it } from "vitest";
import type { ConnectorRuntimeSetting } from "../../src/sdk/index.js";
import { validateRuntimeSettings } from "../../src/sdk/index.js";

const setting = (key: string, extra: Partial<ConnectorRuntimeSetting> = {}): ConnectorRuntimeSetting => ({
  key,
  dataType: "String",
  required: false,
  label: key,
  description: key,
  scope: "CONNECTOR_PROFILE",
  ...extra,
});

describe("validateRuntimeSettings", () => {
  it("checks required settings, options and data types of the requested scope only", () => {
    const declared = [
      setting("region", { required: true, connectorSuppliedValueOptions: ["eu", "us"] }),
      setting("tenant", { required: true }),
      setting("pageSize", { dataType: "Integer" }),
      setting("big", { dataType: "Long" }),
      setting("verbose", { dataType: "Boolean" }),
      setting("since", { dataType: "Date" }),
      setting("at", { dataType: "DateTime" }),
      setting("endpoint", { dataType: "Url" }),
      setting("flowOnly", { required: true, scope: "SOURCE" }),
    ];
    expect(
      validateRuntimeSettings(
        {
          region: "mars",
          pageSize: "2147483648",
          big: "9007199254740993",
          verbose: "yes",
          since: "2021-02-31",
          at: "2021-08-21T07:06",
          endpoint: "ftp://x",
          unknown: "ignored",
        },
        declared,
        "CONNECTOR_PROFILE",
      ),
    ).toEqual({
      region: "Must be one of: eu, us",
      tenant: "Required",
      pageSize: "Must be a 32-bit integer",
      verbose: "Must be true or false",
      since: "Must be a date (YYYY-MM-DD)",
      endpoint: "Must be an http(s) URL",
    });
  });

  it("SOURCE_AND_DESTINATION settings apply to SOURCE and DESTINATION requests", () => {
    const declared = [setting("a", { required: true, scope: "SOURCE_AND_DESTINATION" })];
    expect(validateRuntimeSettings({}, declared, "SOURCE")).toEqual({ a: "Required" });
    expect(validateRuntimeSettings({}, declared, "DESTINATION")).toEqual({ a: "Required" });
    expect(validateRuntimeSettings({}, declared, "CONNECTOR_PROFILE")).toEqual({});
    expect(validateRuntimeSettings({ a: "1" }, declared, "SOURCE")).toEqual({});
  });

  it("accepts well-formed values", () => {
    const declared = [
      setting("i", { dataType: "Integer" }),
      setting("b", { dataType: "Boolean" }),
      setting("d", { dataType: "Date" }),
      setting("t", { dataType: "DateTime" }),
      setting("u", { dataType: "Url" }),
    ];
    const ok = {
      i: "-42",
      b: "false",
      d: "2024-02-29",
      t: "2024-02-29T10:15:30.5+01:00",
      u: "https://x.example.com/a",
    };
    expect(validateRuntimeSettings(ok, declared, "CONNECTOR_PROFILE")).toEqual({});
    expect(validateRuntimeSettings({}, null, "SOURCE")).toEqual({});
  });
});
