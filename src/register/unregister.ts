/**
 * `connector unregister` as a domain operation: UnregisterConnector, then (on request) the Lambda
 * function and the execution role this tool created. Never prints; reports through `onEvent`.
 */
import { appflowErrorName, describeConnector, unregisterConnector } from "../aws/appflow.js";
import { type AwsOptions, appflowClient, callerAccount, iamClient, lambdaClient } from "../aws/clients.js";
import { deleteRole, getRole } from "../aws/iam.js";
import { deleteFunction, getFunction } from "../aws/lambda.js";
import { CliError, ExitCode, isCliError } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import { functionArnFor, type TargetInputs, validateInputs } from "./inputs.js";
import { CREATED_BY_TAG, unqualifiedArn } from "./policies.js";

export type UnregisterStepName = "registration" | "function" | "role";
export type UnregisterStatus = "deleted" | "absent" | "kept";

export interface UnregisterStep {
  step: UnregisterStepName;
  status: UnregisterStatus;
  detail: string;
}

export interface UnregisterResult {
  label: string;
  functionArn: string;
  steps: UnregisterStep[];
  /** False when there was nothing to remove. */
  changed: boolean;
}

export interface UnregisterOptions {
  /** forceDelete: unregister even while connector profiles use it (and whoever's function it names). */
  force: boolean;
  /** Also delete the function and the role this tool created. */
  deleteFunction: boolean;
}

const TITLES: Record<UnregisterStepName, string> = {
  registration: "AppFlow registration",
  function: "Lambda function",
  role: "Execution role",
};

export async function unregister(
  inputs: TargetInputs,
  options: UnregisterOptions,
  deps: { aws: AwsOptions; onEvent?: ProgressListener },
): Promise<UnregisterResult> {
  validateInputs(inputs, { verb: "unregister" });
  const account = await callerAccount(deps.aws);
  const functionArn = functionArnFor(inputs.region, account, inputs.functionName);
  const steps: UnregisterStep[] = [];
  const emit = (step: UnregisterStepName, status: "start" | "done" | "fail", s?: UnregisterStep) =>
    deps.onEvent?.({
      type: "step",
      id: step,
      status,
      title: s ? `${TITLES[step]}: ${s.status}` : TITLES[step],
      ...(s ? { detail: s.detail } : {}),
    });
  const record = (s: UnregisterStep) => {
    steps.push(s);
    emit(s.step, "done", s);
  };
  const appflow = await appflowClient(deps.aws);
  let current: UnregisterStepName = "registration";
  try {
    emit("registration", "start");
    const existing = await describeConnector(appflow, inputs.label);
    const registeredArn = existing?.connectorProvisioningConfig?.lambda?.lambdaArn;
    if (!existing) {
      record({ step: "registration", status: "absent", detail: `${inputs.label} is not registered` });
    } else {
      if (registeredArn && unqualifiedArn(registeredArn) !== functionArn && !options.force) {
        throw new CliError(
          "UNREGISTER_OTHER_FUNCTION",
          `The label ${inputs.label} is registered to ${registeredArn}, not to this project's function ` +
            `${functionArn}. Nothing was changed.`,
          {
            hint: "Pass --force to unregister it anyway, or check appflow.label and --function-name.",
            exitCode: ExitCode.Usage,
          },
        );
      }
      try {
        const removed = await unregisterConnector(appflow, inputs.label, options.force);
        record({
          step: "registration",
          status: removed ? "deleted" : "absent",
          detail: removed
            ? `${existing.connectorArn ?? inputs.label} unregistered${options.force ? " (forceDelete)" : ""}`
            : `${inputs.label} is not registered`,
        });
      } catch (error) {
        if (appflowErrorName(error) !== "ConflictException") throw error;
        const cli = isCliError(error) ? error : undefined;
        throw new CliError(
          "UNREGISTER_IN_USE",
          `AppFlow refused to unregister ${inputs.label}: connector profiles still use it` +
            `${cli ? ` (${cli.message})` : ""}. Nothing was changed.`,
          {
            hint:
              "Delete those connector profiles (and their flows) first, or pass --force to unregister " +
              "anyway; profiles and flows that use the connector stop working.",
            exitCode: ExitCode.Aws,
            cause: error,
          },
        );
      }
    }
    if (!options.deleteFunction) {
      record({
        step: "function",
        status: "kept",
        detail: `${functionArn} kept (pass --delete-function to delete it and the role this tool created)`,
      });
      return { label: inputs.label, functionArn, steps, changed: steps.some((s) => s.status === "deleted") };
    }
    current = "function";
    emit("function", "start");
    const lambda = await lambdaClient(deps.aws);
    try {
      // Only a function this tool created (tagged createdBy=connectorkit) is deleted without --force,
      // the same rule as for the role below.
      const existing = await getFunction(lambda, inputs.functionName);
      if (existing && existing.tags[CREATED_BY_TAG.key] !== CREATED_BY_TAG.value && !options.force) {
        record({
          step: "function",
          status: "kept",
          detail:
            `${functionArn} was not created by connectorkit (no ${CREATED_BY_TAG.key} tag): kept; ` +
            "pass --force with --delete-function to delete it anyway",
        });
      } else {
        const deleted = existing ? await deleteFunction(lambda, inputs.functionName) : false;
        record({
          step: "function",
          status: deleted ? "deleted" : "absent",
          detail: deleted
            ? `${functionArn} deleted (with its resource policy)`
            : `${functionArn} does not exist`,
        });
      }
    } finally {
      lambda.destroy();
    }
    current = "role";
    emit("role", "start");
    if (inputs.roleArn) {
      record({
        step: "role",
        status: "kept",
        detail: `${inputs.roleArn} was given, not created by connectorkit`,
      });
    } else {
      const iam = await iamClient(deps.aws);
      try {
        const role = await getRole(iam, inputs.roleName);
        if (!role) {
          record({ step: "role", status: "absent", detail: `${inputs.roleName} does not exist` });
        } else if (role.tags[CREATED_BY_TAG.key] !== CREATED_BY_TAG.value) {
          record({
            step: "role",
            status: "kept",
            detail: `${role.arn} was not created by connectorkit (no ${CREATED_BY_TAG.key} tag)`,
          });
        } else {
          await deleteRole(iam, inputs.roleName);
          record({ step: "role", status: "deleted", detail: `${role.arn} deleted (with its policies)` });
        }
      } finally {
        iam.destroy();
      }
    }
    return { label: inputs.label, functionArn, steps, changed: steps.some((s) => s.status === "deleted") };
  } catch (error) {
    emit(current, "fail");
    if (steps.length === 0 || !isCliError(error)) throw error;
    const done = steps.map((s) => `  - ${TITLES[s.step]}: ${s.status} (${s.detail})`).join("\n");
    throw new CliError(
      error.code,
      `${error.message}\nDone before the failure:\n${done}\n` +
        "Re-run `connector unregister --delete-function` to finish; steps already done are skipped.",
      {
        ...(error.hint ? { hint: error.hint } : {}),
        exitCode: error.exitCode,
        details: { ...(error.details ?? {}), steps },
        cause: error,
      },
    );
  } finally {
    appflow.destroy();
  }
}
