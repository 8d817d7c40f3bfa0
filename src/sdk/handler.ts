/**
 * `createHandler`: the Lambda entry point of a connector. Dispatches AppFlow's request events to the
 * connector's methods and turns results and errors into protocol responses.
 *
 * @module
 */
import type {
  Connector,
  ConnectorConfiguration,
  ConnectorInput,
  InvocationContext,
  LambdaContext,
  ResultBase,
} from "./connector.js";
import type { EntitlementChecker, EntitlementOptions } from "./entitlement.js";
import { createEntitlementChecker } from "./entitlement.js";
import { ConnectorError, errorDetails, isConnectorError } from "./errors.js";
import type {
  ConnectorRequestEvent,
  ConnectorResponse,
  Credentials,
  ErrorDetails,
  RequestType,
  ResponseByRequestType,
} from "./model.js";
import { ERROR_CODES, REQUEST_TYPES } from "./model.js";
import {
  normalizeCacheControl,
  normalizeConnectorConfiguration,
  normalizeEntity,
  normalizeEntityDefinition,
  normalizeWriteRecordResult,
} from "./normalize.js";
import { parseFilterExpression, toFilterError } from "./query.js";
import { encodeRecords, MAX_RESPONSE_BYTES, serializedSize } from "./records.js";
import type { ResolvedCredentials } from "./secrets.js";
import { clearSecretsCache, getCredentials, redactSecrets } from "./secrets.js";
import { validateRuntimeSettings } from "./settings.js";
import { normalizeRequest } from "./validate.js";

/** Where the handler logs. Every line is passed through secret redaction first. */
export interface Logger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

interface LineLogger {
  error(line: string): void;
  warn(line: string): void;
}

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * Paid Marketplace connectors: check the buyer's entitlement (License Manager `CheckoutLicense`, cached)
   * before every request, and answer `isSuccess: false` / `AccessDenied` when not entitled. Pass the
   * options, or a checker made with `createEntitlementChecker`.
   */
  entitlement?: EntitlementOptions | EntitlementChecker;
  /** Response size limit; larger responses become `InvalidArgument`. Default 6 MB. */
  maxResponseBytes?: number;
  /** Default `console`. */
  logger?: Logger;
}

/**
 * The Lambda handler. Called with an event of a known type, its result type follows the event's `type`.
 */
export interface ConnectorHandler {
  <E extends ConnectorRequestEvent>(
    event: E,
    context?: LambdaContext,
  ): Promise<ResponseByRequestType[E["type"]]>;
  (event: unknown, context?: LambdaContext): Promise<ConnectorResponse>;
}

/** AppFlow's time limits: 10 s for configuration and metadata calls, 30 s for data calls. */
const DATA_TYPES: ReadonlySet<RequestType> = new Set([
  "RetrieveDataRequest",
  "QueryDataRequest",
  "WriteDataRequest",
]);
const MAX_ERROR_MESSAGE = 2000;

/**
 * Creates the Lambda handler (`export const handler = createHandler(connector)`).
 *
 * - Dispatches on the event's `type` to the connector method of the same name.
 * - Validates the request (required fields, field types, enum values); a malformed request of a known type
 *   is answered `isSuccess: false` / `InvalidArgument` naming the field. Absent and `null` are treated alike,
 *   `locale` defaults to `en-US`, `maxResult` / `maxResults` to 1000, unknown properties are ignored.
 * - QueryData: parses `filterExpression` once into `request.filter`; a filter that does not parse is
 *   answered `InvalidArgument` ("Invalid filter expression at L:C: reason") without calling the connector.
 * - Fills response defaults (A7, A8), emits `null` for unset optional fields, serialises object records.
 * - A thrown {@link ConnectorError} becomes its `errorDetails`; any other exception becomes `UnknownError`
 *   (message only; the stack is logged).
 * - An omitted method is answered `InvalidArgument` ("… is not supported by this connector"), except:
 *   without `validateConnectorRuntimeSettings`, settings are checked against the declared
 *   `connectorRuntimeSetting`; without `validateCredentials`, the credentials' secret is read and checked
 *   for the keys its authentication type needs.
 * - Responses over 6 MB are replaced by an `InvalidArgument` answer advising a smaller page.
 * - **An event that is not an object, or whose `type` is missing or unknown, makes the invocation fail**:
 *   the handler logs one line naming the problem and throws an `Error` with the same message (protocol A1:
 *   such an event is not an AppFlow request, so there is no response shape to answer with).
 */
