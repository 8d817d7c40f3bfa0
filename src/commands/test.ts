import path from "node:path";
import { endpointsFromEnv, requireRegion } from "../aws/clients.js";
import { humanSummary, summarize, toJunit } from "../conformance/report.js";
import { runAppflowSuite } from "../conformance/run.js";
import type { CheckResult, SuiteOptions } from "../conformance/types.js";
import { writeFileAtomic } from "../project/files.js";
import { loadProject, type Project } from "../project/index.js";
import { CliError, ExitCode } from "../ui/errors.js";
import { redact, registerSecret } from "../ui/redact.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const { reporter, globals } = ctx;
  const started = performance.now();
  const project = await loadProject({ cwd: globals.cwd, env: ctx.env });
  const strict = Boolean(options.strict);
  const suite: SuiteOptions = {
    only: list(options.only),
    skip: [...list(options.skip), ...(project.config.test?.skip ?? [])],
    entities: list(options.entity).length ? list(options.entity) : (project.config.test?.entities ?? []),
    bail: Boolean(options.bail),
    onEvent: reporter.onEvent,
  };
  let results: CheckResult[];
  let mode = "local";
  if (project.config.kind === "glue") {
    const { glueChecks } = await import("../conformance/glue.js");
    const jdbcPassword = ctx.env.CONNECTOR_JDBC_PASSWORD;
    registerSecret(jdbcPassword);
    results = await glueChecks(project, {
      ...suite,
      strict,
      lenient: Boolean(options.lenient),
      env: ctx.env,
      ...(typeof options.jdbcUrl === "string" ? { jdbcUrl: options.jdbcUrl } : {}),
      ...(typeof options.jdbcUser === "string" ? { jdbcUser: options.jdbcUser } : {}),
      ...(jdbcPassword ? { jdbcPassword } : {}),
    });
    mode = "glue";
  } else {
    const r = await appflow(ctx, project, suite, options);
    results = r.results;
    mode = r.mode;
  }
  const summary = summarize(results, Math.round(performance.now() - started));
  if (typeof options.junit === "string") {
    const file = path.resolve(globals.cwd, options.junit);
    await writeFileAtomic(
      file,
      redact(toJunit(results, { name: project.config.name, durationMs: summary.durationMs, strict })),
    );
  }
  const failed = summary.failed > 0 || (strict && summary.skippedApplicable > 0);
  reporter.result(
    "test",
    {
      project: project.config.name,
      kind: project.config.kind,
      mode,
      ok: !failed,
      strict,
      ...summary,
      checks: results,
    },
    humanSummary(results, summary, strict),
  );
  return failed ? ExitCode.ChecksFailed : ExitCode.Ok;
}

async function appflow(
  ctx: CommandContext,
  project: Project,
  suite: SuiteOptions,
  options: Record<string, unknown>,
) {
  const { globals } = ctx;
  const pageBudget = numberOption(options.pageBudget, "--page-budget");
  const remote = typeof options.remote === "string";
  const region = globals.region ?? project.get<string>("aws.region");
  const profile = globals.profile ?? project.get<string>("aws.profile");
  return runAppflowSuite(project, {
    ...suite,
    ...(typeof options.remote === "string" ? { remote: options.remote } : {}),
    aws: {
      ...(remote ? { region: requireRegion(region, ctx.env) } : region ? { region } : {}),
      ...(profile ? { profile } : {}),
      // --remote talks to Lambda only: its --endpoint-url is Lambda's, and wins like a flag does.
      endpoints: {
        ...endpointsFromEnv(ctx.env),
        ...(typeof options.endpointUrl === "string" ? { lambda: options.endpointUrl } : {}),
      },
      env: ctx.env,
    },
    record: Boolean(options.record),
    live: Boolean(options.live),
    write: Boolean(options.write),
    ...(pageBudget !== undefined ? { pageBudget } : {}),
    env: ctx.env,
  });
}

function list(v: unknown): string[] {
  const items = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  return items
    .flatMap((s) => String(s).split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

function numberOption(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError("USAGE", `${flag} must be a positive integer (got ${String(v)}).`);
  return n;
}
