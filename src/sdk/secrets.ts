/**
 * Credentials from AWS Secrets Manager, with one cached client per Lambda environment, a short-lived value
 * cache, and override hooks for local runs.
 *
 * Secret values never appear in an error message or a log line written by this module. The values it loads
 * are remembered (in memory only) so that the handler can redact them from messages and logs with
 * {@link redactSecrets}.
 *
 * @module
 */
import { ConnectorError } from "./errors.js";
import type { AuthenticationType, Credentials, StringMap } from "./model.js";

/** The subset of a Secrets Manager client the runtime needs. Inject a fake with {@link configureSecrets}. */
export interface SecretsManagerLike {
  getSecretValue(input: {
    SecretId: string;
  }): Promise<{ SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined }>;
}

/**
 * A local override of secret lookups. Return the secret's key/value map, or `undefined` to let the next
 * source answer (the global hook, then `CONNECTORKIT_SECRETS_FILE`, then Secrets Manager).
 */
export type SecretsOverride = (
  secretArn: string,
  authenticationType: AuthenticationType | null,
) => StringMap | undefined | Promise<StringMap | undefined>;

/**
 * `globalThis[SECRETS_OVERRIDE_SYMBOL]` may hold a {@link SecretsOverride}. The CLI sets it to run a
 * separately bundled copy of this SDK in-process, since it cannot reach that copy's module instance.
 */
export const SECRETS_OVERRIDE_SYMBOL: unique symbol = Symbol.for("connectorkit.secretsOverride") as never;

/**
 * Name of the environment variable that points at a JSON file of secrets, for subprocess runs.
 *
 * The file holds either
 * - **one secret**: an object whose values are all strings (numbers and booleans are accepted and
 *   converted), used for every secret ARN, e.g. `{"apiKey": "k-123"}`; or
 * - **secrets keyed by ARN**: an object whose values are all objects, e.g.
 *   `{"arn:aws:secretsmanager:…:secret:a": {"apiKey": "…"}, "*": {"apiKey": "fallback"}}`, where `"*"` is
 *   used for any ARN not listed. An ARN that is neither listed nor covered by `"*"` fails with
 *   `ResourceNotFoundError` (it does not fall through to AWS).
 *
 * The file is read on every lookup (no caching), so it can be edited between calls.
 */
export const SECRETS_FILE_ENV = "CONNECTORKIT_SECRETS_FILE";

/** Credentials resolved from a profile's secret. `values` holds every key of the secret. */
export type ResolvedCredentials =
  | {
      authenticationType: "BasicAuth";
      secretArn: string;
      username: string;
      password: string;
      values: StringMap;
    }
  | {
      authenticationType: "ApiKey";
      secretArn: string;
      apiKey: string;
      /** `null` when the secret has no `apiSecretKey`. */
      apiSecretKey: string | null;
      values: StringMap;
    }
  | {
      authenticationType: "OAuth2";
      secretArn: string;
      /** Use this one: AppFlow refreshes tokens itself. */
      accessToken: string;
      refreshToken: string | null;
      values: StringMap;
    }
  | {
      authenticationType: "CustomAuth";
      secretArn: string;
      /** Which of the connector's custom schemes (`CustomAuthConfig.authenticationType`) the secret holds. */
      customAuthenticationType: string | null;
      /** The scheme's parameters, without the `customAuthenticationType` and `authenticationType` keys. */
      values: StringMap;
    }
  | {
      /** The request did not say which kind of credentials the secret holds. */
      authenticationType: null;
      secretArn: string;
      values: StringMap;
    };

/** Options of {@link configureSecrets}. */
export interface SecretsOptions {
  /** A client to use instead of the lazily created AWS SDK client (`null` restores the default). */
  client?: SecretsManagerLike | null;
  /**
   * How long a secret's value is cached in the warm environment. Default 5 minutes. `0` disables caching.
   * Values are also dropped when a response reports `InvalidCredentials`, so that a token AppFlow has just
   * refreshed is read again.
   */
  cacheTtlMs?: number;
  /** Clock used for the cache (tests). */
  now?: () => number;
}

/** Default value-cache lifetime. */
export const DEFAULT_SECRETS_CACHE_TTL_MS = 5 * 60 * 1000;
/** Seconds after which AppFlow is told to retry when a fresh secret is not yet visible. */
const EVENTUAL_CONSISTENCY_RETRY_SECONDS = 10;
/** Secret values shorter than this are not redacted (too likely to match ordinary text). */
const MIN_REDACTED_LENGTH = 4;
const MAX_REMEMBERED_VALUES = 1000;

