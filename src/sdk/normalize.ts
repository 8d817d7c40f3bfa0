/**
 * Response builders: copy the connector's structures into their exact wire form, fill the protocol's
 * defaults (A7, A8), emit `null` for unset optional fields (as the Java SDK does), and drop unknown
 * properties.
 *
 * @module
 */
import type { ConnectorConfiguration } from "./connector.js";
import type {
  AuthenticationConfig,
  AuthParameter,
  CacheControl,
  ConnectorRuntimeSetting,
  CustomAuthConfig,
  DescribeConnectorConfigurationResponse,
  Entity,
  EntityDefinition,
  FieldConstraints,
  FieldDefinition,
  OAuth2CustomParameter,
  OAuth2Defaults,
  RangeConstraint,
  ReadOperationProperty,
  WriteOperationProperty,
  WriteRecordResult,
} from "./model.js";
import {
  CONNECTOR_OPERATORS,
  DEFAULT_DATA_TRANSFER_TYPES,
  DEFAULT_FILTER_OPERATORS,
  DEFAULT_TRIGGER_TYPES,
  TRIGGER_FREQUENCIES,
  WRITE_OPERATION_TYPES,
} from "./model.js";

const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);
const listOrNull = <T>(value: readonly T[] | null | undefined): T[] | null =>
  value == null ? null : [...value];
const mapOrNull = (value: Record<string, string> | null | undefined): Record<string, string> | null =>
  value == null ? null : { ...value };

/**
 * The successful DescribeConnectorConfiguration response for a configuration, with defaults:
 * `operatorsSupported` all 21, `supportedTriggerTypes` SCHEDULED and ONDEMAND, `triggerFrequenciesSupported`
 * all six, `supportedWriteOperations` all four, `supportedDataTransferTypes` RECORD.
 */
export function normalizeConnectorConfiguration(
  config: ConnectorConfiguration,
): DescribeConnectorConfigurationResponse {
  return {
    isSuccess: true,
    errorDetails: null,
    connectorOwner: config.connectorOwner,
    connectorName: config.connectorName,
    connectorVersion: config.connectorVersion,
    connectorModes: [...(config.connectorModes ?? [])],
    authenticationConfig:
      config.authenticationConfig == null ? null : normalizeAuthenticationConfig(config.authenticationConfig),
    connectorRuntimeSetting:
      config.connectorRuntimeSetting == null
        ? null
        : config.connectorRuntimeSetting.map(normalizeRuntimeSetting),
    supportedApiVersions: [...(config.supportedApiVersions ?? [])],
    operatorsSupported: [...(config.operatorsSupported ?? CONNECTOR_OPERATORS)],
    supportedTriggerTypes: [...(config.supportedTriggerTypes ?? DEFAULT_TRIGGER_TYPES)],
    triggerFrequenciesSupported: [...(config.triggerFrequenciesSupported ?? TRIGGER_FREQUENCIES)],
    supportedWriteOperations: [...(config.supportedWriteOperations ?? WRITE_OPERATION_TYPES)],
    logoURL: orNull(config.logoURL),
    supportedDataTransferTypes: [...(config.supportedDataTransferTypes ?? DEFAULT_DATA_TRANSFER_TYPES)],
  };
}

/** Wire form of an {@link AuthenticationConfig}. */
export function normalizeAuthenticationConfig(auth: AuthenticationConfig): AuthenticationConfig {
  return {
    isBasicAuthSupported: orNull(auth.isBasicAuthSupported),
    isApiKeyAuthSupported: orNull(auth.isApiKeyAuthSupported),
    isOAuth2Supported: orNull(auth.isOAuth2Supported),
    isCustomAuthSupported: orNull(auth.isCustomAuthSupported),
    oAuth2Defaults: auth.oAuth2Defaults == null ? null : normalizeOAuth2Defaults(auth.oAuth2Defaults),
    customAuthConfig:
      auth.customAuthConfig == null ? null : auth.customAuthConfig.map(normalizeCustomAuthConfig),
  };
}

/** Wire form of {@link OAuth2Defaults}: defaults `URL_ENCODED`, `HTTP_POST`, `addBasicAuthHeader: false`. */
export function normalizeOAuth2Defaults(o: OAuth2Defaults): OAuth2Defaults {
  return {
    oAuthScopes: listOrNull(o.oAuthScopes),
    tokenURL: [...(o.tokenURL ?? [])],
    authURL: listOrNull(o.authURL),
    oAuth2GrantTypesSupported: [...(o.oAuth2GrantTypesSupported ?? [])],
    oAuth2ContentType: o.oAuth2ContentType ?? "URL_ENCODED",
    oAuth2MethodType: o.oAuth2MethodType ?? "HTTP_POST",
    oauth2CustomProperties:
      o.oauth2CustomProperties == null ? null : o.oauth2CustomProperties.map(normalizeOAuth2CustomParameter),
    addBasicAuthHeader: o.addBasicAuthHeader ?? false,
  };
}

