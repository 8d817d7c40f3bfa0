/** Pure parts of register: policies and their comparison, tokens, input checks, role-propagation retry. */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../../src/aws/iam.js";
import { createFunction } from "../../src/aws/lambda.js";
import { parseEcrImageUri, type RegisterInputs, validateInputs } from "../../src/register/inputs.js";
import {
  checkPermission,
  clientToken,
  expectedStatement,
  invokePermission,
  roleNameFor,
  rolePolicy,
  sameDocument,
  unqualifiedArn,
} from "../../src/register/policies.js";
import { planRegister } from "../../src/register/register.js";
import { CliError } from "../../src/ui/errors.js";

const ACCOUNT = "123456789012";
const ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tickets`;

function inputs(overrides: Partial<RegisterInputs> = {}): RegisterInputs {
  return {
    label: "tickets",
    region: "us-east-1",
    functionName: "tickets",
    memorySize: 256,
    timeout: 30,
    architecture: "x86_64",
    environment: {},
    roleName: "tickets-role",
    statementId: "appflow-invoke",
    publish: false,
    force: false,
    language: "typescript",
    runtime: "nodejs22.x",
    handler: "index.handler",
    code: {
      kind: "image",
      imageUri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/tickets:1.0.0`,
      ref: parseEcrImageUri(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/tickets:1.0.0`),
      from: "--image-uri",
    },
    ...overrides,
  };
}

function problems(i: RegisterInputs, account?: string): string[] {
  try {
    validateInputs(i, account ? { account } : {});
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return ((error as CliError).details?.problems as string[]) ?? [];
  }
}

describe("policies", () => {
  it("derives a role name within IAM's 64 characters", () => {
    expect(roleNameFor("tickets")).toBe("tickets-role");
    const long = "a".repeat(64);
    const name = roleNameFor(long);
    expect(name.length).toBe(64);
    expect(name).toMatch(/^a{52}-[0-9a-f]{6}-role$/);
    expect(roleNameFor(long)).toBe(name);
    expect(roleNameFor(`${"a".repeat(63)}b`)).not.toBe(name);
  });

  it("makes deterministic, UUID-shaped client tokens", () => {
    const a = clientToken([ACCOUNT, "us-east-1", "tickets", ARN, "sha"]);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientToken([ACCOUNT, "us-east-1", "tickets", ARN, "sha"])).toBe(a);
    expect(clientToken([ACCOUNT, "us-east-1", "tickets", ARN, "sha2"])).not.toBe(a);
    // Parts are separated, so shifting characters between them changes the token.
    expect(clientToken(["ab", "c"])).not.toBe(clientToken(["a", "bc"]));
  });

  it("scopes the secret to AppFlow's name pattern and adds License Manager only for Marketplace", () => {
    const plain = rolePolicy({ region: "eu-west-1", account: ACCOUNT, label: "tickets", marketplace: false });
    expect(JSON.stringify(plain)).toContain(
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:appflow!${ACCOUNT}-tickets-*`,
    );
    expect(JSON.stringify(plain)).not.toContain("license-manager");
    const paid = rolePolicy({ region: "eu-west-1", account: ACCOUNT, label: "tickets", marketplace: true });
    expect(JSON.stringify(paid)).toContain("license-manager:CheckoutLicense");
  });

  it("compares the statement with both conditions field by field", () => {
    const want = invokePermission("appflow-invoke", "us-east-1", ACCOUNT);
    const good = expectedStatement(want, ARN);
    expect(checkPermission([good], want, ARN)).toEqual({ state: "ok", diff: [], count: 1 });
    expect(checkPermission([], want, ARN).state).toBe("missing");
    expect(checkPermission([{ ...good, Sid: "other" }], want, ARN).state).toBe("missing");
    const noArn = { ...good, Condition: { StringEquals: { "AWS:SourceAccount": ACCOUNT } } };
    expect(checkPermission([noArn], want, ARN)).toMatchObject({
      state: "stale",
      diff: [`Condition ArnLike AWS:SourceArn: (none) → arn:aws:appflow:us-east-1:${ACCOUNT}:*`],
    });
    const extra = { ...good, Condition: { ...good.Condition, StringLike: { "aws:x": "y" } } };
    expect(checkPermission([extra], want, ARN).diff[0]).toContain("unexpected");
    expect(checkPermission([good, good], want, ARN)).toMatchObject({ state: "stale", count: 2 });
    const principalString = {
      ...good,
      Principal: "appflow.amazonaws.com",
      Action: ["lambda:InvokeFunction"],
    };
    expect(checkPermission([principalString], want, ARN).state).toBe("ok");
  });

  it("compares documents regardless of key order and decodes IAM's URL encoding", () => {
    expect(sameDocument({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ y: 2, x: 1 }], a: 1 })).toBe(true);
    expect(sameDocument({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(parsePolicyDocument(encodeURIComponent('{"Version":"2012-10-17"}'))).toEqual({
      Version: "2012-10-17",
    });
    expect(parsePolicyDocument('{"a":1}')).toEqual({ a: 1 });
    expect(unqualifiedArn(`${ARN}:7`)).toBe(ARN);
    expect(unqualifiedArn(ARN)).toBe(ARN);
  });
});

