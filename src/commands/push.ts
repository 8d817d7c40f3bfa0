import path from "node:path";
import { endpointsFromEnv, requireRegion } from "../aws/clients.js";
import { userCacheDir } from "../image/cache.js";
import { writeFileAtomic } from "../project/files.js";
import { loadProject } from "../project/index.js";
import { type EcrPushResult, pushToEcr } from "../registry/ecr-push.js";
import { buyerInstructions } from "../registry/instructions.js";
import { isRepositoryName, isTag } from "../registry/reference.js";
import { functionNameFor } from "../scaffold/names.js";
import { CliError, ExitCode } from "../ui/errors.js";
import { formatBytes } from "../ui/reporter.js";
import type { CommandContext } from "./context.js";

/** Written after every successful push; `connector register` reads it. */
export const PUSH_RECORD = ".connector/push.json";
const DEFAULT_LAYOUT = ".connector/image";

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function url(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new CliError("USAGE", `${flag} must be a URL (got "${value}").`, {
      hint: `Example: ${flag} http://127.0.0.1:5000`,
    });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new CliError("USAGE", `${flag} must be an http:// or https:// URL (got "${value}").`);
  }
  return value.replace(/\/+$/, "");
}

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const { reporter, globals, env } = ctx;
  const layoutFlag = str(options.layout);
  const flags: Record<string, unknown> = {
    "image.repository": str(options.ecrRepoName),
    "image.tag": str(options.imageTag),
    "image.registryId": str(options.registryId),
    "image.scanOnPush": options.scanOnPush === true ? true : undefined,
    "image.immutableTags": options.immutableTags === true ? true : undefined,
    "aws.region": globals.region,
    "aws.profile": globals.profile,
  };
  const project = await loadProject({
    cwd: globals.cwd,
    env,
    flags,
    flagNames: {
      "image.repository": "--ecr-repo-name",
      "image.tag": "--image-tag",
      "image.registryId": "--registry-id",
      "aws.region": "--region",
      "aws.profile": "--profile",
    },
    required: layoutFlag === undefined,
  });

  // Inputs first: nothing below talks to AWS until every input is known to be valid.
  const repository = project.get<string>("image.repository");
  if (!repository) {
    throw new CliError("USAGE", "Which ECR repository? Pass --ecr-repo-name or set image.repository.", {
      hint: "Example: connector push --ecr-repo-name acme/crm-connector",
    });
  }
  if (!isRepositoryName(repository)) {
    throw new CliError(
      "REPOSITORY_NAME_INVALID",
      `"${repository}" is not a valid ECR repository name ` +
        "(2-256 characters: lower-case letters, digits, . _ - and /).",
      { hint: "Example: acme/crm-connector" },
    );
  }
  const layoutDir = layoutFlag ? path.resolve(globals.cwd, layoutFlag) : project.resolve(DEFAULT_LAYOUT);
  const tag = project.get<string>("image.tag") ?? str(project.config.version);
  if (!tag) {
    throw new CliError(
      "USAGE",
      "Which tag? Pass --image-tag, or set image.tag or version in connector.json.",
    );
  }
  if (!isTag(tag)) {
    throw new CliError(
      "TAG_INVALID",
      `"${tag}" is not a valid image tag (letters, digits, _ . -, at most 128, not starting with . or -).`,
      { hint: "Pass --image-tag <tag>, e.g. the version with + replaced by -." },
    );
  }
  const concurrency = options.concurrency === undefined ? 4 : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new CliError(
      "USAGE",
      `--concurrency must be an integer from 1 to 32 (got ${String(options.concurrency)}).`,
    );
  }
  const registryUrl = url(str(options.registryUrl), "--registry-url");
  const endpointUrl = url(str(options.endpointUrl), "--endpoint-url");
  const instructionsFile = str(options.instructions);
  if (instructionsFile && project.config.kind && project.config.kind !== "appflow") {
    throw new CliError(
      "USAGE",
      "--instructions is for AppFlow connectors (this project is a Glue connector).",
      {
        hint: "For Glue Marketplace listings, `connector deeplink --markdown` prints the usage instructions.",
      },
    );
  }
  const region = requireRegion(project.get<string>("aws.region"), env);
  const profile = project.get<string>("aws.profile");
  const registryId = project.get<string>("image.registryId");

  const result = await pushToEcr({
    layoutDir,
    ...(str(options.layoutRef) ? { layoutRef: str(options.layoutRef) as string } : {}),
    repository,
    tag,
    ...(registryId ? { registryId } : {}),
    region,
    aws: {
      region,
      ...(profile ? { profile } : {}),
      endpoints: { ...endpointsFromEnv(env), ...(endpointUrl ? { ecr: endpointUrl } : {}) },
      env,
    },
    ...(registryUrl ? { registryUrl } : {}),
    create: options.createRepo !== false,
    scanOnPush: project.get<boolean>("image.scanOnPush") ?? false,
    immutableTags: project.get<boolean>("image.immutableTags") ?? false,
    force: options.force === true,
    concurrency,
    cacheDir: userCacheDir(env),
    onEvent: reporter.onEvent,
  });

  const record = {
    imageUri: result.imageUri,
    digest: result.digest,
    repository: result.repository,
    registryId: result.registryId,
    region: result.region,
    tag: result.tag,
    mediaType: result.mediaType,
    pushedAt: result.pushedAt,
  };
  await writeFileAtomic(project.resolve(PUSH_RECORD), `${JSON.stringify(record, null, 2)}\n`);

  let instructionsPath: string | undefined;
  if (instructionsFile) {
    instructionsPath = path.resolve(globals.cwd, instructionsFile);
    const label = project.get<string>("appflow.label") ?? project.config.name ?? repository.split("/").pop();
    await writeFileAtomic(
      instructionsPath,
      buyerInstructions({
        imageUri: result.imageUri,
        registryHost: result.registryHost,
        repository: result.repository,
        tag: result.tag,
        digest: result.digest,
        sourceRegion: result.region,
        connectorLabel: String(label),
        ...(project.get<string>("appflow.description")
          ? { description: project.get<string>("appflow.description") as string }
          : {}),
        functionName: project.get<string>("lambda.functionName") ?? functionNameFor(String(label)),
        memorySize: project.get<number>("lambda.memorySize") ?? 256,
        timeout: project.get<number>("lambda.timeout") ?? 30,
        architecture: project.get<"x86_64" | "arm64">("lambda.architecture") ?? "x86_64",
        statementId: project.get<string>("register.statementId") ?? "appflow-invoke",
        paid: Boolean(project.get<string>("appflow.marketplace.productSku")),
      }),
    );
  }

  reporter.result(
    "push",
    {
      imageUri: result.imageUri,
      tag: result.tag,
      digest: result.digest,
      repository: result.repository,
      registryId: result.registryId,
      region: result.region,
      mediaType: result.mediaType,
      uploaded: result.uploaded,
      skipped: result.skipped,
      mounted: result.mounted,
      bytesUploaded: result.bytesUploaded,
      bytesSkipped: result.bytesSkipped,
      created: result.created,
      unchanged: result.unchanged,
      ...(result.replaced ? { replaced: result.replaced } : {}),
      ...(registryUrl ? { registryUrl } : {}),
      ...(instructionsPath ? { instructions: instructionsPath } : {}),
    },
    () => human(result, instructionsPath, project.root),
  );
  return ExitCode.Ok;
}

function human(r: EcrPushResult, instructions: string | undefined, root: string): string {
  const lines = [
    `Pushed ${r.repositoryUri}:${r.tag}${r.unchanged ? " (unchanged: the tag already held this image)" : ""}`,
    `  @${r.digest}`,
    `  uploaded ${r.uploaded.length} blob${r.uploaded.length === 1 ? "" : "s"} ` +
      `(${formatBytes(r.bytesUploaded)}), ` +
      `skipped ${r.skipped.length} (already there)` +
      (r.mounted.length ? `, mounted ${r.mounted.length}` : "") +
      (r.created ? "; created the repository" : ""),
  ];
  if (instructions) lines.push(`  buyer instructions: ${path.relative(root, instructions) || instructions}`);
  return lines.join("\n");
}
