/**
 * Everything `connector register` (and `status`, `unregister`) needs to know before calling AWS:
 * which code to deploy, the function's settings, the label, and the validation of all of it
 * against the AppFlow, Lambda and IAM API constraints. Reads files; never calls AWS.
 */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_ZIP } from "../image/paths.js";
import type { Project } from "../project/index.js";
import { checkAppflowLabel, functionNameFor } from "../scaffold/names.js";
import { CliError, ExitCode } from "../ui/errors.js";
import { roleNameFor } from "./policies.js";

export const PUSH_RECORD = ".connector/push.json";
export { DEFAULT_ZIP };
/** Lambda's limit for a zip uploaded directly in CreateFunction / UpdateFunctionCode. */
export const MAX_DIRECT_ZIP_BYTES = 50 * 1024 * 1024;
/** The AWS Marketplace seller registry: Lambda cannot run images from it (D3). */
export const MARKETPLACE_REGISTRY = "709825985650";
export const NODE_RUNTIME = "nodejs22.x";
export const PYTHON_RUNTIME = "python3.12";

/** AppFlow API model constraints (botocore appflow service-2.json). */
export const DESCRIPTION_MAX = 1024;
export const DESCRIPTION_PATTERN = /^[\s\w/!@#+=.-]*$/;
export const LAMBDA_ARN_PATTERN = /^arn:aws:.*:.*:[0-9]+:.*$/;
export const LAMBDA_ARN_MAX = 512;
export const ROLE_ARN_PATTERN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\/?[a-zA-Z_0-9+=,.@\-/]+$/;
const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
const STATEMENT_ID_PATTERN = /^[a-zA-Z0-9-_]{1,100}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ENV_KEY_PATTERN = /^[a-zA-Z]\w*$/;
/** Environment variables Lambda reserves (it rejects functions that set them). */
const RESERVED_ENV = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

const ECR_IMAGE = new RegExp(
  [
    "^((\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?)", // registry
    "\\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)", // repository
    "(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?", // tag
    "(?:@(sha256:[a-f0-9]{64}))?$", // digest
  ].join(""),
);

export interface EcrImageRef {
  registry: string;
  account: string;
  region: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@sha256:…]`; undefined when not ECR. */
export function parseEcrImageUri(uri: string): EcrImageRef | undefined {
  const m = ECR_IMAGE.exec(uri);
  if (!m) return undefined;
  return {
    registry: m[1] as string,
    account: m[2] as string,
    region: m[3] as string,
    repository: m[4] as string,
    ...(m[5] ? { tag: m[5] } : {}),
    ...(m[6] ? { digest: m[6] } : {}),
  };
}

/** The image URI pinned to a digest: `<registry>/<repo>@sha256:…`. */
export function pinnedImageUri(ref: EcrImageRef, digest: string): string {
  return `${ref.registry}/${ref.repository}@${digest}`;
}

export type CodeSource =
  | {
      kind: "image";
      /** The URI as given (flag or push.json). */
      imageUri: string;
      /** Known digest (from the URI or push.json). */
      digest?: string;
      ref: EcrImageRef | undefined;
      from: "--image-uri" | typeof PUSH_RECORD;
    }
  | {
      kind: "zip";
      file: string;
      bytes: Buffer;
      size: number;
      /** base64 sha256 of the zip: what Lambda reports as CodeSha256. */
      sha256: string;
      from: "--zip" | typeof DEFAULT_ZIP;
    };

export interface RegisterInputs {
  label: string;
  description?: string;
  region: string;
  functionName: string;
  memorySize: number;
  timeout: number;
  architecture: "x86_64" | "arm64";
  environment: Record<string, string>;
  /** The execution role given by --role-arn or lambda.roleArn; absent = create/keep `roleName`. */
  roleArn?: string;
  /** Name of the role this tool manages when no role ARN is given. */
  roleName: string;
  statementId: string;
  publish: boolean;
  force: boolean;
  marketplaceSku?: string;
  language: "typescript" | "python";
  /** Zip functions only. */
  runtime: string;
  handler: string;
  /** `image.platform` from connector.json, when set. */
  imagePlatform?: string;
  code: CodeSource;
}

/** The parts of the inputs that need no code artifact (status and unregister). */
export type TargetInputs = Omit<RegisterInputs, "code"> & { code?: CodeSource };

export interface InputOptions {
  imageUri?: string;
  zip?: string;
  roleArn?: string;
  functionName?: string;
  description?: string;
  publish?: boolean;
  force?: boolean;
  region: string;
  /** Working directory for relative --zip paths. */
  cwd: string;
}

interface PushRecord {
  imageUri?: string;
  digest?: string;
  region?: string;
}

/**
 * Picks the code to deploy: --image-uri, --zip, .connector/push.json, .connector/function.zip (with
 * `image.format: "zip"`, the zip file comes before push.json). `required: false` returns undefined
 * instead of failing when nothing is found.
 */
export async function resolveCode(
  project: Project,
  options: { imageUri?: string; zip?: string; cwd: string },
  required = true,
): Promise<CodeSource | undefined> {
  if (options.imageUri && options.zip) {
    throw new CliError("USAGE", "--image-uri and --zip cannot be used together.", {
      hint: "Deploy either a container image or a zip.",
    });
  }
  if (options.imageUri) return imageSource(options.imageUri, undefined, "--image-uri");
  if (options.zip) return zipSource(path.resolve(options.cwd, options.zip), "--zip");
  const pushFile = project.resolve(PUSH_RECORD);
  const zipFile = project.resolve(DEFAULT_ZIP);
  const preferZip = project.get<string>("image.format") === "zip";
  const order: ("push" | "zip")[] = preferZip ? ["zip", "push"] : ["push", "zip"];
  for (const which of order) {
    if (which === "push" && existsSync(pushFile)) return pushSource(pushFile);
    if (which === "zip" && existsSync(zipFile)) return zipSource(zipFile, DEFAULT_ZIP);
  }
  if (!required) return undefined;
  throw new CliError(
    "REGISTER_NO_CODE",
    `Nothing to deploy: no --image-uri, no --zip, and neither ${PUSH_RECORD} nor ${DEFAULT_ZIP} exists.`,
    {
      hint:
        "Run `connector package` then `connector push` (container image), or " +
        "`connector package --format zip`, then run `connector register` again.",
      exitCode: ExitCode.Usage,
    },
  );
}

function imageSource(
  uri: string,
  digest: string | undefined,
  from: "--image-uri" | typeof PUSH_RECORD,
): CodeSource {
  const ref = parseEcrImageUri(uri);
  const known = ref?.digest ?? digest;
  return { kind: "image", imageUri: uri, ref, from, ...(known ? { digest: known } : {}) };
}

async function pushSource(file: string): Promise<CodeSource> {
  let record: PushRecord;
  try {
    record = JSON.parse(await readFile(file, "utf8")) as PushRecord;
  } catch (error) {
    throw new CliError("REGISTER_PUSH_RECORD", `${file} is not valid JSON: ${(error as Error).message}.`, {
      hint: "Run `connector push` again to rewrite it, or pass --image-uri.",
    });
  }
  if (typeof record.imageUri !== "string" || record.imageUri === "") {
    throw new CliError("REGISTER_PUSH_RECORD", `${file} has no imageUri.`, {
      hint: "Run `connector push` again to rewrite it, or pass --image-uri.",
    });
  }
  const digest =
    typeof record.digest === "string" && /^sha256:[a-f0-9]{64}$/.test(record.digest)
      ? record.digest
      : undefined;
  return imageSource(record.imageUri, digest, PUSH_RECORD);
}

async function zipSource(file: string, from: "--zip" | typeof DEFAULT_ZIP): Promise<CodeSource> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new CliError("REGISTER_ZIP_MISSING", `The zip ${file} does not exist.`, {
      hint: "Build it with `connector package --format zip`, or check the --zip path.",
    });
  }
  if (size > MAX_DIRECT_ZIP_BYTES) {
    throw new CliError(
      "REGISTER_ZIP_TOO_LARGE",
      `The zip ${file} is ${size} bytes; Lambda accepts at most ${MAX_DIRECT_ZIP_BYTES} bytes ` +
        "uploaded directly.",
      { hint: "Deploy a container image instead (`connector package` + `connector push`)." },
    );
  }
  const bytes = await readFile(file);
  // A zip starts with a local file header (PK\3\4), or is an empty archive (PK\5\6).
  const signature = bytes.length >= 22 ? bytes.readUInt32LE(0) : 0;
  if (signature !== 0x04034b50 && signature !== 0x06054b50) {
    throw new CliError("REGISTER_ZIP_INVALID", `${file} is not a zip file.`, {
      hint: "Build it with `connector package --format zip`.",
    });
  }
  const sha256 = createHash("sha256").update(bytes).digest("base64");
  return { kind: "zip", file, bytes, size, sha256, from };
}

/** Builds the inputs from connector.json (already merged with flags) and the command's options. */
export function targetInputs(project: Project, options: InputOptions): TargetInputs {
  const config = project.config;
  if (config.kind !== "appflow" || !config.appflow) {
    throw new CliError(
      "REGISTER_NOT_APPFLOW",
      "This project is not an AppFlow connector (kind is not appflow).",
      {
        hint: "Glue connectors are not deployed to Lambda; use `connector deeplink` for them.",
      },
    );
  }
  const label = config.appflow.label;
  const functionName =
    options.functionName ?? project.get<string>("lambda.functionName") ?? functionNameFor(label);
  const roleArn = options.roleArn ?? project.get<string>("lambda.roleArn");
  const description = options.description ?? config.appflow.description;
  const sku = config.appflow.marketplace?.productSku;
  const language = project.get<"typescript" | "python">("appflow.language") ?? "typescript";
  return {
    label,
    ...(description !== undefined ? { description } : {}),
    region: options.region,
    functionName,
    memorySize: project.get<number>("lambda.memorySize") ?? 256,
    timeout: project.get<number>("lambda.timeout") ?? 30,
    architecture: project.get<"x86_64" | "arm64">("lambda.architecture") ?? "x86_64",
    environment: { ...(project.get<Record<string, string>>("lambda.environment") ?? {}) },
    ...(roleArn ? { roleArn } : {}),
    roleName: roleNameFor(functionName),
    statementId: project.get<string>("register.statementId") ?? "appflow-invoke",
    publish: options.publish ?? project.get<boolean>("lambda.publish") ?? false,
    force: options.force ?? false,
    ...(sku ? { marketplaceSku: sku } : {}),
    language,
    runtime: language === "python" ? PYTHON_RUNTIME : NODE_RUNTIME,
    handler: project.get<string>("appflow.handler") ?? "index.handler",
    ...(config.image?.platform ? { imagePlatform: config.image.platform } : {}),
  };
}

export function functionArnFor(region: string, account: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${functionName}`;
}

