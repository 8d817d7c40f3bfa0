import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Connector, QueryDataInput } from "../../src/sdk/index.js";
import {
  CONNECTOR_OPERATORS,
  ConnectorError,
  createHandler,
  DEFAULT_FILTER_OPERATORS,
  FIELD_DATA_TYPES,
  resetSecrets,
  setSecretsOverride,
  TRIGGER_FREQUENCIES,
  WRITE_OPERATION_TYPES,
} from "../../src/sdk/index.js";
import { CONFIGURATION, EVENTS, RESPONSES, SECRET_ARN, ticketingConnector } from "./a11.js";

/** The wire form of a response, as Lambda would serialise it. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Field-by-field comparison with a reference example: every key of `expected` must be equal, and any extra
 * key of `actual` must be `null` (the runtime emits explicit nulls where the examples omit them).
 */
function expectWireMatch(actual: unknown, expected: unknown, path = "$"): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path}.length`).toBe(expected.length);
    for (const [i, item] of expected.entries()) expectWireMatch(a[i], item, `${path}[${i}]`);
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    expect(typeof actual === "object" && actual !== null && !Array.isArray(actual), path).toBe(true);
    const a = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) {
      expect(Object.hasOwn(a, key), `${path}.${key} present`).toBe(true);
      expectWireMatch(a[key], value, `${path}.${key}`);
    }
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(expected, key)) expect(a[key], `${path}.${key} (not in the example)`).toBeNull();
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

const quietLogger = () => ({ error: vi.fn(), warn: vi.fn() });

beforeEach(() => {
  resetSecrets();
  setSecretsOverride((arn) => (arn === SECRET_ARN ? { apiKey: "bad-key" } : undefined));
});
afterEach(() => resetSecrets());

describe("A11 example events, field by field", () => {
  it("DescribeConnectorConfiguration", async () => {
    const handler = createHandler(ticketingConnector(), { logger: quietLogger() });
    const response = wire(await handler(EVENTS.describeConnectorConfiguration));
    expect(response).toEqual(RESPONSES.describeConnectorConfiguration);
    // Exact JSON names, including the irregular ones.
    const r = response as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(r)).toContain("connectorRuntimeSetting");
    expect(Object.keys(r)).not.toContain("connectorRuntimeSettings");
    expect(Object.keys(r.authenticationConfig!)).toContain("customAuthConfig");
    expect(Object.keys(r.authenticationConfig!.oAuth2Defaults!)).toContain("oauth2CustomProperties");
    expect(Object.keys(r.authenticationConfig!.oAuth2Defaults!)).toEqual(
      expect.arrayContaining(["tokenURL", "authURL", "oAuthScopes", "oAuth2GrantTypesSupported"]),
    );
  });

  it("ValidateConnectorRuntimeSettings (built-in check against the declared settings)", async () => {
    const handler = createHandler(ticketingConnector(), { logger: quietLogger() });
    expect(wire(await handler(EVENTS.validateConnectorRuntimeSettings))).toEqual(
      RESPONSES.validateConnectorRuntimeSettings,
    );
    const ok = { ...EVENTS.validateConnectorRuntimeSettings, connectorRuntimeSettings: { region: "eu" } };
    expect(wire(await handler(ok))).toEqual({
      isSuccess: true,
      errorDetails: null,
      errorsByInputField: null,
    });
  });

  it("ValidateCredentials", async () => {
    const calls: Record<string, unknown[]> = {};
    const handler = createHandler(ticketingConnector(calls), { logger: quietLogger() });
    expect(wire(await handler(EVENTS.validateCredentials))).toEqual(RESPONSES.validateCredentials);
    expect(calls.validateCredentials?.[0]).toEqual({
      type: "ValidateCredentialsRequest",
      credentials: { secretArn: SECRET_ARN, authenticationType: "ApiKey" },
      connectorRuntimeSettings: { region: "eu" },
    });
    setSecretsOverride(() => ({ apiKey: "good-key" }));
    expect(wire(await handler(EVENTS.validateCredentials))).toEqual({ isSuccess: true, errorDetails: null });
  });

  it("ListEntities", async () => {
    const calls: Record<string, unknown[]> = {};
    const handler = createHandler(ticketingConnector(calls), { logger: quietLogger() });
    expect(wire(await handler(EVENTS.listEntities))).toEqual(RESPONSES.listEntities);
    expect(calls.listEntities?.[0]).toMatchObject({
      entitiesPath: null,
      nextToken: "page-2",
      maxResult: 100,
      connectorContext: {
        apiVersion: "v2",
        connectorRuntimeSettings: { region: "eu" },
        connectorProfileLabel: "tickets-eu",
        flowName: null,
        entityDefinition: null,
      },
    });
  });

  it("DescribeEntity", async () => {
    const handler = createHandler(ticketingConnector(), { logger: quietLogger() });
    const response = wire(await handler(EVENTS.describeEntity));
    expectWireMatch(response, RESPONSES.describeEntity);
    const fields = (response as { entityDefinition: { fields: Record<string, unknown>[] } }).entityDefinition
      .fields;
    expect(Object.keys(fields[0]!)).toEqual([
      "fieldName",
      "dataType",
      "dataTypeLabel",
      "label",
      "description",
      "isPrimaryKey",
      "defaultValue",
      "isDeprecated",
      "constraints",
      "readProperties",
      "writeProperties",
      "filterOperators",
      "customProperties",
    ]);
  });

  it("QueryData: the filter is parsed once and passed as request.filter", async () => {
    const calls: Record<string, unknown[]> = {};
    const handler = createHandler(ticketingConnector(calls), { logger: quietLogger() });
    expect(wire(await handler(EVENTS.queryData))).toEqual(RESPONSES.queryData);
    const request = calls.queryData?.[0] as QueryDataInput;
    expect(request.maxResults).toBe(500);
    expect(request.selectedFieldNames).toEqual(["id", "updatedAt", "priority"]);
    expect(request.filterExpression).toBe(EVENTS.queryData.filterExpression);
    expect(request.filter?.limit).toBeNull();
    expect(request.filter?.expression?.type).toBe("and");
    expect(request.connectorContext.executionId).toBe("3f1c9a2e-0000-4000-8000-000000000001");
  });

  it("QueryData with a filter that does not parse (R3): InvalidArgument, connector not called", async () => {
    const calls: Record<string, unknown[]> = {};
    const handler = createHandler(ticketingConnector(calls), { logger: quietLogger() });
    const response = wire(await handler({ ...EVENTS.queryData, filterExpression: "tickets = = 1" })) as {
      errorDetails: { errorMessage: string };
    };
    expectWireMatch(
      { ...response, errorDetails: { ...response.errorDetails, errorMessage: "(checked below)" } },
      {
        ...RESPONSES.queryDataBadFilter,
        errorDetails: { ...RESPONSES.queryDataBadFilter.errorDetails, errorMessage: "(checked below)" },
      },
    );
    expect(response.errorDetails.errorMessage).toMatch(/^Invalid filter expression at 1:11: unexpected '='/);
    expect(calls.queryData).toBeUndefined();

    const multiLine = wire(
      await handler({ ...EVENTS.queryData, filterExpression: "priority = 1\nAND b = 2 ~" }),
    );
    expect(multiLine).toMatchObject({
      errorDetails: { errorMessage: expect.stringMatching(/^Invalid filter expression at 2:11: /) },
    });
  });

  it("RetrieveData", async () => {
    const calls: Record<string, unknown[]> = {};
    const handler = createHandler(ticketingConnector(calls), { logger: quietLogger() });
    const response = wire(await handler(EVENTS.retrieveData)) as { records: string[] };
    expect(response).toEqual({
      isSuccess: true,
      errorDetails: null,
      records: [
        '{"id":"T-1001","updatedAt":"2026-11-21T08:15:00.000+00:00","priority":3,"subject":"Printer"}',
      ],
    });
    expect(calls.retrieveData?.[0]).toMatchObject({
      idFieldName: "id",
      ids: ["T-1001", "T-9999"],
      selectedFieldNames: null,
    });
  });

  it("WriteData with a partial failure", async () => {
    const calls: Record<string, unknown[]> = {};
    const handler = createHandler(ticketingConnector(calls), { logger: quietLogger() });
    expect(wire(await handler(EVENTS.writeData))).toEqual(RESPONSES.writeData);
    expect(calls.writeData?.[0]).toMatchObject({
      operation: "UPSERT",
      idFieldNames: ["id"],
      allOrNone: false,
    });
  });
});

describe("defaults", () => {
  const minimal = {
    connectorOwner: "Example Corp",
    connectorName: "Tickets",
    connectorVersion: "1.0.0",
    connectorModes: ["SOURCE" as const],
    supportedApiVersions: ["v1"],
  };

  it("fills the DescribeConnectorConfiguration defaults of A7 and nulls unset optional fields", async () => {
    const handler = createHandler({ describeConnectorConfiguration: minimal });
    expect(wire(await handler({ type: "DescribeConnectorConfigurationRequest" }))).toEqual({
      isSuccess: true,
      errorDetails: null,
      ...minimal,
      authenticationConfig: null,
      connectorRuntimeSetting: null,
      operatorsSupported: [...CONNECTOR_OPERATORS],
      supportedTriggerTypes: ["SCHEDULED", "ONDEMAND"],
      triggerFrequenciesSupported: [...TRIGGER_FREQUENCIES],
      supportedWriteOperations: [...WRITE_OPERATION_TYPES],
      logoURL: null,
      supportedDataTransferTypes: ["RECORD"],
    });
    expect(CONNECTOR_OPERATORS).toHaveLength(21);
    expect(TRIGGER_FREQUENCIES).toEqual(["BYMINUTE", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ONCE"]);
  });

  it("fills OAuth2Defaults and custom-auth defaults", async () => {
    const handler = createHandler({
      describeConnectorConfiguration: {
        ...minimal,
        authenticationConfig: {
          isOAuth2Supported: true,
          isCustomAuthSupported: true,
          oAuth2Defaults: {
            tokenURL: ["https://x.example.com/t"],
            oAuth2GrantTypesSupported: ["CLIENT_CREDENTIALS"],
          },
          customAuthConfig: [
            {
              authenticationType: "hmac",
              authParameters: [{ key: "k", required: true, label: "K", description: "d" }],
            },
          ],
        },
      },
    });
    const r = wire(await handler({ type: "DescribeConnectorConfigurationRequest", locale: null })) as {
      authenticationConfig: unknown;
    };
    expect(r.authenticationConfig).toEqual({
      isBasicAuthSupported: null,
      isApiKeyAuthSupported: null,
      isOAuth2Supported: true,
      isCustomAuthSupported: true,
      oAuth2Defaults: {
        oAuthScopes: null,
        tokenURL: ["https://x.example.com/t"],
        authURL: null,
        oAuth2GrantTypesSupported: ["CLIENT_CREDENTIALS"],
        oAuth2ContentType: "URL_ENCODED",
        oAuth2MethodType: "HTTP_POST",
        oauth2CustomProperties: null,
        addBasicAuthHeader: false,
      },
      customAuthConfig: [
        {
          authenticationType: "hmac",
          authParameters: [
            {
              key: "k",
              required: true,
              label: "K",
              description: "d",
              sensitiveField: null,
              connectorSuppliedValues: null,
            },
          ],
        },
      ],
    });
  });

  it("fills filterOperators per data type (A8), dataTypeLabel, isWritable", async () => {
    const handler = createHandler({
      describeEntity: () => ({
        entityDefinition: {
          entity: { entityIdentifier: "All", hasNestedEntities: false },
          fields: FIELD_DATA_TYPES.map((dataType) => ({ fieldName: `f${dataType}`, dataType })),
        },
      }),
    });
    const r = wire(
      await handler({
        type: "DescribeEntityRequest",
        entityIdentifier: "All",
        connectorContext: { apiVersion: "v1" },
      }),
    ) as {
      entityDefinition: {
        entity: { isWritable: boolean };
        fields: { dataTypeLabel: string; filterOperators: string[] }[];
      };
    };
    expect(r.entityDefinition.entity.isWritable).toBe(true);
    const byType = Object.fromEntries(
      r.entityDefinition.fields.map((f) => [f.dataTypeLabel, f.filterOperators]),
    );
    const numeric = [
      "NOT_EQUAL_TO",
      "EQUAL_TO",
      "LESS_THAN",
      "LESS_THAN_OR_EQUAL_TO",
      "GREATER_THAN",
      "GREATER_THAN_OR_EQUAL_TO",
    ];
    const date = [
      "EQUAL_TO",
      "LESS_THAN",
      "LESS_THAN_OR_EQUAL_TO",
      "GREATER_THAN",
      "GREATER_THAN_OR_EQUAL_TO",
      "BETWEEN",
    ];
    expect(byType).toEqual({
      String: ["CONTAINS", "EQUAL_TO", "NOT_EQUAL_TO"],
      Integer: numeric,
      Float: numeric,
      Double: numeric,
      Long: numeric,
      Short: numeric,
      BigInteger: numeric,
      BigDecimal: numeric,
      ByteArray: [],
      Boolean: ["EQUAL_TO", "NOT_EQUAL_TO"],
      Date: date,
      DateTime: date,
      Struct: [],
      Map: ["CONTAINS"],
      List: ["CONTAINS"],
    });
    expect(Object.keys(DEFAULT_FILTER_OPERATORS).sort()).toEqual([...FIELD_DATA_TYPES].sort());
  });

  it("request defaults: locale en-US, maxResult 1000, maxResults 1000 (absent and null alike)", async () => {
    const seen: unknown[] = [];
    const handler = createHandler({
      describeConnectorConfiguration: (req) => {
        seen.push(req.locale);
        return minimal;
      },
      listEntities: (req) => {
        seen.push(req.maxResult);
        return { entities: [] };
      },
      queryData: (req) => {
        seen.push(req.maxResults, req.filter, req.nextToken, req.selectedFieldNames);
        return { records: [] };
      },
    });
    await handler({ type: "DescribeConnectorConfigurationRequest", locale: null });
    await handler({ type: "DescribeConnectorConfigurationRequest" });
    await handler({ type: "ListEntitiesRequest", maxResult: null, connectorContext: { apiVersion: "v1" } });
    // The other spelling is not an alias (A3 decision).
    await handler({
      type: "ListEntitiesRequest",
      maxResults: 5,
      connectorContext: { apiVersion: "v1" },
    } as never);
    await handler({
      type: "QueryDataRequest",
      entityIdentifier: "T",
      connectorContext: { apiVersion: "v1" },
    });
    expect(seen).toEqual(["en-US", "en-US", 1000, 1000, 1000, null, null, null]);
  });

  it('WriteRecordResult recordId is "" when missing; ListEntities/Query nulls', async () => {
    const handler = createHandler({
      writeData: () => ({ writeRecordResults: [{ isSuccess: true }] }),
      listEntities: () => ({ entities: [{ entityIdentifier: "A", hasNestedEntities: false }] }),
    });
    const ctx = { apiVersion: "v1" };
    expect(
      wire(
        await handler({
          type: "WriteDataRequest",
          entityIdentifier: "T",
          operation: "INSERT",
          records: ["{}"],
          connectorContext: ctx,
        }),
      ),
    ).toEqual({
      isSuccess: true,
      errorDetails: null,
      writeRecordResults: [{ isSuccess: true, recordId: "", errorMessage: null }],
    });
    expect(wire(await handler({ type: "ListEntitiesRequest", connectorContext: ctx }))).toEqual({
      isSuccess: true,
      errorDetails: null,
      entities: [
        {
          entityIdentifier: "A",
          hasNestedEntities: false,
          isWritable: true,
          label: null,
          description: null,
          customProperties: null,
        },
      ],
      nextToken: null,
      cacheControl: null,
    });
  });

  it("ignores unknown properties, in events and in connector results", async () => {
    const handler = createHandler({
      listEntities: () =>
        ({
          entities: [{ entityIdentifier: "A", hasNestedEntities: false, extra: 1 } as never],
          bogus: 2,
        }) as never,
    });
    const r = wire(
      await handler({
        type: "ListEntitiesRequest",
        surprise: { deep: true },
        connectorContext: { apiVersion: "v1", x: 1 },
      } as never),
    );
    expect(r).toMatchObject({ isSuccess: true });
    expect(JSON.stringify(r)).not.toMatch(/extra|bogus/);
  });
});

describe("errors", () => {
  const ctx = { apiVersion: "v1" };
  const query = { type: "QueryDataRequest", entityIdentifier: "T", connectorContext: ctx } as const;

  it("a thrown ConnectorError becomes errorDetails, with retryAfterSeconds", async () => {
    const logger = quietLogger();
    const handler = createHandler(
      {
        queryData: () => {
          throw new ConnectorError("RateLimitExceeded", "Upstream API returned 429", {
            retryAfterSeconds: 29.2,
          });
        },
      },
      { logger },
    );
    expect(wire(await handler(query))).toEqual({
      isSuccess: false,
      errorDetails: {
        errorCode: "RateLimitExceeded",
        errorMessage: "Upstream API returned 429",
        retryAfterSeconds: 30,
      },
      nextToken: null,
      records: null,
    });
  });

  it("a thrown plain Error becomes UnknownError without the stack; the stack is logged", async () => {
    const logger = quietLogger();
    const handler = createHandler(
      {
        queryData: () => {
          throw new TypeError("boom");
        },
      },
      { logger },
    );
    const r = wire(await handler(query)) as { errorDetails: { errorCode: string; errorMessage: string } };
    expect(r.errorDetails).toEqual({
      errorCode: "UnknownError",
      errorMessage: "TypeError: boom",
      retryAfterSeconds: null,
    });
    expect(r.errorDetails.errorMessage).not.toMatch(/\bat /);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0]?.[0])).toMatch(
      /QueryDataRequest failed with an unexpected error: TypeError: boom\n\s+at /,
    );
  });

  it("a rejected promise, and a thrown non-Error value", async () => {
    const handler = createHandler(
      {
        queryData: () => Promise.reject(new ConnectorError("ServiceUnavailable", "down")),
        listEntities: () => {
          throw "just a string";
        },
      },
      { logger: quietLogger() },
    );
    expect(wire(await handler(query))).toMatchObject({
      isSuccess: false,
      errorDetails: { errorCode: "ServiceUnavailable", errorMessage: "down" },
    });
    expect(wire(await handler({ type: "ListEntitiesRequest", connectorContext: ctx }))).toEqual({
      isSuccess: false,
      errorDetails: {
        errorCode: "UnknownError",
        errorMessage: "Error: just a string",
        retryAfterSeconds: null,
      },
      entities: null,
      nextToken: null,
      cacheControl: null,
    });
  });

  it("a failed DescribeConnectorConfiguration carries only isSuccess and errorDetails (F2)", async () => {
    const handler = createHandler(
      {
        describeConnectorConfiguration: () => {
          throw new ConnectorError("ServerError", "config store down");
        },
      },
      { logger: quietLogger() },
    );
    expect(wire(await handler({ type: "DescribeConnectorConfigurationRequest" }))).toEqual({
      isSuccess: false,
      errorDetails: { errorCode: "ServerError", errorMessage: "config store down", retryAfterSeconds: null },
    });
  });

  it("an omitted operation is a clean isSuccess:false", async () => {
    const handler = createHandler({}, { logger: quietLogger() });
    expect(
      wire(
        await handler({
          type: "WriteDataRequest",
          entityIdentifier: "T",
          operation: "INSERT",
          connectorContext: ctx,
        }),
      ),
    ).toEqual({
      isSuccess: false,
      errorDetails: {
        errorCode: "InvalidArgument",
        errorMessage: "WriteData is not supported by this connector",
        retryAfterSeconds: null,
      },
      writeRecordResults: null,
    });
    expect(wire(await handler({ type: "DescribeConnectorConfigurationRequest" }))).toMatchObject({
      isSuccess: false,
    });
    // The validation calls fall back to built-in checks: nothing declared, no credentials → success.
    expect(
      wire(
        await handler({
          type: "ValidateConnectorRuntimeSettingsRequest",
          scope: "SOURCE",
          connectorRuntimeSettings: {},
        }),
      ),
    ).toEqual({
      isSuccess: true,
      errorDetails: null,
      errorsByInputField: null,
    });
    expect(wire(await handler({ type: "ValidateCredentialsRequest", credentials: {} }))).toEqual({
      isSuccess: true,
      errorDetails: null,
    });
  });

  it("built-in ValidateCredentials reads the secret and checks its keys", async () => {
    setSecretsOverride(() => ({ username: "u" }));
    const handler = createHandler({}, { logger: quietLogger() });
    expect(
      wire(
        await handler({
          type: "ValidateCredentialsRequest",
          credentials: { secretArn: SECRET_ARN, authenticationType: "BasicAuth" },
        }),
      ),
    ).toEqual({
      isSuccess: false,
      errorDetails: {
        errorCode: "InvalidCredentials",
        errorMessage: "The BasicAuth secret has no 'password' value",
        retryAfterSeconds: null,
      },
    });
  });

  it("results may report failure themselves", async () => {
    const handler = createHandler(
      {
        validateConnectorRuntimeSettings: () => ({ errorsByInputField: { a: "bad", b: "worse" } }),
        validateCredentials: () => ({ isSuccess: false }),
        listEntities: () => ({
          entities: [],
          errorDetails: { errorCode: "AccessDenied", errorMessage: "no", retryAfterSeconds: null },
        }),
      },
      { logger: quietLogger() },
    );
    expect(
      wire(
        await handler({
          type: "ValidateConnectorRuntimeSettingsRequest",
          scope: "SOURCE",
          connectorRuntimeSettings: {},
        }),
      ),
    ).toEqual({
      isSuccess: false,
      errorDetails: {
        errorCode: "InvalidArgument",
        errorMessage: "2 invalid settings",
        retryAfterSeconds: null,
      },
      errorsByInputField: { a: "bad", b: "worse" },
    });
    expect(wire(await handler({ type: "ValidateCredentialsRequest", credentials: {} }))).toMatchObject({
      isSuccess: false,
      errorDetails: { errorCode: "UnknownError" },
    });
    expect(wire(await handler({ type: "ListEntitiesRequest", connectorContext: ctx }))).toMatchObject({
      isSuccess: false,
      errorDetails: { errorCode: "AccessDenied", errorMessage: "no" },
      entities: [],
    });
  });

  it("filter semantic errors thrown by the connector become InvalidArgument", async () => {
    const { compileRequestFilter } = await import("../../src/sdk/index.js");
    const handler = createHandler(
      {
        queryData: (req) => {
          compileRequestFilter(req);
          return { records: [] };
        },
      },
      { logger: quietLogger() },
    );
    const event = {
      ...query,
      filterExpression: "nope = 1",
      connectorContext: {
        apiVersion: "v1",
        entityDefinition: { entity: { entityIdentifier: "T", hasNestedEntities: false }, fields: [] },
      },
    };
    expect(wire(await handler(event))).toMatchObject({
      isSuccess: false,
      errorDetails: {
        errorCode: "InvalidArgument",
        errorMessage: expect.stringMatching(/^Invalid filter expression at 1:1: /),
      },
    });
  });

  it("InvalidCredentials drops the cached secret so a refreshed token is read again", async () => {
    const { configureSecrets } = await import("../../src/sdk/index.js");
    setSecretsOverride(null);
    let token = "old";
    const getSecretValue = vi.fn(async () => ({ SecretString: JSON.stringify({ accessToken: token }) }));
    configureSecrets({ client: { getSecretValue } });
    const handler = createHandler(
      {
        async listEntities(_req, c) {
          const creds = await c.getCredentials();
          if (creds?.authenticationType !== "OAuth2" || creds.accessToken !== "new") {
            throw new ConnectorError("InvalidCredentials", "token expired");
          }
          return { entities: [] };
        },
      },
      { logger: quietLogger() },
    );
    const event = {
      type: "ListEntitiesRequest",
      connectorContext: {
        apiVersion: "v1",
        credentials: { secretArn: SECRET_ARN, authenticationType: "OAuth2" },
      },
    } as const;
    expect(await handler(event)).toMatchObject({ isSuccess: false });
    token = "new"; // AppFlow refreshed the token
    expect(await handler(event)).toMatchObject({ isSuccess: true });
    expect(getSecretValue).toHaveBeenCalledTimes(2);
  });
});

describe("malformed events", () => {
  const ctx = { apiVersion: "v1" };
  const connector: Connector = {
    queryData: () => ({ records: [] }),
    retrieveData: () => ({ records: [] }),
    writeData: () => ({ writeRecordResults: [] }),
    listEntities: () => ({ entities: [] }),
    describeEntity: () => ({
      entityDefinition: { entity: { entityIdentifier: "T", hasNestedEntities: false }, fields: [] },
    }),
  };

  it.each([
    ["a missing type", { entityIdentifier: "T" }, /the event has no 'type'/],
    [
      "an unknown type",
      { type: "DeleteEverythingRequest" },
      /unknown request type 'DeleteEverythingRequest'/,
    ],
    ["a non-string type", { type: 42 }, /unknown request type a number/],
    ["a non-object event", "QueryDataRequest", /not a JSON object \(got string\)/],
    ["null", null, /not a JSON object \(got null\)/],
  ])("%s fails the invocation, with one log line naming the problem", async (_name, event, pattern) => {
    const logger = quietLogger();
    const handler = createHandler(connector, { logger });
    await expect(handler(event)).rejects.toThrow(pattern);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0]?.[0])).toMatch(pattern);
    expect(String(logger.error.mock.calls[0]?.[0])).not.toContain("\n");
  });

  it.each([
    [
      "maxResults as a string",
      { ...{ type: "QueryDataRequest", entityIdentifier: "T", connectorContext: ctx }, maxResults: "10" },
      "maxResults must be an integer, got a string",
    ],
    [
      "maxResults fractional",
      { type: "QueryDataRequest", entityIdentifier: "T", connectorContext: ctx, maxResults: 1.5 },
      "maxResults must be an integer",
    ],
    [
      "maxResult zero",
      { type: "ListEntitiesRequest", connectorContext: ctx, maxResult: 0 },
      "maxResult must be at least 1",
    ],
    [
      "missing entityIdentifier",
      { type: "QueryDataRequest", connectorContext: ctx },
      "entityIdentifier is required",
    ],
    [
      "missing connectorContext",
      { type: "DescribeEntityRequest", entityIdentifier: "T" },
      "connectorContext is required",
    ],
    [
      "missing apiVersion",
      { type: "DescribeEntityRequest", entityIdentifier: "T", connectorContext: {} },
      "connectorContext.apiVersion is required",
    ],
    [
      "records not an array",
      {
        type: "WriteDataRequest",
        entityIdentifier: "T",
        operation: "INSERT",
        connectorContext: ctx,
        records: "{}",
      },
      "records must be an array of strings, got a string",
    ],
    [
      "records with an object",
      {
        type: "WriteDataRequest",
        entityIdentifier: "T",
        operation: "INSERT",
        connectorContext: ctx,
        records: ["{}", { a: 1 }],
      },
      "records[1] must be a string, got an object",
    ],
    [
      "ids not strings",
      { type: "RetrieveDataRequest", entityIdentifier: "T", connectorContext: ctx, ids: [1, 2] },
      "ids[0] must be a string, got a number",
    ],
    [
      "unknown operation",
      { type: "WriteDataRequest", entityIdentifier: "T", operation: "MERGE", connectorContext: ctx },
      "operation must be one of INSERT, UPDATE, UPSERT, DELETE, got 'MERGE'",
    ],
    [
      "missing operation",
      { type: "WriteDataRequest", entityIdentifier: "T", connectorContext: ctx },
      "operation is required",
    ],
    [
      "allOrNone a string",
      {
        type: "WriteDataRequest",
        entityIdentifier: "T",
        operation: "INSERT",
        connectorContext: ctx,
        allOrNone: "yes",
      },
      "allOrNone must be a boolean",
    ],
    [
      "settings with a number",
      { type: "ListEntitiesRequest", connectorContext: { ...ctx, connectorRuntimeSettings: { n: 1 } } },
      "connectorContext.connectorRuntimeSettings.n must be a string",
    ],
    [
      "bad authenticationType",
      {
        type: "ListEntitiesRequest",
        connectorContext: { ...ctx, credentials: { secretArn: "a", authenticationType: "Basic" } },
      },
      "connectorContext.credentials.authenticationType must be one of BasicAuth, OAuth2, ApiKey, CustomAuth",
    ],
    [
      "entityDefinition field without dataType",
      {
        type: "QueryDataRequest",
        entityIdentifier: "T",
        connectorContext: {
          ...ctx,
          entityDefinition: { entity: { entityIdentifier: "T" }, fields: [{ fieldName: "a" }] },
        },
      },
      "connectorContext.entityDefinition.fields[0].dataType is required",
    ],
    [
      "filterExpression a number",
      { type: "QueryDataRequest", entityIdentifier: "T", connectorContext: ctx, filterExpression: 5 },
      "filterExpression must be a string",
    ],
    [
      "scope missing",
      { type: "ValidateConnectorRuntimeSettingsRequest", connectorRuntimeSettings: {} },
      "scope is required",
    ],
    ["credentials missing", { type: "ValidateCredentialsRequest" }, "credentials is required"],
    [
      "locale a number",
      { type: "DescribeConnectorConfigurationRequest", locale: 1 },
      "locale must be a string",
    ],
  ])("%s → InvalidArgument naming the field", async (_name, event, message) => {
    const handler = createHandler(connector, { logger: quietLogger() });
    const r = wire(await handler(event)) as {
      isSuccess: boolean;
      errorDetails: { errorCode: string; errorMessage: string };
    };
    expect(r.isSuccess).toBe(false);
    expect(r.errorDetails.errorCode).toBe("InvalidArgument");
    expect(r.errorDetails.errorMessage).toContain(`Invalid ${(event as { type: string }).type}: ${message}`);
  });
});

describe("response size guard", () => {
  it("replaces a response over the limit by InvalidArgument advising a smaller page", async () => {
    const logger = quietLogger();
    const big = "x".repeat(1000);
    const handler = createHandler(
      { queryData: () => ({ records: Array.from({ length: 100 }, () => ({ big })) }) },
      { logger, maxResponseBytes: 50_000 },
    );
    const r = wire(
      await handler({
        type: "QueryDataRequest",
        entityIdentifier: "T",
        connectorContext: { apiVersion: "v1" },
      }),
    );
    expect(r).toMatchObject({
      isSuccess: false,
      records: null,
      nextToken: null,
      errorDetails: {
        errorCode: "InvalidArgument",
        errorMessage: expect.stringMatching(/over the 50000-byte limit.*fewer/),
      },
    });
  });
});

describe("invocation context", () => {
  it("remainingTimeMs honours AppFlow's limits and the Lambda context", async () => {
    const seen: number[] = [];
    const handler = createHandler({
      listEntities: (_r, ctx) => {
        seen.push(ctx.remainingTimeMs());
        return { entities: [] };
      },
      queryData: (_r, ctx) => {
        seen.push(ctx.remainingTimeMs());
        expect(ctx.lambdaContext?.awsRequestId).toBe("req-1");
        return { records: [] };
      },
    });
    await handler({ type: "ListEntitiesRequest", connectorContext: { apiVersion: "v1" } });
    await handler(
      { type: "QueryDataRequest", entityIdentifier: "T", connectorContext: { apiVersion: "v1" } },
      { awsRequestId: "req-1", getRemainingTimeInMillis: () => 5000 },
    );
    expect(seen[0]).toBeGreaterThan(9000);
    expect(seen[0]).toBeLessThanOrEqual(10_000);
    expect(seen[1]).toBe(5000);
  });
});

it("the configuration object is not mutated by the handler", async () => {
  const before = JSON.stringify(CONFIGURATION);
  await createHandler(ticketingConnector())(EVENTS.describeConnectorConfiguration);
  expect(JSON.stringify(CONFIGURATION)).toBe(before);
});
