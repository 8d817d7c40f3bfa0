/**
 * The AppFlow double, driven through the real `@aws-sdk/client-appflow`: wire format, validation,
 * error types, the resource-policy and configuration checks, the A12 mapping, paging and knobs.
 */
import {
  AppflowClient,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  RegisterConnectorCommand,
  UnregisterConnectorCommand,
  UpdateConnectorRegistrationCommand,
} from "@aws-sdk/client-appflow";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  LambdaClient,
  RemovePermissionCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ConnectorConfiguration, createHandler } from "../../src/sdk/index.js";
import { type AppflowDouble, startAppflowDouble } from "../stack/appflow-double.js";
import { MOTO_ENV, type Moto, motoAvailable, startMoto } from "../stack/moto.js";
import { ACCOUNT, configuration, connector, REGION } from "./fixture.js";

const creds = { accessKeyId: "testing", secretAccessKey: "testing" };
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

async function caught(p: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected a rejection");
}

describe("AppFlow double without Lambda policy checks", () => {
  let double: AppflowDouble;
  let client: AppflowClient;

  beforeAll(async () => {
    double = await startAppflowDouble({ invoke: connector() });
    client = new AppflowClient({ region: REGION, endpoint: double.url, credentials: creds, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await double.close();
  });
  beforeEach(() => {
    double.reset();
    double.setInvoke(connector());
  });

  const register = (label: string, extra: Record<string, unknown> = {}) =>
    client.send(
      new RegisterConnectorCommand({
        connectorLabel: label,
        connectorProvisioningType: "LAMBDA",
        connectorProvisioningConfig: { lambda: { lambdaArn: arnOf(label) } },
        ...extra,
      }),
    );

  it("registers, and serves DescribeConnector mapped as in A12 with epoch-second dates", async () => {
    const full: ConnectorConfiguration = {
      ...configuration("3.1.0"),
      connectorModes: ["SOURCE", "DESTINATION"],
      supportedTriggerTypes: ["SCHEDULED", "ONDEMAND"],
      triggerFrequenciesSupported: ["HOURLY", "DAILY"],
      operatorsSupported: ["PROJECTION", "EQUAL_TO"],
      supportedWriteOperations: ["INSERT"],
      authenticationConfig: {
        isOAuth2Supported: true,
        isCustomAuthSupported: true,
        oAuth2Defaults: {
          tokenURL: ["https://auth.example.com/token"],
          authURL: ["https://auth.example.com/authorize"],
          oAuthScopes: ["read"],
          oAuth2GrantTypesSupported: ["AUTHORIZATION_CODE"],
        },
        customAuthConfig: [
          {
            authenticationType: "HMAC",
            authParameters: [
              {
                key: "secret",
                required: true,
                label: "Secret",
                description: "HMAC key",
                sensitiveField: true,
              },
            ],
          },
        ],
      },
    };
    const handler = createHandler(
      { describeConnectorConfiguration: full },
      { logger: { error() {}, warn() {} } },
    );
    double.setInvoke(async (_arn, event) => handler(event));
    const r = await register("mapping", { description: "Mapping test" });
    expect(r.connectorArn).toBe(`arn:aws:appflow:${REGION}:${ACCOUNT}:connector/mapping`);
    const d = await client.send(
      new DescribeConnectorCommand({ connectorType: "CustomConnector", connectorLabel: "mapping" }),
    );
    const c = d.connectorConfiguration;
    expect(c?.registeredAt).toBeInstanceOf(Date);
    expect(Math.abs((c?.registeredAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(c).toMatchObject({
      connectorType: "CustomConnector",
      connectorLabel: "mapping",
      connectorDescription: "Mapping test",
      connectorVersion: "3.1.0",
      canUseAsSource: true,
      canUseAsDestination: true,
      supportedTriggerTypes: ["Scheduled", "OnDemand"],
      supportedSchedulingFrequencies: ["HOURLY", "DAILY"],
      supportedOperators: ["PROJECTION", "EQUAL_TO"],
      connectorProvisioningType: "LAMBDA",
      connectorProvisioningConfig: { lambda: { lambdaArn: arnOf("mapping") } },
      registeredBy: "CUSTOM",
      connectorRuntimeSettings: [
        expect.objectContaining({ key: "region", isRequired: true, scope: "CONNECTOR_PROFILE" }),
      ],
      authenticationConfig: {
        isOAuth2Supported: true,
        oAuth2Defaults: {
          tokenUrls: ["https://auth.example.com/token"],
          authCodeUrls: ["https://auth.example.com/authorize"],
          oauthScopes: ["read"],
          oauth2GrantTypesSupported: ["AUTHORIZATION_CODE"],
        },
        customAuthConfigs: [
          {
            customAuthenticationType: "HMAC",
            authParameters: [
              expect.objectContaining({ key: "secret", isRequired: true, isSensitiveField: true }),
            ],
          },
        ],
      },
    });
    const [invoked] = double.requestsFor("register-connector");
    expect(invoked?.status).toBe(200);
  });

  it("answers modeled errors the SDK recognises: status, x-amzn-errortype and message", async () => {
    await register("dup");
    const conflict = await caught(register("dup"));
    expect(conflict.name).toBe("ConflictException");
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    expect(conflict.message).toContain("already exists");

    const missing = await caught(
      client.send(new DescribeConnectorCommand({ connectorType: "CustomConnector", connectorLabel: "nope" })),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
    expect(missing.$metadata.httpStatusCode).toBe(404);

    const update = await caught(
      client.send(new UpdateConnectorRegistrationCommand({ connectorLabel: "nope" })),
    );
    expect(update.name).toBe("ResourceNotFoundException");

    const raw = await fetch(`${double.url}/no-such-route`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(404);
    expect(raw.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  });

  it("validates labels, descriptions, ARNs, the provisioning type and connectorType", async () => {
    const cases: [string, Promise<unknown>][] = [
      ["label with a space", register("bad label")],
      ["one-character label", register("a")],
      ["description with a comma", register("ok-label", { description: "a, b" })],
      ["description over 1024", register("ok-label2", { description: "x".repeat(1025) })],
      [
        "lambda ARN",
        client.send(
          new RegisterConnectorCommand({
            connectorLabel: "arn-label",
            connectorProvisioningType: "LAMBDA",
            connectorProvisioningConfig: { lambda: { lambdaArn: "function:x" } },
          }),
        ),
      ],
      ["describe without connectorType", client.send(new DescribeConnectorCommand({} as never))],
      ["list maxResults 0", client.send(new ListConnectorsCommand({ maxResults: 0 }))],
      ["list maxResults 101", client.send(new ListConnectorsCommand({ maxResults: 101 }))],
      ["bad nextToken", client.send(new ListConnectorsCommand({ nextToken: "garbage" }))],
    ];
    for (const [what, p] of cases) {
      const e = await caught(p);
      expect(e.name, what).toBe("ValidationException");
      expect(e.$metadata.httpStatusCode, what).toBe(400);
    }
    expect(double.connector("ok-label")).toBeUndefined();
  });

  it("answers ConnectorServerException when the connector fails, times out or has a bad shape", async () => {
    double.setInvoke(async () => {
      throw new Error("boom");
    });
    const thrown = await caught(register("fails"));
    expect(thrown.name).toBe("ConnectorServerException");
    expect(thrown.message).toContain("boom");

    double.setInvoke(async () => ({ isSuccess: true, connectorOwner: "x" }));
    const shape = await caught(register("shape"));
    expect(shape.name).toBe("ConnectorServerException");
    expect(shape.message).toContain("connectorName");

    double.setInvoke(async () => ({
      isSuccess: false,
      errorDetails: { errorCode: "ServerError", errorMessage: "down" },
    }));
    const failed = await caught(register("failed"));
    expect(failed.message).toContain("down");
    expect(double.connector("failed")).toBeUndefined();

    const slow = await startAppflowDouble({ invokeTimeoutMs: 50, invoke: () => new Promise(() => {}) });
    const slowClient = new AppflowClient({
      region: REGION,
      endpoint: slow.url,
      credentials: creds,
      maxAttempts: 1,
    });
    try {
      const e = await caught(
        slowClient.send(
          new RegisterConnectorCommand({
            connectorLabel: "slow",
            connectorProvisioningType: "LAMBDA",
            connectorProvisioningConfig: { lambda: { lambdaArn: arnOf("slow") } },
          }),
        ),
      );
      expect(e.name).toBe("ConnectorServerException");
      expect(e.message).toContain("did not answer within");
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });

  it("Update re-reads the configuration and may switch the Lambda", async () => {
    await register("reread");
    double.setInvoke(connector("2.0.0"));
    await client.send(
      new UpdateConnectorRegistrationCommand({
        connectorLabel: "reread",
        description: "v2",
        connectorProvisioningConfig: { lambda: { lambdaArn: arnOf("other") } },
      }),
    );
    const c = double.connector("reread");
    expect(c).toMatchObject({ reads: 2, description: "v2", lambdaArn: arnOf("other") });
    expect(c?.configuration.connectorVersion).toBe("2.0.0");
  });

  it("pages ListConnectors with maxResults and an opaque nextToken", async () => {
    for (const label of ["p1", "p2", "p3"]) await register(label);
    const first = await client.send(new ListConnectorsCommand({ maxResults: 2 }));
    expect(first.connectors?.map((c) => c.connectorLabel)).toEqual(["p1", "p2"]);
    expect(first.nextToken).toBeTruthy();
    expect(first.connectors?.[0]).toMatchObject({
      connectorType: "CustomConnector",
      connectorProvisioningType: "LAMBDA",
      connectorVersion: "1.0.0",
      connectorModes: ["SOURCE"],
    });
    expect(first.connectors?.[0]?.registeredAt).toBeInstanceOf(Date);
    const second = await client.send(
      new ListConnectorsCommand({ maxResults: 2, nextToken: first.nextToken }),
    );
    expect(second.connectors?.map((c) => c.connectorLabel)).toEqual(["p3"]);
    expect(second.nextToken).toBeUndefined();
    const all = await client.send(new ListConnectorsCommand({}));
    expect(all.connectors).toHaveLength(3);
  });

  it("UnregisterConnector needs forceDelete while profiles use the connector", async () => {
    await register("used");
    double.seedProfile("used", "tickets-eu");
    const e = await caught(client.send(new UnregisterConnectorCommand({ connectorLabel: "used" })));
    expect(e.name).toBe("ConflictException");
    expect(e.message).toContain("tickets-eu");
    await client.send(new UnregisterConnectorCommand({ connectorLabel: "used", forceDelete: true }));
    expect(double.connector("used")).toBeUndefined();
    const gone = await caught(client.send(new UnregisterConnectorCommand({ connectorLabel: "used" })));
    expect(gone.name).toBe("ResourceNotFoundException");
  });

  it("replays a client token used with the same request, and refuses it with a different one", async () => {
    const token = "0f0e6d8c-1111-4222-8333-944455556666";
    const a = await register("idem", { clientToken: token });
    const b = await register("idem", { clientToken: token });
    expect(b.connectorArn).toBe(a.connectorArn);
    expect(double.connector("idem")?.reads).toBe(1);
    const e = await caught(register("idem", { clientToken: token, description: "changed" }));
    expect(e.name).toBe("ConflictException");
  });

  it("failNext injects errors per route and records every request", async () => {
    double.failNext("RegisterConnector", "AccessDeniedException", 1, "not allowed");
    double.failNext("register-connector", "InternalServerException", 1);
    const denied = await caught(register("knob"));
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toBe("not allowed");
    const internal = await caught(register("knob"));
    expect(internal.name).toBe("InternalServerException");
    expect(internal.$metadata.httpStatusCode).toBe(500);
    await register("knob");
    double.failNext("list-connectors", "ThrottlingException", 1);
    const throttled = await caught(client.send(new ListConnectorsCommand({})));
    expect(throttled.name).toBe("ThrottlingException");
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect(double.requests.map((r) => [r.operation, r.status])).toEqual([
      ["RegisterConnector", 403],
      ["RegisterConnector", 500],
      ["RegisterConnector", 200],
      ["ListConnectors", 429],
    ]);
    expect(() => double.failNext("register-connector", "NoSuchError")).toThrow();
  });
});

describe.skipIf(!motoAvailable)("AppFlow double reading the function's policy from moto", () => {
  let moto: Moto;
  let double: AppflowDouble;
  let appflow: AppflowClient;
  let lambda: LambdaClient;

  beforeAll(async () => {
    Object.assign(process.env, MOTO_ENV);
    moto = await startMoto();
    double = await startAppflowDouble({ lambdaEndpoint: moto.url, invoke: connector() });
    appflow = new AppflowClient({ region: REGION, endpoint: double.url, credentials: creds, maxAttempts: 1 });
    lambda = new LambdaClient({ region: REGION, endpoint: moto.url, credentials: creds });
    const iam = new IAMClient({ region: REGION, endpoint: moto.url, credentials: creds });
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: "double-role",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    iam.destroy();
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "policy-fn",
        PackageType: "Image",
        Code: { ImageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/policy-fn:1` },
        Role: role.Role?.Arn,
      }),
    );
  });
  afterAll(async () => {
    appflow?.destroy();
    lambda?.destroy();
    await double?.close();
    await moto?.stop();
  });

  const register = (lambdaArn = arnOf("policy-fn")) =>
    appflow.send(
      new RegisterConnectorCommand({
        connectorLabel: "policy",
        connectorProvisioningType: "LAMBDA",
        connectorProvisioningConfig: { lambda: { lambdaArn } },
      }),
    );
  const permission = (extra: Record<string, string>) =>
    lambda.send(
      new AddPermissionCommand({
        FunctionName: "policy-fn",
        StatementId: "appflow",
        Action: "lambda:InvokeFunction",
        Principal: "appflow.amazonaws.com",
        ...extra,
      }),
    );

  it("AccessDeniedException without a policy, with one condition, or for an unknown function", async () => {
    expect((await caught(register())).name).toBe("AccessDeniedException");
    await permission({ SourceAccount: ACCOUNT });
    const one = await caught(register());
    expect(one.name).toBe("AccessDeniedException");
    expect(one.message).toContain("AWS:SourceArn");
    await lambda.send(new RemovePermissionCommand({ FunctionName: "policy-fn", StatementId: "appflow" }));
    await permission({ SourceArn: `arn:aws:appflow:${REGION}:${ACCOUNT}:*` });
    expect((await caught(register())).name).toBe("AccessDeniedException");
    await lambda.send(new RemovePermissionCommand({ FunctionName: "policy-fn", StatementId: "appflow" }));
    // Both conditions, but for another account.
    await permission({
      SourceAccount: "999999999999",
      SourceArn: "arn:aws:appflow:us-east-1:999999999999:*",
    });
    expect((await caught(register())).name).toBe("AccessDeniedException");
    expect((await caught(register(arnOf("no-such-function")))).name).toBe("AccessDeniedException");
    expect(double.connector("policy")).toBeUndefined();
  });

  it("registers once the statement has both conditions", async () => {
    await lambda.send(new RemovePermissionCommand({ FunctionName: "policy-fn", StatementId: "appflow" }));
    await permission({ SourceAccount: ACCOUNT, SourceArn: `arn:aws:appflow:${REGION}:${ACCOUNT}:*` });
    const r = await register();
    expect(r.connectorArn).toBe(`arn:aws:appflow:${REGION}:${ACCOUNT}:connector/policy`);
  });

  it("without an injected invoke, moto's echo fails the configuration check", async () => {
    const plain = await startAppflowDouble({ lambdaEndpoint: moto.url });
    const c = new AppflowClient({ region: REGION, endpoint: plain.url, credentials: creds, maxAttempts: 1 });
    try {
      const e = await caught(
        c.send(
          new RegisterConnectorCommand({
            connectorLabel: "echo",
            connectorProvisioningType: "LAMBDA",
            connectorProvisioningConfig: { lambda: { lambdaArn: arnOf("policy-fn") } },
          }),
        ),
      );
      expect(e.name).toBe("ConnectorServerException");
    } finally {
      c.destroy();
      await plain.close();
    }
  });
});
