/**
 * `connector unregister`: UnregisterConnector, then with --delete-function the function and the role
 * this tool created. The work is in src/register/unregister.ts.
 */
import { type UnregisterResult, unregister } from "../register/unregister.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { CommandContext } from "./context.js";
import { loadTarget } from "./register.js";

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const { inputs, aws } = await loadTarget(ctx, options);
  const force = options.force === true;
  const deleteFunction = options.deleteFunction === true;
  if (ctx.interactive) {
    const { confirm } = await import("@inquirer/prompts");
    const what = deleteFunction
      ? `Unregister ${inputs.label} and delete the function ${inputs.functionName}` +
        `${inputs.roleArn ? "" : ` and the role ${inputs.roleName} (if connectorkit created it)`}?`
      : `Unregister ${inputs.label} from AppFlow?`;
    if (!(await confirm({ message: what, default: false }))) {
      throw new CliError("CANCELLED", "Cancelled; nothing was changed.", {
        hint: "Pass --yes to skip the question.",
        exitCode: ExitCode.Usage,
      });
    }
  }
  const result = await unregister(inputs, { force, deleteFunction }, { aws, onEvent: ctx.reporter.onEvent });
  ctx.reporter.result("unregister", result, format);
  return ExitCode.Ok;
}

function format(r: UnregisterResult): string {
  const width = Math.max(...r.steps.map((s) => s.step.length));
  const rows = r.steps.map((s) => `  ${s.step.padEnd(width)}  ${s.status.padEnd(7)}  ${s.detail}`);
  const tail = r.changed ? `Unregistered ${r.label}.` : `Nothing to remove for ${r.label}.`;
  return [`${r.label}:`, ...rows, tail].join("\n");
}