interface CacheEntry {
  value: StringMap;
  expiresAt: number;
}

let injectedClient: SecretsManagerLike | null = null;
let defaultClientPromise: Promise<SecretsManagerLike> | null = null;
let cacheTtlMs = DEFAULT_SECRETS_CACHE_TTL_MS;
let clock: () => number = Date.now;
let moduleOverride: SecretsOverride | null = null;
const cache = new Map<string, CacheEntry>();
const inflight = new Map<string, Promise<StringMap>>();
const rememberedValues = new Set<string>();

/** Configures the secrets module: an injected client, the cache lifetime, the clock. */
export function configureSecrets(options: SecretsOptions): void {
  if (options.client !== undefined) {
    injectedClient = options.client;
    cache.clear();
  }
  if (options.cacheTtlMs !== undefined) cacheTtlMs = Math.max(0, options.cacheTtlMs);
  if (options.now !== undefined) clock = options.now;
}

/** Restores the defaults: no injected client, no override, empty cache, 5-minute TTL, real clock. */
export function resetSecrets(): void {
  injectedClient = null;
  defaultClientPromise = null;
  cacheTtlMs = DEFAULT_SECRETS_CACHE_TTL_MS;
  clock = Date.now;
  moduleOverride = null;
  cache.clear();
  inflight.clear();
}

/** Drops cached values: of one secret, or of all secrets when no ARN is given. */
export function clearSecretsCache(secretArn?: string): void {
  if (secretArn === undefined) cache.clear();
  else cache.delete(secretArn);
}

/**
 * Installs (or, with `null`, removes) a local override of secret lookups for this copy of the SDK. See
 * also {@link SECRETS_OVERRIDE_SYMBOL} and {@link SECRETS_FILE_ENV}.
 *
 * @example
 * ```ts
 * setSecretsOverride(() => ({ apiKey: process.env.TICKETS_API_KEY ?? "" }));
 * ```
 */
export function setSecretsOverride(fn: SecretsOverride | null): void {
  moduleOverride = fn;
}

/**
 * Reads a secret and returns its `SecretString` parsed as a JSON object of strings.
 *
 * Lookup order: the {@link setSecretsOverride} hook, the global-symbol hook, the
 * `CONNECTORKIT_SECRETS_FILE` file, then Secrets Manager (cached for the configured TTL).
 *
 * @throws ConnectorError `ResourceNotFoundError` / `AccessDenied` (with `retryAfterSeconds`) when a fresh
 * secret is not visible yet, `InvalidCredentials` when the content is not a JSON object, and other codes
 * for other Secrets Manager failures.
 */
export async function getSecret(
  secretArn: string,
  authenticationType: AuthenticationType | null = null,
): Promise<StringMap> {
  if (typeof secretArn !== "string" || secretArn === "") {
    throw new ConnectorError("InvalidArgument", "credentials.secretArn is missing");
  }
  const overridden = await fromOverrides(secretArn, authenticationType);
  if (overridden !== undefined) return overridden;

  const hit = cache.get(secretArn);
  if (hit !== undefined && hit.expiresAt > clock()) return hit.value;
  const pending = inflight.get(secretArn);
  if (pending !== undefined) return pending;

  const promise = fetchSecret(secretArn).finally(() => inflight.delete(secretArn));
  inflight.set(secretArn, promise);
  const value = await promise;
  if (cacheTtlMs > 0) cache.set(secretArn, { value, expiresAt: clock() + cacheTtlMs });
  return value;
}

/**
 * Resolves a request's {@link Credentials} into typed credentials.
 *
 * - `null` credentials, or no `secretArn` → `null` (a connector without authentication).
 * - `BasicAuth` → `username`, `password`; `ApiKey` → `apiKey`, `apiSecretKey`; `OAuth2` → `accessToken`,
 *   `refreshToken` (AppFlow refreshes tokens itself; an expired token should be reported as
 *   `InvalidCredentials`).
 * - `CustomAuth` → the scheme name in `customAuthenticationType`, and `values` without the
 *   `customAuthenticationType` and `authenticationType` keys.
 *
 * @throws ConnectorError `InvalidCredentials` when a key the type needs is missing, plus the errors of
 * {@link getSecret}.
 */
