import { readFile } from "node:fs/promises";
import path from "node:path";
import { normalizeRequestType } from "../conformance/events.js";
import { loadFixtures, startHttpSession } from "../conformance/http.js";
import {
  type InvokeResult,
  invokeChecked,
  type LocalConnector,
  openLocalConnector,
  prepareEvent,
} from "../conformance/local.js";
import { loadProject, type Project } from "../project/index.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { Reporter } from "../ui/reporter.js";
import type { CommandContext } from "./context.js";

export async function run(ctx: CommandContext, args: string[], options: Record<string, unknown>) {
  const { reporter, globals } = ctx;
  const project = await loadProject({ cwd: globals.cwd, env: ctx.env });
  const eventSource = typeof options.event === "string" ? options.event : undefined;
  if (!args[0] && !eventSource) {
    throw new CliError("USAGE", "Which request? Give a request type or --event <file>.", {
      hint: "Example: `connector invoke DescribeConnectorConfiguration` or `connector invoke --event event.json`.",
    });
  }
  const connector = await openLocalConnector(project, {
    settings: parseSettings(options.setting),
    ...(typeof options.apiVersion === "string" ? { apiVersion: options.apiVersion } : {}),
    env: ctx.env,
  });
  if (connector.secrets.modeWarning) reporter.warn(connector.secrets.modeWarning);
  // Replay starts before the event is built: building it calls the connector too (the API version
  // from its configuration, the entity definition from DescribeEntity), like AppFlow does.
  const replay = options.live ? undefined : await startReplay(project, connector, reporter);
  try {
    let event: Record<string, unknown> & { type: string };
    if (eventSource) {
      event = await readEvent(eventSource, globals.cwd, ctx.stdin);
      if (args[0] && normalizeRequestType(args[0]) !== event.type) {
        throw new CliError("USAGE", `The event's type is ${event.type}, not ${args[0]}.`, {
          hint: "Drop the request type argument when you pass --event.",
        });
      }
    } else {
      const type = normalizeRequestType(args[0] as string);
      event = await prepareEvent(connector, type, {
        ...(typeof options.entity === "string" ? { entity: options.entity } : {}),
        ...(typeof options.entitiesPath === "string" ? { entitiesPath: options.entitiesPath } : {}),
        ...(typeof options.filter === "string" ? { filter: options.filter } : {}),
        ...(typeof options.fields === "string" ? { fields: list(options.fields) } : {}),
        ...(typeof options.ids === "string" ? { ids: list(options.ids) } : {}),
        ...(typeof options.idField === "string" ? { idField: options.idField } : {}),
        ...(options.maxResults !== undefined
          ? { maxResults: positiveInt(options.maxResults, "--max-results") }
          : {}),
        ...(typeof options.nextToken === "string" ? { nextToken: options.nextToken } : {}),
        ...(typeof options.operation === "string" ? { operation: options.operation } : {}),
        ...(typeof options.records === "string"
          ? { records: await readRecords(path.resolve(globals.cwd, options.records)) }
          : {}),
        ...(typeof options.idFieldNames === "string" ? { idFieldNames: list(options.idFieldNames) } : {}),
        ...(typeof options.scope === "string" ? { scope: options.scope } : {}),
      });
    }
    const timeoutMs =
      options.timeout !== undefined ? positiveInt(options.timeout, "--timeout") * 1000 : undefined;
    const result = await invokeChecked(connector.runner, event, timeoutMs);
    if (replay && replay.unmatched.length > 0) {
      reporter.warn(
        `no recorded exchange for: ${replay.unmatched.join("; ")}. Use --live to call the API, or record ` +
          "the exchanges with `connector test --record`.",
      );
    }
    for (const line of result.logs) reporter.debug(`handler: ${line}`);
    if (globals.verbose) reporter.debug(`event: ${JSON.stringify(event)}`);
    if (result.status === "ok" || result.status === "failed") {
      if (result.status === "failed")
        reporter.warn(`the connector answered isSuccess: false (${errorCode(result)})`);
      reporter.result(
        "invoke",
        {
          requestType: result.requestType,
          status: result.status,
          durationMs: result.durationMs,
          response: result.response,
        },
        () => JSON.stringify(result.response, null, 2),
      );
      return ExitCode.Ok;
    }
    throw handlerProblem(result);
  } finally {
    replay?.dispose();
    await connector.runner.close();
  }
}

