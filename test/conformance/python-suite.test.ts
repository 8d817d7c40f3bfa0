import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const SECRET = "py-secret-9d8c7b6a";
const hasBoto3 = spawnSync("python3", ["-c", "import boto3"], { stdio: "ignore" }).status === 0;

/** A Python connector without any SDK: plain dicts in, plain dicts out. */
const HANDLER = `
import json, boto3

CONFIG = {
    "isSuccess": True, "errorDetails": None,
    "connectorOwner": "Example", "connectorName": "PyPeople", "connectorVersion": "1.0.0",
    "connectorModes": ["SOURCE"], "authenticationConfig": {"isApiKeyAuthSupported": True},
    "connectorRuntimeSetting": None, "supportedApiVersions": ["v1"],
    "operatorsSupported": ["EQUAL_TO"], "supportedTriggerTypes": ["ONDEMAND"],
    "triggerFrequenciesSupported": ["ONCE"], "supportedWriteOperations": None,
    "logoURL": None, "supportedDataTransferTypes": ["RECORD"],
}
ENTITY = {"entityIdentifier": "Person", "hasNestedEntities": False, "isWritable": False,
          "label": "Person", "description": None, "customProperties": None}
FIELDS = [{"fieldName": "id", "dataType": "String", "isPrimaryKey": True},
          {"fieldName": "name", "dataType": "String"}]

def error(code, message):
    return {"isSuccess": False, "errorDetails": {"errorCode": code, "errorMessage": message}}

def handler(event, context):
    kind = event["type"]
    print("handling", kind)  # must not corrupt the protocol
    if kind == "DescribeConnectorConfigurationRequest":
        return CONFIG
    if kind == "ValidateCredentialsRequest":
        arn = event["credentials"]["secretArn"]
        secret = json.loads(boto3.client("secretsmanager", region_name="us-east-1").get_secret_value(SecretId=arn)["SecretString"])
        if secret.get("apiKey") != "${SECRET}":
            return error("InvalidCredentials", "key rejected")
        return {"isSuccess": True, "errorDetails": None}
    if kind == "ValidateConnectorRuntimeSettingsRequest":
        return {"isSuccess": True, "errorDetails": None, "errorsByInputField": None}
    if kind == "ListEntitiesRequest":
        return {"isSuccess": True, "errorDetails": None, "entities": [ENTITY], "nextToken": None, "cacheControl": None}
    if kind == "DescribeEntityRequest":
        if event["entityIdentifier"] != "Person":
            return error("InvalidArgument", "unknown entity")
        return {"isSuccess": True, "errorDetails": None, "entityDefinition": {"entity": ENTITY, "fields": FIELDS}, "cacheControl": None}
    return error("InvalidArgument", kind + " is not supported")
`;

describe.runIf(hasBoto3)("connector test on a Python connector (subprocess runner)", () => {
  it("runs the configuration, credential and metadata checks, secrets served locally", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-pysuite-"));
    writeFileSync(
      path.join(dir, "connector.json"),
      JSON.stringify({
        name: "py-people",
        version: "1.0.0",
        kind: "appflow",
        appflow: { label: "py-people", language: "python", handler: "people.handler.handler" },
      }),
    );
    mkdirSync(path.join(dir, "people"));
    writeFileSync(path.join(dir, "people/__init__.py"), "");
    writeFileSync(path.join(dir, "people/handler.py"), HANDLER);
    mkdirSync(path.join(dir, ".connector"));
    writeFileSync(path.join(dir, ".connector/secrets.json"), JSON.stringify({ apiKey: SECRET }), {
      mode: 0o600,
    });
    const r = await runCli(
      ["test", "--only", "config,credentials,metadata,errors.unknown-entity", "--json"],
      {
        cwd: dir,
        env: { HOME: dir },
      },
    );
    const doc = r.json() as {
      result: { mode: string; checks: { id: string; status: string; reason?: string }[] };
    };
    const failed = doc.result.checks.filter((c) => c.status === "fail");
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    const byId = Object.fromEntries(doc.result.checks.map((c) => [c.id, c.status]));
    expect(byId["credentials.valid"]).toBe("pass");
    expect(byId["credentials.invalid"]).toBe("pass");
    expect(byId["metadata.describe.Person"]).toBe("pass");
    expect(byId["errors.unknown-entity"]).toBe("pass");
    expect(doc.result.mode).toBe("live");
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const record = await runCli(["test", "--record"], { cwd: dir, env: { HOME: dir } });
    expect(record.code).toBe(2);
    expect(record.stderr).toContain("--record works for TypeScript connectors");
  });
});