export async function getCredentials(
  credentials: Credentials | null | undefined,
): Promise<ResolvedCredentials | null> {
  if (credentials == null || credentials.secretArn == null) return null;
  const secretArn = credentials.secretArn;
  const type = credentials.authenticationType ?? null;
  const values = await getSecret(secretArn, type);
  const need = (key: string): string => {
    const v = values[key];
    if (v === undefined || v === "") {
      throw new ConnectorError("InvalidCredentials", `The ${type} secret has no '${key}' value`);
    }
    return v;
  };
  switch (type) {
    case "BasicAuth":
      return {
        authenticationType: type,
        secretArn,
        username: need("username"),
        password: need("password"),
        values,
      };
    case "ApiKey":
      return {
        authenticationType: type,
        secretArn,
        apiKey: need("apiKey"),
        apiSecretKey: values.apiSecretKey ?? null,
        values,
      };
    case "OAuth2":
      return {
        authenticationType: type,
        secretArn,
        accessToken: need("accessToken"),
        refreshToken: values.refreshToken ?? null,
        values,
      };
    case "CustomAuth": {
      const { customAuthenticationType, authenticationType: _ignored, ...rest } = values;
      return {
        authenticationType: type,
        secretArn,
        customAuthenticationType: customAuthenticationType ?? null,
        values: rest,
      };
    }
    default:
      return { authenticationType: null, secretArn, values };
  }
}

/**
 * Replaces every secret value this module has loaded (of at least 4 characters) by `****`. The handler
 * applies it to every error message it returns and every line it logs.
 */
