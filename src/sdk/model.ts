/**
 * Wire model of the Amazon AppFlow custom-connector Lambda protocol.
 *
 * Every property name here is the exact JSON key AppFlow sends or expects, including the irregular ones
 * (`connectorRuntimeSetting` singular, `customAuthConfig` singular, `maxResult` vs `maxResults`,
 * `oauth2CustomProperties`, `logoURL`, `tokenURL`, `authURL`, `oAuth2Defaults`). Enums are string-literal
 * unions, each with a `readonly` array listing all of its values in the reference order.
 *
 * Optional properties are typed `?: T | null`: AppFlow may omit them or send `null`, and the runtime emits
 * `null` for unset optional fields in its responses.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------------------

/** The `type` discriminator of the eight request events, in protocol order. */
export const REQUEST_TYPES = [
  "DescribeConnectorConfigurationRequest",
  "ValidateConnectorRuntimeSettingsRequest",
  "ValidateCredentialsRequest",
  "ListEntitiesRequest",
  "DescribeEntityRequest",
  "RetrieveDataRequest",
  "QueryDataRequest",
  "WriteDataRequest",
] as const;
/** The `type` discriminator of a request event. */
export type RequestType = (typeof REQUEST_TYPES)[number];

/** The 11 error codes, spelled and ordered exactly as the protocol defines them. */
export const ERROR_CODES = [
  "InvalidArgument",
  "InvalidCredentials",
  "AccessDenied",
  "RequestTimeout",
  "RateLimitExceeded",
  "ServiceUnavailable",
  "ClientError",
  "ServerError",
  "UnknownError",
  "PartialWriteFailure",
  "ResourceNotFoundError",
] as const;
/** An `errorDetails.errorCode` value. Note the `Error` suffix of `ResourceNotFoundError` only. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether the connector can be a flow's source, destination or both. */
export const CONNECTOR_MODES = ["SOURCE", "DESTINATION"] as const;
/** A connector mode. */
export type ConnectorMode = (typeof CONNECTOR_MODES)[number];

/** All 21 connector operators (the same set as the AppFlow public API's `Operator`). */
export const CONNECTOR_OPERATORS = [
  "PROJECTION",
  "LESS_THAN",
  "GREATER_THAN",
  "BETWEEN",
  "LESS_THAN_OR_EQUAL_TO",
  "GREATER_THAN_OR_EQUAL_TO",
  "EQUAL_TO",
  "CONTAINS",
  "NOT_EQUAL_TO",
  "ADDITION",
  "SUBTRACTION",
  "MULTIPLICATION",
  "DIVISION",
  "MASK_ALL",
  "MASK_FIRST_N",
  "MASK_LAST_N",
  "VALIDATE_NON_NULL",
  "VALIDATE_NON_ZERO",
  "VALIDATE_NON_NEGATIVE",
  "VALIDATE_NUMERIC",
  "NO_OP",
] as const;
/** A connector operator. */
export type ConnectorOperator = (typeof CONNECTOR_OPERATORS)[number];

