import { createRequire } from "node:module";
import type { AppflowClientConfig } from "@aws-sdk/client-appflow";
import type { ECRClientConfig } from "@aws-sdk/client-ecr";
import type { IAMClientConfig } from "@aws-sdk/client-iam";
import type { LambdaClientConfig } from "@aws-sdk/client-lambda";
import type { STSClientConfig } from "@aws-sdk/client-sts";
import { CliError, ExitCode } from "../ui/errors.js";

/**
 * AWS SDK v3 clients for the CLI, created lazily (the SDK is imported only by commands that talk to
 * AWS) with one place that decides region, profile, credentials and endpoint overrides.
 */
export type AwsService = "ecr" | "lambda" | "iam" | "appflow" | "sts";

export interface AwsOptions {
  region?: string;
  profile?: string;
  /** One endpoint for every service (`--endpoint-url` of register, unregister, status). */
  endpointUrl?: string;
  /** Per-service endpoints (CONNECTOR_<SERVICE>_ENDPOINT); they win over `endpointUrl`. */
  endpoints?: Partial<Record<AwsService, string>>;
  /** Max attempts for throttling and transient errors (SDK retry strategy). Default 5. */
  maxAttempts?: number;
  /**
   * The command's environment. When it holds AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and
   * AWS_SESSION_TOKEN) those are used; otherwise the SDK's default credential chain runs.
   */
  env?: NodeJS.ProcessEnv;
}

/** `CONNECTOR_<SERVICE>_ENDPOINT` environment variables, e.g. CONNECTOR_ECR_ENDPOINT. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<AwsService, string>> {
  const out: Partial<Record<AwsService, string>> = {};
  for (const s of ["ecr", "lambda", "iam", "appflow", "sts"] as const) {
    const v = env[`CONNECTOR_${s.toUpperCase()}_ENDPOINT`];
    if (v) out[s] = v;
  }
  return out;
}

/**
 * Region: `--region` > CONNECTOR_AWS_REGION (via connector.json precedence) > AWS_REGION >
 * AWS_DEFAULT_REGION. A missing region is a usage error with a hint, not an SDK stack trace.
 */
export function requireRegion(region: string | undefined, env: NodeJS.ProcessEnv): string {
  const r = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!r) {
    throw new CliError("AWS_REGION_MISSING", "No AWS region is set.", {
      hint: "Pass --region, set aws.region in connector.json, or export AWS_REGION.",
      exitCode: ExitCode.Usage,
    });
  }
  return r;
}

interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: unknown;
  maxAttempts: number;
}

const requireCjs = createRequire(import.meta.url);

/**
 * @aws-sdk/client-ecr through `require`: its CommonJS build loads about 40 ms faster than the ESM
 * one through `import()`, which counts for `connector push` (a no-op re-push is a few requests).
 * Every ECR use goes through here, so only one of the two builds is ever loaded.
 */
export function ecrSdk(): typeof import("@aws-sdk/client-ecr") {
  return requireCjs("@aws-sdk/client-ecr") as typeof import("@aws-sdk/client-ecr");
}

// The SDK warns on every Node 20 start that future releases need Node 22; the CLI supports
// Node >= 20.19 and says so itself, so the warning is only noise in command output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

