/**
 * `connector register`: gathers the inputs (flags > CONNECTOR_* env > connector.json), hands them to
 * src/register/register.ts (or its dry-run planner) and presents the result. No domain logic here.
 */
import { type AwsOptions, endpointsFromEnv, requireRegion } from "../aws/clients.js";
import { loadProject, type Project } from "../project/index.js";
import { resolveCode, type TargetInputs, targetInputs } from "../register/inputs.js";
import { planRegister, type RegisterResult, register, type StepResult } from "../register/register.js";
import { ExitCode } from "../ui/errors.js";
import type { CommandContext } from "./context.js";

export interface Target {
  project: Project;
  inputs: TargetInputs;
  aws: AwsOptions;
}

/** Loads the project with the flags shared by register, unregister and status. */
export async function loadTarget(ctx: CommandContext, options: Record<string, unknown>): Promise<Target> {
  const project = await loadProject({
    cwd: ctx.globals.cwd,
    env: ctx.env,
    flags: {
      "aws.region": ctx.globals.region,
      "aws.profile": ctx.globals.profile,
      "lambda.functionName": str(options.functionName),
      "lambda.roleArn": str(options.roleArn),
      "appflow.description": str(options.description),
    },
    flagNames: {
      "aws.region": "--region",
      "aws.profile": "--profile",
      "lambda.functionName": "--function-name",
      "lambda.roleArn": "--role-arn",
      "appflow.description": "--description",
    },
  });
  const region = requireRegion(project.get<string>("aws.region"), ctx.env);
  const profile = project.get<string>("aws.profile");
  const endpointUrl = str(options.endpointUrl);
  const aws: AwsOptions = {
    region,
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    endpoints: endpointsFromEnv(ctx.env),
    env: ctx.env,
  };
  const inputs = targetInputs(project, {
    region,
    cwd: ctx.globals.cwd,
    ...(options.publish === true ? { publish: true } : {}),
    force: options.force === true,
  });
  return { project, inputs, aws };
}

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const { project, inputs, aws } = await loadTarget(ctx, options);
  const code = await resolveCode(project, {
    ...(str(options.imageUri) ? { imageUri: str(options.imageUri) } : {}),
    ...(str(options.zip) ? { zip: str(options.zip) } : {}),
    cwd: ctx.globals.cwd,
  });
  if (!code) throw new Error("resolveCode returned no code although it was required");
  const full = { ...inputs, code };
  if (options.dryRun === true) {
    const plan = planRegister(full);
    ctx.reporter.result("register", plan, formatPlan);
    return ExitCode.Ok;
  }
  const result = await register(full, { aws, onEvent: ctx.reporter.onEvent });
  ctx.reporter.result("register", result, formatResult);
  return ExitCode.Ok;
}

function stepTable(steps: StepResult[]): string {
  const width = Math.max(...steps.map((s) => s.step.length));
  return steps.map((s) => `  ${s.step.padEnd(width)}  ${s.status.padEnd(9)}  ${s.detail}`).join("\n");
}

export function formatResult(r: RegisterResult): string {
  const head = `${r.label} in ${r.region} (account ${r.account}):`;
  const tail = r.changed
    ? `Registered: ${r.connectorArn}${r.version ? ` (function version ${r.version})` : ""}.`
    : "Nothing changed: the role, function, permission and registration were already up to date.";
  return `${head}\n${stepTable(r.steps)}\n${tail}`;
}

function formatPlan(r: RegisterResult): string {
  const plan = r.plan;
  const lines = [plan?.note ?? "Dry run.", `Plan for ${r.label} in ${r.region} (account ${r.account}):`];
  lines.push(stepTable(r.steps));
  if (plan) {
    const doc = (title: string, value: unknown) =>
      lines.push("", `${title}:`, JSON.stringify(value, null, 2));
    if ("given" in plan.role) {
      lines.push("", `Execution role: ${plan.role.given} (given; not modified).`);
    } else {
      doc(`Execution role ${plan.role.name}: trust policy`, plan.role.trustPolicy);
      lines.push("", `Managed policy attached: ${plan.role.managedPolicyArn}`);
      doc(`Inline policy ${plan.role.inlinePolicyName}`, plan.role.inlinePolicy);
    }
    doc("Function (CreateFunction; an existing function gets only the fields that differ)", plan.function);
    doc("Resource policy (AddPermission)", plan.permission);
    doc(
      "Registration (RegisterConnector, or UpdateConnectorRegistration when the label exists)",
      plan.registration,
    );
  }
  return lines.join("\n");
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
