/**
 * Thin, typed Lambda operations for `connector register`, `unregister` and `status`. Each call turns
 * SDK errors into CliErrors naming the IAM action (awsError); "not found" answers become `undefined`
 * where the caller needs to tell "absent" from "failed".
 */
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  type CreateFunctionRequest,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  GetFunctionCommand,
  GetPolicyCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  type UpdateFunctionCodeRequest,
  UpdateFunctionConfigurationCommand,
  type UpdateFunctionConfigurationRequest,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { CliError, ExitCode } from "../ui/errors.js";
import { awsError } from "./clients.js";

/** What GetFunction tells about a function. */
export interface FunctionInfo {
  configuration: FunctionConfiguration;
  /** Image functions: the URI as set and the digest-pinned URI Lambda resolved. */
  imageUri?: string;
  resolvedImageUri?: string;
  tags: Record<string, string>;
}

/** One statement of a Lambda resource policy, as GetPolicy returns it. */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: string | { Service?: string | string[]; AWS?: string | string[] };
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? "";
  return name === "ResourceNotFoundException" || name === "NoSuchEntityException";
}

async function call<T>(action: string, fn: () => Promise<T>, context?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw awsError(error, action, context);
  }
}

/** GetFunction; `undefined` when the function does not exist. */
export async function getFunction(client: LambdaClient, name: string): Promise<FunctionInfo | undefined> {
  try {
    const r = await client.send(new GetFunctionCommand({ FunctionName: name }));
    if (!r.Configuration) return undefined;
    return {
      configuration: r.Configuration,
      ...(r.Code?.ImageUri ? { imageUri: r.Code.ImageUri } : {}),
      ...(r.Code?.ResolvedImageUri ? { resolvedImageUri: r.Code.ResolvedImageUri } : {}),
      tags: r.Tags ?? {},
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw awsError(error, "lambda:GetFunction");
  }
}

const ROLE_NOT_READY = /cannot be assumed by Lambda/i;

export interface RoleRetry {
  /** Total time to keep retrying while a new role propagates through IAM. 0 = no retry. */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Called before each retry (for a progress line). */
  onRetry?: (attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn`, retrying while Lambda answers "The role defined for the function cannot be assumed by
 * Lambda": IAM is eventually consistent, so a role created seconds ago may not be usable yet.
 */
async function withRoleRetry<T>(fn: () => Promise<T>, retry: RoleRetry | undefined): Promise<T> {
  let waited = 0;
  let delay = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const message = (error as { message?: string }).message ?? "";
      if (!retry || !ROLE_NOT_READY.test(message) || waited + delay > retry.maxWaitMs) throw error;
      retry.onRetry?.(attempt, delay);
      await retry.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, 8000);
    }
  }
}

export async function createFunction(
  client: LambdaClient,
  input: CreateFunctionRequest,
  retry?: RoleRetry,
): Promise<FunctionConfiguration> {
  return call("lambda:CreateFunction", () =>
    withRoleRetry(() => client.send(new CreateFunctionCommand(input)), retry),
  );
}

export async function updateFunctionCode(
  client: LambdaClient,
  input: UpdateFunctionCodeRequest,
): Promise<FunctionConfiguration> {
  return call("lambda:UpdateFunctionCode", () => client.send(new UpdateFunctionCodeCommand(input)));
}

export async function updateFunctionConfiguration(
  client: LambdaClient,
  input: UpdateFunctionConfigurationRequest,
  retry?: RoleRetry,
): Promise<FunctionConfiguration> {
  return call("lambda:UpdateFunctionConfiguration", () =>
    withRoleRetry(() => client.send(new UpdateFunctionConfigurationCommand(input)), retry),
  );
}

/**
 * Waits until the function is Active (after CreateFunction) or its last update Successful (after an
 * update). A function that ends Failed is a CliError carrying Lambda's reason.
 */
export async function waitForFunction(
  client: LambdaClient,
  name: string,
  until: "active" | "updated",
  maxWaitSeconds = 300,
): Promise<void> {
  const waiter = until === "active" ? waitUntilFunctionActiveV2 : waitUntilFunctionUpdatedV2;
  try {
    await waiter({ client, maxWaitTime: maxWaitSeconds, minDelay: 1, maxDelay: 5 }, { FunctionName: name });
  } catch (error) {
    const info = await getFunction(client, name).catch(() => undefined);
    const c = info?.configuration;
    const why = (text: string | undefined) => (text ? `: ${text}` : "");
    const reason =
      until === "active"
        ? `state ${c?.State ?? "unknown"}${why(c?.StateReason)}`
        : `last update ${c?.LastUpdateStatus ?? "unknown"}${why(c?.LastUpdateStatusReason)}`;
    throw new CliError(
      "LAMBDA_NOT_READY",
      `Lambda function ${name} did not become ${until === "active" ? "Active" : "updated"} (${reason}).`,
      {
        hint:
          "Check the image or zip (Lambda rejects image indexes and unsupported layers) and the function's " +
          "CloudWatch logs, then re-run.",
        exitCode: ExitCode.Aws,
        cause: error,
      },
    );
  }
}

export async function publishVersion(client: LambdaClient, name: string): Promise<FunctionConfiguration> {
  return call("lambda:PublishVersion", () => client.send(new PublishVersionCommand({ FunctionName: name })));
}

/** The highest published version (not $LATEST), or undefined when none was published. */
export async function latestVersion(
  client: LambdaClient,
  name: string,
): Promise<FunctionConfiguration | undefined> {
  let marker: string | undefined;
  let best: FunctionConfiguration | undefined;
  do {
    const r = await call("lambda:ListVersionsByFunction", () =>
      client.send(
        new ListVersionsByFunctionCommand({ FunctionName: name, ...(marker ? { Marker: marker } : {}) }),
      ),
    );
    for (const v of r.Versions ?? []) {
      if (!v.Version || !/^\d+$/.test(v.Version)) continue;
      if (!best || Number(v.Version) > Number(best.Version)) best = v;
    }
    marker = r.NextMarker;
  } while (marker);
  return best;
}

/** GetPolicy, parsed; `undefined` when the function has no resource policy. */
export async function getPolicy(client: LambdaClient, name: string): Promise<PolicyDocument | undefined> {
  try {
    const r = await client.send(new GetPolicyCommand({ FunctionName: name }));
    if (!r.Policy) return undefined;
    const doc = JSON.parse(r.Policy) as Partial<PolicyDocument>;
    const statements = doc.Statement;
    return { ...doc, Statement: Array.isArray(statements) ? statements : statements ? [statements] : [] };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw awsError(error, "lambda:GetPolicy");
  }
}

export interface PermissionInput {
  functionName: string;
  statementId: string;
  principal: string;
  action: string;
  sourceAccount: string;
  sourceArn: string;
}

export async function addPermission(client: LambdaClient, p: PermissionInput): Promise<void> {
  await call("lambda:AddPermission", () =>
    client.send(
      new AddPermissionCommand({
        FunctionName: p.functionName,
        StatementId: p.statementId,
        Action: p.action,
        Principal: p.principal,
        SourceAccount: p.sourceAccount,
        SourceArn: p.sourceArn,
      }),
    ),
  );
}

/** RemovePermission; a statement that is already gone is not an error. */
export async function removePermission(client: LambdaClient, name: string, sid: string): Promise<void> {
  try {
    await client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: sid }));
  } catch (error) {
    if (isNotFound(error)) return;
    throw awsError(error, "lambda:RemovePermission");
  }
}

export async function tagFunction(
  client: LambdaClient,
  functionArn: string,
  tags: Record<string, string>,
): Promise<void> {
  await call("lambda:TagResource", () =>
    client.send(new TagResourceCommand({ Resource: functionArn, Tags: tags })),
  );
}

/** DeleteFunction; returns false when the function did not exist. */
export async function deleteFunction(client: LambdaClient, name: string): Promise<boolean> {
  try {
    await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw awsError(error, "lambda:DeleteFunction");
  }
}