export function redactSecrets(text: string): string {
  if (rememberedValues.size === 0 || text === "") return text;
  let out = text;
  // Longest first, so that a value containing another one is replaced whole.
  for (const value of [...rememberedValues].sort((a, b) => b.length - a.length)) {
    if (out.includes(value)) out = out.split(value).join("****");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

async function fromOverrides(
  secretArn: string,
  authenticationType: AuthenticationType | null,
): Promise<StringMap | undefined> {
  const hooks: unknown[] = [moduleOverride, (globalThis as Record<symbol, unknown>)[SECRETS_OVERRIDE_SYMBOL]];
  for (const hook of hooks) {
    if (typeof hook !== "function") continue;
    const value: unknown = await (hook as SecretsOverride)(secretArn, authenticationType);
    if (value !== undefined) return toStringMap(value, "The secrets override");
  }
  const file = process.env[SECRETS_FILE_ENV];
  if (file !== undefined && file !== "") return fromFile(file, secretArn);
  return undefined;
}

async function fromFile(path: string, secretArn: string): Promise<StringMap> {
  let text: string;
  try {
    // Loaded on first use only, to keep the SDK's import fast.
    const { readFile } = await import("node:fs/promises");
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ConnectorError("ResourceNotFoundError", `${SECRETS_FILE_ENV}: cannot read ${path} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the file's content, so it is not passed on.
    throw new ConnectorError("InvalidCredentials", `${SECRETS_FILE_ENV}: ${path} is not valid JSON`);
  }
  if (!isPlainObject(parsed)) {
    throw new ConnectorError("InvalidCredentials", `${SECRETS_FILE_ENV}: ${path} must hold a JSON object`);
  }
  const values = Object.values(parsed);
  const keyed = values.length > 0 && values.every(isPlainObject);
  if (!keyed) return toStringMap(parsed, `${SECRETS_FILE_ENV} (${path})`);
  const entry = parsed[secretArn] ?? parsed["*"];
  if (entry === undefined) {
    throw new ConnectorError(
      "ResourceNotFoundError",
      `${SECRETS_FILE_ENV}: ${path} has no entry for ${secretArn} and no "*" fallback`,
    );
  }
  return toStringMap(entry, `${SECRETS_FILE_ENV} (${path}) entry`);
}

async function fetchSecret(secretArn: string): Promise<StringMap> {
  const client = await getClient();
  let output: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined };
  try {
    output = await client.getSecretValue({ SecretId: secretArn });
  } catch (err) {
    throw mapSecretsManagerError(err, secretArn);
  }
  if (typeof output.SecretString !== "string") {
    throw new ConnectorError(
      "InvalidCredentials",
      `Secret ${secretArn} has no SecretString (binary secrets are not supported)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(output.SecretString);
  } catch {
    // JSON.parse messages quote the input: never pass them on.
    throw new ConnectorError("InvalidCredentials", `Secret ${secretArn} is not a JSON object`);
  }
  return toStringMap(parsed, `Secret ${secretArn}`);
}

async function getClient(): Promise<SecretsManagerLike> {
  if (injectedClient !== null) return injectedClient;
  if (defaultClientPromise === null) {
    defaultClientPromise = createDefaultClient();
    defaultClientPromise.catch(() => {
      defaultClientPromise = null;
    });
  }
  return defaultClientPromise;
}

async function createDefaultClient(): Promise<SecretsManagerLike> {
  let mod: typeof import("@aws-sdk/client-secrets-manager");
  try {
    mod = await import("@aws-sdk/client-secrets-manager");
  } catch {
    throw new ConnectorError(
      "UnknownError",
      "Cannot load the AWS SDK's Secrets Manager client (the Lambda Node.js runtime provides it; " +
        `install it for local runs, or set ${SECRETS_FILE_ENV})`,
    );
  }
  const client = new mod.SecretsManagerClient({});
  return {
    getSecretValue: (input) => client.send(new mod.GetSecretValueCommand(input)),
  };
}

/** Maps a Secrets Manager SDK error to a ConnectorError. Exported for tests. */
export function mapSecretsManagerError(err: unknown, secretArn: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const name =
    typeof (err as { name?: unknown })?.name === "string" ? (err as { name: string }).name : "Error";
  const retry = EVENTUAL_CONSISTENCY_RETRY_SECONDS;
  switch (name) {
    case "ResourceNotFoundException":
      return new ConnectorError(
        "ResourceNotFoundError",
        `Secret ${secretArn} not found (a new secret can take a few seconds to become visible)`,
        { retryAfterSeconds: retry, cause: err },
      );
    case "AccessDeniedException":
      return new ConnectorError(
        "AccessDenied",
        `Access denied reading secret ${secretArn}: the function's role needs ` +
          "secretsmanager:GetSecretValue (a new secret can take a few seconds to become readable)",
        { retryAfterSeconds: retry, cause: err },
      );
    case "DecryptionFailure":
      return new ConnectorError(
        "AccessDenied",
        `Cannot decrypt secret ${secretArn} (check KMS permissions)`,
        {
          cause: err,
        },
      );
    case "ThrottlingException":
    case "TooManyRequestsException":
      return new ConnectorError("RateLimitExceeded", `Secrets Manager throttled reading ${secretArn}`, {
        retryAfterSeconds: 1,
        cause: err,
      });
    case "InternalServiceError":
      return new ConnectorError("ServiceUnavailable", `Secrets Manager failed reading ${secretArn}`, {
        retryAfterSeconds: 1,
        cause: err,
      });
    case "InvalidRequestException":
    case "InvalidParameterException":
      return new ConnectorError(
        "InvalidArgument",
        `Secrets Manager rejected reading ${secretArn} (${name})`,
        {
          cause: err,
        },
      );
    case "TimeoutError":
      return new ConnectorError("RequestTimeout", `Timed out reading secret ${secretArn}`, { cause: err });
    default:
      return new ConnectorError("UnknownError", `Reading secret ${secretArn} failed (${name})`, {
        cause: err,
      });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates a secret object, converts primitives to strings, and remembers the values for redaction. */
function toStringMap(value: unknown, what: string): StringMap {
  if (!isPlainObject(value)) throw new ConnectorError("InvalidCredentials", `${what} is not a JSON object`);
  const out: StringMap = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "string") out[key] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[key] = String(v);
    else throw new ConnectorError("InvalidCredentials", `${what}: the value of '${key}' is not a string`);
  }
  for (const v of Object.values(out)) remember(v);
  return out;
}

function remember(value: string): void {
  if (value.length < MIN_REDACTED_LENGTH || rememberedValues.has(value)) return;
  if (rememberedValues.size >= MAX_REMEMBERED_VALUES) {
    const oldest = rememberedValues.values().next().value;
    if (oldest !== undefined) rememberedValues.delete(oldest);
  }
  rememberedValues.add(value);
  // A value with characters that JSON escapes may appear escaped in serialised text.
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) rememberedValues.add(escaped);
}