export function createHandler(connector: Connector, options: HandlerOptions = {}): ConnectorHandler {
  const logger: Logger = options.logger ?? console;
  const log: LineLogger = {
    error: (line: string) => logger.error(redactSecrets(line)),
    warn: (line: string) => logger.warn(redactSecrets(line)),
  };
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const entitlement =
    options.entitlement === undefined
      ? null
      : "isEntitled" in options.entitlement
        ? options.entitlement
        : createEntitlementChecker({ logger: log, ...options.entitlement });

  const handler = async (event: unknown, lambdaContext?: LambdaContext): Promise<ConnectorResponse> => {
    const started = Date.now();
    const type = requestTypeOf(event, log);
    let input: ConnectorInput | null = null;
    let response: ConnectorResponse;
    try {
      if (entitlement !== null && !(await entitlement.isEntitled())) {
        throw new ConnectorError(
          "AccessDenied",
          "This connector requires an active AWS Marketplace subscription for this account",
        );
      }
      input = normalizeRequest(type, event as Record<string, unknown>);
      if (input.type === "QueryDataRequest") input.filter = parseFilterExpression(input.filterExpression);
      const ctx = invocationContext(input, lambdaContext, started);
      response = await dispatch(connector, input, ctx);
    } catch (err) {
      response = failure(type, toErrorDetails(err, type, log));
    }

    let size: number;
    try {
      size = serializedSize(response);
    } catch (err) {
      // A value JSON cannot serialise (a BigInt, a cycle) slipped into the response.
      response = failure(type, toErrorDetails(err, type, log));
      size = 0;
    }
    if (size > maxBytes) {
      log.error(`connectorkit: ${type}: the response is ${size} bytes, over the ${maxBytes}-byte limit`);
      response = failure(
        type,
        errorDetails(
          "InvalidArgument",
          `The response is ${size} bytes, over the ${maxBytes}-byte limit of a Lambda response; ` +
            "return fewer or smaller records per page",
        ),
      );
    }
    if (response.errorDetails !== null) {
      response.errorDetails.errorMessage = redactSecrets(response.errorDetails.errorMessage);
      // AppFlow refreshes an OAuth token after InvalidCredentials and calls again: read the secret again.
      if (response.errorDetails.errorCode === "InvalidCredentials") {
        const arn = credentialsOf(input)?.secretArn;
        if (arn != null) clearSecretsCache(arn);
      }
    }
    return response;
  };
  return handler as ConnectorHandler;
}

function requestTypeOf(event: unknown, log: { error(line: string): void }): RequestType {
  let problem: string | null = null;
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    const got = event === null ? "null" : Array.isArray(event) ? "an array" : typeof event;
    problem = `the event is not a JSON object (got ${got})`;
  } else {
    const type = (event as { type?: unknown }).type;
    if (type == null) problem = "the event has no 'type'";
    else if (typeof type !== "string" || !(REQUEST_TYPES as readonly string[]).includes(type)) {
      const shown = typeof type === "string" ? `'${type.slice(0, 100)}'` : `a ${typeof type}`;
      problem = `unknown request type ${shown}`;
    } else return type as RequestType;
  }
  const message =
    `connectorkit: not an AppFlow connector request: ${problem}; ` +
    `expected 'type' to be one of ${REQUEST_TYPES.join(", ")}`;
  log.error(message);
  throw new Error(message);
}

function credentialsOf(input: ConnectorInput | null): Credentials | null {
  if (input === null) return null;
  if (input.type === "ValidateCredentialsRequest") return input.credentials;
  if ("connectorContext" in input) return input.connectorContext.credentials;
  return null;
}

