import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkResponseShape } from "../../src/conformance/shape.js";
import { runCli } from "../helpers/cli.js";

const SECRET = "sk-live-0123456789abcdef";

/** A project whose "bundle" is a hand-written handler with one behaviour per request type. */
function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ck-invoke-"));
  writeFileSync(
    path.join(dir, "connector.json"),
    JSON.stringify({
      name: "probe",
      version: "1.0.0",
      kind: "appflow",
      appflow: { label: "probe" },
      test: { settings: { region: "eu" } },
    }),
  );
  mkdirSync(path.join(dir, ".connector"));
  writeFileSync(path.join(dir, ".connector/secrets.json"), JSON.stringify({ apiKey: SECRET }), {
    mode: 0o600,
  });
  mkdirSync(path.join(dir, "dist"));
  writeFileSync(
    path.join(dir, "dist/index.mjs"),
    `
const secrets = () => globalThis[Symbol.for("connectorkit.secretsOverride")]?.("arn", "ApiKey") ?? {};
export const handler = async (event, context) => {
  switch (event.type) {
    case "DescribeConnectorConfigurationRequest":
      console.log("describing");
      return { isSuccess: true, errorDetails: null, connectorOwner: "Probe", connectorName: "Probe",
        connectorVersion: "1.0.0", connectorModes: ["SOURCE"], supportedApiVersions: ["v7"] };
    case "ValidateConnectorRuntimeSettingsRequest":
      return { isSuccess: true, errorDetails: null, echo: event };
    case "ValidateCredentialsRequest": {
      const key = (await secrets()).apiKey;
      console.log("checking key " + key);
      return { isSuccess: false, errorDetails: { errorCode: "InvalidCredentials", errorMessage: "key " + key + " rejected" } };
    }
    case "ListEntitiesRequest":
      return { isSuccess: true, entity: [], nextToken: null, remaining: context.getRemainingTimeInMillis() };
    case "DescribeEntityRequest":
      throw new TypeError("cannot read properties of undefined (reading 'fields')");
    case "QueryDataRequest":
      return new Promise(() => {});
    case "WriteDataRequest":
      return { isSuccess: true, writeRecordResults: [{ isSuccess: "yes", recordId: 1 }] };
    default:
      return { isSuccess: true, received: event };
  }
};`,
  );
  return dir;
}

