/**
 * `connector register` end to end: the CLI in-process against moto (Lambda, IAM, STS) and the AppFlow
 * double. One moto per file; each test uses its own label, so no reset is needed.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  AddPermissionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../../src/aws/iam.js";
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
  statuses,
  writePush,
  writeZip,
} from "../aws/fixture.js";
import { runCli } from "../helpers/cli.js";
import { motoAvailable } from "../stack/moto.js";

const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const DEAD = "http://127.0.0.1:9";
const deadEnv = (stack: Stack) => ({
  ...stack.env,
  CONNECTOR_LAMBDA_ENDPOINT: DEAD,
  CONNECTOR_IAM_ENDPOINT: DEAD,
  CONNECTOR_STS_ENDPOINT: DEAD,
  CONNECTOR_ECR_ENDPOINT: DEAD,
  CONNECTOR_APPFLOW_ENDPOINT: DEAD,
});

describe.skipIf(!motoAvailable)("connector register (moto + AppFlow double)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());
  beforeEach(() => stack.double.setInvoke(connector("1.0.0")));

  async function policyStatements(name: string) {
    const r = await stack.lambda.send(new GetPolicyCommand({ FunctionName: name }));
    return (JSON.parse(r.Policy ?? "{}") as { Statement: Record<string, unknown>[] }).Statement;
  }

  async function fn(name: string) {
    return stack.lambda.send(new GetFunctionCommand({ FunctionName: name }));
  }

  async function exists(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch {
      return false;
    }
  }

  it("first run creates role, function, permission, registration; the second changes nothing", async () => {
    const label = "tickets-first";
    const dir = makeProject({ label, description: "Example Corp tickets" });
    const first = await cliJson(stack, dir, ["register"]);
    expect(first.code, first.stderr).toBe(0);
    const result = first.doc.result as Record<string, unknown>;
    expect(result).toMatchObject({
      label,
      functionArn: fnArn(label),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${label}-role`,
      connectorArn: `arn:aws:appflow:${REGION}:${ACCOUNT}:connector/${label}`,
      changed: true,
    });
    expect(statuses(first.doc)).toEqual({
      role: "created",
      function: "created",
      permission: "created",
      registration: "created",
    });

    // Lambda: an image function pinned to the pushed digest, settings from connector.json.
    const f = await fn(label);
    expect(f.Configuration).toMatchObject({
      PackageType: "Image",
      MemorySize: 256,
      Timeout: 30,
      Architectures: ["x86_64"],
      Role: `arn:aws:iam::${ACCOUNT}:role/${label}-role`,
      State: "Active",
    });
    expect(f.Code?.ImageUri).toBe(`${REGISTRY}/${label}@${digestOf(`${label}-v1`)}`);
    expect(f.Tags?.createdBy).toBe("connectorkit");

    // The resource policy: one statement, both conditions (the confused-deputy guard).
    const statements = await policyStatements(label);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Sid: "appflow-invoke",
      Effect: "Allow",
      Principal: { Service: "appflow.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Condition: {
        StringEquals: { "AWS:SourceAccount": ACCOUNT },
        ArnLike: { "AWS:SourceArn": `arn:aws:appflow:${REGION}:${ACCOUNT}:*` },
      },
    });

    // AppFlow: RegisterConnector with the exact request shape, and the configuration was read.
    const [reg] = stack.double.requestsFor("RegisterConnector");
    expect(reg?.status).toBe(200);
    expect(reg?.body).toEqual({
      connectorLabel: label,
      description: "Example Corp tickets",
      connectorProvisioningType: "LAMBDA",
      connectorProvisioningConfig: { lambda: { lambdaArn: fnArn(label) } },
      clientToken: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
    expect(stack.double.connector(label)?.configuration.connectorVersion).toBe("1.0.0");

    // Second run: nothing changes and AppFlow is not asked to re-read.
    const before = stack.double.requests.length;
    const second = await cli(stack, dir, ["register"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("Nothing changed");
    for (const step of ["role", "function", "permission", "registration"]) {
      expect(second.stdout).toMatch(new RegExp(`${step}\\s+unchanged`));
    }
    const ops = stack.double.requests.slice(before).map((r) => r.operation);
    expect(ops).toEqual(["DescribeConnector"]);
    expect(stack.double.connector(label)?.reads).toBe(1);
    expect(await policyStatements(label)).toHaveLength(1);
  });

  it("a code update updates the function and re-registers; a third run is unchanged", async () => {
    const label = "tickets-update";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);

    writePush(dir, label, digestOf(`${label}-v2`), "2.0.0");
    stack.double.setInvoke(connector("2.0.0"));
    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc)).toEqual({
      role: "unchanged",
      function: "updated",
      permission: "unchanged",
      registration: "updated",
    });
    expect((await fn(label)).Code?.ImageUri).toBe(`${REGISTRY}/${label}@${digestOf(`${label}-v2`)}`);
    const [update] = stack.double
      .requestsFor("UpdateConnectorRegistration")
      .filter((q) => q.body.connectorLabel === label);
    expect(update?.status).toBe(200);
    expect(update?.body).toMatchObject({
      connectorLabel: label,
      connectorProvisioningConfig: { lambda: { lambdaArn: fnArn(label) } },
    });
    const stored = stack.double.connector(label);
    expect(stored?.reads).toBe(2);
    expect(stored?.configuration.connectorVersion).toBe("2.0.0");

    const third = await cliJson(stack, dir, ["register"]);
    expect(Object.values(statuses(third.doc))).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    expect((third.doc.result as { changed: boolean }).changed).toBe(false);
  });

  it("a configuration-only change updates the function but does not re-register", async () => {
    const label = "tickets-memory";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    const file = path.join(dir, "connector.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    config.lambda.memorySize = 512;
    config.lambda.timeout = 60;
    writeFileSync(file, JSON.stringify(config));
    const r = await cliJson(stack, dir, ["register"]);
    expect(statuses(r.doc)).toMatchObject({ function: "updated", registration: "unchanged" });
    const step = (r.doc.result as { steps: { step: string; detail: string }[] }).steps.find(
      (s) => s.step === "function",
    );
    expect(step?.detail).toContain("memorySize 256 → 512");
    expect(step?.detail).toContain("timeout 30 → 60");
    expect((await fn(label)).Configuration).toMatchObject({ MemorySize: 512, Timeout: 60 });
  });

  it("replaces a changed statement with the same Sid and leaves exactly one", async () => {
    const label = "tickets-policy";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    // Someone weakened the statement (no AWS:SourceArn) and moto accepted a duplicate Sid.
    await stack.lambda.send(
      new RemovePermissionCommand({ FunctionName: label, StatementId: "appflow-invoke" }),
    );
    for (let i = 0; i < 2; i++) {
      await stack.lambda.send(
        new AddPermissionCommand({
          FunctionName: label,
          StatementId: "appflow-invoke",
          Action: "lambda:InvokeFunction",
          Principal: "appflow.amazonaws.com",
          SourceAccount: ACCOUNT,
        }),
      );
    }
    expect(await policyStatements(label)).toHaveLength(2);

    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc)).toMatchObject({ permission: "updated", registration: "unchanged" });
    const detail = (r.doc.result as { steps: { step: string; detail: string }[] }).steps.find(
      (s) => s.step === "permission",
    )?.detail;
    expect(detail).toContain("AWS:SourceArn");
    const statements = await policyStatements(label);
    expect(statements.filter((s) => s.Sid === "appflow-invoke")).toHaveLength(1);
    expect(statements[0]?.Condition).toEqual({
      StringEquals: { "AWS:SourceAccount": ACCOUNT },
      ArnLike: { "AWS:SourceArn": `arn:aws:appflow:${REGION}:${ACCOUNT}:*` },
    });
  });

  it("refuses a label registered to another function, and takes it over with --force", async () => {
    const label = "tickets-conflict";
    const owner = makeProject({ label, lambda: { functionName: "tickets-conflict-owner" } });
    expect((await cli(stack, owner, ["register"])).code).toBe(0);

    const dir = makeProject({ label, lambda: { functionName: "tickets-conflict-other" } });
    const refused = await cliJson(stack, dir, ["register"]);
    expect(refused.code).toBe(2);
    expect(refused.doc.error).toMatchObject({
      code: "REGISTER_LABEL_TAKEN",
      message: expect.stringContaining(fnArn("tickets-conflict-owner")),
      hint: expect.stringContaining("--force"),
    });
    expect(await exists(() => fn("tickets-conflict-other"))).toBe(false);
    expect(
      await exists(() => stack.iam.send(new GetRoleCommand({ RoleName: "tickets-conflict-other-role" }))),
    ).toBe(false);

    const forced = await cliJson(stack, dir, ["register", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(statuses(forced.doc)).toMatchObject({ function: "created", registration: "updated" });
    expect(stack.double.connector(label)?.lambdaArn).toBe(fnArn("tickets-conflict-other"));
  });

  it("treats a ConflictException from RegisterConnector (registered meanwhile) as existing", async () => {
    const label = "tickets-race";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    writePush(dir, label, digestOf(`${label}-v2`));
    // The pre-check does not see the registration; RegisterConnector then conflicts.
    stack.double.failNext("describe-connector", "ResourceNotFoundException", 1);
    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc).registration).toBe("updated");
    const ops = stack.double.requests.filter((q) => q.body.connectorLabel === label).map((q) => q.status);
    expect(ops).toContain(409);
  });

  it("AccessDenied from AppFlow becomes exit 3 with the IAM action and a recovery message", async () => {
    const label = "tickets-denied";
    const dir = makeProject({ label });
    stack.double.failNext("register-connector", "AccessDeniedException", 1, "User is not authorized");
    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code).toBe(3);
    const error = r.doc.error as {
      code: string;
      message: string;
      hint: string;
      details: Record<string, unknown>;
    };
    expect(error.code).toBe("AWS_ACCESS_DENIED");
    expect(error.message).toContain("appflow:RegisterConnector");
    expect(error.hint).toContain("appflow:RegisterConnector");
    expect(error.hint).toContain("resource-policy");
    expect(error.message).toContain(`Lambda function ${fnArn(label)} (created)`);
    expect(error.message).toContain(`no AppFlow registration for ${label}`);
    expect(error.message).toContain("connector register");
    expect(error.message).toContain("connector unregister --delete-function");
    expect(error.details.failedStep).toBe("registration");
  });

  it("retries throttled AppFlow calls and succeeds", async () => {
    const label = "tickets-throttle";
    const dir = makeProject({ label });
    stack.double.failNext("register-connector", "ThrottlingException", 2);
    const r = await cli(stack, dir, ["register"]);
    expect(r.code, r.stderr).toBe(0);
    const attempts = stack.double
      .requestsFor("RegisterConnector")
      .filter((q) => q.body.connectorLabel === label);
    expect(attempts.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(attempts.map((a) => a.errorType)).toEqual([
      "ThrottlingException",
      "ThrottlingException",
      undefined,
    ]);
  });

  it("reports throttling that outlasts the retries as exit 3 before changing anything", async () => {
    const label = "tickets-throttle-hard";
    const dir = makeProject({ label });
    stack.double.failNext("describe-connector", "ThrottlingException", 10);
    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code).toBe(3);
    expect(r.doc.error).toMatchObject({
      code: "AWS_THROTTLED",
      message: expect.stringContaining("Nothing was changed"),
      hint: expect.stringContaining("safe to repeat"),
    });
    expect(await exists(() => fn(label))).toBe(false);
    stack.double.reset();
  }, 40_000);

  it("a failure halfway says what exists and how to finish; re-running finishes", async () => {
    const label = "tickets-halfway";
    const dir = makeProject({ label });
    stack.double.setInvoke(async () => ({ isSuccess: true, connectorName: "broken" }));
    const r = await cli(stack, dir, ["register"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("ConnectorServerException");
    expect(r.stderr).toContain("Stopped at: AppFlow registration");
    expect(r.stderr).toContain(`execution role arn:aws:iam::${ACCOUNT}:role/${label}-role (created)`);
    expect(r.stderr).toContain(`Lambda function ${fnArn(label)} (created)`);
    expect(r.stderr).toContain("resource-policy statement appflow-invoke");
    expect(r.stderr).toContain("run `connector register` again");
    expect(r.stderr).toContain("`connector unregister --delete-function`");
    expect(r.stderr).toContain("connector invoke DescribeConnectorConfiguration");

    stack.double.setInvoke(connector("1.0.0"));
    const again = await cliJson(stack, dir, ["register"]);
    expect(again.code, again.stderr).toBe(0);
    expect(statuses(again.doc)).toEqual({
      role: "unchanged",
      function: "unchanged",
      permission: "unchanged",
      registration: "created",
    });
  });

  it("--dry-run makes no AWS call at all and prints the plan with the policy documents", async () => {
    const label = "tickets-dry";
    const dir = makeProject({ label, description: "Dry run" });
    const before = stack.double.requests.length;
    const human = await cli(stack, dir, ["register", "--dry-run"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("no AWS call was made");
    expect(human.stdout).toContain(`appflow!${ACCOUNT}-${label}-*`);
    expect(human.stdout).toContain(`"SourceArn": "arn:aws:appflow:${REGION}:${ACCOUNT}:*"`);
    expect(human.stdout).toContain("AWSLambdaBasicExecutionRole");
    expect(stack.double.requests.length).toBe(before);
    expect(await exists(() => fn(label))).toBe(false);
    expect(await exists(() => stack.iam.send(new GetRoleCommand({ RoleName: `${label}-role` })))).toBe(false);

    // With every endpoint dead, the plan still comes out: nothing was contacted.
    const r = await runCli(["register", "--dry-run", "--json"], {
      cwd: dir,
      env: deadEnv(stack),
    });
    expect(r.code, r.stderr).toBe(0);
    const result = r.json().result as Record<string, unknown> & {
      steps: { status: string }[];
      plan: Record<string, unknown>;
    };
    expect(result.dryRun).toBe(true);
    expect(result.steps.every((s) => s.status === "planned")).toBe(true);
    expect(result.plan.permission).toEqual({
      FunctionName: label,
      StatementId: "appflow-invoke",
      Action: "lambda:InvokeFunction",
      Principal: "appflow.amazonaws.com",
      SourceAccount: ACCOUNT,
      SourceArn: `arn:aws:appflow:${REGION}:${ACCOUNT}:*`,
    });
    expect(result.plan.registration).toMatchObject({
      connectorLabel: label,
      connectorProvisioningType: "LAMBDA",
      connectorProvisioningConfig: { lambda: { lambdaArn: fnArn(label) } },
    });
  });

  it("validates labels, descriptions, names and images before any call", async () => {
    const dir = makeProject({ label: "tickets-invalid" });
    const env = deadEnv(stack);
    const run = async (args: string[]) => runCli([...args, "--json"], { cwd: dir, env });

    const desc = await run(["register", "--description", "Tickets, by Example Corp"]);
    expect(desc.code).toBe(2);
    expect(desc.json().error).toMatchObject({
      code: "REGISTER_INVALID_INPUT",
      message: expect.stringContaining("description has characters AppFlow rejects (,)"),
      hint: expect.stringContaining("nothing was sent to AWS"),
    });

    const long = await run(["register", "--description", "x".repeat(1025)]);
    expect(long.code).toBe(2);
    expect(JSON.stringify(long.json().error)).toContain("at most 1024");

    const name = await run(["register", "--function-name", "bad name"]);
    expect(name.code).toBe(2);
    expect(JSON.stringify(name.json().error)).toContain("--function-name");

    const role = await run(["register", "--role-arn", "arn:aws:iam::12345:user/x"]);
    expect(role.code).toBe(2);
    expect(JSON.stringify(role.json().error)).toContain("--role-arn");

    const region = await run([
      "register",
      "--image-uri",
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/tickets:1.0.0`,
    ]);
    expect(region.code).toBe(2);
    expect((region.json().error as { message: string }).message).toMatch(
      /in eu-west-1, but the function is in us-east-1.*own region/,
    );

    const dockerHub = await run(["register", "--image-uri", "docker.io/library/node:22"]);
    expect(dockerHub.code).toBe(2);
    expect((dockerHub.json().error as { message: string }).message).toContain("not an Amazon ECR image URI");

    const marketplace = await run([
      "register",
      "--image-uri",
      "709825985650.dkr.ecr.us-east-1.amazonaws.com/example/tickets:1.0.0",
    ]);
    expect(marketplace.code).toBe(2);
    expect((marketplace.json().error as { message: string }).message).toContain(
      "Marketplace seller registry",
    );

    const none = makeProject({ label: "tickets-nothing", digest: null });
    const missing = await runCli(["register", "--json"], { cwd: none, env });
    expect(missing.code).toBe(2);
    expect(missing.json().error).toMatchObject({
      code: "REGISTER_NO_CODE",
      hint: expect.stringContaining("connector push"),
    });
  });

  it("creates the role with the secrets policy, and License Manager only for Marketplace", async () => {
    const plain = "tickets-role-plain";
    const paid = "tickets-role-paid";
    expect((await cli(stack, makeProject({ label: plain }), ["register"])).code).toBe(0);
    const paidDir = makeProject({ label: paid, appflow: { marketplace: { productSku: "prod-abc123" } } });
    expect((await cli(stack, paidDir, ["register"])).code).toBe(0);

    const inline = async (label: string) => {
      const r = await stack.iam.send(
        new GetRolePolicyCommand({ RoleName: `${label}-role`, PolicyName: "appflow-connector" }),
      );
      return parsePolicyDocument(r.PolicyDocument) as { Statement: Record<string, unknown>[] };
    };
    const plainPolicy = await inline(plain);
    expect(plainPolicy.Statement).toEqual([
      {
        Sid: "ReadConnectorProfileSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:appflow!${ACCOUNT}-${plain}-*`,
      },
    ]);
    const paidPolicy = await inline(paid);
    expect(paidPolicy.Statement.map((s) => s.Action)).toEqual([
      "secretsmanager:GetSecretValue",
      "license-manager:CheckoutLicense",
    ]);
    const role = await stack.iam.send(new GetRoleCommand({ RoleName: `${plain}-role` }));
    expect(role.Role?.Tags).toContainEqual({ Key: "createdBy", Value: "connectorkit" });
    expect(parsePolicyDocument(role.Role?.AssumeRolePolicyDocument)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });

    // Dropping the product SKU updates the inline policy on the next run.
    const file = path.join(paidDir, "connector.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    delete config.appflow.marketplace;
    writeFileSync(file, JSON.stringify(config));
    const r = await cliJson(stack, paidDir, ["register"]);
    expect(statuses(r.doc).role).toBe("updated");
    expect((await inline(paid)).Statement).toHaveLength(1);
  });

  it("uses a given --role-arn as is", async () => {
    const label = "tickets-given-role";
    const created = await stack.iam.send(
      new CreateRoleCommand({
        RoleName: "team-connector-role",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    const arn = created.Role?.Arn as string;
    const dir = makeProject({ label });
    const r = await cliJson(stack, dir, ["register", "--role-arn", arn]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc).role).toBe("unchanged");
    expect((r.doc.result as { roleArn: string }).roleArn).toBe(arn);
    expect((await fn(label)).Configuration?.Role).toBe(arn);
    expect(await exists(() => stack.iam.send(new GetRoleCommand({ RoleName: `${label}-role` })))).toBe(false);
  });

  it("deploys a zip with the nodejs22.x runtime and the project's handler", async () => {
    const label = "tickets-zip";
    const dir = makeProject({ label, digest: null, appflow: { handler: "dist/index.handler" } });
    const file = writeZip(dir, { "dist/index.mjs": "export const handler = async () => ({});\n" });
    const sha = createHash("sha256").update(readFileSync(file)).digest("base64");
    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code, r.stderr).toBe(0);
    expect((r.doc.result as { code: unknown }).code).toMatchObject({ kind: "zip", sha256: sha });
    const f = await fn(label);
    expect(f.Configuration).toMatchObject({
      PackageType: "Zip",
      Runtime: "nodejs22.x",
      Handler: "dist/index.handler",
      CodeSha256: sha,
    });

    const again = await cliJson(stack, dir, ["register"]);
    expect(statuses(again.doc).function).toBe("unchanged");

    const other = writeZip(
      dir,
      { "dist/index.mjs": "export const handler = async () => ({ v: 2 });\n" },
      "v2.zip",
    );
    const updated = await cliJson(stack, dir, ["register", "--zip", other]);
    expect(statuses(updated.doc)).toMatchObject({ function: "updated", registration: "updated" });
    expect((await fn(label)).Configuration?.CodeSha256).toBe(
      createHash("sha256").update(readFileSync(other)).digest("base64"),
    );

    // An image cannot replace a zip function.
    const switched = await cliJson(stack, dir, ["register", "--image-uri", `${REGISTRY}/${label}:1.0.0`]);
    expect(switched.code).toBe(2);
    expect(switched.doc.error).toMatchObject({ code: "REGISTER_PACKAGE_TYPE" });
  });

  it("--publish publishes a version once and reports it", async () => {
    const label = "tickets-publish";
    const dir = makeProject({ label });
    const first = await cliJson(stack, dir, ["register", "--publish"]);
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(first.doc).version).toBe("created");
    expect((first.doc.result as { version: string }).version).toBe("1");
    const second = await cliJson(stack, dir, ["register", "--publish"]);
    expect(statuses(second.doc).version).toBe("unchanged");
    expect((second.doc.result as { version: string }).version).toBe("1");
  });

  it("registers again when AppFlow answers a reused client token from its cache", async () => {
    const label = "tickets-token";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    expect((await cli(stack, dir, ["unregister"])).code).toBe(0);
    const r = await cliJson(stack, dir, ["register"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc).registration).toBe("created");
    expect(stack.double.connector(label)).toBeDefined();
    const tokens = stack.double
      .requestsFor("RegisterConnector")
      .filter((q) => q.body.connectorLabel === label)
      .map((q) => q.body.clientToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });
});
