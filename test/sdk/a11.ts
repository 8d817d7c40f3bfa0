/**
 * The example events and responses of appflow-protocol.md A11, as data, plus a small in-test connector that
 * answers them.
 */
import type { Connector, ConnectorConfiguration } from "../../src/sdk/index.js";
import { ConnectorError } from "../../src/sdk/index.js";

export const SECRET_ARN =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!123456789012-ticketing-Xy12Ab";
const credentials = { secretArn: SECRET_ARN, authenticationType: "ApiKey" };

export const EVENTS = {
  describeConnectorConfiguration: {
    type: "DescribeConnectorConfigurationRequest",
    locale: "en-US",
    connectorLabel: "ticketing",
  },
  validateConnectorRuntimeSettings: {
    type: "ValidateConnectorRuntimeSettingsRequest",
    scope: "CONNECTOR_PROFILE",
    connectorRuntimeSettings: { region: "mars" },
    authenticationType: "OAuth2",
  },
  validateCredentials: {
    type: "ValidateCredentialsRequest",
    credentials,
    connectorRuntimeSettings: { region: "eu" },
  },
  listEntities: {
    type: "ListEntitiesRequest",
    entitiesPath: null,
    nextToken: "page-2",
    maxResult: 100,
    connectorContext: {
      apiVersion: "v2",
      connectorRuntimeSettings: { region: "eu" },
      credentials,
      flowName: null,
      executionId: null,
      connectorProfileLabel: "tickets-eu",
      entityDefinition: null,
    },
  },
  describeEntity: {
    type: "DescribeEntityRequest",
    entityIdentifier: "Ticket",
    connectorContext: { apiVersion: "v2", credentials },
  },
  queryData: {
    type: "QueryDataRequest",
    entityIdentifier: "Ticket",
    selectedFieldNames: ["id", "updatedAt", "priority"],
    filterExpression: "updatedAt > 2026-11-21T00:00:00Z and priority between 2 and 4",
    nextToken: null,
    maxResults: 500,
    connectorContext: {
      apiVersion: "v2",
      connectorRuntimeSettings: { region: "eu" },
      credentials,
      flowName: "tickets-to-s3",
      executionId: "3f1c9a2e-0000-4000-8000-000000000001",
      connectorProfileLabel: "tickets-eu",
      entityDefinition: {
        entity: { entityIdentifier: "Ticket", hasNestedEntities: false },
        fields: [
          { fieldName: "id", dataType: "String" },
          { fieldName: "updatedAt", dataType: "DateTime" },
          { fieldName: "priority", dataType: "Integer" },
        ],
      },
    },
  },
  retrieveData: {
    type: "RetrieveDataRequest",
    entityIdentifier: "Ticket",
    selectedFieldNames: null,
    idFieldName: "id",
    ids: ["T-1001", "T-9999"],
    connectorContext: { apiVersion: "v2", credentials },
  },
  writeData: {
    type: "WriteDataRequest",
    entityIdentifier: "Ticket",
    operation: "UPSERT",
    idFieldNames: ["id"],
    records: ['{"id":"T-1","priority":1}', '{"id":"T-2","priority":9}'],
    allOrNone: false,
    connectorContext: { apiVersion: "v2", credentials },
  },
} as const;

