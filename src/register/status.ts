/**
 * `connector status` as a domain operation: read the Lambda function, its resource policy and the
 * AppFlow registration, compare them with the project, and list what is missing or stale. Read only.
 */
import { describeConnector } from "../aws/appflow.js";
import { type AwsOptions, appflowClient, callerAccount, lambdaClient } from "../aws/clients.js";
import { getFunction, getPolicy, type PolicyStatement } from "../aws/lambda.js";
import type { ProgressListener } from "../ui/reporter.js";
import { functionArnFor, pinnedImageUri, type TargetInputs, validateInputs } from "./inputs.js";
import {
  checkPermission,
  expectedStatement,
  invokePermission,
  type PermissionState,
  SYNC_TAG,
  sameDocument,
  syncMarker,
  unqualifiedArn,
} from "./policies.js";

export interface FunctionStatus {
  arn: string;
  state?: string;
  lastUpdateStatus?: string;
  lastModified?: string;
  packageType?: string;
  imageUri?: string;
  resolvedImageUri?: string;
  codeSha256?: string;
  memorySize?: number;
  timeout?: number;
  architecture?: string;
  role?: string;
  runtime?: string;
  handler?: string;
  /** How the function differs from the project (code, memory, …). */
  differences: string[];
}

export interface PermissionStatus {
  state: PermissionState | "no-function";
  statementId: string;
  diff: string[];
  expected: PolicyStatement;
  statement?: PolicyStatement;
}

export interface RegistrationStatus {
  label: string;
  connectorArn?: string;
  lambdaArn?: string;
  /** The registration points at this project's function. */
  matchesFunction: boolean;
  registeredAt?: string;
  description?: string;
  connectorVersion?: string;
  /** true: AppFlow read the current code; false: it read older code; null: unknown (no record). */
  synced: boolean | null;
}

export interface StatusReport {
  label: string;
  region: string;
  account: string;
  functionName: string;
  functionArn: string;
  function: FunctionStatus | null;
  permission: PermissionStatus;
  registration: RegistrationStatus | null;
  /** Inconsistencies; empty when everything matches. */
  problems: string[];
  /** Remarks that do not make the state inconsistent. */
  notes: string[];
  consistent: boolean;
}

export interface StatusDeps {
  aws: AwsOptions;
  onEvent?: ProgressListener;
}

