/**
 * `connector package`: resolves the settings (flags > CONNECTOR_* env > connector.json >
 * defaults) and hands them to src/image/package.ts, which builds the image layout, zip or Docker
 * build; then presents the result.
 */
import path from "node:path";
import { type PackageResult, packageConnector } from "../image/package.js";
import { isPlatform, type Platform } from "../image/platform.js";
import { loadProject, type Project } from "../project/index.js";
import { ExitCode } from "../ui/errors.js";
import { formatBytes } from "../ui/reporter.js";
import type { CommandContext } from "./context.js";

const FLAG_NAMES: Record<string, string> = {
  "image.base": "--base",
  "image.platform": "--platform",
  "image.format": "--format",
  "image.tag": "--image-tag",
  "image.builder": "--builder",
};

export async function run(ctx: CommandContext, _args: string[], options: Record<string, unknown>) {
  const { reporter, globals } = ctx;
  const project = await loadProject({
    cwd: globals.cwd,
    env: ctx.env,
    flags: {
      "image.base": str(options.base),
      "image.platform": str(options.platform),
      "image.format": str(options.format),
      "image.tag": str(options.imageTag),
      "image.builder": str(options.builder),
    },
    flagNames: FLAG_NAMES,
  });
  const platform = choosePlatform(project, (m) => reporter.warn(m));
  const format = project.get<"image" | "zip">("image.format") ?? "image";
  const output = str(options.output);
  const tar = str(options.tar);
  const result = await packageConnector({
    project,
    format,
    builder: project.get<"oci" | "docker">("image.builder") ?? "oci",
    platform,
    ...(project.config.image?.base !== undefined ? { base: project.config.image.base } : {}),
    tag: project.get<string>("image.tag") ?? project.config.version,
    ...(output ? { output: path.resolve(globals.cwd, output) } : {}),
    ...(tar ? { tar: path.resolve(globals.cwd, tar) } : {}),
    sourcemap: options.sourcemap === true,
    bundle: options.bundle !== false,
    insecureRegistry: options.insecureRegistry === true,
    env: ctx.env,
    onEvent: reporter.onEvent,
  });
  reporter.result("package", jsonResult(result), () => humanResult(result, globals.cwd));
  return ExitCode.Ok;
}

/**
 * image.platform when it is set anywhere; otherwise the Lambda architecture of an AppFlow
 * connector (arm64 → linux/arm64); otherwise linux/amd64.
 */
function choosePlatform(project: Project, warn: (message: string) => void): Platform {
  const explicit = project.config.image?.platform;
  const arch = project.config.kind === "appflow" ? project.config.lambda?.architecture : undefined;
  const fromArch: Platform | undefined =
    arch === "arm64" ? "linux/arm64" : arch === "x86_64" ? "linux/amd64" : undefined;
  if (isPlatform(explicit)) {
    if (fromArch && fromArch !== explicit) {
      warn(
        `the image is for ${explicit} but lambda.architecture is ${arch}; ` +
          "Lambda will refuse to run it until the two agree.",
      );
    }
    return explicit;
  }
  return fromArch ?? "linux/amd64";
}

/** The `--json` result document. */
function jsonResult(r: PackageResult): Record<string, unknown> {
  return {
    kind: r.kind,
    ...(r.language ? { language: r.language } : {}),
    format: r.format,
    builder: r.builder,
    tag: r.tag,
    platform: r.platform,
    output: r.output,
    ...(r.tar ? { tar: r.tar } : {}),
    ...(r.base ? { base: r.base } : {}),
    ...(r.imageName ? { imageName: r.imageName } : {}),
    ...(r.manifestDigest ? { manifestDigest: r.manifestDigest } : {}),
    ...(r.configDigest ? { configDigest: r.configDigest } : {}),
    ...(r.mediaType ? { mediaType: r.mediaType } : {}),
    ...(r.digest ? { digest: r.digest } : {}),
    layers: r.layers.map((l) => ({ digest: l.digest, size: l.size, diffId: l.diffId })),
    sizeBytes: r.sizeBytes,
    uncompressedBytes: r.uncompressedBytes,
    files: r.files,
    warnings: r.warnings,
  };
}

function humanResult(r: PackageResult, cwd: string): string {
  const show = (p: string) => {
    const rel = path.relative(cwd, p);
    return rel && !rel.startsWith("..") ? rel : p;
  };
  const rows: [string, string][] = [];
  if (r.format === "zip") {
    rows.push(["Zip", show(r.output)]);
    rows.push(["Digest", r.digest ?? ""]);
    rows.push([
      "Size",
      `${formatBytes(r.sizeBytes)} (${formatBytes(r.uncompressedBytes)} unzipped, ${r.files} files)`,
    ]);
    rows.push(["Next", "upload it with your Lambda tooling, or package an image for Marketplace"]);
  } else if (r.builder === "docker") {
    rows.push(["Image", `${r.imageName ?? ""} (docker build, ${r.platform})`]);
    rows.push(["Dockerfile", show(path.join(r.output, "Dockerfile"))]);
    if (r.configDigest) rows.push(["Image ID", r.configDigest]);
    if (r.tar) rows.push(["Tar", show(r.tar)]);
  } else {
    const ourLayers = r.layers.filter((l) => l.from === "connector").length;
    rows.push(["Image", `${show(r.output)} (OCI layout, tag ${r.tag}, ${r.platform})`]);
    rows.push(["Digest", r.manifestDigest ?? ""]);
    rows.push([
      "Size",
      `${formatBytes(r.sizeBytes)} compressed, ${formatBytes(r.uncompressedBytes)} uncompressed, ` +
        `${r.layers.length} layers (${r.layers.length - ourLayers} from the base)`,
    ]);
    if (r.base) rows.push(["Base", r.base]);
    if (r.tar) rows.push(["Tar", `${show(r.tar)} (docker load -i ${show(r.tar)})`]);
    rows.push(["Next", "connector push"]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