export const RESPONSES = {
  describeConnectorConfiguration: {
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
        oAuthScopes: ["tickets.read", "tickets.write"],
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
        description: "Region of the ticketing tenant",
        scope: "CONNECTOR_PROFILE",
        connectorSuppliedValueOptions: ["eu", "us"],
      },
    ],
    supportedApiVersions: ["v2"],
    operatorsSupported: [
      "PROJECTION",
      "EQUAL_TO",
      "NOT_EQUAL_TO",
      "GREATER_THAN",
      "LESS_THAN",
      "BETWEEN",
      "CONTAINS",
      "NO_OP",
    ],
    supportedTriggerTypes: ["SCHEDULED", "ONDEMAND"],
    triggerFrequenciesSupported: ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ONCE"],
    supportedWriteOperations: ["INSERT", "UPSERT"],
    logoURL: "https://tickets.example.com/logo.png",
    supportedDataTransferTypes: ["RECORD"],
  },
  validateConnectorRuntimeSettings: {
    isSuccess: false,
    errorsByInputField: { region: "Must be one of: eu, us" },
    errorDetails: {
      errorCode: "InvalidArgument",
      errorMessage: "1 invalid setting",
      retryAfterSeconds: null,
    },
  },
  validateCredentials: {
    isSuccess: false,
    errorDetails: {
      errorCode: "InvalidCredentials",
      errorMessage: "API key rejected (HTTP 401)",
      retryAfterSeconds: null,
    },
  },
  listEntities: {
    isSuccess: true,
    errorDetails: null,
    nextToken: null,
    entities: [
      {
        entityIdentifier: "Ticket",
        hasNestedEntities: false,
        isWritable: true,
        label: "Ticket",
        description: "Support tickets",
        customProperties: null,
      },
      {
        entityIdentifier: "Queue",
        hasNestedEntities: true,
        isWritable: false,
        label: "Queue",
        description: null,
        customProperties: null,
      },
    ],
    cacheControl: { timeToLive: 3600, timeToLiveUnit: "SECONDS" },
  },
  describeEntity: {
    isSuccess: true,
    errorDetails: null,
    entityDefinition: {
      entity: {
        entityIdentifier: "Ticket",
        hasNestedEntities: false,
        isWritable: true,
        label: "Ticket",
        description: null,
        customProperties: null,
      },
      fields: [
        {
          fieldName: "id",
          dataType: "String",
          dataTypeLabel: "String",
          label: "Ticket id",
          isPrimaryKey: true,
          readProperties: {
            isRetrievable: true,
            isNullable: false,
            isQueryable: true,
            isTimestampFieldForIncrementalQueries: false,
          },
          writeProperties: {
            isCreatable: false,
            isUpdatable: false,
            isNullable: false,
            isUpsertable: true,
            isDefaultedOnCreate: true,
            supportedWriteOperations: ["UPSERT"],
          },
          filterOperators: ["CONTAINS", "EQUAL_TO", "NOT_EQUAL_TO"],
        },
        {
          fieldName: "updatedAt",
          dataType: "DateTime",
          dataTypeLabel: "DateTime",
          label: "Last update",
          readProperties: {
            isRetrievable: true,
            isQueryable: true,
            isTimestampFieldForIncrementalQueries: true,
          },
          filterOperators: [
            "EQUAL_TO",
            "LESS_THAN",
            "LESS_THAN_OR_EQUAL_TO",
            "GREATER_THAN",
            "GREATER_THAN_OR_EQUAL_TO",
            "BETWEEN",
          ],
        },
        {
          fieldName: "priority",
          dataType: "Integer",
          dataTypeLabel: "Integer",
          label: "Priority",
          constraints: { allowedValueRange: { minRange: 1, maxRange: 5 } },
          filterOperators: [
            "NOT_EQUAL_TO",
            "EQUAL_TO",
            "LESS_THAN",
            "LESS_THAN_OR_EQUAL_TO",
            "GREATER_THAN",
            "GREATER_THAN_OR_EQUAL_TO",
          ],
        },
      ],
      customProperties: null,
    },
    cacheControl: { timeToLive: 3600, timeToLiveUnit: "SECONDS" },
  },
  queryData: {
    isSuccess: true,
    errorDetails: null,
    nextToken: "eyJvZmZzZXQiOjUwMH0",
    records: [
      '{"id":"T-1001","updatedAt":"2026-11-21T08:15:00.000+00:00","priority":3}',
      '{"id":"T-1002","updatedAt":"2026-11-21T09:00:00Z","priority":2}',
    ],
  },
  queryDataBadFilter: {
    isSuccess: false,
    nextToken: null,
    records: null,
    errorDetails: {
      errorCode: "InvalidArgument",
      errorMessage: "Invalid filter expression at 1:11: unexpected '='",
      retryAfterSeconds: null,
    },
  },
  writeData: {
    isSuccess: false,
    errorDetails: {
      errorCode: "PartialWriteFailure",
      errorMessage: "1 of 2 records failed",
      retryAfterSeconds: null,
    },
    writeRecordResults: [
      { isSuccess: true, recordId: "T-1", errorMessage: null },
      { isSuccess: false, recordId: "T-2", errorMessage: "priority must be between 1 and 5" },
    ],
  },
} as const;

