import path from "node:path";
import { CliError } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import {
  checkAppflowLabel,
  checkNpmName,
  functionNameFor,
  javaPackageFor,
  pascalCase,
  pythonPackageFor,
} from "./names.js";
import {
  readManifest,
  renderTemplate,
  type TemplateManifest,
  type TemplateVariable,
  templatesRoot,
  writeProject,
} from "./render.js";

export { checkAppflowLabel, checkNpmName } from "./names.js";
export { listTemplates, type TemplateManifest, type TemplateVariable, templatesRoot } from "./render.js";

export interface ScaffoldOptions {
  template: string;
  target: string;
  /** Answers keyed by variable name (from flags or prompts). Missing ones take their defaults. */
  answers: Record<string, string | undefined>;
  force: boolean;
  /** npm spec of the connectorkit dependency (default: `^<cli version>`). */
  sdkSpec: string;
  connectorkitVersion: string;
  onEvent?: ProgressListener;
  now?: () => Date;
}

export interface ScaffoldResult {
  template: string;
  target: string;
  variables: Record<string, string>;
  written: string[];
  skipped: string[];
}

const OWNER_PREFIX = /^(aws|amazon|appflow)/i;

/** Checks one answer against the variable's rule; returns a message naming the rule, or undefined. */
export function validateAnswer(v: TemplateVariable, value: string): string | undefined {
  if (v.choices && !v.choices.includes(value)) {
    return `${v.name} must be one of ${v.choices.join(", ")} (got "${value}").`;
  }
  switch (v.validate) {
    case "appflowLabel":
      return checkAppflowLabel(value);
    case "npmName":
      return checkNpmName(value);
    case "javaClass":
      return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(value)
        ? undefined
        : `"${value}" is not a Java class name: dotted identifiers such as com.example.db.Driver.`;
    case "nonEmpty":
      if (value.trim() === "") return `${v.name} must not be empty.`;
      if (v.name === "owner" && OWNER_PREFIX.test(value)) {
        return `"${value}" may not start with aws, amazon or appflow (AppFlow rejects such connector owners).`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Names derived from the project name, usable in defaults (`{{javaPackage}}.Driver`) and files. */
export function derivedNames(name: string): Record<string, string> {
  const javaPackage = javaPackageFor(name);
  return {
    pascalName: pascalCase(name),
    pythonPackage: pythonPackageFor(name),
    javaPackage,
    javaPackagePath: javaPackage.replace(/\./g, "/"),
    functionName: functionNameFor(name),
  };
}

/** Fills a template default such as `{{name}}` from the answers collected so far. */
export function resolveDefault(v: TemplateVariable, known: Record<string, string>): string | undefined {
  if (v.default === undefined) return undefined;
  return v.default.replace(/\{\{(\w+)\}\}/g, (_, key: string) => known[key] ?? "");
}

export async function loadTemplateManifest(
  name: string,
): Promise<{ manifest: TemplateManifest; dir: string }> {
  const root = templatesRoot();
  const dir = path.join(root, name);
  try {
    return { manifest: await readManifest(dir), dir };
  } catch {
    const { listTemplates } = await import("./render.js");
    const names = (await listTemplates(root)).map((t) => t.name);
    throw new CliError("UNKNOWN_TEMPLATE", `There is no template named "${name}".`, {
      hint: `Choose one of: ${names.join(", ")}.`,
    });
  }
}

/**
 * Renders a template into `target`. All answers are validated before anything is written; the
 * target is refused when it is not empty (unless `force`, which still never overwrites a file).
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const { manifest, dir } = await loadTemplateManifest(options.template);
  const vars: Record<string, string> = {};
  const problems: string[] = [];
  for (const v of manifest.variables) {
    const value =
      options.answers[v.name] ?? resolveDefault(v, { ...derivedNames(vars.name ?? ""), ...vars }) ?? "";
    const problem = validateAnswer(v, value);
    if (problem) problems.push(v.flag ? `${v.flag}: ${problem}` : problem);
    vars[v.name] = value;
  }
  if (problems.length > 0) {
    throw new CliError("INVALID_NAME", problems.join("\n"), {
      hint: "Pass valid values with the flags named above; nothing was written.",
    });
  }
  const now = options.now?.() ?? new Date();
  const name = vars.name ?? path.basename(options.target);
  const context = {
    ...derivedNames(name),
    functionName: functionNameFor(vars.label ?? name),
    ...vars,
    template: manifest.name,
    sdkSpec: options.sdkSpec,
    connectorkitVersion: options.connectorkitVersion,
    version: "1.0.0",
    year: String(now.getUTCFullYear()),
    releaseTimestamp: now.toISOString().slice(0, 19).replace("T", " "),
  };
  options.onEvent?.({ type: "step", id: "render", status: "start", title: `Rendering ${manifest.name}` });
  const files = await renderTemplate(dir, context);
  const written = await writeProject(options.target, files, { force: options.force });
  options.onEvent?.({
    type: "step",
    id: "render",
    status: "done",
    title: `Wrote ${written.written.length} files to ${options.target}`,
    ...(written.skipped.length ? { detail: `${written.skipped.length} existing files kept` } : {}),
  });
  return { template: manifest.name, target: options.target, variables: vars, ...written };
}
