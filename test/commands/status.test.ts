/** `connector status` against moto and the AppFlow double. */
import {
  AddPermissionCommand,
  RemovePermissionCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  cli,
  cliJson,
  connector,
  digestOf,
  makeProject,
  REGION,
  REGISTRY,
  type Stack,
  startStack,
  writePush,
} from "../aws/fixture.js";
import { runCli } from "../helpers/cli.js";
import { motoAvailable } from "../stack/moto.js";

interface Report {
  consistent: boolean;
  problems: string[];
  notes: string[];
  function: Record<string, unknown> | null;
  permission: { state: string; diff: string[] };
  registration: Record<string, unknown> | null;
}

describe.skipIf(!motoAvailable)("connector status (moto + AppFlow double)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());
  beforeEach(() => stack.double.setInvoke(connector("1.0.0")));

  const report = (doc: Record<string, unknown>) => doc.result as Report;

  it("exit 0 and no problems when the function, permission and registration match", async () => {
    const label = "status-ok";
    const dir = makeProject({ label, description: "Status test" });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    const r = await cliJson(stack, dir, ["status"]);
    expect(r.code, r.stderr).toBe(0);
    const s = report(r.doc);
    expect(s.consistent).toBe(true);
    expect(s.problems).toEqual([]);
    expect(s.function).toMatchObject({
      arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${label}`,
      state: "Active",
      packageType: "Image",
      imageUri: `${REGISTRY}/${label}@${digestOf(`${label}-v1`)}`,
      memorySize: 256,
      timeout: 30,
      differences: [],
    });
    expect(s.permission.state).toBe("ok");
    expect(s.registration).toMatchObject({
      label,
      connectorArn: `arn:aws:appflow:${REGION}:${ACCOUNT}:connector/${label}`,
      lambdaArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${label}`,
      matchesFunction: true,
      connectorVersion: "1.0.0",
      description: "Status test",
      synced: true,
      registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const human = await cli(stack, dir, ["status"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("AppFlow invoke permission (appflow-invoke): ok");
    expect(human.stdout).toContain("Consistent: nothing is missing or stale.");
  });

  it("exit 1 with every missing piece listed when nothing is deployed", async () => {
    const dir = makeProject({ label: "status-nothing" });
    const r = await cliJson(stack, dir, ["status"]);
    expect(r.code).toBe(1);
    const s = report(r.doc);
    expect(s.consistent).toBe(false);
    expect(s.function).toBeNull();
    expect(s.registration).toBeNull();
    expect(s.permission.state).toBe("no-function");
    expect(s.problems.join("\n")).toMatch(/function status-nothing does not exist/);
    expect(s.problems.join("\n")).toMatch(/not registered with AppFlow/);
  });

  it("reports a stale statement, stale code and a stale registration", async () => {
    const label = "status-stale";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);

    // The statement lost its AWS:SourceArn condition.
    await stack.lambda.send(
      new RemovePermissionCommand({ FunctionName: label, StatementId: "appflow-invoke" }),
    );
    await stack.lambda.send(
      new AddPermissionCommand({
        FunctionName: label,
        StatementId: "appflow-invoke",
        Action: "lambda:InvokeFunction",
        Principal: "appflow.amazonaws.com",
        SourceAccount: ACCOUNT,
      }),
    );
    // A newer image was pushed, but not deployed.
    writePush(dir, label, digestOf(`${label}-v2`), "2.0.0");
    const r = await cliJson(stack, dir, ["status"]);
    expect(r.code).toBe(1);
    const s = report(r.doc);
    expect(s.permission.state).toBe("stale");
    expect(s.permission.diff.join("\n")).toContain(
      "AWS:SourceArn: (none) → arn:aws:appflow:us-east-1:123456789012:*",
    );
    expect(s.problems.some((p) => p.startsWith("function is stale: code"))).toBe(true);
    expect(s.registration?.synced).toBe(true);

    // Someone deployed new code behind AppFlow's back: the registration is stale.
    await stack.lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: label,
        ImageUri: `${REGISTRY}/${label}@${digestOf(`${label}-v2`)}`,
      }),
    );
    const after = await cliJson(stack, dir, ["status"]);
    const s2 = report(after.doc);
    expect(s2.registration?.synced).toBe(false);
    expect(s2.problems.join("\n")).toContain("the registration is stale");
    expect(s2.problems.some((p) => p.startsWith("function is stale: code"))).toBe(false);

    // register repairs all of it; status is then consistent.
    const fix = await cli(stack, dir, ["register"]);
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stdout).toMatch(/permission\s+updated/);
    expect(fix.stdout).toMatch(/registration\s+updated/);
    const ok = await cliJson(stack, dir, ["status"]);
    expect(ok.code).toBe(0);
    expect(report(ok.doc).problems).toEqual([]);
  });

  it("--endpoint-url sends every service there; a per-service variable wins over it", async () => {
    const label = "status-endpoint";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    const { CONNECTOR_LAMBDA_ENDPOINT, CONNECTOR_IAM_ENDPOINT, CONNECTOR_STS_ENDPOINT, ...rest } = stack.env;
    expect(CONNECTOR_LAMBDA_ENDPOINT && CONNECTOR_IAM_ENDPOINT && CONNECTOR_STS_ENDPOINT).toBeTruthy();
    const r = await runCli(["status", "--endpoint-url", stack.moto.url, "--json"], { cwd: dir, env: rest });
    expect(r.code, r.stderr).toBe(0);
    expect((r.json().result as Report).consistent).toBe(true);
  });

  it("flags a registration that points at another function", async () => {
    const label = "status-other";
    const owner = makeProject({ label, lambda: { functionName: "status-other-owner" } });
    expect((await cli(stack, owner, ["register"])).code).toBe(0);
    const dir = makeProject({ label, lambda: { functionName: "status-other-mine" } });
    const r = await cliJson(stack, dir, ["status"]);
    expect(r.code).toBe(1);
    const s = report(r.doc);
    expect(s.registration?.matchesFunction).toBe(false);
    expect(s.problems.join("\n")).toContain("status-other-owner");
  });
});