export async function inspectConnector(inputs: TargetInputs, deps: StatusDeps): Promise<StatusReport> {
  validateInputs(inputs, { verb: "check the status" });
  const account = await callerAccount(deps.aws);
  const functionArn = functionArnFor(inputs.region, account, inputs.functionName);
  const lambda = await lambdaClient(deps.aws);
  const appflow = await appflowClient(deps.aws);
  try {
    deps.onEvent?.({
      type: "step",
      id: "read",
      status: "start",
      title: "Reading the function and registration",
    });
    const [fn, policy, registration] = await Promise.all([
      getFunction(lambda, inputs.functionName),
      getPolicy(lambda, inputs.functionName),
      describeConnector(appflow, inputs.label),
    ]);
    deps.onEvent?.({ type: "step", id: "read", status: "done", title: "Read the function and registration" });
    const problems: string[] = [];
    const notes: string[] = [];

    let functionStatus: FunctionStatus | null = null;
    if (!fn) {
      problems.push(`the Lambda function ${inputs.functionName} does not exist (run \`connector register\`)`);
    } else {
      const c = fn.configuration;
      const differences: string[] = [];
      const code = inputs.code;
      if (code?.kind === "image") {
        const want = code.digest && code.ref ? pinnedImageUri(code.ref, code.digest) : code.imageUri;
        if (c.PackageType !== "Image")
          differences.push(`package type ${c.PackageType} (the project deploys an image)`);
        else if (fn.imageUri !== want)
          differences.push(`code: runs ${fn.imageUri ?? "?"}, ${code.from} has ${want}`);
      } else if (code?.kind === "zip") {
        if (c.PackageType !== "Zip")
          differences.push(`package type ${c.PackageType} (the project deploys a zip)`);
        else if (c.CodeSha256 !== code.sha256) {
          differences.push(`code: CodeSha256 ${c.CodeSha256 ?? "?"}, ${code.from} has ${code.sha256}`);
        }
      } else {
        notes.push(
          "no local image or zip record (.connector/push.json, .connector/function.zip): code not compared",
        );
      }
      if (c.MemorySize !== inputs.memorySize)
        differences.push(`memorySize ${c.MemorySize} (project: ${inputs.memorySize})`);
      if (c.Timeout !== inputs.timeout) differences.push(`timeout ${c.Timeout} (project: ${inputs.timeout})`);
      const arch = c.Architectures?.[0] ?? "x86_64";
      if (arch !== inputs.architecture)
        differences.push(`architecture ${arch} (project: ${inputs.architecture})`);
      if (!sameDocument(c.Environment?.Variables ?? {}, inputs.environment)) {
        differences.push("environment differs from lambda.environment");
      }
      if (inputs.roleArn && c.Role !== inputs.roleArn)
        differences.push(`role ${c.Role} (project: ${inputs.roleArn})`);
      if (c.Runtime === "nodejs20.x") differences.push("runtime nodejs20.x is deprecated (use nodejs22.x)");
      if (c.State && c.State !== "Active")
        problems.push(`the function is ${c.State}${c.StateReason ? `: ${c.StateReason}` : ""}`);
      if (c.LastUpdateStatus === "Failed") {
        problems.push(
          "the function's last update failed" +
            (c.LastUpdateStatusReason ? `: ${c.LastUpdateStatusReason}` : ""),
        );
      }
      for (const d of differences) problems.push(`function is stale: ${d} (run \`connector register\`)`);
      functionStatus = {
        arn: c.FunctionArn ?? functionArn,
        ...(c.State ? { state: c.State } : {}),
        ...(c.LastUpdateStatus ? { lastUpdateStatus: c.LastUpdateStatus } : {}),
        ...(c.LastModified ? { lastModified: c.LastModified } : {}),
        ...(c.PackageType ? { packageType: c.PackageType } : {}),
        ...(fn.imageUri ? { imageUri: fn.imageUri } : {}),
        ...(fn.resolvedImageUri ? { resolvedImageUri: fn.resolvedImageUri } : {}),
        ...(c.CodeSha256 ? { codeSha256: c.CodeSha256 } : {}),
        ...(c.MemorySize !== undefined ? { memorySize: c.MemorySize } : {}),
        ...(c.Timeout !== undefined ? { timeout: c.Timeout } : {}),
        architecture: arch,
        ...(c.Role ? { role: c.Role } : {}),
        ...(c.Runtime ? { runtime: c.Runtime } : {}),
        ...(c.Handler ? { handler: c.Handler } : {}),
        differences,
      };
    }

    const want = invokePermission(inputs.statementId, inputs.region, account);
    const expected = expectedStatement(want, functionArn);
    let permission: PermissionStatus;
    if (!fn) {
      permission = { state: "no-function", statementId: inputs.statementId, diff: [], expected };
    } else {
      const statements = policy?.Statement ?? [];
      const check = checkPermission(statements, want, functionArn);
      const statement = statements.find((s) => s.Sid === inputs.statementId);
      permission = {
        state: check.state,
        statementId: inputs.statementId,
        diff: check.diff,
        expected,
        ...(statement ? { statement } : {}),
      };
      if (check.state === "missing") {
        problems.push(
          `the function has no statement ${inputs.statementId} letting AppFlow invoke it ` +
            "(run `connector register`)",
        );
      } else if (check.state === "stale") {
        problems.push(
          `the statement ${inputs.statementId} differs: ${check.diff.join("; ")} ` +
            "(run `connector register`)",
        );
      }
    }

    let registrationStatus: RegistrationStatus | null = null;
    if (!registration) {
      problems.push(`the label ${inputs.label} is not registered with AppFlow (run \`connector register\`)`);
    } else {
      const lambdaArn = registration.connectorProvisioningConfig?.lambda?.lambdaArn;
      const matches = lambdaArn !== undefined && unqualifiedArn(lambdaArn) === functionArn;
      let synced: boolean | null = null;
      if (fn && matches) {
        const tag = fn.tags[SYNC_TAG];
        const marker = syncMarker({
          label: inputs.label,
          functionArn,
          codeSha256: fn.configuration.CodeSha256,
          environment: fn.configuration.Environment?.Variables ?? {},
        });
        synced = tag === undefined ? null : tag === marker;
        if (synced === false) {
          problems.push(
            "the registration is stale: the function's code or environment changed since AppFlow last read " +
              "its configuration (run `connector register` to call UpdateConnectorRegistration)",
          );
        } else if (synced === null) {
          notes.push(
            `no ${SYNC_TAG} tag on the function: unknown whether AppFlow read the current code ` +
              "(`connector register` records it)",
          );
        }
      }
      if (!matches) {
        problems.push(
          `the label ${inputs.label} is registered to ${lambdaArn ?? "(no Lambda)"}, not to ${functionArn}`,
        );
      }
      if (
        inputs.description !== undefined &&
        (registration.connectorDescription ?? "") !== inputs.description
      ) {
        problems.push(
          "the registered description differs from appflow.description (run `connector register`)",
        );
      }
      registrationStatus = {
        label: inputs.label,
        ...(registration.connectorArn ? { connectorArn: registration.connectorArn } : {}),
        ...(lambdaArn ? { lambdaArn } : {}),
        matchesFunction: matches,
        ...(registration.registeredAt ? { registeredAt: registration.registeredAt.toISOString() } : {}),
        ...(registration.connectorDescription !== undefined
          ? { description: registration.connectorDescription }
          : {}),
        ...(registration.connectorVersion ? { connectorVersion: registration.connectorVersion } : {}),
        synced,
      };
    }
    return {
      label: inputs.label,
      region: inputs.region,
      account,
      functionName: inputs.functionName,
      functionArn,
      function: functionStatus,
      permission,
      registration: registrationStatus,
      problems,
      notes,
      consistent: problems.length === 0,
    };
  } finally {
    lambda.destroy();
    appflow.destroy();
  }
}
