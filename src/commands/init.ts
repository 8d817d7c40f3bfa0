import path from "node:path";
import {
  derivedNames,
  listTemplates,
  loadTemplateManifest,
  resolveDefault,
  scaffold,
  type TemplateVariable,
  validateAnswer,
} from "../scaffold/index.js";
import { runPostSteps } from "../scaffold/post.js";
import { isEmptyDir } from "../scaffold/render.js";
import { CliError, ExitCode } from "../ui/errors.js";
import { VERSION } from "../version.js";
import type { CommandContext } from "./context.js";

/** Template variable → the init option that answers it. */
const OPTION_FOR: Record<string, string> = {
  name: "name",
  label: "label",
  description: "description",
  auth: "auth",
  owner: "owner",
  className: "className",
  publisher: "publisher",
};

export async function run(ctx: CommandContext, args: string[], options: Record<string, unknown>) {
  const { reporter, globals } = ctx;
  if (options.listTemplates) {
    const templates = await listTemplates();
    reporter.result(
      "init",
      { templates: templates.map((t) => ({ name: t.name, kind: t.kind, description: t.description })) },
      templates.map((t) => `${t.name.padEnd(20)} ${t.description}`).join("\n"),
    );
    return ExitCode.Ok;
  }

  const interactive = ctx.interactive;
  const prompts = interactive ? await import("@inquirer/prompts") : undefined;

  let dir = args[0];
  if (dir === undefined) {
    if (prompts) dir = await prompts.input({ message: "Project directory", default: "my-connector" });
    else {
      throw new CliError("USAGE", "No target directory given.", {
        hint: "Pass it as the first argument: `connector init acme-crm --yes`.",
      });
    }
  }
  const target = path.resolve(globals.cwd, dir);
  // Refuse early, before any question, when the directory is not empty.
  if (!options.force && !(await isEmptyDir(target))) {
    throw new CliError("TARGET_NOT_EMPTY", `${target} is not empty; nothing was written.`, {
      hint: "Choose an empty or new directory, or pass --force to add only the files that do not exist yet.",
    });
  }

  let template = typeof options.template === "string" ? options.template : undefined;
  if (template === undefined && prompts) {
    const templates = await listTemplates();
    template = await prompts.select({
      message: "Template",
      choices: templates.map((t) => ({ name: `${t.name} — ${t.description}`, value: t.name })),
      default: "appflow-typescript",
    });
  }
  template ??= "appflow-typescript";
  const { manifest } = await loadTemplateManifest(template);

  const answers: Record<string, string | undefined> = {};
  const known: Record<string, string> = {};
  for (const v of manifest.variables) {
    const flagValue = options[OPTION_FOR[v.name] ?? v.name];
    let value: string | undefined = typeof flagValue === "string" ? flagValue : undefined;
    if (value === undefined && v.name === "name") value = path.basename(target);
    const withNames = { ...derivedNames(known.name ?? ""), ...known };
    if (value === undefined && prompts) value = await ask(prompts, v, resolveDefault(v, withNames));
    if (value !== undefined) answers[v.name] = value;
    known[v.name] = value ?? resolveDefault(v, withNames) ?? "";
  }

  const sdkSpec = typeof options.sdk === "string" ? options.sdk : `^${VERSION}`;
  const result = await scaffold({
    template,
    target,
    answers,
    force: Boolean(options.force),
    sdkSpec,
    connectorkitVersion: VERSION,
    onEvent: reporter.onEvent,
  });
  const install = manifest.install === "npm" && !options.skipInstall;
  const post = await runPostSteps({
    target,
    install,
    ...(manifest.install !== "npm" ? { skipInstallReason: "the template has no npm dependencies" } : {}),
    git: options.git !== false,
    env: ctx.env,
    onEvent: reporter.onEvent,
  });
  for (const p of post.filter((s) => s.status === "failed")) {
    reporter.warn(`${p.step} failed; the project is usable. Re-run: ${p.rerun}\n${p.reason ?? ""}`);
  }
  const rel = path.relative(globals.cwd, target) || ".";
  const next = nextSteps(manifest.kind, manifest.language, rel, install);
  reporter.result("init", { ...result, postSteps: post, next }, () => {
    const lines = [`Created ${manifest.name} project in ${rel} (${result.written.length} files).`];
    if (result.skipped.length)
      lines.push(`Kept ${result.skipped.length} existing files: ${result.skipped.join(", ")}`);
    lines.push("", "Next:", ...next.map((n) => `  ${n}`));
    return lines.join("\n");
  });
  return ExitCode.Ok;
}

type Prompts = typeof import("@inquirer/prompts");

async function ask(prompts: Prompts, v: TemplateVariable, def: string | undefined): Promise<string> {
  if (v.choices) {
    return prompts.select({
      message: v.message,
      choices: v.choices.map((c) => ({ name: c, value: c })),
      ...(def !== undefined ? { default: def } : {}),
    });
  }
  return prompts.input({
    message: v.message,
    ...(def !== undefined ? { default: def } : {}),
    validate: (value: string) => validateAnswer(v, value) ?? true,
  });
}

function nextSteps(kind: string, language: string | undefined, dir: string, installed: boolean): string[] {
  const cd = dir === "." ? [] : [`cd ${dir}`];
  if (kind === "glue") {
    return [
      ...cd,
      "# put your driver jars in jars/ (or build the skeleton: see README.md)",
      "connector test",
      "connector package",
      "connector deeplink",
    ];
  }
  if (language === "python") {
    return [
      ...cd,
      "pip install -r requirements.txt --target package",
      "connector invoke DescribeConnectorConfiguration",
      "connector test",
    ];
  }
  return [
    ...cd,
    ...(installed ? [] : ["npm install"]),
    "npm run build",
    "connector invoke DescribeConnectorConfiguration",
    "connector test",
  ];
}
