/**
 * `connector status`: the function, its AppFlow permission and the registration side by side, with
 * what is missing or stale. Exit 0 when consistent, 1 otherwise. The work is in src/register/status.ts.
 */
import { resolveCode } from "../register/inputs.js";
import { inspectConnector, type StatusReport } from "../register/status.js";
import { ExitCode } from "../ui/errors.js";
import type { CommandContext } from "./context.js";
import { loadTarget } from "./register.js";

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const { project, inputs, aws } = await loadTarget(ctx, options);
  const code = await resolveCode(
    project,
    {
      ...(typeof options.imageUri === "string" ? { imageUri: options.imageUri } : {}),
      ...(typeof options.zip === "string" ? { zip: options.zip } : {}),
      cwd: ctx.globals.cwd,
    },
    false,
  );
  const report = await inspectConnector(
    { ...inputs, ...(code ? { code } : {}) },
    { aws, onEvent: ctx.reporter.onEvent },
  );
  ctx.reporter.result("status", report, format);
  return report.consistent ? ExitCode.Ok : ExitCode.ChecksFailed;
}

function rows(pairs: [string, string | number | undefined][]): string[] {
  const shown = pairs.filter((p): p is [string, string | number] => p[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `    ${k.padEnd(width)}  ${v}`);
}

export function format(r: StatusReport): string {
  const out = [`${r.label} in ${r.region} (account ${r.account})`, ""];
  const f = r.function;
  out.push(`  Lambda function: ${f ? f.arn : `missing (${r.functionArn})`}`);
  if (f) {
    out.push(
      ...rows([
        [
          "state",
          [f.state, f.lastUpdateStatus && `last update ${f.lastUpdateStatus}`].filter(Boolean).join(", "),
        ],
        ["code", f.imageUri ?? (f.codeSha256 ? `zip, CodeSha256 ${f.codeSha256}` : undefined)],
        ["runtime", f.runtime ? `${f.runtime} ${f.handler ?? ""}`.trim() : undefined],
        ["memory / timeout", `${f.memorySize ?? "?"} MB / ${f.timeout ?? "?"} s, ${f.architecture ?? "?"}`],
        ["role", f.role],
        ["last modified", f.lastModified],
      ]),
    );
  }
  const p = r.permission;
  const permissionText =
    p.state === "ok"
      ? "ok"
      : p.state === "missing"
        ? "missing"
        : p.state === "no-function"
          ? "n/a (no function)"
          : `stale: ${p.diff.join("; ")}`;
  out.push("", `  AppFlow invoke permission (${p.statementId}): ${permissionText}`);
  const g = r.registration;
  out.push("", `  AppFlow registration: ${g ? (g.connectorArn ?? g.label) : "not registered"}`);
  if (g) {
    out.push(
      ...rows([
        [
          "registered Lambda",
          `${g.lambdaArn ?? "(none)"}${g.matchesFunction ? " (this project's)" : " (NOT this project's)"}`,
        ],
        ["registered at", g.registeredAt],
        ["connector version", g.connectorVersion],
        [
          "configuration",
          g.synced === true ? "read from the current code" : g.synced === false ? "stale" : "unknown",
        ],
      ]),
    );
  }
  out.push("");
  if (r.problems.length === 0) out.push("Consistent: nothing is missing or stale.");
  else out.push(`${r.problems.length} problem(s):`, ...r.problems.map((x) => `  - ${x}`));
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join("\n");
}
