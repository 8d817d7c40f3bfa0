/**
 * The connector contract: what each method of a connector receives (validated, normalised requests) and
 * what it returns (results that the handler turns into protocol responses, filling defaults).
 *
 * @module
 */
import type { FilterExpression } from "../parser/index.js";
import type {
  AuthenticationConfig,
  AuthenticationType,
  CacheControl,
  ConnectorMode,
  ConnectorOperator,
  ConnectorRuntimeSetting,
  ConnectorRuntimeSettingScope,
  Credentials,
  DataTransferType,
  Entity,
  EntityDefinition,
  ErrorDetails,
  RequestType,
  StringMap,
  TriggerFrequency,
  TriggerType,
  WriteOperationType,
  WriteRecordResult,
} from "./model.js";
import type { DataRecord } from "./records.js";
import type { ResolvedCredentials } from "./secrets.js";

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** The parts of the AWS Lambda context object the runtime uses (any other property is passed through). */
export interface LambdaContext {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
  [key: string]: unknown;
}

/** Per-invocation helpers passed to every connector method. */
export interface InvocationContext {
  /** The request's `type`. */
  readonly requestType: RequestType;
  /** The Lambda context, or `undefined` when the handler is called without one (local runs). */
  readonly lambdaContext: LambdaContext | undefined;
  /**
   * Resolves the request's credentials (`connectorContext.credentials`, or `credentials` in
   * ValidateCredentials) from Secrets Manager; `null` for connectors without authentication. Cached.
   */
  getCredentials(): Promise<ResolvedCredentials | null>;
  /**
   * Milliseconds left before AppFlow gives up on this call (10 s for configuration and metadata calls, 30 s
   * for data calls) or the Lambda times out, whichever comes first.
   */
  remainingTimeMs(): number;
}

/** {@link ConnectorContext} after validation: absent and `null` alike become `null`, settings `{}`. */
export interface NormalizedConnectorContext {
  /** `{}` when absent. */
  connectorRuntimeSettings: StringMap;
  credentials: Credentials | null;
  apiVersion: string;
  flowName: string | null;
  executionId: string | null;
  connectorProfileLabel: string | null;
  entityDefinition: EntityDefinition | null;
}

/** DescribeConnectorConfiguration, as a connector receives it. */
export interface DescribeConnectorConfigurationInput {
  type: "DescribeConnectorConfigurationRequest";
  /** `"en-US"` when absent. */
  locale: string;
  connectorLabel: string | null;
}

/** ValidateConnectorRuntimeSettings, as a connector receives it. */
export interface ValidateConnectorRuntimeSettingsInput {
  type: "ValidateConnectorRuntimeSettingsRequest";
  scope: ConnectorRuntimeSettingScope;
  connectorRuntimeSettings: StringMap;
  authenticationType: AuthenticationType | null;
}

/** ValidateCredentials, as a connector receives it. */
export interface ValidateCredentialsInput {
  type: "ValidateCredentialsRequest";
  credentials: Credentials;
  /** The CONNECTOR_PROFILE settings; `{}` when absent. */
  connectorRuntimeSettings: StringMap;
}

/** ListEntities, as a connector receives it. */
export interface ListEntitiesInput {
  type: "ListEntitiesRequest";
  connectorContext: NormalizedConnectorContext;
  /** Parent entity for hierarchical listing; `null` for the top level. */
  entitiesPath: string | null;
  nextToken: string | null;
  /** Page size (`maxResult` on the wire); 1000 when absent. */
  maxResult: number;
}

/** DescribeEntity, as a connector receives it. */
export interface DescribeEntityInput {
  type: "DescribeEntityRequest";
  entityIdentifier: string;
  connectorContext: NormalizedConnectorContext;
}

/** RetrieveData, as a connector receives it. */
export interface RetrieveDataInput {
  type: "RetrieveDataRequest";
  entityIdentifier: string;
  connectorContext: NormalizedConnectorContext;
  /** `null` means all fields. */
  selectedFieldNames: string[] | null;
  idFieldName: string | null;
  ids: string[] | null;
}

/** QueryData, as a connector receives it. */
export interface QueryDataInput {
  type: "QueryDataRequest";
  entityIdentifier: string;
  connectorContext: NormalizedConnectorContext;
  /** `null` means all fields. */
  selectedFieldNames: string[] | null;
  /** The filter text as sent, or `null`. */
  filterExpression: string | null;
  /**
   * The parsed filter, or `null` when there is none. The handler parses it before calling the connector and
   * answers `InvalidArgument` itself when it does not parse. Its `limit` caps the total across pages.
   */
  filter: FilterExpression | null;
  nextToken: string | null;
  /** Page size; 1000 when absent. */
  maxResults: number;
}

/** WriteData, as a connector receives it. */
export interface WriteDataInput {
  type: "WriteDataRequest";
  entityIdentifier: string;
  connectorContext: NormalizedConnectorContext;
  operation: WriteOperationType;
  idFieldNames: string[] | null;
  /** Each element is one record serialised as JSON; `[]` when absent. Parse with `decodeRecords`. */
  records: string[];
  allOrNone: boolean | null;
}

/**
 * Fields every result may carry to report a failure without throwing. `isSuccess` defaults to `true`
 * unless `errorDetails` is set (or, for WriteData, a record failed; for runtime settings, a field has an
 * error).
 */
export interface ResultBase {
  isSuccess?: boolean;
  errorDetails?: ErrorDetails | null;
}