/**
 * TypeScript connectors run in this process, so their HTTP calls can be served from the recorded
 * fixtures (the default when the file exists; `--live` calls the real API).
 */
async function startReplay(project: Project, connector: LocalConnector, reporter: Reporter) {
  if (connector.language !== "typescript") return undefined;
  const file = project.resolve(project.get<string>("test.fixtures") ?? "fixtures/http.json");
  const fixtures = await loadFixtures(file);
  if (!fixtures) return undefined;
  reporter.info(`HTTP replayed from ${path.relative(project.root, file)} (--live to call the API)`);
  return startHttpSession({ mode: "replay", fixtures }, connector.secrets.values);
}

function errorCode(r: InvokeResult): string {
  const d = (r.response as { errorDetails?: { errorCode?: string } } | undefined)?.errorDetails;
  return d?.errorCode ?? "no errorCode";
}

function handlerProblem(r: InvokeResult): CliError {
  const type = r.requestType.replace(/Request$/, "");
  const details = {
    requestType: r.requestType,
    durationMs: r.durationMs,
    issues: r.issues,
    response: r.response,
  };
  if (r.status === "timeout") {
    return new CliError(
      "HANDLER_TIMEOUT",
      `${type} did not answer within ${r.limitMs / 1000} s (AppFlow's limit).`,
      {
        hint: "AppFlow gives configuration and metadata calls 10 s and data calls 30 s; use --timeout to change the local limit.",
        exitCode: ExitCode.ChecksFailed,
        details,
      },
    );
  }
  if (r.status === "threw") {
    return new CliError(
      "HANDLER_THREW",
      `${type} threw ${r.error?.name ?? "an error"}: ${r.error?.message ?? ""}`,
      {
        hint: "Return {isSuccess: false, errorDetails} (or throw a ConnectorError with createHandler) instead: AppFlow reports a thrown error only as 'no valid response'.",
        exitCode: ExitCode.ChecksFailed,
        details: { ...details, stack: r.error?.stack },
      },
    );
  }
  const first = r.issues[0];
  return new CliError(
    "INVALID_RESPONSE",
    `${type} returned an invalid response: ${first ? `${first.path}: ${first.message}` : "shape mismatch"}` +
      (r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : ""),
    {
      hint: "Fix the fields named here; AppFlow reads exact JSON names and enum spellings.",
      exitCode: ExitCode.ChecksFailed,
      details,
      context: r.issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"),
    },
  );
}

async function readEvent(source: string, cwd: string, stdin: NodeJS.ReadableStream) {
  let text: string;
  if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    text = Buffer.concat(chunks).toString("utf8");
  } else {
    try {
      text = await readFile(path.resolve(cwd, source), "utf8");
    } catch {
      throw new CliError("FILE_NOT_FOUND", `Cannot read the event file ${source}.`, {
        hint: "Check the path.",
      });
    }
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "INVALID_JSON",
      `The event (${source === "-" ? "stdin" : source}) is not valid JSON: ${(error as Error).message}`,
      {
        hint: "Pass one JSON object with a type field.",
      },
    );
  }
  if (typeof event !== "object" || event === null || typeof (event as { type?: unknown }).type !== "string") {
    throw new CliError("INVALID_EVENT", "The event must be a JSON object with a string `type`.", {
      hint: 'Example: {"type": "DescribeConnectorConfigurationRequest", "locale": "en-US"}.',
    });
  }
  return event as Record<string, unknown> & { type: string };
}

async function readRecords(file: string): Promise<unknown[]> {
  try {
    const value = JSON.parse(await readFile(file, "utf8")) as unknown;
    if (Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  throw new CliError("INVALID_RECORDS", `${file} must hold a JSON array of records.`, {
    hint: 'Example: [{"name": "Ada"}].',
  });
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new CliError("USAGE", `${flag} must be a positive integer (got ${String(value)}).`);
  }
  return n;
}

function parseSettings(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of (values as string[] | undefined) ?? []) {
    const i = v.indexOf("=");
    if (i <= 0) throw new CliError("USAGE", `--setting expects key=value (got "${v}").`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}
