/**
 * `connectorkit/sdk`: a TypeScript runtime for Amazon AppFlow custom connectors.
 *
 * ```ts
 * import { createHandler, ConnectorError } from "connectorkit/sdk";
 * export const handler = createHandler({
 *   describeConnectorConfiguration: { ... },
 *   queryData: async (req, ctx) => ({ records: [...], nextToken: null }),
 * });
 * ```
 *
 * Importing this module has no side effects. The AWS SDK clients (Secrets Manager, License Manager) are
 * loaded with a dynamic `import()` on first use; the Lambda Node.js runtime provides them.
 *
 * @packageDocumentation
 */

export type { FilterExpression } from "../parser/index.js";
export type {
  Awaitable,
  Connector,
  ConnectorConfiguration,
  ConnectorInput,
  DescribeConnectorConfigurationInput,
  DescribeEntityInput,
  DescribeEntityResult,
  InputByRequestType,
  InvocationContext,
  LambdaContext,
  ListEntitiesInput,
  ListEntitiesResult,
  NormalizedConnectorContext,
  QueryDataInput,
  QueryDataResult,
  ResultBase,
  RetrieveDataInput,
  RetrieveDataResult,
  ValidateConnectorRuntimeSettingsInput,
  ValidateConnectorRuntimeSettingsResult,
  ValidateCredentialsInput,
  ValidateCredentialsResult,
  WriteDataInput,
  WriteDataResult,
} from "./connector.js";
export type {
  CheckoutLicenseInput,
  CheckoutLicenseOutput,
  EntitlementChecker,
  EntitlementOptions,
  LicenseManagerLike,
} from "./entitlement.js";
export {
  checkEntitlement,
  createEntitlementChecker,
  DEFAULT_ENTITLED_TTL_MS,
  DEFAULT_NOT_ENTITLED_RETRY_MS,
  MARKETPLACE_KEY_FINGERPRINT,
  MARKETPLACE_USAGE_ENTITLEMENT,
} from "./entitlement.js";
export type { ConnectorErrorOptions, HeadersLike } from "./errors.js";
export {
  ConnectorError,
  errorCodeFromHttpStatus,
  errorDetails,
  isConnectorError,
  parseRetryAfter,
} from "./errors.js";
export type { ConnectorHandler, HandlerOptions, Logger } from "./handler.js";
export { createHandler, failure } from "./handler.js";
export * from "./model.js";
export {
  normalizeAuthenticationConfig,
  normalizeCacheControl,
  normalizeConnectorConfiguration,
  normalizeEntity,
  normalizeEntityDefinition,
  normalizeFieldDefinition,
  normalizeOAuth2Defaults,
  normalizeWriteRecordResult,
} from "./normalize.js";
export type { PaginateOptions, QueryRequestLike, RecordFilter, UpstreamPage } from "./query.js";
export {
  compileRequestFilter,
  paginate,
  paginateArray,
  parseFilterExpression,
  toFilterError,
} from "./query.js";
export type { DataRecord, FitRecordsOptions, FitRecordsResult } from "./records.js";
export {
  DEFAULT_RESERVED_BYTES,
  decodePageToken,
  decodeRecords,
  encodePageToken,
  encodeRecord,
  encodeRecords,
  fitRecords,
  MAX_RESPONSE_BYTES,
  recordEntrySize,
  selectFields,
  serializedSize,
} from "./records.js";
export type { ResolvedCredentials, SecretsManagerLike, SecretsOptions, SecretsOverride } from "./secrets.js";
export {
  clearSecretsCache,
  configureSecrets,
  DEFAULT_SECRETS_CACHE_TTL_MS,
  getCredentials,
  getSecret,
  redactSecrets,
  resetSecrets,
  SECRETS_FILE_ENV,
  SECRETS_OVERRIDE_SYMBOL,
  setSecretsOverride,
} from "./secrets.js";
export { validateRuntimeSettings } from "./settings.js";
export { DEFAULT_LOCALE, DEFAULT_PAGE_SIZE, normalizeRequest } from "./validate.js";
