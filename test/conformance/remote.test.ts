import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { MOTO_ENV, type Moto, motoAvailable, startMoto } from "../stack/moto.js";

const config = {
  isSuccess: true,
  errorDetails: null,
  connectorOwner: "Example",
  connectorName: "Remote",
  connectorVersion: "1.0.0",
  connectorModes: ["SOURCE"],
  authenticationConfig: null,
  connectorRuntimeSetting: null,
  supportedApiVersions: ["v3"],
  operatorsSupported: ["EQUAL_TO"],
  supportedTriggerTypes: ["ONDEMAND"],
  triggerFrequenciesSupported: ["ONCE"],
  supportedWriteOperations: null,
  logoURL: "http://insecure.example.com/logo.png",
  supportedDataTransferTypes: ["RECORD"],
};

describe.runIf(motoAvailable)("connector test --remote (Lambda Invoke against moto)", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
    const creds = { accessKeyId: "testing", secretAccessKey: "testing" };
    const iam = new IAMClient({ endpoint: moto.url, region: "us-east-1", credentials: creds });
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: "remote-connector",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    const lambda = new LambdaClient({ endpoint: moto.url, region: "us-east-1", credentials: creds });
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "remote-connector",
        PackageType: "Image",
        Code: { ImageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/remote:1.0.0" },
        Role: role.Role?.Arn,
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it("runs the configuration checks through Lambda Invoke and reports what the function answered", async () => {
    // moto answers Invoke from a FIFO queue of canned results: the context lookup, then the check.
    const queued = await fetch(`${moto.url}/moto-api/static/lambda-simple/response`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        results: [JSON.stringify(config), JSON.stringify(config)],
        region: "us-east-1",
      }),
    });
    expect(queued.status).toBe(201);
    const dir = mkdtempSync(path.join(tmpdir(), "ck-remote-"));
    writeFileSync(
      path.join(dir, "connector.json"),
      JSON.stringify({ name: "remote", version: "1.0.0", kind: "appflow", appflow: { label: "remote" } }),
    );
    const r = await runCli(
      [
        "test",
        "--remote",
        "remote-connector",
        "--only",
        "config",
        "--endpoint-url",
        moto.url,
        "--region",
        "us-east-1",
        "--json",
      ],
      { cwd: dir, env: MOTO_ENV },
    );
    const doc = r.json() as {
      result: { mode: string; checks: { id: string; status: string; reason?: string }[] };
    };
    expect(doc.result.mode).toBe("remote");
    const byId = Object.fromEntries(doc.result.checks.map((c) => [c.id, c]));
    expect(byId["config.responds"]?.status).toBe("pass");
    expect(byId["config.shape"]?.status).toBe("pass");
    expect(byId["config.https"]).toMatchObject({ status: "fail" });
    expect(byId["config.https"]?.reason).toContain("logoURL = http://insecure.example.com/logo.png");
    expect(r.code).toBe(1);
  });

  it("says clearly when the function cannot be reached", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-remote-"));
    writeFileSync(
      path.join(dir, "connector.json"),
      JSON.stringify({ name: "remote", version: "1.0.0", kind: "appflow", appflow: { label: "remote" } }),
    );
    const r = await runCli(
      ["test", "--remote", "x", "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"],
      {
        cwd: dir,
        env: MOTO_ENV,
      },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("could not reach AWS");
  });
});
