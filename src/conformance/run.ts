import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { AwsOptions } from "../aws/clients.js";
import type { Project } from "../project/index.js";
import { CliError } from "../ui/errors.js";
import { type AppflowSuiteContext, appflowChecks, type WriteCase } from "./appflow.js";
import { type HttpSession, loadFixtures, saveFixtures, startHttpSession } from "./http.js";
import { contextInputs, openLocalConnector } from "./local.js";
import { readLocalSecrets } from "./secrets-file.js";
import type { CheckResult, SuiteOptions } from "./types.js";

export interface AppflowRunOptions extends SuiteOptions {
  /** Deployed function to test through Lambda Invoke instead of the local handler. */
  remote?: string;
  aws?: AwsOptions;
  record?: boolean;
  live?: boolean;
  write?: boolean;
  pageBudget?: number;
  env?: NodeJS.ProcessEnv;
}

export interface AppflowRun {
  results: CheckResult[];
  /** How HTTP was handled: replay, record, live, or remote (a deployed function). */
  mode: "replay" | "record" | "live" | "remote";
}

/**
 * Runs the AppFlow suite on a project: opens the runner (the local bundle, a Python subprocess, or
 * a deployed function), sets up HTTP replay or recording for in-process connectors, runs the
 * checks and, when recording, writes the fixtures. Notes and warnings go out as log events.
 */
export async function runAppflowSuite(project: Project, options: AppflowRunOptions): Promise<AppflowRun> {
  const log = (level: "info" | "warn", message: string) => options.onEvent?.({ type: "log", level, message });
  const suite: SuiteOptions = options;
  const cfg = project.config;
  if (!cfg.appflow) throw new CliError("PROJECT_INVALID", "connector.json has no appflow section.");
  const pageBudget = options.pageBudget ?? project.get<number>("test.pageBudget") ?? 100;
  const writes = await readWrites(project);

  if (options.remote !== undefined) {
    const { createLambdaRunner } = await import("./remote.js");
    const runner = await createLambdaRunner(options.remote, options.aws ?? {});
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

  const connector = await openLocalConnector(project, options.env ? { env: options.env } : {});
  if (connector.secrets.modeWarning) log("warn", connector.secrets.modeWarning);
  let http: HttpSession | undefined;
  let mode: AppflowRun["mode"] = "live";
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
          log(
            "warn",
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
    log("info", `running ${project.config.name} (${connector.language}, HTTP ${mode})`);
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
      log(
        "warn",
        `${unique.length} request(s) had no recorded exchange: ${unique.slice(0, 5).join("; ")}${unique.length > 5 ? " …" : ""}. ` +
          "Re-record with `connector test --record` (live API) or add them to the fixtures.",
      );
    }
    if (http && mode === "record") {
      const recorded = http.recorded();
      if (recorded) {
        await mkdir(path.dirname(fixturesFile), { recursive: true });
        await saveFixtures(fixturesFile, recorded);
        log(
          "info",
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