async function config(service: AwsService, options: AwsOptions): Promise<ClientConfig> {
  // The more specific setting wins: a per-service endpoint over the one for every service.
  const endpoint = options.endpoints?.[service] ?? options.endpointUrl;
  const cfg: ClientConfig = {
    region: options.region ?? "us-east-1",
    maxAttempts: options.maxAttempts ?? 5,
    ...(endpoint ? { endpoint } : {}),
  };
  const env = options.env;
  if (options.profile) {
    const { fromIni } = await import("@aws-sdk/credential-providers");
    cfg.credentials = fromIni({ profile: options.profile });
  } else if (env?.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    cfg.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  if (!options.region && env) {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (region) cfg.region = region;
  }
  return cfg;
}

export async function ecrClient(options: AwsOptions) {
  const { ECRClient } = ecrSdk();
  return new ECRClient((await config("ecr", options)) as ECRClientConfig);
}

export async function lambdaClient(options: AwsOptions) {
  const { LambdaClient } = await import("@aws-sdk/client-lambda");
  return new LambdaClient((await config("lambda", options)) as LambdaClientConfig);
}

export async function iamClient(options: AwsOptions) {
  const { IAMClient } = await import("@aws-sdk/client-iam");
  return new IAMClient((await config("iam", options)) as IAMClientConfig);
}

export async function appflowClient(options: AwsOptions) {
  const { AppflowClient } = await import("@aws-sdk/client-appflow");
  return new AppflowClient((await config("appflow", options)) as AppflowClientConfig);
}

export async function stsClient(options: AwsOptions) {
  const { STSClient } = await import("@aws-sdk/client-sts");
  return new STSClient((await config("sts", options)) as STSClientConfig);
}

/** The caller's account ID (STS GetCallerIdentity). */
export async function callerAccount(options: AwsOptions): Promise<string> {
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = await stsClient(options);
  try {
    const r = await sts.send(new GetCallerIdentityCommand({}));
    if (!r.Account) throw new Error("GetCallerIdentity returned no Account");
    return r.Account;
  } catch (error) {
    throw awsError(error, "sts:GetCallerIdentity");
  } finally {
    sts.destroy();
  }
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "EPIPE"]);

/**
 * Turns an AWS SDK error into a CliError: access problems name the IAM action to grant, throttling
 * and validation errors keep AWS's message, network failures exit 4, everything else exits 3.
 * `action` is the IAM action of the call, e.g. `lambda:CreateFunction`.
 */
export function awsError(error: unknown, action: string, context?: string): CliError {
  if (error instanceof CliError) return error;
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? "Error";
  const message = e.message ?? String(error);
  const where = context ? `${context}: ` : "";
  const status = e.$metadata?.httpStatusCode;
  if (NETWORK_CODES.has(e.code ?? "") || /ECONNREFUSED|ENOTFOUND|socket hang up|ECONNRESET/.test(message)) {
    return new CliError("NETWORK", `${where}${action} could not reach AWS: ${message}`, {
      hint: "Check the network, the region and any --endpoint-url override.",
      exitCode: ExitCode.Network,
      cause: error,
    });
  }
  // Bad keys also answer 403: recognise them before the generic access-denied case.
  if (
    /ExpiredToken|InvalidClientTokenId|UnrecognizedClient|CredentialsProviderError|InvalidSignature/.test(
      name,
    )
  ) {
    return new CliError("AWS_CREDENTIALS", `${where}AWS rejected the credentials: ${message}`, {
      hint: "Refresh your credentials (aws sso login, a new session) or pick another --profile.",
      exitCode: ExitCode.Aws,
      cause: error,
    });
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name) || status === 403) {
    return new CliError("AWS_ACCESS_DENIED", `${where}${action} was denied: ${message}`, {
      hint: `Grant ${action} to the caller's IAM identity (see docs/register.md for the full list).`,
      exitCode: ExitCode.Aws,
      cause: error,
    });
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(name) || status === 429) {
    return new CliError("AWS_THROTTLED", `${where}${action} was throttled after retries: ${message}`, {
      hint: "Wait a moment and re-run; the command is safe to repeat.",
      exitCode: ExitCode.Aws,
      cause: error,
    });
  }
  return new CliError(
    `AWS_${name
      .replace(/Exception$/, "")
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toUpperCase()}`,
    `${where}${action} failed: ${name}: ${message}`,
    {
      hint: "See AWS's message above; the command is safe to re-run once it is fixed.",
      exitCode: ExitCode.Aws,
      cause: error,
    },
  );
}
