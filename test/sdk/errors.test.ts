import { describe, expect, it } from "vitest";
import {
  ConnectorError,
  ERROR_CODES,
  errorCodeFromHttpStatus,
  isConnectorError,
  parseRetryAfter,
} from "../../src/sdk/index.js";

describe("ERROR_CODES", () => {
  it("has the 11 codes in protocol order", () => {
    expect(ERROR_CODES).toEqual([
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
    ]);
  });
});

describe("errorCodeFromHttpStatus", () => {
  it.each([
    [400, "InvalidArgument"],
    [413, "InvalidArgument"],
    [401, "InvalidCredentials"],
    [403, "AccessDenied"],
    [408, "RequestTimeout"],
    [429, "RateLimitExceeded"],
    [503, "ServiceUnavailable"],
    [404, "ClientError"],
    [409, "ClientError"],
    [499, "ClientError"],
    [500, "ServerError"],
    [502, "ServerError"],
    [504, "ServerError"],
    [599, "ServerError"],
    [200, "UnknownError"],
    [302, "UnknownError"],
    [600, "UnknownError"],
    [0, "UnknownError"],
    [Number.NaN, "UnknownError"],
  ])("%s → %s", (status, code) => {
    expect(errorCodeFromHttpStatus(status)).toBe(code);
  });
});

describe("ConnectorError", () => {
  it("carries the code, the message and an integer retryAfterSeconds", () => {
    const e = new ConnectorError("RateLimitExceeded", "slow down", { retryAfterSeconds: 1.2 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("ConnectorError");
    expect(e.toErrorDetails()).toEqual({
      errorCode: "RateLimitExceeded",
      errorMessage: "slow down",
      retryAfterSeconds: 2,
    });
    expect(new ConnectorError("AccessDenied", "no").retryAfterSeconds).toBeNull();
    expect(new ConnectorError("AccessDenied", "no", { retryAfterSeconds: -1 }).retryAfterSeconds).toBeNull();
  });

  it("fromHttpResponse reads Retry-After from fetch Headers, Maps and plain objects", () => {
    const a = ConnectorError.fromHttpResponse(429, new Headers({ "Retry-After": "30" }));
    expect(a.toErrorDetails()).toEqual({
      errorCode: "RateLimitExceeded",
      errorMessage: "Upstream API returned HTTP 429",
      retryAfterSeconds: 30,
    });
    expect(ConnectorError.fromHttpResponse(503, { "RETRY-AFTER": "5" }).retryAfterSeconds).toBe(5);
    expect(ConnectorError.fromHttpResponse(503, { "retry-after": ["7"] }).retryAfterSeconds).toBe(7);
    expect(ConnectorError.fromHttpResponse(503, new Map([["retry-after", "9"]])).retryAfterSeconds).toBe(9);
    const e = ConnectorError.fromHttpResponse(401, null, "API key rejected (HTTP 401)");
    expect(e.errorCode).toBe("InvalidCredentials");
    expect(e.message).toBe("API key rejected (HTTP 401)");
    expect(e.retryAfterSeconds).toBeNull();
  });

  it("parseRetryAfter handles HTTP dates and garbage", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it("isConnectorError recognises errors from another copy of the SDK", () => {
    const foreign = Object.assign(new Error("x"), { name: "ConnectorError", errorCode: "ClientError" });
    expect(isConnectorError(foreign)).toBe(true);
    expect(
      isConnectorError(Object.assign(new Error("x"), { name: "ConnectorError", errorCode: "Nope" })),
    ).toBe(false);
    expect(isConnectorError(new Error("x"))).toBe(false);
  });
});
