/**
 * `connector register` as a domain operation: make the execution role, the Lambda function, its
 * AppFlow invoke permission and the AppFlow registration match the project, changing only what
 * differs. Never prints: progress goes to `onEvent`, the outcome is the returned RegisterResult,
 * and a failure halfway is a CliError that lists what exists now and how to finish or undo.
 */
import type { AppflowClient, ConnectorConfiguration } from "@aws-sdk/client-appflow";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { FunctionConfiguration, LambdaClient, Runtime } from "@aws-sdk/client-lambda";
import {
  appflowErrorName,
  describeConnector,
  registerConnector,
  updateConnectorRegistration,
} from "../aws/appflow.js";
import {
  type AwsOptions,
  appflowClient,
  awsError,
  callerAccount,
  ecrClient,
  ecrSdk,
  iamClient,
  lambdaClient,
} from "../aws/clients.js";
import {
  attachedPolicies,
  attachPolicy,
  createRole,
  getInlinePolicy,
  getRole,
  putInlinePolicy,
  updateTrustPolicy,
} from "../aws/iam.js";
import {
  addPermission,
  createFunction,
  type FunctionInfo,
  getFunction,
  getPolicy,
  latestVersion,
  publishVersion,
  type RoleRetry,
  removePermission,
  tagFunction,
  updateFunctionCode,
  updateFunctionConfiguration,
  waitForFunction,
} from "../aws/lambda.js";
import { CliError, ExitCode, isCliError } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import {
  type CodeSource,
  functionArnFor,
  pinnedImageUri,
  type RegisterInputs,
  ROLE_ARN_PATTERN,
  validateInputs,
} from "./inputs.js";
import {
  BASIC_EXECUTION_POLICY_ARN,
  CREATED_BY_TAG,
  checkPermission,
  clientToken,
  INLINE_POLICY_NAME,
  invokePermission,
  rolePolicy,
  SYNC_TAG,
  sameDocument,
  syncMarker,
  trustPolicy,
  unqualifiedArn,
} from "./policies.js";

export type StepName = "role" | "function" | "version" | "permission" | "registration";
export type StepStatus = "created" | "updated" | "unchanged" | "planned";

export interface StepResult {
  step: StepName;
  status: StepStatus;
  detail: string;
}

export interface RegisterPlan {
  /** Said in every dry-run output. */
  note: string;
  role:
    | { given: string }
    | {
        name: string;
        arn: string;
        trustPolicy: unknown;
        managedPolicyArn: string;
        inlinePolicyName: string;
        inlinePolicy: unknown;
        tags: Record<string, string>;
      };
  function: Record<string, unknown>;
  permission: Record<string, string>;
  registration: Record<string, unknown>;
}

export interface RegisterResult {
  label: string;
  region: string;
  account: string;
  functionArn: string;
  roleArn: string;
  version?: string;
  connectorArn: string;
  steps: StepResult[];
  /** False when the run changed nothing. */
  changed: boolean;
  dryRun: boolean;
  code: { kind: "image" | "zip"; from: string; imageUri?: string; file?: string; sha256?: string };
  plan?: RegisterPlan;
}

export interface RegisterDeps {
  aws: AwsOptions;
  onEvent?: ProgressListener;
  /** Sleep used while a new role propagates through IAM (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** How long to keep retrying CreateFunction while a new role propagates. Default 20 s. */
  rolePropagationMs?: number;
  /** Longest wait for the function to become Active / updated, in seconds. Default 300. */
  waitSeconds?: number;
}

const TITLES: Record<StepName, string> = {
  role: "Execution role",
  function: "Lambda function",
  version: "Published version",
  permission: "AppFlow invoke permission",
  registration: "AppFlow registration",
};

const ACCOUNT_PLACEHOLDER = "<account>";
const DRY_RUN_NOTE =
  "Dry run: no AWS call was made (not even reads); this is what `connector register` would do.";

/** Progress and the record of finished steps, for the result and for recovery messages. */
class StepLog {
  readonly results: StepResult[] = [];
  current: StepName | undefined;

  constructor(private readonly onEvent: ProgressListener | undefined) {}

  start(step: StepName): void {
    this.current = step;
    this.onEvent?.({ type: "step", id: step, status: "start", title: TITLES[step] });
  }

  done(step: StepName, status: StepStatus, detail: string): StepResult {
    const result = { step, status, detail };
    this.results.push(result);
    this.current = undefined;
    this.onEvent?.({ type: "step", id: step, status: "done", title: `${TITLES[step]}: ${status}`, detail });
    return result;
  }

  fail(): void {
    if (this.current)
      this.onEvent?.({ type: "step", id: this.current, status: "fail", title: TITLES[this.current] });
  }