describe("connector invoke against a hand-written handler", () => {
  it("prints a valid response as is, and builds the event AppFlow would send", async () => {
    const dir = project();
    const r = await runCli(["invoke", "describeconnectorconfiguration"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ isSuccess: true, connectorName: "Probe" });
    expect(r.stdout).not.toContain("describing"); // handler logs are captured, not mixed into stdout
    const v = await runCli(
      ["invoke", "ValidateConnectorRuntimeSettings", "--setting", "tier=gold", "--json"],
      {
        cwd: dir,
      },
    );
    expect(v.code).toBe(1); // the extra "echo" field is not part of the response shape
    const details = (v.json().error as { details: { response: { echo: unknown } } }).details;
    expect(details.response.echo).toEqual({
      type: "ValidateConnectorRuntimeSettingsRequest",
      scope: "CONNECTOR_PROFILE",
      connectorRuntimeSettings: { region: "eu", tier: "gold" },
      authenticationType: "ApiKey",
    });
  });

  it("reports a wrong JSON name with the field AppFlow reads", async () => {
    const r = await runCli(["invoke", "ListEntities"], { cwd: project() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ListEntities returned an invalid response");
    expect(r.stderr).toContain('entity: unknown field; AppFlow reads "entities"');
  });

  it("reports wrong field types with their path", async () => {
    const dir = project();
    writeFileSync(path.join(dir, "recs.json"), JSON.stringify([{ a: 1 }]));
    const r = await runCli(["invoke", "WriteData", "--entity", "X", "--records", "recs.json", "--json"], {
      cwd: dir,
    });
    expect(r.code).toBe(2); // DescribeEntity (needed for the entity definition) throws first
    expect(r.json().error).toMatchObject({ code: "DESCRIBE_ENTITY_FAILED" });
    expect(
      checkResponseShape("WriteDataRequest", {
        isSuccess: true,
        writeRecordResults: [{ isSuccess: "yes", recordId: 1 }],
      }),
    ).toEqual([
      { path: "writeRecordResults[0].isSuccess", message: 'must be true or false, got "yes"' },
      { path: "writeRecordResults[0].recordId", message: "must be a string, got number 1" },
    ]);
  });

  it("reports a thrown exception as such, exit 1", async () => {
    const r = await runCli(["invoke", "DescribeEntity", "--entity", "Contact", "--json"], { cwd: project() });
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({
      code: "HANDLER_THREW",
      message: "DescribeEntity threw TypeError: cannot read properties of undefined (reading 'fields')",
    });
  });

  it("reports a handler that never answers, with a configurable limit", async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, "q.json"),
      JSON.stringify({ type: "QueryDataRequest", entityIdentifier: "X" }),
    );
    const started = Date.now();
    const r = await runCli(["invoke", "--event", "q.json", "--timeout", "1"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("QueryData did not answer within 1 s");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reads an event from stdin and checks it", async () => {
    const dir = project();
    const ok = await runCli(["invoke", "--event", "-"], {
      cwd: dir,
      stdin: JSON.stringify({ type: "DescribeConnectorConfigurationRequest" }),
    });
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(["invoke", "--event", "-"], { cwd: dir, stdin: "{not json" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not valid JSON");
    const noType = await runCli(["invoke", "--event", "-"], { cwd: dir, stdin: "{}" });
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain("string `type`");
  });

  it("suggests the request type for a typo", async () => {
    const r = await runCli(["invoke", "QueryDta"], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Did you mean QueryData?");
  });

  it("never prints a secret value, in human or JSON mode", async () => {
    const dir = project();
    for (const extra of [[], ["--json"], ["--verbose"], ["--json", "--verbose"]]) {
      const r = await runCli(["invoke", "ValidateCredentials", ...extra], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).toContain("***");
    }
  });

  it("warns about a secrets file other users can read", async () => {
    const dir = project();
    chmodSync(path.join(dir, ".connector/secrets.json"), 0o644);
    const r = await runCli(["invoke", "DescribeConnectorConfiguration"], { cwd: dir });
    expect(r.stderr).toContain("chmod 600");
  });

  it("explains a missing bundle", async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, "connector.json"),
      JSON.stringify({
        name: "probe",
        version: "1.0.0",
        kind: "appflow",
        appflow: { label: "probe", bundle: "out/x.mjs" },
      }),
    );
    const r = await runCli(["invoke", "ListEntities"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("npm run build");
  });
});

describe("response shapes (appflow-protocol.md A4-A7)", () => {
  it("accepts the reference's DescribeConnectorConfiguration example", () => {
    const example = {
      isSuccess: true,
      errorDetails: null,
      connectorOwner: "Example Corp",
      connectorName: "ExampleTickets",
      connectorVersion: "1.4.0",
      connectorModes: ["SOURCE", "DESTINATION"],
      authenticationConfig: {
        isBasicAuthSupported: false,
        isApiKeyAuthSupported: true,
        isOAuth2Supported: true,
        isCustomAuthSupported: false,
        oAuth2Defaults: {
          oAuthScopes: ["tickets.read"],
          tokenURL: ["https://{{TENANT}}.tickets.example.com/oauth/token"],
          authURL: ["https://{{TENANT}}.tickets.example.com/oauth/authorize"],
          oAuth2GrantTypesSupported: ["AUTHORIZATION_CODE", "CLIENT_CREDENTIALS"],
          oAuth2ContentType: "URL_ENCODED",
          oAuth2MethodType: "HTTP_POST",
          oauth2CustomProperties: [
            {
              key: "audience",
              required: false,
              type: "TOKEN_URL",
              label: "Audience",
              description: "Token audience",
              sensitiveField: false,
              connectorSuppliedValues: null,
            },
          ],
          addBasicAuthHeader: false,
        },
        customAuthConfig: null,
      },
      connectorRuntimeSetting: [
        {
          key: "region",
          dataType: "String",
          required: true,
          label: "Data region",
          description: "Region",
          scope: "CONNECTOR_PROFILE",
          connectorSuppliedValueOptions: ["eu", "us"],
        },
      ],
      supportedApiVersions: ["v2"],
      operatorsSupported: ["PROJECTION", "EQUAL_TO"],
      supportedTriggerTypes: ["SCHEDULED", "ONDEMAND"],
      triggerFrequenciesSupported: ["HOURLY", "DAILY"],
      supportedWriteOperations: ["INSERT", "UPSERT"],
      logoURL: "https://tickets.example.com/logo.png",
      supportedDataTransferTypes: ["RECORD"],
    };
    expect(checkResponseShape("DescribeConnectorConfigurationRequest", example)).toEqual([]);
  });

  it("names misspelt keys and enum values", () => {
    const issues = checkResponseShape("DescribeConnectorConfigurationRequest", {
      isSuccess: true,
      connectorOwner: "x",
      connectorName: "y",
      connectorVersion: "1",
      connectorModes: ["Source"],
      supportedApiVersions: ["v1"],
      connectorRuntimeSettings: [],
      authenticationConfig: {
        oAuth2Defaults: {
          tokenURL: ["https://t"],
          oAuth2GrantTypesSupported: ["CLIENT_CREDENTIALS"],
          oAuth2CustomProperties: [],
        },
      },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "connectorModes[0]",
          message: '"Source" is not one of SOURCE, DESTINATION (did you mean "SOURCE"?)',
        },
        {
          path: "connectorRuntimeSettings",
          message: 'unknown field; AppFlow reads "connectorRuntimeSetting" (exact JSON name)',
        },
        {
          path: "authenticationConfig.oAuth2Defaults.oAuth2CustomProperties",
          message: 'unknown field; AppFlow reads "oauth2CustomProperties" (exact JSON name)',
        },
      ]),
    );
  });

  it("lets a failed response carry only isSuccess and errorDetails (F2), but requires errorDetails", () => {
    const failed = {
      isSuccess: false,
      errorDetails: { errorCode: "AccessDenied", errorMessage: "not entitled" },
    };
    expect(checkResponseShape("DescribeConnectorConfigurationRequest", failed)).toEqual([]);
    expect(checkResponseShape("QueryDataRequest", { isSuccess: false })).toEqual([
      { path: "errorDetails", message: "is required when isSuccess is false" },
    ]);
    expect(
      checkResponseShape("QueryDataRequest", {
        isSuccess: false,
        errorDetails: { errorCode: "ResourceNotFound", errorMessage: "x" },
      })[0]?.message,
    ).toContain('did you mean "ResourceNotFoundError"');
  });
});
