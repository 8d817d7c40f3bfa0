import type { ErrorCode, ErrorDetails } from "./model.js";
import { ERROR_CODES } from "./model.js";

/** Options of {@link ConnectorError}. */
export interface ConnectorErrorOptions {
  /** Integer seconds after which AppFlow may retry. */
  retryAfterSeconds?: number | null;
  /** The underlying error, kept for logs (never sent to AppFlow). */
  cause?: unknown;
}

/**
 * An anticipated failure. Throw it from a connector method and the handler answers
 * `{"isSuccess": false, "errorDetails": {errorCode, errorMessage, retryAfterSeconds}}`.
 *
 * @example
 * ```ts
 * if (res.status === 401) throw new ConnectorError("InvalidCredentials", "API key rejected (HTTP 401)");
 * if (!res.ok) throw await ConnectorError.fromHttpResponse(res.status, res.headers);
 * ```
 */
export class ConnectorError extends Error {
  /** The protocol error code. */
  readonly errorCode: ErrorCode;
  /** Integer seconds after which AppFlow may retry, or `null`. */
  readonly retryAfterSeconds: number | null;

  /**
   * @param errorCode - one of the 11 protocol codes
   * @param message - sent to AppFlow as `errorMessage` and shown to the user; never put secrets in it
   * @param options - `retryAfterSeconds` (rounded up to an integer) and `cause`
   */
  constructor(errorCode: ErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConnectorError";
    this.errorCode = ERROR_CODES.includes(errorCode) ? errorCode : "UnknownError";
    const retry = options.retryAfterSeconds;
    this.retryAfterSeconds =
      typeof retry === "number" && Number.isFinite(retry) && retry >= 0 ? Math.ceil(retry) : null;
  }

  /** The `errorDetails` object for this error. */
  toErrorDetails(): ErrorDetails {
    return errorDetails(this.errorCode, this.message, this.retryAfterSeconds);
  }

  /**
   * Builds the error for a failed upstream HTTP call: the code from {@link errorCodeFromHttpStatus} and
   * `retryAfterSeconds` from a `Retry-After` header (delta-seconds or an HTTP date), if any.
   *
   * @param status - the HTTP status code
   * @param headers - a fetch `Headers`, a `Map`, or a plain object (looked up case-insensitively)
   * @param message - defaults to `Upstream API returned HTTP <status>`
   */
  static fromHttpResponse(status: number, headers?: HeadersLike | null, message?: string): ConnectorError {
    const retry = parseRetryAfter(headerValue(headers, "retry-after"));
    return new ConnectorError(
      errorCodeFromHttpStatus(status),
      message ?? `Upstream API returned HTTP ${status}`,
      {
        retryAfterSeconds: retry,
      },
    );
  }
}

/** Header collections accepted by {@link ConnectorError.fromHttpResponse}. */
export type HeadersLike =
  | { get(name: string): string | null | undefined }
  | Record<string, string | string[] | number | undefined | null>;

/** Builds an `errorDetails` object with `retryAfterSeconds` normalised to an integer or `null`. */
export function errorDetails(
  errorCode: ErrorCode,
  errorMessage: string,
  retryAfterSeconds?: number | null,
): ErrorDetails {
  return {
    errorCode,
    errorMessage,
    retryAfterSeconds:
      typeof retryAfterSeconds === "number" && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0
        ? Math.ceil(retryAfterSeconds)
        : null,
  };
}

/**
 * Maps an upstream HTTP status to an error code: 400 and 413 → `InvalidArgument`, 401 →
 * `InvalidCredentials`, 403 → `AccessDenied`, 408 → `RequestTimeout`, 429 → `RateLimitExceeded`, 503 →
 * `ServiceUnavailable`, other 4xx → `ClientError`, other 5xx → `ServerError`, anything else →
 * `UnknownError`.
 */
export function errorCodeFromHttpStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 413:
      return "InvalidArgument";
    case 401:
      return "InvalidCredentials";
    case 403:
      return "AccessDenied";
    case 408:
      return "RequestTimeout";
    case 429:
      return "RateLimitExceeded";
    case 503:
      return "ServiceUnavailable";
  }
  if (Number.isInteger(status) && status >= 400 && status < 500) return "ClientError";
  if (Number.isInteger(status) && status >= 500 && status < 600) return "ServerError";
  return "UnknownError";
}

/**
 * Parses a `Retry-After` value: delta-seconds, or an HTTP date (converted to seconds from `now`).
 * Returns `null` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === "") return null;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function headerValue(headers: HeadersLike | null | undefined, name: string): string | null {
  if (headers == null) return null;
  if (typeof (headers as { get?: unknown }).get === "function") {
    const v = (headers as { get(name: string): string | null | undefined }).get(name);
    return v == null ? null : String(v);
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (value == null) return null;
    return Array.isArray(value) ? (value[0] ?? null) : String(value);
  }
  return null;
}

/** True for objects that look like a {@link ConnectorError}, including one from another copy of the SDK. */
export function isConnectorError(value: unknown): value is ConnectorError {
  if (value instanceof ConnectorError) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as { name?: unknown; errorCode?: unknown; message?: unknown };
  return (
    v.name === "ConnectorError" &&
    typeof v.message === "string" &&
    (ERROR_CODES as readonly unknown[]).includes(v.errorCode)
  );
}
