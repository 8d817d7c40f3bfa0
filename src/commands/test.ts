import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { endpointsFromEnv } from "../aws/clients.js";
import { type AppflowSuiteContext, appflowChecks, type WriteCase } from "../conformance/appflow.js";
import { type HttpSession, loadFixtures, saveFixtures, startHttpSession } from "../conformance/http.js";
import { contextInputs, openLocalConnector } from "../conformance/local.js";
import { humanSummary, summarize, toJunit } from "../conformance/report.js";
import type { CheckResult, SuiteOptions } from "../conformance/types.js";
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
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(
      tmp,
      redact(toJunit(results, { name: project.config.name, durationMs: summary.durationMs, strict })),
    );
    await rename(tmp, file);
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
  const { reporter, globals } = ctx;
  const cfg = project.config;
  if (!cfg.appflow) throw new CliError("PROJECT_INVALID", "connector.json has no appflow section.");
  const pageBudget =
    numberOption(options.pageBudget, "--page-budget") ?? project.get<number>("test.pageBudget") ?? 100;
  const writes = await readWrites(project);

  if (typeof options.remote === "string") {
    const { createLambdaRunner } = await import("../conformance/remote.js");
    const { readLocalSecrets } = await import("../conformance/secrets-file.js");
    const aws = {
      ...(globals.region ? { region: globals.region } : cfg.aws?.region ? { region: cfg.aws.region } : {}),
      ...(globals.profile ? { profile: globals.profile } : {}),
      ...(typeof options.endpointUrl === "string" ? { endpointUrl: options.endpointUrl } : {}),
      endpoints: endpointsFromEnv(ctx.env),
      env: ctx.env,
    };
    const runner = await createLambdaRunner(options.remote, aws);
    const secrets = await readLocalSecrets(
      project.resolve(project.get<string>("appflow.secretsFile") ?? ".connector/secrets.json"),
    );
    const connector = {
      label: cfg.appflow.label,
      language: "typescript" as const,
      runner,
      secrets,
      settings: cfg.test?.settings ?? {},
      apiVersion: cfg.test?.apiVersion,
    };
    try {
      const context = await contextInputs(connector);
      const suiteCtx: AppflowSuiteContext = {
        runner,
        label: cfg.appflow.label,
        context,
        secrets: {},
        ...(writes ? { writes } : {}),
      };
      const results = await appflowChecks(suiteCtx, {
        ...suite,
        pageBudget,
        writesAllowed: Boolean(options.write),
      });
      return { results, mode: "remote" };
    } finally {
      await runner.close();
    }
  }

  const connector = await openLocalConnector(project, { env: ctx.env });
  if (connector.secrets.modeWarning) reporter.warn(connector.secrets.modeWarning);
  let http: HttpSession | undefined;
  let mode = "live";
  const fixturesFile = project.resolve(project.get<string>("test.fixtures") ?? "fixtures/http.json");
  try {
    if (connector.language === "typescript") {
      const fixtures = await loadFixtures(fixturesFile);
      if (options.record) {
        http = await startHttpSession(
          {
            mode: "record",
            fixtures: {
              version: 1,
              ...(fixtures?.match ? { match: fixtures.match } : {}),
              description: fixtures?.description ?? "Recorded by connector test --record",
              exchanges: [],
            },
          },
          connector.secrets.values,
        );
        mode = "record";
      } else if (!options.live && fixtures) {
        http = await startHttpSession({ mode: "replay", fixtures }, connector.secrets.values);
        mode = "replay";
      } else {
        http = await startHttpSession({ mode: "live" }, connector.secrets.values);
        if (!options.live)
          reporter.warn(
            `no ${path.relative(project.root, fixturesFile)}: checks call the live API (record fixtures with --record)`,
          );
      }
    } else if (options.record) {
      throw new CliError(
        "RECORD_UNSUPPORTED",
        "--record works for TypeScript connectors, which run in-process.",
        {
          hint: "Python connectors run in a subprocess and always call the live API; see docs/test.md.",
        },
      );
    }
    reporter.info(`running ${project.config.name} (${connector.language}, HTTP ${mode})`);
    const context = await contextInputs(connector);
    const suiteCtx: AppflowSuiteContext = {
      runner: connector.runner,
      label: cfg.appflow.label,
      context,
      secrets: connector.secrets.values,
      ...(http ? { http } : {}),
      ...(writes ? { writes } : {}),
    };
    const results = await appflowChecks(suiteCtx, {
      ...suite,
      pageBudget,
      writesAllowed: Boolean(options.write) || mode === "replay",
    });
    if (http && mode === "replay" && http.unmatched.length > 0) {
      const unique = [...new Set(http.unmatched)];
      reporter.warn(
        `${unique.length} request(s) had no recorded exchange: ${unique.slice(0, 5).join("; ")}${unique.length > 5 ? " …" : ""}. ` +
          "Re-record with `connector test --record` (live API) or add them to the fixtures.",
      );
    }
    if (http && mode === "record") {
      const recorded = http.recorded();
      if (recorded) {
        await mkdir(path.dirname(fixturesFile), { recursive: true });
        await saveFixtures(fixturesFile, recorded);
        reporter.info(
          `recorded ${recorded.exchanges.length} exchange(s) to ${path.relative(project.root, fixturesFile)} (secrets redacted)`,
        );
      }
    }
    return { results, mode };
  } finally {
    http?.dispose();
    await connector.runner.close();
  }
}

async function readWrites(project: Project): Promise<WriteCase[] | undefined> {
  const file = project.resolve("fixtures/writes.json");
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError(
      "WRITES_INVALID",
      `fixtures/writes.json is not valid JSON: ${(error as Error).message}`,
      {
        hint: 'It holds an array of {"entity", "operation", "records": [...], "expect": ["ok", "fail"]}.',
      },
    );
  }
  if (!Array.isArray(value)) {
    throw new CliError("WRITES_INVALID", "fixtures/writes.json must hold an array of write cases.", {
      hint: 'Example: [{"entity": "Contact", "operation": "INSERT", "records": [{"name": "Ada"}]}].',
    });
  }
  return value as WriteCase[];
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