/**
 * Checks every input against the API constraints before any AWS call, and reports all problems at
 * once. `account` is checked when known (after STS); before that a placeholder stands in.
 */
export function validateInputs(inputs: TargetInputs, opts: { account?: string; verb?: string } = {}): void {
  const { account } = opts;
  const problems: string[] = [];
  const labelProblem = checkAppflowLabel(inputs.label);
  if (labelProblem) problems.push(labelProblem);
  if (inputs.description !== undefined) {
    if (inputs.description.length > DESCRIPTION_MAX) {
      problems.push(
        `the description has ${inputs.description.length} characters; ` +
          `AppFlow accepts at most ${DESCRIPTION_MAX}`,
      );
    }
    if (!DESCRIPTION_PATTERN.test(inputs.description)) {
      const bad = [...new Set(inputs.description.replace(/[\s\w/!@#+=.-]/g, ""))].join(" ");
      problems.push(
        `the description has characters AppFlow rejects (${bad}); ` +
          "allowed: letters, digits, _, spaces and / ! @ # + = . -",
      );
    }
  }
  if (!REGION_PATTERN.test(inputs.region)) problems.push(`"${inputs.region}" is not an AWS region name`);
  if (!FUNCTION_NAME_PATTERN.test(inputs.functionName)) {
    problems.push(
      `the function name "${inputs.functionName}" must be 1-64 letters, digits, - or _ ` +
        "(--function-name, lambda.functionName)",
    );
  } else {
    const arn = functionArnFor(inputs.region, account ?? "000000000000", inputs.functionName);
    if (arn.length > LAMBDA_ARN_MAX || !LAMBDA_ARN_PATTERN.test(arn)) {
      problems.push(`the function ARN ${arn} does not match AppFlow's lambdaArn constraint`);
    }
  }
  if (inputs.roleArn !== undefined) {
    const m = ROLE_ARN_PATTERN.exec(inputs.roleArn);
    if (!m) {
      problems.push(`"${inputs.roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    } else if (account && m[1] !== account) {
      problems.push(
        `the role ${inputs.roleArn} is in account ${m[1]}, but the function is created in ${account}; ` +
          "Lambda needs an execution role of the same account",
      );
    }
  }
  if (!Number.isInteger(inputs.memorySize) || inputs.memorySize < 128 || inputs.memorySize > 10240) {
    problems.push(`lambda.memorySize ${inputs.memorySize} must be an integer from 128 to 10240 (MB)`);
  }
  if (!Number.isInteger(inputs.timeout) || inputs.timeout < 1 || inputs.timeout > 900) {
    problems.push(`lambda.timeout ${inputs.timeout} must be an integer from 1 to 900 (seconds)`);
  }
  let envSize = 0;
  for (const [key, value] of Object.entries(inputs.environment)) {
    envSize += key.length + value.length;
    if (!ENV_KEY_PATTERN.test(key))
      problems.push(`environment variable name "${key}" is not valid for Lambda`);
    else if (RESERVED_ENV.has(key)) problems.push(`environment variable ${key} is reserved by Lambda`);
  }
  if (envSize > 4096) problems.push(`lambda.environment is ${envSize} bytes; Lambda allows 4 KB in total`);
  if (!STATEMENT_ID_PATTERN.test(inputs.statementId)) {
    problems.push(`register.statementId "${inputs.statementId}" must be 1-100 letters, digits, - or _`);
  }
  const code = inputs.code;
  if (code?.kind === "image") {
    const ref = code.ref;
    if (!ref) {
      problems.push(
        `the image ${code.imageUri} (${code.from}) is not an Amazon ECR image URI ` +
          "(<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>); Lambda runs images from ECR only",
      );
    } else {
      if (ref.account === MARKETPLACE_REGISTRY) {
        problems.push(
          `the image ${code.imageUri} is in the AWS Marketplace seller registry; copy it into an ECR ` +
            "repository of your own account first (pull, re-tag, push), then register that image",
        );
      }
      if (ref.region !== inputs.region) {
        problems.push(
          `the image ${code.imageUri} is in ${ref.region}, but the function is in ${inputs.region}; ` +
            "Lambda only runs images from ECR in the function's own region (push it there, or pass --region)",
        );
      }
      if (!ref.tag && !ref.digest) problems.push(`the image ${code.imageUri} has neither a tag nor a digest`);
    }
    const wanted = inputs.architecture === "arm64" ? "linux/arm64" : "linux/amd64";
    if (inputs.imagePlatform && inputs.imagePlatform !== wanted) {
      problems.push(
        `image.platform is ${inputs.imagePlatform} but lambda.architecture is ${inputs.architecture}; ` +
          "the image would not start (make them match)",
      );
    }
  }
  if (code?.kind === "zip" && !/^[A-Za-z0-9_./-]+\.[A-Za-z_$][\w$]*$/.test(inputs.handler)) {
    problems.push(`appflow.handler "${inputs.handler}" is not a Lambda handler string (file.export)`);
  }
  if (problems.length === 0) return;
  const verb = opts.verb ?? "register";
  const list = problems.map((p) => `  - ${p}`).join("\n");
  throw new CliError(
    "REGISTER_INVALID_INPUT",
    problems.length === 1
      ? `Cannot ${verb}: ${problems[0]}.`
      : `Cannot ${verb}: ${problems.length} problems:\n${list}`,
    {
      hint: "Fix the values above (flags or connector.json); nothing was sent to AWS.",
      exitCode: ExitCode.Usage,
      details: { problems },
    },
  );
}