  warn(message: string): void {
    this.onEvent?.({ type: "log", level: "warn", message });
  }

  info(message: string): void {
    this.onEvent?.({ type: "log", level: "info", message });
  }
}

/** What a run knows about the resources, for the recovery message. */
interface Known {
  account: string;
  functionArn: string;
  roleArn?: string;
  roleManaged: boolean;
  registeredArn?: string;
}

function desiredImageUri(code: Extract<CodeSource, { kind: "image" }>): string {
  return code.digest && code.ref ? pinnedImageUri(code.ref, code.digest) : code.imageUri;
}

function codeSummary(code: CodeSource): RegisterResult["code"] {
  return code.kind === "image"
    ? { kind: "image", from: code.from, imageUri: desiredImageUri(code) }
    : { kind: "zip", from: code.from, file: code.file, sha256: code.sha256 };
}

function roleArnFor(account: string, roleName: string): string {
  return `arn:aws:iam::${account}:role/${roleName}`;
}

function connectorArnFor(region: string, account: string, label: string): string {
  return `arn:aws:appflow:${region}:${account}:connector/${label}`;
}

/** CreateFunction's input without the zip bytes (for the plan). */
function functionSpec(inputs: RegisterInputs, roleArn: string, imageUri?: string): Record<string, unknown> {
  const code = inputs.code;
  return {
    FunctionName: inputs.functionName,
    Role: roleArn,
    PackageType: code.kind === "image" ? "Image" : "Zip",
    ...(code.kind === "image"
      ? { Code: { ImageUri: imageUri ?? desiredImageUri(code) } }
      : {
          Runtime: inputs.runtime,
          Handler: inputs.handler,
          Code: { ZipFile: `<${code.size} bytes of ${code.file}, CodeSha256 ${code.sha256}>` },
        }),
    MemorySize: inputs.memorySize,
    Timeout: inputs.timeout,
    Architectures: [inputs.architecture],
    Environment: { Variables: inputs.environment },
  };
}

/**
 * The plan, made without any AWS call. The account comes from the role ARN when one is given,
 * otherwise from the ECR image URI (assumed to be the caller's), otherwise a placeholder.
 */
export function planRegister(inputs: RegisterInputs): RegisterResult {
  validateInputs(inputs);
  const fromRole = inputs.roleArn ? ROLE_ARN_PATTERN.exec(inputs.roleArn)?.[1] : undefined;
  const fromImage = inputs.code.kind === "image" ? inputs.code.ref?.account : undefined;
  const account = fromRole ?? fromImage ?? ACCOUNT_PLACEHOLDER;
  const functionArn = functionArnFor(inputs.region, account, inputs.functionName);
  const roleArn = inputs.roleArn ?? roleArnFor(account, inputs.roleName);
  const permission = invokePermission(inputs.statementId, inputs.region, account);
  const connectorArn = connectorArnFor(inputs.region, account, inputs.label);
  const codeIdentity = inputs.code.kind === "image" ? desiredImageUri(inputs.code) : inputs.code.sha256;
  const spec = functionSpec(inputs, roleArn);
  const steps: StepResult[] = [
    {
      step: "role",
      status: "planned",
      detail: inputs.roleArn
        ? `use the given role ${inputs.roleArn} (not modified)`
        : `create ${inputs.roleName} (or bring its trust policy, ${BASIC_EXECUTION_POLICY_ARN} ` +
          `and inline policy ${INLINE_POLICY_NAME} up to date)`,
    },
    {
      step: "function",
      status: "planned",
      detail:
        `create ${inputs.functionName}, or update its code and configuration where they differ ` +
        `(${describeCode(inputs.code)}, ${inputs.memorySize} MB, ${inputs.timeout} s, ` +
        `${inputs.architecture})`,
    },
  ];
  if (inputs.publish) {
    steps.push({
      step: "version",
      status: "planned",
      detail: "publish a version unless the latest one matches",
    });
  }
  steps.push(
    {
      step: "permission",
      status: "planned",
      detail:
        `statement ${permission.statementId}: ${permission.principal} may ${permission.action} when ` +
        `AWS:SourceAccount = ${permission.sourceAccount} and AWS:SourceArn like ${permission.sourceArn}`,
    },
    {
      step: "registration",
      status: "planned",
      detail:
        `RegisterConnector ${inputs.label} with ${functionArn}, or UpdateConnectorRegistration when ` +
        "the label exists and the code changed",
    },
  );
  return {
    label: inputs.label,
    region: inputs.region,
    account,
    functionArn,
    roleArn,
    connectorArn,
    steps,
    changed: false,
    dryRun: true,
    code: codeSummary(inputs.code),
    plan: {
      note:
        account === ACCOUNT_PLACEHOLDER
          ? `${DRY_RUN_NOTE} ${ACCOUNT_PLACEHOLDER} stands for the caller's account (STS is not asked).`
          : DRY_RUN_NOTE,
      role: inputs.roleArn
        ? { given: inputs.roleArn }
        : {
            name: inputs.roleName,
            arn: roleArn,
            trustPolicy: trustPolicy(),
            managedPolicyArn: BASIC_EXECUTION_POLICY_ARN,
            inlinePolicyName: INLINE_POLICY_NAME,
            inlinePolicy: rolePolicy({
              region: inputs.region,
              account,
              label: inputs.label,
              marketplace: inputs.marketplaceSku !== undefined,
            }),
            tags: { [CREATED_BY_TAG.key]: CREATED_BY_TAG.value },
          },
      function: spec,
      permission: {
        FunctionName: inputs.functionName,
        StatementId: permission.statementId,
        Action: permission.action,
        Principal: permission.principal,
        SourceAccount: permission.sourceAccount,
        SourceArn: permission.sourceArn,
      },
      registration: {
        connectorLabel: inputs.label,
        ...(inputs.description !== undefined ? { description: inputs.description } : {}),
        connectorProvisioningType: "LAMBDA",
        connectorProvisioningConfig: { lambda: { lambdaArn: functionArn } },
        clientToken: clientToken([account, inputs.region, inputs.label, functionArn, codeIdentity]),
      },
    },
  };
}

