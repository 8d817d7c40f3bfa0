import { createReadStream } from "node:fs";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { pipeline } from "node:stream/promises";
import { setTimeout as delay } from "node:timers/promises";

/**
 * The HTTP layer of the registry client: node:http(s) requests whose bodies stream from disk (so
 * memory stays flat whatever the blob size), error classification, and retries with exponential
 * backoff and jitter. It never logs and never puts a header value in an error message.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound for a server's Retry-After. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
};

/** A registry answered with an unexpected status. `path` never holds the query string. */
export class RegistryHttpError extends Error {
  readonly status: number;
  /** The first code of the distribution-spec error body (`NAME_UNKNOWN`, `UNAUTHORIZED`, …). */
  readonly registryCode: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly retryAfterMs: number | undefined;

  constructor(method: string, url: URL, status: number, body: string, headers: IncomingHttpHeaders = {}) {
    const parsed = parseErrorBody(body);
    const what = parsed.message ? `: ${parsed.code ? `${parsed.code}: ` : ""}${parsed.message}` : "";
    super(`${method} ${url.pathname} answered ${status}${what}`);
    this.name = "RegistryHttpError";
    this.status = status;
    this.registryCode = parsed.code;
    this.method = method;
    this.path = url.pathname;
    this.retryAfterMs = parseRetryAfter(headers["retry-after"]);
  }
}

/** The connection failed (refused, reset, timed out, closed early). */
export class NetworkError extends Error {
  readonly code: string;
  readonly method: string;
  readonly path: string;

  constructor(method: string, url: URL, cause: unknown) {
    const e = cause as { code?: string; message?: string };
    const code = e.code ?? "ENETWORK";
    super(`${method} ${url.host}${url.pathname} failed: ${e.message ?? String(cause)}`, { cause });
    this.name = "NetworkError";
    this.code = code;
    this.method = method;
    this.path = url.pathname;
  }
}

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "ENETWORK",
]);

/** 5xx, 429, and connection failures other than a name that does not resolve. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof RegistryHttpError) return error.status >= 500 || error.status === 429;
  if (error instanceof NetworkError) return RETRYABLE_CODES.has(error.code);
  return false;
}

/** True for failures that mean "the server cannot be reached at all" (used for offline pulls). */
export function isUnreachable(error: unknown): boolean {
  return (
    error instanceof NetworkError &&
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH"].includes(
      error.code,
    )
  );
}

export function parseErrorBody(body: string): { code?: string; message?: string } {
  try {
    const doc = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = doc.errors?.[0];
    if (first) {
      return {
        ...(typeof first.code === "string" ? { code: first.code } : {}),
        ...(typeof first.message === "string" ? { message: first.message } : {}),
      };
    }
  } catch {
    // not JSON: fall through
  }
  const text = body
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text ? { message: text.slice(0, 200) } : {};
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export type RequestBody = Buffer | { file: string; size: number };

export interface SendOptions {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Called with the size of every chunk of a file body handed to the socket. */
  onBytes?: (n: number) => void;
  signal?: AbortSignal;
  /** Socket idle time before the request fails with ETIMEDOUT (default 60 s). */
  idleTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  url: URL;
  /** Unread body: consume it with readBody or discard. */
  stream: IncomingMessage;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

/** One request, no retries. Resolves when the response headers arrive. */
export function send(options: SendOptions): Promise<HttpResponse> {
  const { method, url, body } = options;
  const secure = url.protocol === "https:";
  const headers: Record<string, string> = { ...options.headers };
  if (Buffer.isBuffer(body)) headers["content-length"] = String(body.length);
  else if (body) headers["content-length"] = String(body.size);
  else if (method === "PUT" || method === "POST" || method === "PATCH") headers["content-length"] = "0";
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      const e = error as { name?: string; code?: string };
      if (e.name === "AbortError" || e.code === "ABORT_ERR") reject(error);
      else reject(new NetworkError(method, url, error));
    };
    const req = (secure ? https : http).request(url, {
      method,
      headers,
      agent: secure ? agents.https : agents.http,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.setTimeout(options.idleTimeoutMs ?? 60_000, () => {
      req.destroy(Object.assign(new Error("no data for too long (socket timeout)"), { code: "ETIMEDOUT" }));
    });
    req.on("error", fail);
    req.on("response", (res) => {
      if (settled) {
        res.resume();
        return;
      }
      settled = true;
      resolve({ status: res.statusCode ?? 0, headers: res.headers, url, stream: res });
    });
    if (body === undefined) {
      req.end();
    } else if (Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      const onBytes = options.onBytes;
      const file = createReadStream(body.file, { highWaterMark: 256 << 10 });
      const source = onBytes
        ? async function* (src: AsyncIterable<Buffer>) {
            for await (const chunk of src) {
              onBytes(chunk.length);
              yield chunk;
            }
          }
        : undefined;
      const done = source ? pipeline(file, source, req) : pipeline(file, req);
      done.catch((error: unknown) => {
        req.destroy(error as Error);
        fail(error);
      });
    }
  });
}

/** Reads a (small) response body; bodies over `limit` bytes fail instead of filling memory. */
export async function readBody(res: HttpResponse, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.stream.destroy();
        throw new Error(`${res.url.pathname}: response larger than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof Error && error.message.includes("response larger")) throw error;
    throw new NetworkError("GET", res.url, error);
  }
  return Buffer.concat(chunks);
}

/** Drains a response we do not need, so that the socket can be reused. */
export async function discard(res: HttpResponse): Promise<void> {
  try {
    for await (const _ of res.stream) {
      // drain
    }
  } catch {
    // the connection is dropped anyway
  }
}

/** Throws a RegistryHttpError for the response, reading (a bounded part of) its body first. */
export async function statusError(method: string, res: HttpResponse): Promise<RegistryHttpError> {
  let text = "";
  if (method !== "HEAD") {
    try {
      text = (await readBody(res, 64 << 10)).toString("utf8");
    } catch {
      text = "";
    }
  } else {
    await discard(res);
  }
  return new RegistryHttpError(method, res.url, res.status, text, res.headers);
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: Error;
}

/** Exponential backoff with "equal jitter": half of the step fixed, half random. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Runs `fn` until it succeeds, it throws something that is not retryable, or the attempts run
 * out. The server's Retry-After (429, 503) wins over the computed backoff, within a bound.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: { policy?: RetryPolicy; signal?: AbortSignal; onRetry?: (info: RetryInfo) => void } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts || options.signal?.aborted) throw error;
      const hinted = error instanceof RegistryHttpError ? error.retryAfterMs : undefined;
      const delayMs =
        hinted !== undefined ? Math.min(hinted, policy.maxRetryAfterMs) : backoffDelay(attempt, policy);
      options.onRetry?.({ attempt, delayMs, error: error as Error });
      await delay(delayMs, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}

/** Resolves a Location header against the request URL. */
export function resolveLocation(base: URL, location: string | string[] | undefined): URL | undefined {
  const v = Array.isArray(location) ? location[0] : location;
  if (!v) return undefined;
  try {
    return new URL(v, base);
  } catch {
    return undefined;
  }
}