function invocationContext(
  input: ConnectorInput,
  lambdaContext: LambdaContext | undefined,
  started: number,
): InvocationContext {
  let credentials: Promise<ResolvedCredentials | null> | null = null;
  const appflowLimit = DATA_TYPES.has(input.type) ? 30_000 : 10_000;
  return {
    requestType: input.type,
    lambdaContext,
    getCredentials() {
      credentials ??= getCredentials(credentialsOf(input));
      return credentials;
    },
    remainingTimeMs() {
      const appflow = appflowLimit - (Date.now() - started);
      const fn = lambdaContext?.getRemainingTimeInMillis;
      return typeof fn === "function" ? Math.min(appflow, fn.call(lambdaContext)) : appflow;
    },
  };
}

function unsupported(type: RequestType): ConnectorError {
  return new ConnectorError(
    "InvalidArgument",
    `${type.replace(/Request$/, "")} is not supported by this connector`,
  );
}

/** isSuccess/errorDetails of a result: failure when `isSuccess` is false, `errorDetails` set, or `failed`. */
function outcome(result: ResultBase, failed: boolean, fallback: () => ErrorDetails): BaseOutcome {
  const given = result.errorDetails ?? null;
  const isSuccess = result.isSuccess ?? (given === null && !failed);
  if (isSuccess) return { isSuccess, errorDetails: null };
  return {
    isSuccess,
    errorDetails:
      given === null
        ? fallback()
        : errorDetails(
            (ERROR_CODES as readonly string[]).includes(given.errorCode) ? given.errorCode : "UnknownError",
            String(given.errorMessage),
            given.retryAfterSeconds,
          ),
  };
}
interface BaseOutcome {
  isSuccess: boolean;
  errorDetails: ErrorDetails | null;
}

const noDetails = () => errorDetails("UnknownError", "The connector reported a failure without errorDetails");

async function resolveConfiguration(
  connector: Connector,
  ctx: InvocationContext,
): Promise<ConnectorConfiguration | null> {
  const src = connector.describeConnectorConfiguration;
  if (src == null) return null;
  if (typeof src !== "function") return src;
  return src.call(
    connector,
    { type: "DescribeConnectorConfigurationRequest", locale: "en-US", connectorLabel: null },
    ctx,
  );
}