/** The configuration of A11, written as a connector author would (defaults left out where A11 has them). */
export const CONFIGURATION: ConnectorConfiguration = {
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
      oAuthScopes: ["tickets.read", "tickets.write"],
      tokenURL: ["https://{{TENANT}}.tickets.example.com/oauth/token"],
      authURL: ["https://{{TENANT}}.tickets.example.com/oauth/authorize"],
      oAuth2GrantTypesSupported: ["AUTHORIZATION_CODE", "CLIENT_CREDENTIALS"],
      oauth2CustomProperties: [
        {
          key: "audience",
          required: false,
          type: "TOKEN_URL",
          label: "Audience",
          description: "Token audience",
          sensitiveField: false,
        },
      ],
    },
  },
  connectorRuntimeSetting: [
    {
      key: "region",
      dataType: "String",
      required: true,
      label: "Data region",
      description: "Region of the ticketing tenant",
      scope: "CONNECTOR_PROFILE",
      connectorSuppliedValueOptions: ["eu", "us"],
    },
  ],
  supportedApiVersions: ["v2"],
  operatorsSupported: [
    "PROJECTION",
    "EQUAL_TO",
    "NOT_EQUAL_TO",
    "GREATER_THAN",
    "LESS_THAN",
    "BETWEEN",
    "CONTAINS",
    "NO_OP",
  ],
  triggerFrequenciesSupported: ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ONCE"],
  supportedWriteOperations: ["INSERT", "UPSERT"],
  logoURL: "https://tickets.example.com/logo.png",
};

const TICKETS = [
  { id: "T-1001", updatedAt: "2026-11-21T08:15:00.000+00:00", priority: 3, subject: "Printer" },
  { id: "T-1002", updatedAt: "2026-11-21T09:00:00Z", priority: 2, subject: "VPN" },
];

/** The in-test ticketing connector; `calls` records what each method received. */
export function ticketingConnector(calls: Record<string, unknown[]> = {}): Connector {
  const seen = (name: string, value: unknown) => {
    calls[name] ??= [];
    calls[name].push(value);
  };
  return {
    describeConnectorConfiguration: CONFIGURATION,
    async validateCredentials(request, ctx) {
      seen("validateCredentials", request);
      const creds = await ctx.getCredentials();
      if (creds?.authenticationType !== "ApiKey" || creds.apiKey !== "good-key") {
        throw ConnectorError.fromHttpResponse(401, {}, "API key rejected (HTTP 401)");
      }
    },
    listEntities(request) {
      seen("listEntities", request);
      return {
        entities: [
          {
            entityIdentifier: "Ticket",
            hasNestedEntities: false,
            label: "Ticket",
            description: "Support tickets",
          },
          { entityIdentifier: "Queue", hasNestedEntities: true, isWritable: false, label: "Queue" },
        ],
        nextToken: null,
        cacheControl: { timeToLive: 3600, timeToLiveUnit: "SECONDS" },
      };
    },
    describeEntity(request) {
      seen("describeEntity", request);
      return {
        entityDefinition: {
          entity: { entityIdentifier: "Ticket", hasNestedEntities: false, label: "Ticket" },
          fields: [
            {
              fieldName: "id",
              dataType: "String",
              label: "Ticket id",
              isPrimaryKey: true,
              readProperties: {
                isRetrievable: true,
                isNullable: false,
                isQueryable: true,
                isTimestampFieldForIncrementalQueries: false,
              },
              writeProperties: {
                isCreatable: false,
                isUpdatable: false,
                isNullable: false,
                isUpsertable: true,
                isDefaultedOnCreate: true,
                supportedWriteOperations: ["UPSERT"],
              },
            },
            {
              fieldName: "updatedAt",
              dataType: "DateTime",
              label: "Last update",
              readProperties: {
                isRetrievable: true,
                isQueryable: true,
                isTimestampFieldForIncrementalQueries: true,
              },
            },
            {
              fieldName: "priority",
              dataType: "Integer",
              label: "Priority",
              constraints: { allowedValueRange: { minRange: 1, maxRange: 5 } },
            },
          ],
        },
        cacheControl: { timeToLive: 3600, timeToLiveUnit: "SECONDS" },
      };
    },
    queryData(request) {
      seen("queryData", request);
      return {
        records: TICKETS.map(({ subject: _s, ...rest }) => rest),
        nextToken: "eyJvZmZzZXQiOjUwMH0",
      };
    },
    retrieveData(request) {
      seen("retrieveData", request);
      return { records: TICKETS.filter((t) => request.ids?.includes(t.id)) };
    },
    writeData(request) {
      seen("writeData", request);
      return {
        writeRecordResults: request.records.map((text) => {
          const record = JSON.parse(text) as { id: string; priority: number };
          return record.priority >= 1 && record.priority <= 5
            ? { isSuccess: true, recordId: record.id }
            : { isSuccess: false, recordId: record.id, errorMessage: "priority must be between 1 and 5" };
        }),
      };
    },
  };
}