function normalizeOAuth2CustomParameter(p: OAuth2CustomParameter): OAuth2CustomParameter {
  return {
    key: p.key,
    required: p.required,
    type: p.type,
    label: p.label,
    description: p.description,
    sensitiveField: orNull(p.sensitiveField),
    connectorSuppliedValues: listOrNull(p.connectorSuppliedValues),
  };
}

function normalizeCustomAuthConfig(c: CustomAuthConfig): CustomAuthConfig {
  return {
    authenticationType: c.authenticationType,
    authParameters: (c.authParameters ?? []).map(
      (p: AuthParameter): AuthParameter => ({
        key: p.key,
        required: p.required,
        label: p.label,
        description: p.description,
        sensitiveField: orNull(p.sensitiveField),
        connectorSuppliedValues: listOrNull(p.connectorSuppliedValues),
      }),
    ),
  };
}

function normalizeRuntimeSetting(s: ConnectorRuntimeSetting): ConnectorRuntimeSetting {
  return {
    key: s.key,
    dataType: s.dataType,
    required: s.required,
    label: s.label,
    description: s.description,
    scope: s.scope,
    connectorSuppliedValueOptions: listOrNull(s.connectorSuppliedValueOptions),
  };
}

/** Wire form of an {@link Entity}: `isWritable` defaults to `true`, `hasNestedEntities` to `false`. */
export function normalizeEntity(e: Entity): Entity {
  return {
    entityIdentifier: e.entityIdentifier,
    hasNestedEntities: e.hasNestedEntities ?? false,
    isWritable: e.isWritable ?? true,
    label: orNull(e.label),
    description: orNull(e.description),
    customProperties: mapOrNull(e.customProperties),
  };
}

/** Wire form of an {@link EntityDefinition}, with field defaults applied. */
export function normalizeEntityDefinition(d: EntityDefinition): EntityDefinition {
  return {
    entity: normalizeEntity(d.entity),
    fields: (d.fields ?? []).map(normalizeFieldDefinition),
    customProperties: mapOrNull(d.customProperties),
  };
}

/**
 * Wire form of a {@link FieldDefinition}: `dataTypeLabel` defaults to the `dataType` name and
 * `filterOperators` to {@link DEFAULT_FILTER_OPERATORS} for the type.
 */
export function normalizeFieldDefinition(f: FieldDefinition): FieldDefinition {
  return {
    fieldName: f.fieldName,
    dataType: f.dataType,
    dataTypeLabel: f.dataTypeLabel ?? f.dataType,
    label: orNull(f.label),
    description: orNull(f.description),
    isPrimaryKey: orNull(f.isPrimaryKey),
    defaultValue: orNull(f.defaultValue),
    isDeprecated: orNull(f.isDeprecated),
    constraints: f.constraints == null ? null : normalizeConstraints(f.constraints),
    readProperties: f.readProperties == null ? null : normalizeReadProperties(f.readProperties),
    writeProperties: f.writeProperties == null ? null : normalizeWriteProperties(f.writeProperties),
    filterOperators: [...(f.filterOperators ?? DEFAULT_FILTER_OPERATORS[f.dataType] ?? [])],
    customProperties: mapOrNull(f.customProperties),
  };
}

function normalizeRange(r: RangeConstraint | null | undefined): RangeConstraint | null {
  return r == null ? null : { minRange: r.minRange, maxRange: r.maxRange };
}

function normalizeConstraints(c: FieldConstraints): FieldConstraints {
  return {
    allowedLengthRange: normalizeRange(c.allowedLengthRange),
    allowedValueRange: normalizeRange(c.allowedValueRange),
    allowedValues: listOrNull(c.allowedValues),
    allowedValuesRegexPattern: orNull(c.allowedValuesRegexPattern),
    allowedDateFormat: orNull(c.allowedDateFormat),
  };
}

function normalizeReadProperties(r: ReadOperationProperty): ReadOperationProperty {
  return {
    isRetrievable: orNull(r.isRetrievable),
    isNullable: orNull(r.isNullable),
    isQueryable: orNull(r.isQueryable),
    isTimestampFieldForIncrementalQueries: orNull(r.isTimestampFieldForIncrementalQueries),
  };
}

function normalizeWriteProperties(w: WriteOperationProperty): WriteOperationProperty {
  return {
    isCreatable: orNull(w.isCreatable),
    isUpdatable: orNull(w.isUpdatable),
    isNullable: orNull(w.isNullable),
    isUpsertable: orNull(w.isUpsertable),
    isDefaultedOnCreate: orNull(w.isDefaultedOnCreate),
    supportedWriteOperations: listOrNull(w.supportedWriteOperations),
  };
}

/** Wire form of {@link CacheControl}. */
export function normalizeCacheControl(c: CacheControl | null | undefined): CacheControl | null {
  return c == null ? null : { timeToLive: c.timeToLive, timeToLiveUnit: orNull(c.timeToLiveUnit) };
}

/** Wire form of a {@link WriteRecordResult}: `recordId` is `""` when missing. */
export function normalizeWriteRecordResult(r: WriteRecordResult): WriteRecordResult {
  return {
    isSuccess: r.isSuccess === true,
    recordId: r.recordId ?? "",
    errorMessage: orNull(r.errorMessage),
  };
}