async function dispatch(
  connector: Connector,
  input: ConnectorInput,
  ctx: InvocationContext,
): Promise<ConnectorResponse> {
  switch (input.type) {
    case "DescribeConnectorConfigurationRequest": {
      const src = connector.describeConnectorConfiguration;
      if (src == null) throw unsupported(input.type);
      const config = typeof src === "function" ? await src.call(connector, input, ctx) : src;
      return normalizeConnectorConfiguration(config);
    }
    case "ValidateConnectorRuntimeSettingsRequest": {
      let result: NonNullable<
        Awaited<ReturnType<NonNullable<Connector["validateConnectorRuntimeSettings"]>>>
      >;
      if (connector.validateConnectorRuntimeSettings) {
        result = (await connector.validateConnectorRuntimeSettings(input, ctx)) ?? {};
      } else {
        const config = await resolveConfiguration(connector, ctx);
        result = {
          errorsByInputField: validateRuntimeSettings(
            input.connectorRuntimeSettings,
            config?.connectorRuntimeSetting,
            input.scope,
          ),
        };
      }
      const errors = result.errorsByInputField ?? null;
      const count = errors === null ? 0 : Object.keys(errors).length;
      return {
        ...outcome(result, count > 0, () =>
          errorDetails("InvalidArgument", `${count} invalid setting${count === 1 ? "" : "s"}`),
        ),
        errorsByInputField: count > 0 ? { ...errors } : null,
      };
    }
    case "ValidateCredentialsRequest": {
      let result: ResultBase;
      if (connector.validateCredentials) result = (await connector.validateCredentials(input, ctx)) ?? {};
      else {
        await ctx.getCredentials();
        result = {};
      }
      return outcome(result, false, noDetails);
    }
    case "ListEntitiesRequest": {
      const method = connector.listEntities;
      if (!method) throw unsupported(input.type);
      const result = await method.call(connector, input, ctx);
      return {
        ...outcome(result, false, noDetails),
        entities: result.entities == null ? null : result.entities.map(normalizeEntity),
        nextToken: result.nextToken ?? null,
        cacheControl: normalizeCacheControl(result.cacheControl),
      };
    }
    case "DescribeEntityRequest": {
      const method = connector.describeEntity;
      if (!method) throw unsupported(input.type);
      const result = await method.call(connector, input, ctx);
      return {
        ...outcome(result, false, noDetails),
        entityDefinition:
          result.entityDefinition == null ? null : normalizeEntityDefinition(result.entityDefinition),
        cacheControl: normalizeCacheControl(result.cacheControl),
      };
    }
    case "RetrieveDataRequest": {
      const method = connector.retrieveData;
      if (!method) throw unsupported(input.type);
      const result = await method.call(connector, input, ctx);
      return {
        ...outcome(result, false, noDetails),
        records: result.records == null ? null : encodeRecords(result.records),
      };
    }
    case "QueryDataRequest": {
      const method = connector.queryData;
      if (!method) throw unsupported(input.type);
      const result = await method.call(connector, input, ctx);
      return {
        ...outcome(result, false, noDetails),
        nextToken: result.nextToken ?? null,
        records: result.records == null ? null : encodeRecords(result.records),
      };
    }
    case "WriteDataRequest": {
      const method = connector.writeData;
      if (!method) throw unsupported(input.type);
      const result = await method.call(connector, input, ctx);
      const results =
        result.writeRecordResults == null ? null : result.writeRecordResults.map(normalizeWriteRecordResult);
      const failed = results === null ? 0 : results.filter((r) => !r.isSuccess).length;
      const total = results?.length ?? 0;
      return {
        ...outcome(result, failed > 0, () =>
          errorDetails("PartialWriteFailure", `${failed} of ${total} record${total === 1 ? "" : "s"} failed`),
        ),
        writeRecordResults: results,
      };
    }
  }
}

/** The failure response of a request type: `isSuccess: false`, `errorDetails`, other fields `null`. */
export function failure<T extends RequestType>(type: T, details: ErrorDetails): ResponseByRequestType[T];
export function failure(type: RequestType, details: ErrorDetails): ConnectorResponse {
  const base = { isSuccess: false, errorDetails: details };
  switch (type) {
    case "DescribeConnectorConfigurationRequest":
    case "ValidateCredentialsRequest":
      return base;
    case "ValidateConnectorRuntimeSettingsRequest":
      return { ...base, errorsByInputField: null };
    case "ListEntitiesRequest":
      return { ...base, entities: null, nextToken: null, cacheControl: null };
    case "DescribeEntityRequest":
      return { ...base, entityDefinition: null, cacheControl: null };
    case "RetrieveDataRequest":
      return { ...base, records: null };
    case "QueryDataRequest":
      return { ...base, nextToken: null, records: null };
    case "WriteDataRequest":
      return { ...base, writeRecordResults: null };
  }
}

/** Maps anything thrown by a connector to `errorDetails`, logging unexpected errors with their stack. */
function toErrorDetails(err: unknown, type: RequestType, log: LineLogger): ErrorDetails {
  if (isConnectorError(err)) {
    log.warn(`connectorkit: ${type} failed: ${err.errorCode}: ${err.message}`);
    return errorDetails(err.errorCode, truncate(err.message), err.retryAfterSeconds);
  }
  const filterError = toFilterError(err);
  if (filterError !== null) return filterError.toErrorDetails();
  const e = err as { name?: unknown; message?: unknown; stack?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "Error";
  const message = typeof e?.message === "string" ? e.message : String(err);
  const stack = typeof e?.stack === "string" ? e.stack : `${name}: ${message}`;
  log.error(`connectorkit: ${type} failed with an unexpected error: ${stack}`);
  return errorDetails("UnknownError", truncate(`${name}: ${message}`));
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE - 1)}…` : text;
}
