/**
 * A loopback test double of Amazon AppFlow's REST-JSON API for custom connectors
 * (local-test-stack.md §5): RegisterConnector, UpdateConnectorRegistration, UnregisterConnector,
 * DescribeConnector and ListConnectors, with the real request and response shapes, validation and
 * error types, so that `@aws-sdk/client-appflow` pointed at it works unchanged.
 *
 * Fidelity: on Register and Update it reads the function's resource policy from the Lambda endpoint
 * (moto) and answers AccessDeniedException unless a statement lets appflow.amazonaws.com invoke it with
 * both the AWS:SourceAccount and AWS:SourceArn conditions; then it invokes the connector's
 * DescribeConnectorConfiguration (through the injectable `invoke`) and answers
 * ConnectorServerException when that fails, times out or breaks the response shape.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GetPolicyCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { checkResponseShape } from "../../src/conformance/shape.js";

/** AppFlow's error types and their HTTP statuses (appflow-protocol.md B). */
export const APPFLOW_ERRORS: Record<string, number> = {
  ValidationException: 400,
  ConnectorServerException: 400,
  UnsupportedOperationException: 400,
  ConnectorAuthenticationException: 401,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
};

const ROUTES: Record<string, string> = {
  "/register-connector": "RegisterConnector",
  "/update-connector-registration": "UpdateConnectorRegistration",
  "/unregister-connector": "UnregisterConnector",
  "/describe-connector": "DescribeConnector",
  "/list-connectors": "ListConnectors",
};