describe("inputs", () => {
  it("parses ECR image URIs with tags and digests", () => {
    const d = `sha256:${"a".repeat(64)}`;
    expect(parseEcrImageUri(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/tickets:1.0.0`)).toEqual({
      registry: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
      account: ACCOUNT,
      region: "eu-west-1",
      repository: "team/tickets",
      tag: "1.0.0",
    });
    expect(parseEcrImageUri(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/tickets@${d}`)?.digest).toBe(d);
    expect(parseEcrImageUri("public.ecr.aws/lambda/nodejs:22")).toBeUndefined();
    expect(parseEcrImageUri("docker.io/library/node:22")).toBeUndefined();
  });

  it("accepts valid inputs and reports every problem at once", () => {
    expect(problems(inputs())).toEqual([]);
    const found = problems(
      inputs({
        label: "bad label",
        description: "Tickets; by Example, Corp",
        memorySize: 64,
        timeout: 901,
        environment: { AWS_REGION: "x", "1BAD": "y" },
        statementId: "bad sid!",
        roleArn: "arn:aws:iam::1:role/x",
      }),
    );
    expect(found).toHaveLength(8);
    expect(found.join("\n")).toMatch(/not a valid AppFlow connector label/);
    expect(found.join("\n")).toMatch(/description has characters AppFlow rejects \(; ,\)/);
    expect(found.join("\n")).toMatch(/reserved by Lambda/);
  });

  it("checks the role's account once the caller's account is known", () => {
    const i = inputs({ roleArn: "arn:aws:iam::999999999999:role/x" });
    expect(problems(i)).toEqual([]);
    expect(problems(i, ACCOUNT)[0]).toContain("same account");
  });

  it("refuses an image whose platform does not match the architecture", () => {
    const found = problems(inputs({ architecture: "arm64", imagePlatform: "linux/amd64" }));
    expect(found[0]).toContain("image.platform is linux/amd64 but lambda.architecture is arm64");
  });
});

describe("planRegister", () => {
  it("uses the role's account, or the image's, or a placeholder", () => {
    expect(planRegister(inputs({ roleArn: "arn:aws:iam::111111111111:role/r" })).account).toBe(
      "111111111111",
    );
    expect(planRegister(inputs()).account).toBe(ACCOUNT);
    const zip = planRegister(
      inputs({
        code: { kind: "zip", file: "/x.zip", bytes: Buffer.alloc(0), size: 0, sha256: "abc=", from: "--zip" },
      }),
    );
    expect(zip.account).toBe("<account>");
    expect(zip.plan?.note).toContain("<account> stands for the caller's account");
    expect(zip.plan?.function).toMatchObject({
      PackageType: "Zip",
      Runtime: "nodejs22.x",
      Handler: "index.handler",
    });
  });
});

describe("createFunction while a new role propagates", () => {
  function fakeClient(failures: number) {
    let calls = 0;
    const client = {
      async send() {
        calls++;
        if (calls <= failures) {
          throw Object.assign(new Error("The role defined for the function cannot be assumed by Lambda."), {
            name: "InvalidParameterValueException",
            $metadata: { httpStatusCode: 400 },
          });
        }
        return { FunctionName: "f" };
      },
    };
    return { client: client as unknown as LambdaClient, calls: () => calls };
  }

  it("retries with backoff through the injected sleep", async () => {
    const { client, calls } = fakeClient(3);
    const slept: number[] = [];
    const r = await createFunction(
      client,
      { FunctionName: "f", Role: "r", Code: {} },
      {
        maxWaitMs: 20_000,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    );
    expect(r.FunctionName).toBe("f");
    expect(calls()).toBe(4);
    expect(slept).toEqual([1000, 2000, 4000]);
  });

  it("gives up after the time budget with the AWS error", async () => {
    const { client, calls } = fakeClient(100);
    const slept: number[] = [];
    const error = await createFunction(
      client,
      { FunctionName: "f", Role: "r", Code: {} },
      {
        maxWaitMs: 20_000,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain("cannot be assumed");
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
    expect(calls()).toBe(slept.length + 1);
  });

  it("does not retry without a retry policy (a given role)", async () => {
    const { client, calls } = fakeClient(1);
    await expect(createFunction(client, { FunctionName: "f", Role: "r", Code: {} })).rejects.toThrow(
      "cannot be assumed",
    );
    expect(calls()).toBe(1);
  });
});