/** What describeConnectorConfiguration returns. Unset optional lists get the protocol defaults. */
export interface ConnectorConfiguration {
  /** Must not start with `aws`, `amazon` or `appflow`. */
  connectorOwner: string;
  /** Must not start with `aws`, `amazon` or `appflow`. */
  connectorName: string;
  connectorVersion: string;
  connectorModes: ConnectorMode[];
  /** `null` or absent means no authentication. */
  authenticationConfig?: AuthenticationConfig | null;
  /** The runtime settings (singular key on the wire, but a list). */
  connectorRuntimeSetting?: ConnectorRuntimeSetting[] | null;
  supportedApiVersions: string[];
  /** Default: all 21 operators. */
  operatorsSupported?: ConnectorOperator[] | null;
  /** Default: `["SCHEDULED", "ONDEMAND"]`. */
  supportedTriggerTypes?: TriggerType[] | null;
  /** Default: all six frequencies. */
  triggerFrequenciesSupported?: TriggerFrequency[] | null;
  /** Default: all four operations (only relevant with DESTINATION mode). */
  supportedWriteOperations?: WriteOperationType[] | null;
  /** An `https` URL. */
  logoURL?: string | null;
  /** Default: `["RECORD"]`. */
  supportedDataTransferTypes?: DataTransferType[] | null;
}

/** What validateConnectorRuntimeSettings returns (or nothing, for success). */
export interface ValidateConnectorRuntimeSettingsResult extends ResultBase {
  /** Setting key → message. Non-empty means failure (`InvalidArgument`, "N invalid setting(s)"). */
  errorsByInputField?: StringMap | null;
}

/** What validateCredentials returns (or nothing, for success). Throw `InvalidCredentials` to reject. */
export type ValidateCredentialsResult = ResultBase;

/** What listEntities returns. */
export interface ListEntitiesResult extends ResultBase {
  entities: Entity[];
  /** Non-null to be called again for the next page. */
  nextToken?: string | null;
  cacheControl?: CacheControl | null;
}

/** What describeEntity returns. */
export interface DescribeEntityResult extends ResultBase {
  entityDefinition: EntityDefinition;
  cacheControl?: CacheControl | null;
}

/** What retrieveData returns. Records may be objects (serialised by the handler) or JSON strings. */
export interface RetrieveDataResult extends ResultBase {
  records: (DataRecord | string)[];
}

/** What queryData returns. Records may be objects (serialised by the handler) or JSON strings. */
export interface QueryDataResult extends ResultBase {
  records: (DataRecord | string)[];
  /** Non-null to be called again for the next page. */
  nextToken?: string | null;
}

/** What writeData returns: one result per input record, in input order. */
export interface WriteDataResult extends ResultBase {
  writeRecordResults: WriteRecordResult[];
}

/**
 * A connector: one method per operation. Omit the operations the connector does not support; the handler
 * then answers them with `isSuccess: false` (`InvalidArgument`, "… is not supported by this connector"),
 * except the two validation calls, which fall back to built-in checks (see `createHandler`).
 *
 * Throw a `ConnectorError` for anticipated failures; any other exception becomes `UnknownError`.
 */
export interface Connector {
  /** The configuration: a constant object, or a method called for every DescribeConnectorConfiguration. */
  describeConnectorConfiguration?:
    | ConnectorConfiguration
    | ((
        request: DescribeConnectorConfigurationInput,
        ctx: InvocationContext,
      ) => Awaitable<ConnectorConfiguration>);
  validateConnectorRuntimeSettings?(
    request: ValidateConnectorRuntimeSettingsInput,
    ctx: InvocationContext,
    // biome-ignore lint/suspicious/noConfusingVoidType: lets `async` methods that return nothing be used
  ): Awaitable<ValidateConnectorRuntimeSettingsResult | undefined | void>;
  validateCredentials?(
    request: ValidateCredentialsInput,
    ctx: InvocationContext,
    // biome-ignore lint/suspicious/noConfusingVoidType: lets `async` methods that return nothing be used
  ): Awaitable<ValidateCredentialsResult | undefined | void>;
  listEntities?(request: ListEntitiesInput, ctx: InvocationContext): Awaitable<ListEntitiesResult>;
  describeEntity?(request: DescribeEntityInput, ctx: InvocationContext): Awaitable<DescribeEntityResult>;
  retrieveData?(request: RetrieveDataInput, ctx: InvocationContext): Awaitable<RetrieveDataResult>;
  queryData?(request: QueryDataInput, ctx: InvocationContext): Awaitable<QueryDataResult>;
  writeData?(request: WriteDataInput, ctx: InvocationContext): Awaitable<WriteDataResult>;
}

/** Maps each request type to the input its connector method receives. */
export interface InputByRequestType {
  DescribeConnectorConfigurationRequest: DescribeConnectorConfigurationInput;
  ValidateConnectorRuntimeSettingsRequest: ValidateConnectorRuntimeSettingsInput;
  ValidateCredentialsRequest: ValidateCredentialsInput;
  ListEntitiesRequest: ListEntitiesInput;
  DescribeEntityRequest: DescribeEntityInput;
  RetrieveDataRequest: RetrieveDataInput;
  QueryDataRequest: QueryDataInput;
  WriteDataRequest: WriteDataInput;
}

/** Any validated request. */
export type ConnectorInput = InputByRequestType[RequestType];