function describeCode(code: CodeSource): string {
  return code.kind === "image"
    ? `image ${desiredImageUri(code)}`
    : `zip ${code.file} (${code.size} bytes, CodeSha256 ${code.sha256})`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the registration. See the module comment; `inputs` must come from targetInputs + resolveCode. */
export async function register(inputs: RegisterInputs, deps: RegisterDeps): Promise<RegisterResult> {
  validateInputs(inputs);
  const log = new StepLog(deps.onEvent);
  const account = await callerAccount(deps.aws);
  validateInputs(inputs, { account });
  const functionArn = functionArnFor(inputs.region, account, inputs.functionName);
  const known: Known = { account, functionArn, roleManaged: !inputs.roleArn };
  const lambda = await lambdaClient(deps.aws);
  const appflow = await appflowClient(deps.aws);
  const iam = inputs.roleArn ? undefined : await iamClient(deps.aws);
  try {
    // Before changing anything: is the label taken by another function?
    const existing = await describeConnector(appflow, inputs.label);
    const registeredArn = existing?.connectorProvisioningConfig?.lambda?.lambdaArn;
    if (registeredArn) known.registeredArn = registeredArn;
    if (registeredArn && unqualifiedArn(registeredArn) !== functionArn && !inputs.force) {
      throw labelTaken(inputs.label, registeredArn, functionArn);
    }
    const imageUri = inputs.code.kind === "image" ? await resolveImage(inputs.code, deps, log) : undefined;

    log.start("role");
    const role = await ensureRole(iam, inputs, account, log);
    known.roleArn = role.arn;
    log.done("role", role.status, role.detail);

    log.start("function");
    const retry: RoleRetry | undefined =
      role.status === "created" || role.status === "updated"
        ? {
            maxWaitMs: deps.rolePropagationMs ?? 20_000,
            sleep: deps.sleep ?? defaultSleep,
            onRetry: (_attempt, ms) =>
              log.info(
                `The new role is not usable by Lambda yet (IAM propagation); retrying in ${ms / 1000} s.`,
              ),
          }
        : undefined;
    const fn = await ensureFunction(lambda, inputs, role.arn, imageUri, retry, deps.waitSeconds ?? 300);
    log.done("function", fn.status, fn.detail);
    if (inputs.timeout < 30) {
      log.warn(
        `lambda.timeout is ${inputs.timeout} s; AppFlow allows data calls up to 30 s, so use 30 or more.`,
      );
    }

    let version: string | undefined;
    if (inputs.publish) {
      log.start("version");
      const v = await ensureVersion(lambda, inputs.functionName, fn.configuration, fn.status !== "unchanged");
      version = v.version;
      log.done("version", v.status, v.detail);
    }

    log.start("permission");
    const perm = await ensurePermission(lambda, inputs, account, functionArn);
    log.done("permission", perm.status, perm.detail);

    log.start("registration");
    const reg = await ensureRegistration(appflow, lambda, inputs, {
      account,
      functionArn,
      existing,
      fn,
      log,
    });
    log.done("registration", reg.status, reg.detail);

    return {
      label: inputs.label,
      region: inputs.region,
      account,
      functionArn,
      roleArn: role.arn,
      ...(version !== undefined ? { version } : {}),
      connectorArn: reg.connectorArn,
      steps: log.results,
      changed: log.results.some((s) => s.status !== "unchanged"),
      dryRun: false,
      code: codeSummary(inputs.code),
    };
  } catch (error) {
    log.fail();
    throw withRecovery(error, log, known, inputs);
  } finally {
    lambda.destroy();
    appflow.destroy();
    iam?.destroy();
  }
}

function labelTaken(label: string, registeredArn: string, ours: string): CliError {
  return new CliError(
    "REGISTER_LABEL_TAKEN",
    `The AppFlow label ${label} is already registered to another Lambda function: ${registeredArn} ` +
      `(this project deploys ${ours}). Nothing was changed.`,
    {
      hint:
        "Pass --force to switch the registration to this project's function (flows that use the connector " +
        "will then call it), choose another appflow.label, or unregister the other connector first.",
      exitCode: ExitCode.Usage,
      details: { label, registeredLambdaArn: registeredArn, functionArn: ours },
    },
  );
}

/**
 * An image given by tag is pinned to its digest (ECR DescribeImages), so that a new image pushed under
 * the same tag is noticed and the function records exactly what runs. Without access to ECR the tag
 * is used as is.
 */
async function resolveImage(
  code: Extract<CodeSource, { kind: "image" }>,
  deps: RegisterDeps,
  log: StepLog,
): Promise<string> {
  if (code.digest || !code.ref?.tag) return desiredImageUri(code);
  const ref = code.ref;
  const tag = ref.tag as string;
  const { DescribeImagesCommand } = ecrSdk();
  const ecr = await ecrClient({ ...deps.aws, maxAttempts: 2 });
  try {
    const r = await ecr.send(
      new DescribeImagesCommand({
        registryId: ref.account,
        repositoryName: ref.repository,
        imageIds: [{ imageTag: tag }],
      }),
    );
    const digest = r.imageDetails?.[0]?.imageDigest;
    if (digest) return pinnedImageUri(ref, digest);
  } catch (error) {
    log.warn(
      `Could not resolve ${code.imageUri} to a digest (${(error as Error).name ?? "error"}): ` +
        "deploying the tag as is. A new image pushed under the same tag is only picked up when you pass " +
        "its @sha256 digest.",
    );
    return code.imageUri;
  } finally {
    ecr.destroy();
  }
  return code.imageUri;
}

interface Ensured {
  status: StepStatus;
  detail: string;
}

async function ensureRole(
  iam: IAMClient | undefined,
  inputs: RegisterInputs,
  account: string,
  log: StepLog,
): Promise<Ensured & { arn: string }> {
  if (inputs.roleArn || !iam) {
    const arn = inputs.roleArn as string;
    return { arn, status: "unchanged", detail: `${arn} (given; not modified)` };
  }
  const name = inputs.roleName;
  const trust = trustPolicy();
  const inline = rolePolicy({
    region: inputs.region,
    account,
    label: inputs.label,
    marketplace: inputs.marketplaceSku !== undefined,
  });
  const current = await getRole(iam, name);
  if (!current) {
    const created = await createRole(iam, {
      name,
      trustPolicy: trust,
      description: `Execution role of the AppFlow connector ${inputs.label} (connectorkit)`.slice(0, 1000),
      tags: { [CREATED_BY_TAG.key]: CREATED_BY_TAG.value },
    });
    await attachPolicy(iam, name, BASIC_EXECUTION_POLICY_ARN);
    await putInlinePolicy(iam, name, INLINE_POLICY_NAME, inline);
    const arn = created.arn || roleArnFor(account, name);
    return {
      arn,
      status: "created",
      detail:
        `${arn} (logs via AWSLambdaBasicExecutionRole, secrets appflow!${account}-${inputs.label}-*` +
        `${inputs.marketplaceSku ? ", license-manager:CheckoutLicense" : ""})`,
    };
  }
  if (current.tags[CREATED_BY_TAG.key] !== CREATED_BY_TAG.value) {
    log.warn(
      `The role ${name} exists but was not created by connectorkit: it is used as is, its policies ` +
        "are not checked, and `connector unregister --delete-function` keeps it. " +
        "Pass --role-arn to make that explicit.",
    );
    return {
      arn: current.arn,
      status: "unchanged",
      detail:
        `${current.arn} exists but was not created by connectorkit ` +
        `(no ${CREATED_BY_TAG.key} tag): used as is`,
    };
  }
  const changes: string[] = [];
  if (!sameDocument(current.trustPolicy, trust)) {
    await updateTrustPolicy(iam, name, trust);
    changes.push("trust policy");
  }
  if (!(await attachedPolicies(iam, name)).includes(BASIC_EXECUTION_POLICY_ARN)) {
    await attachPolicy(iam, name, BASIC_EXECUTION_POLICY_ARN);
    changes.push("AWSLambdaBasicExecutionRole attached");
  }
  const currentInline = await getInlinePolicy(iam, name, INLINE_POLICY_NAME);
  if (!sameDocument(currentInline, inline)) {
    await putInlinePolicy(iam, name, INLINE_POLICY_NAME, inline);
    changes.push(`inline policy ${INLINE_POLICY_NAME}`);
  }
  return changes.length > 0
    ? { arn: current.arn, status: "updated", detail: `${current.arn} (${changes.join(", ")})` }
    : { arn: current.arn, status: "unchanged", detail: current.arn };
}

interface FunctionOutcome extends Ensured {
  configuration: FunctionConfiguration;
  tags: Record<string, string>;
}

function sameEnv(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  return sameDocument(a ?? {}, b);
}

function currentCodeMatches(info: FunctionInfo, code: CodeSource, imageUri: string | undefined): boolean {
  return code.kind === "zip" ? info.configuration.CodeSha256 === code.sha256 : info.imageUri === imageUri;
}

async function ensureFunction(
  lambda: LambdaClient,
  inputs: RegisterInputs,
  roleArn: string,
  imageUri: string | undefined,
  retry: RoleRetry | undefined,
  waitSeconds: number,
): Promise<FunctionOutcome> {
  const name = inputs.functionName;
  const code = inputs.code;
  const current = await getFunction(lambda, name);
  if (!current) {
    await createFunctionWithHint(
      lambda,
      {
        FunctionName: name,
        Role: roleArn,
        Description: `AppFlow connector ${inputs.label} (connectorkit)`.slice(0, 256),
        ...(code.kind === "image"
          ? { PackageType: "Image", Code: { ImageUri: imageUri } }
          : {
              PackageType: "Zip",
              Runtime: inputs.runtime as Runtime,
              Handler: inputs.handler,
              Code: { ZipFile: code.bytes },
            }),
        MemorySize: inputs.memorySize,
        Timeout: inputs.timeout,
        Architectures: [inputs.architecture],
        Environment: { Variables: inputs.environment },
        Tags: { [CREATED_BY_TAG.key]: CREATED_BY_TAG.value },
      },
      retry,
      inputs.roleArn,
    );
    await waitForFunction(lambda, name, "active", waitSeconds);
    const after = await getFunction(lambda, name);
    return {
      status: "created",
      detail: `${after?.configuration.FunctionArn ?? name} (${describeCode(code)})`,
      configuration: after?.configuration ?? {},
      tags: after?.tags ?? {},
    };
  }
  const c = current.configuration;
  const wantType = code.kind === "image" ? "Image" : "Zip";
  if (c.PackageType && c.PackageType !== wantType) {
    throw new CliError(
      "REGISTER_PACKAGE_TYPE",
      `The function ${name} is a ${c.PackageType} function; Lambda cannot switch it to ${wantType}.`,
      {
        hint:
          `Deploy a ${c.PackageType === "Image" ? "container image" : "zip"} instead, or delete the ` +
          "function (`connector unregister --delete-function`) and register again.",
        exitCode: ExitCode.Usage,
      },
    );
  }
  if (c.State === "Pending") await waitForFunction(lambda, name, "active", waitSeconds);
  if (c.LastUpdateStatus === "InProgress") await waitForFunction(lambda, name, "updated", waitSeconds);

  const changes: string[] = [];
  const currentArch = c.Architectures?.[0] ?? "x86_64";
  const codeChanged = !currentCodeMatches(current, code, imageUri);
  const archChanged = currentArch !== inputs.architecture;
  if (codeChanged || archChanged) {
    await updateFunctionCode(lambda, {
      FunctionName: name,
      ...(code.kind === "image" ? { ImageUri: imageUri } : { ZipFile: code.bytes }),
      Architectures: [inputs.architecture],
    });
    await waitForFunction(lambda, name, "updated", waitSeconds);
    if (codeChanged)
      changes.push(code.kind === "image" ? `code → ${imageUri}` : `code → CodeSha256 ${code.sha256}`);
    if (archChanged) changes.push(`architecture ${currentArch} → ${inputs.architecture}`);
  }
  const config: string[] = [];
  if (c.MemorySize !== inputs.memorySize) config.push(`memorySize ${c.MemorySize} → ${inputs.memorySize}`);
  if (c.Timeout !== inputs.timeout) config.push(`timeout ${c.Timeout} → ${inputs.timeout}`);
  if (c.Role !== roleArn) config.push(`role ${c.Role} → ${roleArn}`);
  if (!sameEnv(c.Environment?.Variables, inputs.environment)) config.push("environment");
  if (code.kind === "zip") {
    if (c.Runtime !== inputs.runtime) config.push(`runtime ${c.Runtime ?? "(none)"} → ${inputs.runtime}`);
    if (c.Handler !== inputs.handler) config.push(`handler ${c.Handler ?? "(none)"} → ${inputs.handler}`);
  }
  if (config.length > 0) {
    await updateFunctionConfiguration(
      lambda,
      {
        FunctionName: name,
        Role: roleArn,
        MemorySize: inputs.memorySize,
        Timeout: inputs.timeout,
        Environment: { Variables: inputs.environment },
        ...(code.kind === "zip" ? { Runtime: inputs.runtime as Runtime, Handler: inputs.handler } : {}),
      },
      retry,
    );
    await waitForFunction(lambda, name, "updated", waitSeconds);
    changes.push(...config);
  }
  if (changes.length === 0) {
    return {
      status: "unchanged",
      detail: `${c.FunctionArn ?? name} (${describeCode(code)})`,
      configuration: c,
      tags: current.tags,
    };
  }
  const after = await getFunction(lambda, name);
  return {
    status: "updated",
    detail: `${c.FunctionArn ?? name} (${changes.join("; ")})`,
    configuration: after?.configuration ?? c,
    tags: after?.tags ?? current.tags,
  };
}

/** CreateFunction; a given role Lambda cannot assume gets a hint naming it. */
async function createFunctionWithHint(
  lambda: LambdaClient,
  input: Parameters<typeof createFunction>[1],
  retry: RoleRetry | undefined,
  givenRole: string | undefined,
): Promise<void> {
  try {
    await createFunction(lambda, input, retry);
  } catch (error) {
    const cli = isCliError(error) ? error : awsError(error, "lambda:CreateFunction");
    if (!/cannot be assumed by Lambda/i.test(cli.message)) throw cli;
    throw new CliError(cli.code, cli.message, {
      hint: givenRole
        ? `Check that ${givenRole} exists, trusts lambda.amazonaws.com, and that you may pass it ` +
          "(iam:PassRole)."
        : "The new role has not propagated through IAM yet; wait a minute and re-run `connector register`.",
      exitCode: cli.exitCode,
      cause: error,
    });
  }
}

function sameVersionConfig(v: FunctionConfiguration, latest: FunctionConfiguration): boolean {
  return (
    v.CodeSha256 === latest.CodeSha256 &&
    v.MemorySize === latest.MemorySize &&
    v.Timeout === latest.Timeout &&
    v.Role === latest.Role &&
    v.Handler === latest.Handler &&
    v.Runtime === latest.Runtime &&
    sameEnv(v.Environment?.Variables, latest.Environment?.Variables ?? {})
  );
}

/**
 * PublishVersion unless the newest published version already has this code and configuration (Lambda
 * itself would return that version; checking first keeps the step's report honest everywhere).
 */
async function ensureVersion(
  lambda: LambdaClient,
  name: string,
  latest: FunctionConfiguration,
  functionChanged: boolean,
): Promise<Ensured & { version: string }> {
  const newest = functionChanged ? undefined : await latestVersion(lambda, name);
  if (newest?.Version && sameVersionConfig(newest, latest)) {
    return {
      status: "unchanged",
      version: newest.Version,
      detail: `version ${newest.Version} (already current)`,
    };
  }
  const v = await publishVersion(lambda, name);
  const version = v.Version ?? "?";
  return { status: "created", version, detail: `version ${version} (${v.FunctionArn ?? name})` };
}

async function ensurePermission(
  lambda: LambdaClient,
  inputs: RegisterInputs,
  account: string,
  functionArn: string,
): Promise<Ensured> {
  const want = invokePermission(inputs.statementId, inputs.region, account);
  const policy = await getPolicy(lambda, inputs.functionName);
  const check = checkPermission(policy?.Statement ?? [], want, functionArn);
  const summary =
    `${want.statementId}: ${want.principal} → ${want.action}, AWS:SourceAccount ${want.sourceAccount}, ` +
    `AWS:SourceArn ${want.sourceArn}`;
  if (check.state === "ok") return { status: "unchanged", detail: summary };
  const input = { functionName: inputs.functionName, ...want };
  if (check.state === "missing") {
    await addPermission(lambda, input);
    return { status: "created", detail: summary };
  }
  // Lambda refuses a second statement with the same Sid: remove every copy, then add ours.
  for (let i = 0; i < Math.max(1, check.count); i++) {
    await removePermission(lambda, inputs.functionName, inputs.statementId);
  }
  await addPermission(lambda, input);
  return { status: "updated", detail: `${summary} (was: ${check.diff.join("; ")})` };
}

interface RegistrationContext {
  account: string;
  functionArn: string;
  existing: ConnectorConfiguration | undefined;
  fn: FunctionOutcome;
  log: StepLog;
}

async function ensureRegistration(
  appflow: AppflowClient,
  lambda: LambdaClient,
  inputs: RegisterInputs,
  ctx: RegistrationContext,
): Promise<Ensured & { connectorArn: string }> {
  const { account, functionArn, fn, log } = ctx;
  const marker = syncMarker({
    label: inputs.label,
    functionArn,
    codeSha256: fn.configuration.CodeSha256,
    environment: fn.configuration.Environment?.Variables ?? {},
  });
  const codeIdentity =
    inputs.code.kind === "image" ? (fn.configuration.CodeSha256 ?? inputs.code.imageUri) : inputs.code.sha256;
  let existing = ctx.existing;
  let result: Ensured & { connectorArn: string };
  if (!existing) {
    const token = clientToken([account, inputs.region, inputs.label, functionArn, codeIdentity]);
    try {
      let arn = await registerWithHints(appflow, inputs, functionArn, token);
      if (!(await describeConnector(appflow, inputs.label))) {
        // AppFlow answered from its idempotency cache (same token within 8 h, e.g. after an
        // unregister): register again with a token of this moment.
        arn = await registerWithHints(
          appflow,
          inputs,
          functionArn,
          clientToken([token, new Date().toISOString()]),
        );
      }
      result = { status: "created", detail: `${arn} → ${functionArn}`, connectorArn: arn };
    } catch (error) {
      if (appflowErrorName(error) !== "ConflictException") throw error;
      // Registered meanwhile: treat it as existing.
      existing = await describeConnector(appflow, inputs.label);
      if (!existing) throw error;
      const other = existing.connectorProvisioningConfig?.lambda?.lambdaArn;
      if (other && unqualifiedArn(other) !== functionArn && !inputs.force) {
        throw labelTaken(inputs.label, other, functionArn);
      }
      result = await updateIfNeeded(appflow, inputs, existing, fn, marker, functionArn, account, true);
    }
  } else {
    result = await updateIfNeeded(appflow, inputs, existing, fn, marker, functionArn, account, false);
  }
  if (fn.tags[SYNC_TAG] !== marker) {
    try {
      await tagFunction(lambda, fn.configuration.FunctionArn ?? functionArn, { [SYNC_TAG]: marker });
    } catch (error) {
      log.warn(
        `Could not tag the function with ${SYNC_TAG} (${(error as Error).message}); the next run will call ` +
          "UpdateConnectorRegistration again. Grant lambda:TagResource to avoid it.",
      );
    }
  }
  return result;
}

async function updateIfNeeded(
  appflow: AppflowClient,
  inputs: RegisterInputs,
  existing: ConnectorConfiguration,
  fn: FunctionOutcome,
  marker: string,
  functionArn: string,
  account: string,
  raced: boolean,
): Promise<Ensured & { connectorArn: string }> {
  const connectorArn = existing.connectorArn ?? connectorArnFor(inputs.region, account, inputs.label);
  const registered = existing.connectorProvisioningConfig?.lambda?.lambdaArn;
  const reasons: string[] = [];
  if (registered && unqualifiedArn(registered) !== functionArn)
    reasons.push(`Lambda ${registered} → ${functionArn}`);
  if (inputs.description !== undefined && (existing.connectorDescription ?? "") !== inputs.description) {
    reasons.push("description");
  }
  if (fn.tags[SYNC_TAG] !== marker) {
    reasons.push(
      fn.status === "unchanged"
        ? "the function changed since AppFlow last read its configuration"
        : "new function code or environment",
    );
  }
  if (raced && reasons.length === 0) reasons.push("registered concurrently");
  if (reasons.length === 0) {
    return { status: "unchanged", detail: `${connectorArn} → ${functionArn}`, connectorArn };
  }
  const token = clientToken([
    account,
    inputs.region,
    inputs.label,
    functionArn,
    fn.configuration.CodeSha256 ?? "",
    fn.configuration.RevisionId ?? "",
    inputs.description ?? "",
  ]);
  let arn: string;
  try {
    arn = await updateConnectorRegistration(appflow, {
      label: inputs.label,
      ...(inputs.description !== undefined ? { description: inputs.description } : {}),
      lambdaArn: functionArn,
      clientToken: token,
    });
  } catch (error) {
    throw appflowHint(error, inputs, "appflow:UpdateConnectorRegistration");
  }
  return {
    status: "updated",
    detail:
      `${arn || connectorArn} → ${functionArn}; ` +
      `AppFlow re-read the configuration (${reasons.join("; ")})`,
    connectorArn: arn || connectorArn,
  };
}

async function registerWithHints(
  appflow: AppflowClient,
  inputs: RegisterInputs,
  functionArn: string,
  token: string,
): Promise<string> {
  try {
    return await registerConnector(appflow, {
      label: inputs.label,
      ...(inputs.description !== undefined ? { description: inputs.description } : {}),
      lambdaArn: functionArn,
      clientToken: token,
    });
  } catch (error) {
    if (appflowErrorName(error) === "ConflictException") throw error;
    throw appflowHint(error, inputs, "appflow:RegisterConnector");
  }
}

/** AppFlow errors during (re)registration, with what they usually mean. */
function appflowHint(error: unknown, inputs: RegisterInputs, action: string): CliError {
  const cli = isCliError(error) ? error : awsError(error, action);
  const name = appflowErrorName(error);
  let hint: string | undefined;
  if (name === "AccessDeniedException") {
    hint =
      `Either the caller lacks ${action}, or AppFlow could not invoke the function: check the ` +
      `resource-policy statement ${inputs.statementId} with \`connector status\` ` +
      "(both AWS:SourceAccount and AWS:SourceArn conditions are required).";
  } else if (name === "ConnectorServerException") {
    hint =
      "AppFlow invoked the function's DescribeConnectorConfiguration and it failed, timed out (10 s) " +
      "or answered an invalid configuration: try `connector invoke DescribeConnectorConfiguration` and " +
      `\`connector test\`, and read the function's logs (/aws/lambda/${inputs.functionName}).`;
  } else if (name === "ValidationException") {
    hint =
      "AppFlow rejected a field of the request; check the label, description and function ARN named above.";
  } else if (name === "ConflictException") {
    hint = "Another change to this connector is in progress; wait a moment and re-run `connector register`.";
  } else if (name === "ServiceQuotaExceededException") {
    hint = "The account reached an AppFlow quota (custom connectors per region); unregister unused ones.";
  }
  if (!hint) return cli;
  return new CliError(cli.code, cli.message, {
    hint,
    exitCode: cli.exitCode,
    ...(cli.details ? { details: cli.details } : {}),
    cause: error,
  });
}

/**
 * Rewrites a failure after some steps so that it says what exists now and how to finish (re-run:
 * every step is idempotent) or undo (`connector unregister --delete-function`).
 */
function withRecovery(error: unknown, log: StepLog, known: Known, inputs: RegisterInputs): CliError {
  const cli = isCliError(error) ? error : awsError(error, "register");
  const failed = log.current;
  if (log.results.length === 0 && failed === undefined) {
    if (cli.message.includes("Nothing was changed")) return cli;
    return new CliError(cli.code, `${cli.message}\nNothing was changed.`, {
      ...(cli.hint ? { hint: cli.hint } : {}),
      exitCode: cli.exitCode,
      ...(cli.details ? { details: cli.details } : {}),
      cause: error,
    });
  }
  const byStep = new Map(log.results.map((r) => [r.step, r]));
  const exists: string[] = [];
  const role = byStep.get("role");
  if (role) {
    const how = role.status === "unchanged" ? "already there" : role.status;
    exists.push(`execution role ${known.roleArn ?? inputs.roleName} (${how})`);
  }
  const fn = byStep.get("function");
  if (fn)
    exists.push(
      `Lambda function ${known.functionArn} (${fn.status === "unchanged" ? "already there" : fn.status})`,
    );
  const version = byStep.get("version");
  if (version) exists.push(`published ${version.detail}`);
  const perm = byStep.get("permission");
  if (perm) {
    exists.push(
      `resource-policy statement ${inputs.statementId} letting AppFlow invoke the function ` +
        `(${perm.status === "unchanged" ? "already there" : perm.status})`,
    );
  }
  exists.push(
    known.registeredArn
      ? `AppFlow registration ${inputs.label} → ${known.registeredArn} (as before this run)`
      : `no AppFlow registration for ${inputs.label}`,
  );
  const undo =
    "`connector unregister --delete-function` " +
    (known.roleManaged
      ? "(removes the registration, the function and the role this tool created)"
      : "(removes the registration and the function; the given role stays)");
  const message =
    `${cli.message}\n` +
    `Stopped at: ${failed ? TITLES[failed] : "after the last step"}. What exists now:\n` +
    `${exists.map((e) => `  - ${e}`).join("\n")}\n` +
    "To finish: fix the cause above and run `connector register` again; " +
    "it is idempotent and continues from here.\n" +
    `To undo: ${undo}.`;
  return new CliError(cli.code, message, {
    ...(cli.hint ? { hint: cli.hint } : {}),
    exitCode: cli.exitCode,
    details: {
      ...(cli.details ?? {}),
      failedStep: failed ?? null,
      steps: log.results,
      functionArn: known.functionArn,
      ...(known.roleArn ? { roleArn: known.roleArn } : {}),
    },
    cause: error,
  });
}