/** Flow trigger types as the Lambda protocol spells them (the public API says `Scheduled` / `OnDemand`). */
export const TRIGGER_TYPES = ["SCHEDULED", "ONDEMAND"] as const;
/** A trigger type. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** Schedule frequencies. */
export const TRIGGER_FREQUENCIES = ["BYMINUTE", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ONCE"] as const;
/** A schedule frequency. */
export type TriggerFrequency = (typeof TRIGGER_FREQUENCIES)[number];

/** Write operations of WriteData. */
export const WRITE_OPERATION_TYPES = ["INSERT", "UPDATE", "UPSERT", "DELETE"] as const;
/** A write operation. */
export type WriteOperationType = (typeof WRITE_OPERATION_TYPES)[number];

/** Data transfer types (`FILE` exists in the Java SDK 1.0.9 only). */
export const DATA_TRANSFER_TYPES = ["RECORD", "FILE"] as const;
/** A data transfer type. */
export type DataTransferType = (typeof DATA_TRANSFER_TYPES)[number];

/** Field data types (PascalCase on the wire). */
export const FIELD_DATA_TYPES = [
  "String",
  "Integer",
  "Float",
  "Double",
  "Long",
  "Short",
  "BigInteger",
  "BigDecimal",
  "ByteArray",
  "Boolean",
  "Date",
  "DateTime",
  "Struct",
  "Map",
  "List",
] as const;
/** A field data type. */
export type FieldDataType = (typeof FIELD_DATA_TYPES)[number];

/** Data types of runtime settings (`Url` exists in the Java SDK 1.0.9 only). */
export const CONNECTOR_RUNTIME_SETTING_DATA_TYPES = [
  "String",
  "Date",
  "DateTime",
  "Long",
  "Integer",
  "Boolean",
  "Url",
] as const;
/** A runtime setting data type. */
export type ConnectorRuntimeSettingDataType = (typeof CONNECTOR_RUNTIME_SETTING_DATA_TYPES)[number];

/** Where a runtime setting is asked for: in the connector profile, or per flow. */
export const CONNECTOR_RUNTIME_SETTING_SCOPES = [
  "CONNECTOR_PROFILE",
  "SOURCE",
  "DESTINATION",
  "SOURCE_AND_DESTINATION",
] as const;
/** A runtime setting scope. */
export type ConnectorRuntimeSettingScope = (typeof CONNECTOR_RUNTIME_SETTING_SCOPES)[number];

/** Authentication types on the Lambda side (the public API uses `BASIC`, `OAUTH2`, `APIKEY`, `CUSTOM`). */
export const AUTHENTICATION_TYPES = ["BasicAuth", "OAuth2", "ApiKey", "CustomAuth"] as const;
/** An authentication type. */
export type AuthenticationType = (typeof AUTHENTICATION_TYPES)[number];

/** OAuth 2 grant types. */
export const OAUTH2_GRANT_TYPES = ["CLIENT_CREDENTIALS", "AUTHORIZATION_CODE"] as const;
/** An OAuth 2 grant type. */
export type OAuth2GrantType = (typeof OAUTH2_GRANT_TYPES)[number];

/** Where an OAuth 2 custom parameter is sent. */
export const OAUTH2_CUSTOM_PROP_TYPES = ["TOKEN_URL", "AUTH_URL"] as const;
/** An OAuth 2 custom parameter placement. */
export type OAuth2CustomPropType = (typeof OAUTH2_CUSTOM_PROP_TYPES)[number];

/** Body encodings of OAuth 2 token calls (`URL_ENCODED` is `application/x-www-form-urlencoded`). */
export const OAUTH2_CONTENT_TYPES = ["URL_ENCODED", "APPLICATION_JSON"] as const;
/** An OAuth 2 token-call content type. */
export type OAuth2ContentType = (typeof OAUTH2_CONTENT_TYPES)[number];

/** HTTP methods of OAuth 2 token calls. */
export const OAUTH2_METHOD_TYPES = ["HTTP_POST", "HTTP_GET"] as const;
/** An OAuth 2 token-call method. */
export type OAuth2MethodType = (typeof OAUTH2_METHOD_TYPES)[number];

/** Units of {@link CacheControl.timeToLive}. */
export const TIME_UNITS = [
  "NANOSECONDS",
  "MICROSECONDS",
  "MILLISECONDS",
  "SECONDS",
  "MINUTES",
  "HOURS",
  "DAYS",
] as const;
/** A time unit. */
export type TimeUnit = (typeof TIME_UNITS)[number];

// ---------------------------------------------------------------------------------------------------------
// Defaults (A7, A8)
// ---------------------------------------------------------------------------------------------------------

/** Default `supportedTriggerTypes` of a connector configuration. */
export const DEFAULT_TRIGGER_TYPES: readonly TriggerType[] = TRIGGER_TYPES;
/** Default `supportedDataTransferTypes` of a connector configuration. */
export const DEFAULT_DATA_TRANSFER_TYPES: readonly DataTransferType[] = ["RECORD"];

const NUMERIC_OPERATORS: readonly ConnectorOperator[] = [
  "NOT_EQUAL_TO",
  "EQUAL_TO",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL_TO",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL_TO",
];
const DATE_OPERATORS: readonly ConnectorOperator[] = [
  "EQUAL_TO",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL_TO",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL_TO",
  "BETWEEN",
];

/**
 * The `filterOperators` a {@link FieldDefinition} gets when it declares none, per data type (protocol A8).
 * AppFlow never sends a filter using an operator the field does not list.
 */
export const DEFAULT_FILTER_OPERATORS: Readonly<Record<FieldDataType, readonly ConnectorOperator[]>> = {
  Integer: NUMERIC_OPERATORS,
  Float: NUMERIC_OPERATORS,
  Double: NUMERIC_OPERATORS,
  Long: NUMERIC_OPERATORS,
  Short: NUMERIC_OPERATORS,
  BigInteger: NUMERIC_OPERATORS,
  BigDecimal: NUMERIC_OPERATORS,
  Date: DATE_OPERATORS,
  DateTime: DATE_OPERATORS,
  String: ["CONTAINS", "EQUAL_TO", "NOT_EQUAL_TO"],
  Boolean: ["EQUAL_TO", "NOT_EQUAL_TO"],
  Map: ["CONTAINS"],
  List: ["CONTAINS"],
  Struct: [],
  ByteArray: [],
};

/** A map of string keys to string values (settings, custom properties, secrets). */
export type StringMap = Record<string, string>;

// ---------------------------------------------------------------------------------------------------------
// Common request structures (A2)
// ---------------------------------------------------------------------------------------------------------

/**
 * A reference to the connector profile's credentials. Credentials never arrive inline: read them from
 * Secrets Manager with `getCredentials()`.
 */
export interface Credentials {
  /** ARN of the Secrets Manager secret AppFlow created for the connector profile. */
  secretArn?: string | null;
  /** Which kind of credentials the secret holds. */
  authenticationType?: AuthenticationType | null;
}

/** Context sent with ListEntities, DescribeEntity, RetrieveData, QueryData and WriteData. */
export interface ConnectorContext {
  /** Values of the runtime settings in scope (profile settings plus the flow's SOURCE/DESTINATION ones). */
  connectorRuntimeSettings?: StringMap | null;
  /** `null` for connectors without authentication. */
  credentials?: Credentials | null;
  /** One of the connector's `supportedApiVersions`, chosen in the profile. Required. */
  apiVersion: string;
  /** Flow name, for logging. */
  flowName?: string | null;
  /** Flow execution id, for logging. */
  executionId?: string | null;
  /** Connector profile label, for logging. */
  connectorProfileLabel?: string | null;
  /** Metadata of the entity, sent with query, retrieve and write requests. */
  entityDefinition?: EntityDefinition | null;
}

// ---------------------------------------------------------------------------------------------------------
// Requests (A3)
// ---------------------------------------------------------------------------------------------------------

/** Asks for the connector's configuration (at registration and on UpdateConnectorRegistration). */
export interface DescribeConnectorConfigurationRequest {
  type: "DescribeConnectorConfigurationRequest";
  /** Defaults to `"en-US"`. */
  locale?: string | null;
  /** For logging (Java only). */
  connectorLabel?: string | null;
}

/** Asks the connector to validate user-entered runtime settings. */
export interface ValidateConnectorRuntimeSettingsRequest {
  type: "ValidateConnectorRuntimeSettingsRequest";
  scope: ConnectorRuntimeSettingScope;
  connectorRuntimeSettings: StringMap;
  /** Java only. */
  authenticationType?: AuthenticationType | null;
}

/** Asks the connector to validate a profile's credentials. */
export interface ValidateCredentialsRequest {
  type: "ValidateCredentialsRequest";
  credentials: Credentials;
  /** The CONNECTOR_PROFILE settings. */
  connectorRuntimeSettings?: StringMap | null;
}

/** Lists entities (objects), one page at a time. */
export interface ListEntitiesRequest {
  type: "ListEntitiesRequest";
  connectorContext: ConnectorContext;
  /** Path or id of a parent entity for hierarchical listing; `null` for the top level. */
  entitiesPath?: string | null;
  nextToken?: string | null;
  /** Page size, singular `maxResult` (sic). Defaults to 1000. */
  maxResult?: number | null;
}

/** Describes one entity's fields. */
export interface DescribeEntityRequest {
  type: "DescribeEntityRequest";
  entityIdentifier: string;
  connectorContext: ConnectorContext;
}

/** Fetches records by id. No paging. */
export interface RetrieveDataRequest {
  type: "RetrieveDataRequest";
  entityIdentifier: string;
  connectorContext: ConnectorContext;
  /** `null` means all fields. */
  selectedFieldNames?: string[] | null;
  idFieldName?: string | null;
  ids?: string[] | null;
}

/** Queries records with an optional filter, one page at a time. */
export interface QueryDataRequest {
  type: "QueryDataRequest";
  entityIdentifier: string;
  connectorContext: ConnectorContext;
  /** `null` means all fields. */
  selectedFieldNames?: string[] | null;
  /** A filter in the AppFlow filter language; `null` means no filter. */
  filterExpression?: string | null;
  nextToken?: string | null;
  /** Page size, plural `maxResults`. Defaults to 1000. */
  maxResults?: number | null;
}

/** Inserts, updates, upserts or deletes records. */
export interface WriteDataRequest {
  type: "WriteDataRequest";
  entityIdentifier: string;
  connectorContext: ConnectorContext;
  operation: WriteOperationType;
  /** Key fields for UPDATE, UPSERT and DELETE. */
  idFieldNames?: string[] | null;
  /** Each element is one record serialised as a JSON string. */
  records?: string[] | null;
  /** Stop at the first error (`true`), or let the application decide. */
  allOrNone?: boolean | null;
}

/** Any request event. */
export type ConnectorRequestEvent =
  | DescribeConnectorConfigurationRequest
  | ValidateConnectorRuntimeSettingsRequest
  | ValidateCredentialsRequest
  | ListEntitiesRequest
  | DescribeEntityRequest
  | RetrieveDataRequest
  | QueryDataRequest
  | WriteDataRequest;

// ---------------------------------------------------------------------------------------------------------
// Structures (A7)
// ---------------------------------------------------------------------------------------------------------

/** `errorDetails` of a failed response. */
export interface ErrorDetails {
  errorCode: ErrorCode;
  errorMessage: string;
  /** Integer seconds after which a retry may succeed. */
  retryAfterSeconds?: number | null;
}

/** An OAuth 2 custom parameter (key `oauth2CustomProperties`, lower-case `auth2`). */
export interface OAuth2CustomParameter {
  key: string;
  required: boolean;
  type: OAuth2CustomPropType;
  label: string;
  description: string;
  sensitiveField?: boolean | null;
  connectorSuppliedValues?: string[] | null;
}

/** OAuth 2 settings of the connector. */
export interface OAuth2Defaults {
  oAuthScopes?: string[] | null;
  /** Token URLs; may contain `{{PLACEHOLDER}}` templates that AppFlow asks the user for. */
  tokenURL: string[];
  /** Authorization URLs, needed for AUTHORIZATION_CODE. Same templating as `tokenURL`. */
  authURL?: string[] | null;
  oAuth2GrantTypesSupported: OAuth2GrantType[];
  /** Defaults to `URL_ENCODED`. */
  oAuth2ContentType?: OAuth2ContentType | null;
  /** Defaults to `HTTP_POST`. */
  oAuth2MethodType?: OAuth2MethodType | null;
  /** Note the lower-case `oauth2` (as in the Java SDK and the public API). */
  oauth2CustomProperties?: OAuth2CustomParameter[] | null;
  /** Send clientId:clientSecret as a Basic header on token calls. Defaults to `false`. */
  addBasicAuthHeader?: boolean | null;
}

/** One parameter of a custom authentication scheme. */
export interface AuthParameter {
  key: string;
  required: boolean;
  label: string;
  description: string;
  sensitiveField?: boolean | null;
  connectorSuppliedValues?: string[] | null;
}

/** A custom authentication scheme. */
export interface CustomAuthConfig {
  /** Name of the scheme, chosen by the connector. */
  authenticationType: string;
  authParameters: AuthParameter[];
}

/** Which authentication methods the connector supports. `null` in the configuration means no auth. */
export interface AuthenticationConfig {
  isBasicAuthSupported?: boolean | null;
  isApiKeyAuthSupported?: boolean | null;
  isOAuth2Supported?: boolean | null;
  isCustomAuthSupported?: boolean | null;
  /** Required with OAuth2. */
  oAuth2Defaults?: OAuth2Defaults | null;
  /** Singular key, but a list. Required with custom auth. */
  customAuthConfig?: CustomAuthConfig[] | null;
}

/** A setting the user enters in the profile or the flow. */
export interface ConnectorRuntimeSetting {
  key: string;
  dataType: ConnectorRuntimeSettingDataType;
  required: boolean;
  label: string;
  description: string;
  scope: ConnectorRuntimeSettingScope;
  /** When set, the value must be one of these. */
  connectorSuppliedValueOptions?: string[] | null;
}

/** How long AppFlow caches entity metadata (1 hour when absent). */
export interface CacheControl {
  timeToLive: number;
  timeToLiveUnit?: TimeUnit | null;
}

/** An entity (object type) of the application. */
export interface Entity {
  entityIdentifier: string;
  hasNestedEntities: boolean;
  /** Defaults to `true`; `false` hides the entity from destination pickers. */
  isWritable?: boolean | null;
  label?: string | null;
  description?: string | null;
  customProperties?: StringMap | null;
}

/** A numeric range. */
export interface RangeConstraint {
  minRange: number;
  maxRange: number;
}

/** Constraints on a field's values. */
export interface FieldConstraints {
  allowedLengthRange?: RangeConstraint | null;
  allowedValueRange?: RangeConstraint | null;
  allowedValues?: string[] | null;
  allowedValuesRegexPattern?: string | null;
  allowedDateFormat?: string | null;
}

/** How a field behaves when the connector is a source (`readProperties`). */
export interface ReadOperationProperty {
  isRetrievable?: boolean | null;
  isNullable?: boolean | null;
  isQueryable?: boolean | null;
  isTimestampFieldForIncrementalQueries?: boolean | null;
}

/** How a field behaves when the connector is a destination (`writeProperties`). */
export interface WriteOperationProperty {
  isCreatable?: boolean | null;
  isUpdatable?: boolean | null;
  isNullable?: boolean | null;
  isUpsertable?: boolean | null;
  isDefaultedOnCreate?: boolean | null;
  /** The operations for which this field may appear in `idFieldNames`. */
  supportedWriteOperations?: WriteOperationType[] | null;
}

/** One field of an entity. */
export interface FieldDefinition {
  fieldName: string;
  dataType: FieldDataType;
  /** Shown to users. Defaults to the `dataType` name. */
  dataTypeLabel?: string | null;
  label?: string | null;
  description?: string | null;
  isPrimaryKey?: boolean | null;
  defaultValue?: string | null;
  isDeprecated?: boolean | null;
  constraints?: FieldConstraints | null;
  readProperties?: ReadOperationProperty | null;
  writeProperties?: WriteOperationProperty | null;
  /** Defaults per data type, see {@link DEFAULT_FILTER_OPERATORS}. */
  filterOperators?: ConnectorOperator[] | null;
  customProperties?: StringMap | null;
}

/** An entity with its fields. */
export interface EntityDefinition {
  entity: Entity;
  fields: FieldDefinition[];
  customProperties?: StringMap | null;
}

/** The outcome of writing one record. */
export interface WriteRecordResult {
  isSuccess: boolean;
  /** Required on the wire; the runtime sends `""` when the application returned no id. */
  recordId?: string | null;
  errorMessage?: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Responses (A4)
// ---------------------------------------------------------------------------------------------------------

/** Fields common to every response. */
export interface BaseResponse {
  isSuccess: boolean;
  errorDetails: ErrorDetails | null;
}

/**
 * Response to DescribeConnectorConfiguration. A failed response may carry only `isSuccess` and
 * `errorDetails`, so the other fields are optional in this type.
 */
export interface DescribeConnectorConfigurationResponse extends BaseResponse {
  connectorOwner?: string;
  connectorName?: string;
  connectorVersion?: string;
  connectorModes?: ConnectorMode[];
  authenticationConfig?: AuthenticationConfig | null;
  /** Singular key, but a list. */
  connectorRuntimeSetting?: ConnectorRuntimeSetting[] | null;
  supportedApiVersions?: string[];
  operatorsSupported?: ConnectorOperator[];
  supportedTriggerTypes?: TriggerType[];
  triggerFrequenciesSupported?: TriggerFrequency[];
  supportedWriteOperations?: WriteOperationType[];
  logoURL?: string | null;
  supportedDataTransferTypes?: DataTransferType[];
}

/** Response to ValidateConnectorRuntimeSettings. */
export interface ValidateConnectorRuntimeSettingsResponse extends BaseResponse {
  /** Setting key → message, with `isSuccess: false`. */
  errorsByInputField: StringMap | null;
}

/** Response to ValidateCredentials. */
export type ValidateCredentialsResponse = BaseResponse;

/** Response to ListEntities. */
export interface ListEntitiesResponse extends BaseResponse {
  entities: Entity[] | null;
  nextToken: string | null;
  cacheControl: CacheControl | null;
}

/** Response to DescribeEntity. */
export interface DescribeEntityResponse extends BaseResponse {
  entityDefinition: EntityDefinition | null;
  cacheControl: CacheControl | null;
}

/** Response to RetrieveData. */
export interface RetrieveDataResponse extends BaseResponse {
  /** Each element is one record serialised as a JSON string. */
  records: string[] | null;
}

/** Response to QueryData. */
export interface QueryDataResponse extends BaseResponse {
  nextToken: string | null;
  /** Each element is one record serialised as a JSON string. */
  records: string[] | null;
}

/** Response to WriteData. */
export interface WriteDataResponse extends BaseResponse {
  /** One result per input record, in input order. */
  writeRecordResults: WriteRecordResult[] | null;
}

/** Maps each request type to its response type. */
export interface ResponseByRequestType {
  DescribeConnectorConfigurationRequest: DescribeConnectorConfigurationResponse;
  ValidateConnectorRuntimeSettingsRequest: ValidateConnectorRuntimeSettingsResponse;
  ValidateCredentialsRequest: ValidateCredentialsResponse;
  ListEntitiesRequest: ListEntitiesResponse;
  DescribeEntityRequest: DescribeEntityResponse;
  RetrieveDataRequest: RetrieveDataResponse;
  QueryDataRequest: QueryDataResponse;
  WriteDataRequest: WriteDataResponse;
}

/** Any response. */
export type ConnectorResponse = ResponseByRequestType[RequestType];
