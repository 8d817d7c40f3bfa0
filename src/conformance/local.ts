import type { Project } from "../project/index.js";
import { CliError } from "../ui/errors.js";
import {
  type AppflowEvent,
  appflowLimitMs,
  buildEvent,
  type ContextInputs,
  type EventOptions,
} from "./events.js";
import { createNodeRunner, createPythonRunner, type HandlerRunner, type RawInvocation } from "./runners.js";
import { type LocalSecrets, readLocalSecrets } from "./secrets-file.js";
import { checkResponseShape, type ShapeIssue } from "./shape.js";

/** The outcome of one checked invocation. */
export interface InvokeResult {
  requestType: string;
  /** ok: valid success; failed: valid `isSuccess: false`; invalid: breaks the response shape. */
  status: "ok" | "failed" | "invalid" | "threw" | "timeout";
  durationMs: number;
  limitMs: number;
  response?: unknown;
  issues: ShapeIssue[];
  error?: RawInvocation["error"];
  logs: string[];
}

/** Runs one event and checks the answer against the protocol's response shape. */
export async function invokeChecked(
  runner: HandlerRunner,
  event: AppflowEvent,
  timeoutMs?: number,
): Promise<InvokeResult> {
  const limitMs = timeoutMs ?? appflowLimitMs(event.type);
  const raw = await runner.invoke(event, limitMs);
  const base = { requestType: event.type, durationMs: Math.round(raw.durationMs), limitMs, logs: raw.logs };
  if (raw.status === "timeout") return { ...base, status: "timeout", issues: [] };
  if (raw.status === "threw")
    return { ...base, status: "threw", issues: [], ...(raw.error ? { error: raw.error } : {}) };
  const issues = checkResponseShape(event.type, raw.response);
  const failed = (raw.response as { isSuccess?: unknown } | null)?.isSuccess === false;
  return {
    ...base,
    status: issues.length > 0 ? "invalid" : failed ? "failed" : "ok",
    response: raw.response,
    issues,
  };
}

/** A project's connector, ready to be invoked locally. */
export interface LocalConnector {
  label: string;
  language: "typescript" | "python";
  runner: HandlerRunner;
  secrets: LocalSecrets;
  settings: Record<string, string>;
  /** Explicit API version (flag or connector.json), else discovered from the configuration. */
  apiVersion: string | undefined;
}

export interface OpenOptions {
  settings?: Record<string, string>;
  apiVersion?: string;
  env?: NodeJS.ProcessEnv;
}

/** Opens the project's handler: the built bundle in-process, or the Python handler in a subprocess. */
export async function openLocalConnector(
  project: Project,
  options: OpenOptions = {},
): Promise<LocalConnector> {
  const cfg = project.config;
  if (cfg.kind !== "appflow" || !cfg.appflow) {
    throw new CliError("NOT_APPFLOW", `${project.file ?? project.root} is a ${cfg.kind} project.`, {
      hint: "`invoke` runs AppFlow connectors; Glue connectors are checked with `connector test`.",
    });
  }
  const label = cfg.appflow.label;
  const language = project.get<"typescript" | "python">("appflow.language") ?? "typescript";
  const secretsPath = project.resolve(
    project.get<string>("appflow.secretsFile") ?? ".connector/secrets.json",
  );
  const secrets = await readLocalSecrets(secretsPath);
  const handler = project.get<string>("appflow.handler") ?? "index.handler";
  let runner: HandlerRunner;
  if (language === "python") {
    const sitePackages = project.get<string>("appflow.sitePackages");
    runner = await createPythonRunner({
      root: project.root,
      handler,
      paths: sitePackages ? [project.resolve(sitePackages)] : [],
      ...(secrets.file ? { secretsFile: secrets.file } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  } else {
    const bundle = project.resolve(project.get<string>("appflow.bundle") ?? "dist/index.mjs");
    runner = await createNodeRunner({
      bundle,
      exportName: handler.slice(handler.lastIndexOf(".") + 1),
      secrets: secrets.values,
    });
  }
  return {
    label,
    language,
    runner,
    secrets,
    settings: { ...(cfg.test?.settings ?? {}), ...(options.settings ?? {}) },
    apiVersion: options.apiVersion ?? cfg.test?.apiVersion,
  };
}

/** The context AppFlow would build: settings, credentials, API version (discovered when not given). */
export async function contextInputs(c: LocalConnector): Promise<ContextInputs> {
  let apiVersion = c.apiVersion;
  if (!apiVersion) {
    const r = await invokeChecked(
      c.runner,
      buildEvent("DescribeConnectorConfigurationRequest", base(c, "?"), {}),
    );
    const versions = (r.response as { supportedApiVersions?: unknown } | undefined)?.supportedApiVersions;
    apiVersion = Array.isArray(versions) && typeof versions[0] === "string" ? versions[0] : "v1";
  }
  return base(c, apiVersion);
}

function base(c: LocalConnector, apiVersion: string): ContextInputs {
  return { label: c.label, apiVersion, settings: c.settings, secrets: c.secrets };
}

/**
 * Builds the event for `type` like AppFlow does: data requests carry the entity definition, which
 * AppFlow takes from DescribeEntity, so this calls DescribeEntity first.
 */
export async function prepareEvent(
  c: LocalConnector,
  type: string,
  options: EventOptions,
): Promise<AppflowEvent> {
  const ctx = await contextInputs(c);
  if (["QueryDataRequest", "RetrieveDataRequest", "WriteDataRequest"].includes(type) && options.entity) {
    const d = await invokeChecked(
      c.runner,
      buildEvent("DescribeEntityRequest", ctx, { entity: options.entity }),
    );
    const def = (d.response as { entityDefinition?: unknown } | undefined)?.entityDefinition;
    if (d.status !== "ok" || !def) {
      throw new CliError(
        "DESCRIBE_ENTITY_FAILED",
        `DescribeEntity for "${options.entity}" did not succeed (${d.status}).`,
        {
          hint: `Run \`connector invoke DescribeEntity --entity ${options.entity}\` to see why.`,
        },
      );
    }
    ctx.entityDefinition = def;
  }
  return buildEvent(type, ctx, options);
}