const LABEL = /^[a-zA-Z0-9][\w!@#.-]+$/;
const DESCRIPTION = /^[\s\w/!@#+=.-]*$/;
const LAMBDA_ARN = /^arn:aws:.*:.*:[0-9]+:.*$/;
const CLIENT_TOKEN = /^[ -~]+$/;
const NEXT_TOKEN = /^\S+$/;
const TOKEN_TTL_MS = 8 * 3600 * 1000;

export type InvokeFn = (lambdaArn: string, event: Record<string, unknown>) => Promise<unknown>;

export interface AppflowDoubleOptions {
  region?: string;
  account?: string;
  /**
   * A Lambda endpoint (moto) where the double reads the function's resource policy. Without it the
   * policy check is skipped.
   */
  lambdaEndpoint?: string;
  /**
   * How the double invokes the connector. Default: Lambda Invoke at `lambdaEndpoint` (moto echoes the
   * event, which fails the shape check, as a function without connector code would).
   */
  invoke?: InvokeFn;
  /** AppFlow's limit for configuration calls. Default 10 s. */
  invokeTimeoutMs?: number;
  /** Clock in ms (registeredAt). */
  now?: () => number;
}

export interface RecordedRequest {
  operation: string;
  route: string;
  body: Record<string, unknown>;
  status: number;
  errorType?: string;
  at: number;
}

export interface StoredConnector {
  label: string;
  description?: string;
  lambdaArn: string;
  connectorArn: string;
  /** Epoch seconds. */
  registeredAt: number;
  /** The connector's DescribeConnectorConfiguration answer, as returned by the Lambda. */
  configuration: Record<string, unknown>;
  /** How many times AppFlow read the configuration (1 after Register, +1 per Update). */
  reads: number;
  profiles: Set<string>;
}

export interface AppflowDouble {
  url: string;
  readonly requests: RecordedRequest[];
  /** Requests of one operation (`RegisterConnector` or its route `register-connector`). */
  requestsFor(operation: string): RecordedRequest[];
  /** The next `times` calls of `route` fail with `exceptionName` (e.g. ThrottlingException). */
  failNext(route: string, exceptionName: string, times?: number, message?: string): void;
  /** Pretends a connector profile uses the connector (UnregisterConnector then needs forceDelete). */
  seedProfile(label: string, profileName: string): void;
  connector(label: string): StoredConnector | undefined;
  setInvoke(fn: InvokeFn): void;
  /** Forgets connectors, requests, injected failures and idempotency tokens. */
  reset(): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function operationOf(route: string): string {
  const key = route.startsWith("/") ? route : `/${route}`;
  return ROUTES[key] ?? route;
}

function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new ApiError("ValidationException", `${key} must be a string`);
  return v;
}

function checkLabel(label: string | undefined, required: boolean): string | undefined {
  if (label === undefined) {
    if (required) throw new ApiError("ValidationException", "connectorLabel is required");
    return undefined;
  }
  if (label.length > 256 || !LABEL.test(label)) {
    throw new ApiError(
      "ValidationException",
      `1 validation error detected: Value '${label}' at 'connectorLabel' failed to satisfy constraint: ` +
        "Member must satisfy regular expression pattern: [a-zA-Z0-9][\\w!@#.-]+",
    );
  }
  return label;
}

function checkDescription(description: string | undefined): void {
  if (description === undefined) return;
  if (description.length > 1024) {
    throw new ApiError(
      "ValidationException",
      "1 validation error detected: Value at 'description' failed to satisfy constraint: " +
        "Member must have length less than or equal to 1024",
    );
  }
  if (!DESCRIPTION.test(description)) {
    throw new ApiError(
      "ValidationException",
      "1 validation error detected: Value at 'description' failed to satisfy constraint: " +
        "Member must satisfy regular expression pattern: [\\s\\w/!@#+=.-]*",
    );
  }
}

function lambdaArnOf(body: Record<string, unknown>, required: boolean): string | undefined {
  const config = body.connectorProvisioningConfig as { lambda?: { lambdaArn?: unknown } } | undefined;
  if (config === undefined || config === null) {
    if (required) throw new ApiError("ValidationException", "connectorProvisioningConfig is required");
    return undefined;
  }
  const arn = config.lambda?.lambdaArn;
  if (typeof arn !== "string") {
    throw new ApiError("ValidationException", "connectorProvisioningConfig.lambda.lambdaArn is required");
  }
  if (arn.length > 512 || !LAMBDA_ARN.test(arn)) {
    throw new ApiError(
      "ValidationException",
      `1 validation error detected: Value '${arn}' at 'connectorProvisioningConfig.lambda.lambdaArn' ` +
        "failed to satisfy constraint: " +
        "Member must satisfy regular expression pattern: arn:aws:.*:.*:[0-9]+:.*",
    );
  }
  return arn;
}

/** IAM ArnLike: `*` matches any run of characters, `?` one character. */
function arnLike(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
  );
  return re.test(value);
}

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Does a statement let AppFlow (this account, this connector) invoke the function? */
function allowsAppflow(s: Statement, account: string, connectorArn: string): boolean {
  if (s.Effect !== "Allow") return false;
  const principal = s.Principal as { Service?: unknown } | string | undefined;
  const services = typeof principal === "string" ? [principal] : asList(principal?.Service);
  if (!services.includes("appflow.amazonaws.com")) return false;
  const actions = asList(s.Action);
  if (!actions.includes("lambda:InvokeFunction") && !actions.includes("lambda:*")) return false;
  const c = s.Condition ?? {};
  const accounts = asList(c.StringEquals?.["AWS:SourceAccount"]);
  const arns = asList(c.ArnLike?.["AWS:SourceArn"]);
  return accounts.includes(account) && arns.some((p) => arnLike(p, connectorArn));
}

/** A12: the Lambda-side configuration as DescribeConnector shows it. */
export function mapConfiguration(c: StoredConnector): Record<string, unknown> {
  const cfg = c.configuration as Record<string, unknown> & {
    connectorModes?: string[];
    supportedTriggerTypes?: string[] | null;
    authenticationConfig?: Record<string, unknown> | null;
    connectorRuntimeSetting?: Record<string, unknown>[] | null;
  };
  const modes = cfg.connectorModes ?? [];
  const param = (p: Record<string, unknown>) =>
    prune({
      key: p.key,
      isRequired: p.required,
      label: p.label,
      description: p.description,
      isSensitiveField: p.sensitiveField,
      connectorSuppliedValues: p.connectorSuppliedValues,
      type: p.type,
    });
  const auth = cfg.authenticationConfig;
  const oauth = auth?.oAuth2Defaults as Record<string, unknown> | null | undefined;
  const custom = auth?.customAuthConfig as Record<string, unknown>[] | null | undefined;
  return prune({
    canUseAsSource: modes.includes("SOURCE"),
    canUseAsDestination: modes.includes("DESTINATION"),
    supportedSchedulingFrequencies: cfg.triggerFrequenciesSupported,
    isPrivateLinkEnabled: false,
    isPrivateLinkEndpointUrlRequired: false,
    supportedTriggerTypes: (cfg.supportedTriggerTypes ?? undefined)?.map((t) =>
      t === "SCHEDULED" ? "Scheduled" : t === "ONDEMAND" ? "OnDemand" : t,
    ),
    connectorType: "CustomConnector",
    connectorLabel: c.label,
    connectorDescription: c.description,
    connectorOwner: cfg.connectorOwner,
    connectorName: cfg.connectorName,
    connectorVersion: cfg.connectorVersion,
    connectorArn: c.connectorArn,
    connectorModes: modes,
    authenticationConfig: auth
      ? prune({
          isBasicAuthSupported: auth.isBasicAuthSupported,
          isApiKeyAuthSupported: auth.isApiKeyAuthSupported,
          isOAuth2Supported: auth.isOAuth2Supported,
          isCustomAuthSupported: auth.isCustomAuthSupported,
          oAuth2Defaults: oauth
            ? prune({
                oauthScopes: oauth.oAuthScopes,
                tokenUrls: oauth.tokenURL,
                authCodeUrls: oauth.authURL,
                oauth2GrantTypesSupported: oauth.oAuth2GrantTypesSupported,
                oauth2CustomProperties: (
                  oauth.oauth2CustomProperties as Record<string, unknown>[] | null
                )?.map(param),
              })
            : undefined,
          customAuthConfigs: custom?.map((a) =>
            prune({
              customAuthenticationType: a.authenticationType,
              authParameters: (a.authParameters as Record<string, unknown>[] | null)?.map(param),
            }),
          ),
        })
      : undefined,
    connectorRuntimeSettings: cfg.connectorRuntimeSetting?.map((s) =>
      prune({
        key: s.key,
        dataType: s.dataType,
        isRequired: s.required,
        label: s.label,
        description: s.description,
        scope: s.scope,
        connectorSuppliedValueOptions: s.connectorSuppliedValueOptions,
      }),
    ),
    supportedApiVersions: cfg.supportedApiVersions,
    supportedOperators: cfg.operatorsSupported,
    supportedWriteOperations: cfg.supportedWriteOperations,
    connectorProvisioningType: "LAMBDA",
    connectorProvisioningConfig: { lambda: { lambdaArn: c.lambdaArn } },
    logoURL: cfg.logoURL,
    registeredAt: c.registeredAt,
    registeredBy: "CUSTOM",
    supportedDataTransferTypes: cfg.supportedDataTransferTypes,
  });
}

/** Drops null and undefined members (AppFlow leaves unset members out). */
function prune(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function detail(c: StoredConnector): Record<string, unknown> {
  const cfg = c.configuration;
  return prune({
    connectorDescription: c.description,
    connectorName: cfg.connectorName,
    connectorOwner: cfg.connectorOwner,
    connectorVersion: cfg.connectorVersion,
    connectorType: "CustomConnector",
    connectorLabel: c.label,
    registeredAt: c.registeredAt,
    registeredBy: "CUSTOM",
    connectorProvisioningType: "LAMBDA",
    connectorModes: cfg.connectorModes,
    supportedDataTransferTypes: cfg.supportedDataTransferTypes,
  });
}

export async function startAppflowDouble(options: AppflowDoubleOptions = {}): Promise<AppflowDouble> {
  const region = options.region ?? "us-east-1";
  const account = options.account ?? "123456789012";
  const now = options.now ?? (() => Date.now());
  const invokeTimeoutMs = options.invokeTimeoutMs ?? 10_000;
  const connectors = new Map<string, StoredConnector>();
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, { type: string; times: number; message?: string }[]>();
  const tokens = new Map<string, { key: string; at: number; response: Record<string, unknown> }>();
  const lambda = options.lambdaEndpoint
    ? new LambdaClient({
        region,
        endpoint: options.lambdaEndpoint,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        maxAttempts: 1,
      })
    : undefined;

  let invoke: InvokeFn =
    options.invoke ??
    (async (lambdaArn, event) => {
      if (!lambda) throw new Error("the double has no invoke function and no Lambda endpoint");
      const r = await lambda.send(
        new InvokeCommand({ FunctionName: lambdaArn, Payload: Buffer.from(JSON.stringify(event)) }),
      );
      if (r.FunctionError) throw new Error(`function error ${r.FunctionError}`);
      return JSON.parse(Buffer.from(r.Payload ?? new Uint8Array()).toString("utf8") || "null");
    });

  const connectorArnFor = (label: string) => `arn:aws:appflow:${region}:${account}:connector/${label}`;

  async function checkPolicy(lambdaArn: string, connectorArn: string): Promise<void> {
    if (!lambda) return;
    let policy: { Statement?: Statement[] | Statement } | undefined;
    try {
      const r = await lambda.send(new GetPolicyCommand({ FunctionName: lambdaArn }));
      policy = r.Policy ? (JSON.parse(r.Policy) as typeof policy) : undefined;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== "ResourceNotFoundException") throw error;
    }
    const statements = policy?.Statement ? asList2(policy.Statement) : [];
    if (!statements.some((s) => allowsAppflow(s, account, connectorArn))) {
      throw new ApiError(
        "AccessDeniedException",
        `AppFlow is not authorized to invoke ${lambdaArn}: its resource policy must allow ` +
          "appflow.amazonaws.com lambda:InvokeFunction with AWS:SourceAccount and AWS:SourceArn conditions",
      );
    }
  }

  async function readConfiguration(lambdaArn: string, label: string): Promise<Record<string, unknown>> {
    const event = { type: "DescribeConnectorConfigurationRequest", locale: "en-US" };
    let timer: NodeJS.Timeout | undefined;
    let response: unknown;
    try {
      response = await Promise.race([
        invoke(lambdaArn, event),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the connector did not answer within ${invokeTimeoutMs / 1000} s`)),
            invokeTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      throw new ApiError(
        "ConnectorServerException",
        `Failed to invoke the connector ${label} (DescribeConnectorConfiguration): ` +
          (error as Error).message,
      );
    } finally {
      clearTimeout(timer);
    }
    const issues = checkResponseShape("DescribeConnectorConfigurationRequest", response);
    if (issues.length > 0) {
      throw new ApiError(
        "ConnectorServerException",
        `No valid response found in the connector response for DescribeConnectorConfiguration: ${issues
          .slice(0, 3)
          .map((i) => `${i.path} ${i.message}`)
          .join("; ")}`,
      );
    }
    const r = response as Record<string, unknown> & { errorDetails?: { errorMessage?: string } };
    if (r.isSuccess !== true) {
      throw new ApiError(
        "ConnectorServerException",
        "The connector answered DescribeConnectorConfiguration with an error: " +
          (r.errorDetails?.errorMessage ?? "?"),
      );
    }
    return r;
  }

  /** Idempotency: a token reused with the same request within 8 h replays the first answer. */
  function replay(operation: string, body: Record<string, unknown>): Record<string, unknown> | undefined {
    const token = body.clientToken;
    if (token === undefined || token === null) return undefined;
    if (typeof token !== "string" || token.length > 256 || !CLIENT_TOKEN.test(token)) {
      throw new ApiError("ValidationException", "clientToken must be 1-256 printable ASCII characters");
    }
    const seen = tokens.get(`${operation}\u0000${token}`);
    if (!seen || now() - seen.at > TOKEN_TTL_MS) return undefined;
    const { clientToken: _t, ...rest } = body;
    if (seen.key !== JSON.stringify(rest)) {
      throw new ApiError(
        "ConflictException",
        `clientToken ${token} was already used with different parameters`,
      );
    }
    return seen.response;
  }

  function remember(
    operation: string,
    body: Record<string, unknown>,
    response: Record<string, unknown>,
  ): void {
    const token = body.clientToken;
    if (typeof token !== "string") return;
    const { clientToken: _t, ...rest } = body;
    tokens.set(`${operation}\u0000${token}`, { key: JSON.stringify(rest), at: now(), response });
  }

  const handlers: Record<string, (body: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
    async RegisterConnector(body) {
      const label = checkLabel(str(body, "connectorLabel"), true) as string;
      const description = str(body, "description");
      checkDescription(description);
      if (body.connectorProvisioningType !== "LAMBDA") {
        throw new ApiError("ValidationException", "connectorProvisioningType must be LAMBDA");
      }
      const lambdaArn = lambdaArnOf(body, true) as string;
      const replayed = replay("RegisterConnector", body);
      if (replayed) return replayed;
      if (connectors.has(label)) {
        throw new ApiError("ConflictException", `A connector with the label ${label} already exists`);
      }
      const connectorArn = connectorArnFor(label);
      await checkPolicy(lambdaArn, connectorArn);
      const configuration = await readConfiguration(lambdaArn, label);
      connectors.set(label, {
        label,
        ...(description !== undefined ? { description } : {}),
        lambdaArn,
        connectorArn,
        registeredAt: now() / 1000,
        configuration,
        reads: 1,
        profiles: new Set(),
      });
      const response = { connectorArn };
      remember("RegisterConnector", body, response);
      return response;
    },

    async UpdateConnectorRegistration(body) {
      const label = checkLabel(str(body, "connectorLabel"), true) as string;
      const description = str(body, "description");
      checkDescription(description);
      const newArn = lambdaArnOf(body, false);
      const replayed = replay("UpdateConnectorRegistration", body);
      if (replayed) return replayed;
      const c = connectors.get(label);
      if (!c)
        throw new ApiError("ResourceNotFoundException", `No connector registered with the label ${label}`);
      const lambdaArn = newArn ?? c.lambdaArn;
      await checkPolicy(lambdaArn, c.connectorArn);
      c.configuration = await readConfiguration(lambdaArn, label);
      c.lambdaArn = lambdaArn;
      c.reads += 1;
      if (description !== undefined) c.description = description;
      const response = { connectorArn: c.connectorArn };
      remember("UpdateConnectorRegistration", body, response);
      return response;
    },

    async UnregisterConnector(body) {
      const label = checkLabel(str(body, "connectorLabel"), true) as string;
      if (body.forceDelete !== undefined && typeof body.forceDelete !== "boolean") {
        throw new ApiError("ValidationException", "forceDelete must be a boolean");
      }
      const c = connectors.get(label);
      if (!c)
        throw new ApiError("ResourceNotFoundException", `No connector registered with the label ${label}`);
      if (c.profiles.size > 0 && body.forceDelete !== true) {
        throw new ApiError(
          "ConflictException",
          `The connector ${label} is used by connector profiles (${[...c.profiles].join(", ")}); ` +
            "set forceDelete to unregister it anyway",
        );
      }
      connectors.delete(label);
      return {};
    },

    async DescribeConnector(body) {
      const type = str(body, "connectorType");
      if (type === undefined) throw new ApiError("ValidationException", "connectorType is required");
      if (type !== "CustomConnector") {
        throw new ApiError(
          "UnsupportedOperationException",
          `The double only describes CustomConnector, not ${type}`,
        );
      }
      const label = checkLabel(str(body, "connectorLabel"), false);
      if (label === undefined) {
        throw new ApiError("ValidationException", "connectorLabel is required for custom connectors");
      }
      const c = connectors.get(label);
      if (!c)
        throw new ApiError("ResourceNotFoundException", `No connector registered with the label ${label}`);
      return { connectorConfiguration: mapConfiguration(c) };
    },

    async ListConnectors(body) {
      const max = body.maxResults ?? 20;
      if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 100) {
        throw new ApiError(
          "ValidationException",
          "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: " +
            "Member must have value between 1 and 100",
        );
      }
      let offset = 0;
      const token = str(body, "nextToken");
      if (token !== undefined) {
        const decoded = /^o(\d+)$/.exec(
          token.length <= 2048 && NEXT_TOKEN.test(token) ? Buffer.from(token, "base64url").toString() : "",
        );
        if (!decoded) throw new ApiError("ValidationException", "Invalid nextToken");
        offset = Number(decoded[1]);
      }
      const all = [...connectors.values()];
      const page = all.slice(offset, offset + max);
      const next =
        offset + max < all.length ? Buffer.from(`o${offset + max}`).toString("base64url") : undefined;
      return { connectors: page.map(detail), ...(next ? { nextToken: next } : {}) };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const route = (req.url ?? "/").split("?")[0] as string;
        const operation = ROUTES[route];
        let body: Record<string, unknown> = {};
        const send = (status: number, payload: Record<string, unknown>, errorType?: string) => {
          requests.push({
            operation: operation ?? route,
            route,
            body,
            status,
            ...(errorType ? { errorType } : {}),
            at: now(),
          });
          const text = JSON.stringify(payload);
          res.writeHead(status, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(text),
            "x-amzn-requestid": `double-${requests.length}`,
            ...(errorType ? { "x-amzn-errortype": errorType } : {}),
          });
          res.end(text);
        };
        const fail = (type: string, message: string) => send(APPFLOW_ERRORS[type] ?? 400, { message }, type);
        if (req.method !== "POST" || !operation) {
          send(404, { message: `No such operation: ${req.method} ${route}` }, "UnknownOperationException");
          return;
        }
        try {
          const text = Buffer.concat(chunks).toString("utf8");
          const parsed = text.trim() === "" ? {} : (JSON.parse(text) as unknown);
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            throw new ApiError("ValidationException", "The request body must be a JSON object");
          }
          body = parsed as Record<string, unknown>;
        } catch (error) {
          fail(
            "ValidationException",
            error instanceof ApiError ? error.message : "The request body is not JSON",
          );
          return;
        }
        const queue = failures.get(operation);
        const injected = queue?.[0];
        if (queue && injected) {
          injected.times -= 1;
          if (injected.times <= 0) queue.shift();
          fail(injected.type, injected.message ?? `Injected ${injected.type} for ${operation}`);
          return;
        }
        try {
          send(
            200,
            await (handlers[operation] as (b: Record<string, unknown>) => Promise<Record<string, unknown>>)(
              body,
            ),
          );
        } catch (error) {
          if (error instanceof ApiError) fail(error.type, error.message);
          else fail("InternalServerException", (error as Error).message);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsFor(op) {
      const name = operationOf(op);
      return requests.filter((r) => r.operation === name);
    },
    failNext(route, exceptionName, times = 1, message) {
      if (!(exceptionName in APPFLOW_ERRORS)) throw new Error(`unknown AppFlow error type ${exceptionName}`);
      const op = operationOf(route);
      if (!Object.values(ROUTES).includes(op)) throw new Error(`unknown AppFlow route ${route}`);
      const queue = failures.get(op) ?? [];
      queue.push({ type: exceptionName, times, ...(message ? { message } : {}) });
      failures.set(op, queue);
    },
    seedProfile(label, profileName) {
      const c = connectors.get(label);
      if (!c) throw new Error(`seedProfile: ${label} is not registered`);
      c.profiles.add(profileName);
    },
    connector: (label) => connectors.get(label),
    setInvoke(fn) {
      invoke = fn;
    },
    reset() {
      connectors.clear();
      requests.length = 0;
      failures.clear();
      tokens.clear();
    },
    async close() {
      lambda?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function asList2(s: Statement[] | Statement): Statement[] {
  return Array.isArray(s) ? s : [s];
}
