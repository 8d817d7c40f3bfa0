/**
 * `connector package` as a domain operation: gathers the connector's files (bundled TypeScript
 * handler, Python package with its site-packages, or Glue jars with config.json), then writes a
 * Lambda zip, a Dockerfile build, or — by default — an OCI image layout built without Docker:
 * the base image's layers plus one deterministic layer of ours, config, manifest, index.json.
 * Never prints; progress goes to `onEvent`.
 */
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  buildConfigJson,
  checkConfigAgainstDeepLink,
  formatConfigJson,
  validateConfigJson,
} from "../glue/config-json.js";
import { checkJars, collectJarFiles, inspectJars } from "../glue/jars.js";
import type { Project } from "../project/index.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import { VERSION } from "../version.js";
import { assertReplaceableLayout, discard, replaceDir, stagingDirFor } from "./atomic.js";
import { type BaseRef, DEFAULT_BASES, formatBaseRef, isPinned, parseBaseRef, resolveBase } from "./base.js";
import { bundleHandler } from "./bundle.js";
import { imageCacheDir } from "./cache.js";
import { buildImageConfig, rfc3339, sourceDateEpoch } from "./config.js";
import { repoTagFor, writeDockerArchive } from "./docker-archive.js";
import { dockerBuild } from "./docker-builder.js";
import { FileMap } from "./file-map.js";
import { buildLayer } from "./layer.js";
import { buildManifest, digestHex, jsonBlob } from "./manifest.js";
import { FAMILY_TYPES, layerTypeFor, type ManifestFamily } from "./media-types.js";
import { copyBlobInto, type PulledImage, writeJsonBlob, writeLayoutIndex } from "./oci-layout.js";
import { DEFAULT_ZIP } from "./paths.js";
import type { Platform } from "./platform.js";
import { writeZip } from "./zip-writer.js";

/** Lambda's limit for a container image: 10 GB uncompressed, base included. */
export const LAMBDA_IMAGE_LIMIT_BYTES = 10 * 1024 ** 3;
/** Lambda's limit for a zip deployment package: 250 MB unzipped. */
export const LAMBDA_ZIP_LIMIT_BYTES = 250 * 1024 ** 2;

export const TASK_ROOT = "var/task";

export interface PackageOptions {
  project: Project;
  format: "image" | "zip";
  builder: "oci" | "docker";
  platform: Platform;
  /** Base reference as written by the user; the default depends on the connector kind. */
  base?: string;
  tag: string;
  /** Image layout folder (image), zip file (zip) or Dockerfile context (docker builder); absolute. */
  output?: string;
  /** Also write a docker-archive tarball here. */
  tar?: string;
  sourcemap?: boolean;
  /** Bundle the TypeScript entry (default); false uses the existing appflow.bundle. */
  bundle?: boolean;
  /** Plain HTTP to the base registry. */
  insecureRegistry?: boolean;
  credentials?: { username: string; password: string };
  env: NodeJS.ProcessEnv;
  /** Base image cache; default imageCacheDir(env). */
  cacheDir?: string;
  /** Override the size limit (tests): the image's uncompressed bytes, or the zip's unzipped bytes. */
  sizeLimitBytes?: number;
  /** Clock for Glue's generated releasetimestamp. */
  now?: () => Date;
  onEvent?: ProgressListener;
}

export interface PackagedLayer {
  digest: string;
  size: number;
  diffId: string;
  mediaType: string;
  /** `base` for layers of the base image, `connector` for ours. */
  from: "base" | "connector";
}

export interface PackageResult {
  kind: "appflow" | "glue";
  language?: "typescript" | "python";
  format: "image" | "zip";
  builder: "oci" | "docker";
  tag: string;
  platform: Platform;
  /** The OCI layout folder, the zip file or the Docker build context. */
  output: string;
  tar?: string;
  base?: string;
  manifestDigest?: string;
  configDigest?: string;
  mediaType?: string;
  layers: PackagedLayer[];
  /** Bytes to store or upload: every blob of the image (manifest, config, layers), or the zip. */
  sizeBytes: number;
  /** Uncompressed bytes: the layers' tar streams (base included), or the zip's files. */
  uncompressedBytes: number;
  /** sha256 of the zip (format zip). */
  digest?: string;
  /** Image name given to docker (builder docker, docker-archive RepoTags). */
  imageName?: string;
  /** Files in our layer or zip. */
  files: number;
  warnings: string[];
}

/** What goes into the image besides the base. */
interface Payload {
  files: FileMap;
  createdBy: string;
  cmd?: string[];
  workingDir?: string;
  env?: Record<string, string>;
  family: ManifestFamily;
  warnings: string[];
}

export async function packageConnector(options: PackageOptions): Promise<PackageResult> {
  const { project } = options;
  const config = project.config;
  const kind = config.kind;
  const language =
    kind === "appflow"
      ? (project.get<"typescript" | "python">("appflow.language") ?? "typescript")
      : undefined;
  const emit = options.onEvent ?? (() => {});
  const warn = (message: string, warnings: string[]) => {
    warnings.push(message);
    emit({ type: "log", level: "warn", message });
  };

  // Usage checks first: nothing is read or written before they pass.
  if (kind === "glue" && options.format === "zip") {
    throw usage(
      "PACKAGE_ZIP_GLUE",
      "--format zip is for AppFlow connectors; a Glue connector ships as an image.",
      "Drop --format zip.",
    );
  }
  if (kind === "glue" && options.platform !== "linux/amd64") {
    throw usage(
      "PACKAGE_GLUE_PLATFORM",
      `Glue connector images must be linux/amd64; ${options.platform} was asked for.`,
      "Glue downloads the image on x86_64 workers only: drop --platform (or set image.platform to linux/amd64).",
    );
  }
  if (options.tar && options.format === "zip") {
    throw usage(
      "PACKAGE_TAR_ZIP",
      "--tar writes an image tarball; it cannot be combined with --format zip.",
      "Drop --tar, or package an image.",
    );
  }
  const defaultBase = kind === "glue" ? DEFAULT_BASES.glue : DEFAULT_BASES[language ?? "typescript"];
  const baseRef: BaseRef = parseBaseRef(options.base ?? defaultBase, project.root);
  if (options.format === "image") {
    if (kind === "appflow" && baseRef.kind === "none") {
      throw usage(
        "PACKAGE_BASE_REQUIRED",
        "An AppFlow connector image needs a Lambda base image; 'none' is for Glue connectors.",
        `Use the default (${defaultBase}) or another Lambda base image with --base.`,
      );
    }
    if (kind === "glue" && baseRef.kind === "registry" && !isPinned(baseRef.reference)) {
      throw usage(
        "PACKAGE_BASE_NOT_PINNED",
        `The Glue base image ${baseRef.reference} is not pinned by digest.`,
        "Give it as <image>@sha256:<digest> (Glue unpacks every layer at every job start; a floating tag would change it), or use none.",
      );
    }
    if (options.builder === "docker" && baseRef.kind === "oci") {
      throw usage(
        "PACKAGE_DOCKER_OCI_BASE",
        "--builder docker cannot build FROM a local OCI layout.",
        "Give a registry reference with --base, or drop --builder docker.",
      );
    }
  }

  const prefix = options.format === "zip" ? "" : kind === "glue" ? "" : TASK_ROOT;
  let payload: Payload;
  if (kind === "glue") {
    payload = await collectGlue(options, warn);
  } else if (language === "python") {
    payload = await collectPython(options, prefix, warn);
  } else {
    payload = await collectTypeScript(options, prefix, warn);
  }
  const warnings = payload.warnings;

  if (options.format === "zip") {
    const file = options.output ?? project.resolve(DEFAULT_ZIP);
    const limit = options.sizeLimitBytes ?? LAMBDA_ZIP_LIMIT_BYTES;
    const unzipped = payload.files.totalBytes();
    if (unzipped > limit) throw tooLarge("zip", unzipped, limit);
    const info = await step(emit, "write", `Zip ${rel(project, file)}`, () =>
      writeZip(payload.files, { file, mtime: sourceDateEpoch(options.env) }),
    );
    if (info.size > 50 * 1024 * 1024) {
      warn(
        `The zip is ${(info.size / 1024 / 1024).toFixed(1)} MB: over 50 MB Lambda takes it only through S3; ` +
          "consider --format image.",
        warnings,
      );
    }
    return {
      kind,
      ...(language ? { language } : {}),
      format: "zip",
      builder: "oci",
      tag: options.tag,
      platform: options.platform,
      output: file,
      layers: [],
      sizeBytes: info.size,
      uncompressedBytes: info.uncompressedBytes,
      digest: info.digest,
      files: payload.files.size,
      warnings,
    };
  }

  const imageName = repoTagFor(config.image?.repository ?? config.name, options.tag);
  if (options.builder === "docker") {
    const contextDir = options.output ?? project.resolve(".connector", "docker");
    const built = await dockerBuild({
      contextDir,
      files: payload.files,
      base: baseRef.kind === "registry" ? baseRef.reference : undefined,
      platform: options.platform,
      ...(payload.cmd ? { cmd: payload.cmd } : {}),
      ...(payload.workingDir ? { workingDir: payload.workingDir } : {}),
      ...(payload.env ? { env: payload.env } : {}),
      comment: `Generated by connectorkit ${VERSION} (connector package --builder docker); build context: rootfs/`,
      imageName,
      ...(options.tar ? { tarFile: options.tar } : {}),
      processEnv: options.env,
      onEvent: emit,
    });
    return {
      kind,
      ...(language ? { language } : {}),
      format: "image",
      builder: "docker",
      tag: options.tag,
      platform: options.platform,
      output: built.contextDir,
      ...(built.tarFile ? { tar: built.tarFile } : {}),
      base: formatBaseRef(baseRef),
      ...(built.imageId ? { configDigest: built.imageId } : {}),
      layers: [],
      sizeBytes: 0,
      uncompressedBytes: payload.files.totalBytes(),
      imageName,
      files: payload.files.size,
      warnings,
    };
  }

  // The built-in builder: an OCI layout.
  const target = options.output ?? project.resolve(".connector", "image");
  await assertReplaceableLayout(target);
  const base = await step(
    emit,
    "base",
    baseRef.kind === "none" ? "Base: none" : `Base ${formatBaseRef(baseRef)}`,
    () =>
      resolveBase(baseRef, {
        platform: options.platform,
        cacheDir: options.cacheDir ?? imageCacheDir(options.env),
        ...(options.insecureRegistry ? { insecure: true } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        onEvent: emit,
      }),
    (b) =>
      b
        ? `Base ${b.reference} (${plural(b.layers.length, "layer")}, ${b.manifestDigest.slice(0, 19)})`
        : "Base: none",
  );
  const baseLayers = base ? await checkBaseLayers(base, payload.family) : [];

  const staging = await stagingDirFor(target);
  try {
    const blobDir = path.join(staging, "blobs", "sha256");
    await mkdir(blobDir, { recursive: true });
    const mtime = sourceDateEpoch(options.env);
    const layerTmp = path.join(blobDir, ".layer.tmp");
    const ours = await step(
      emit,
      "layer",
      "Layer",
      () =>
        buildLayer(payload.files, {
          outFile: layerTmp,
          mtime,
          onEvent: emit,
          progressId: "layer-bytes",
          progressTitle: "Layer",
        }),
      (l) => `Layer ${l.digest.slice(0, 19)} (${plural(payload.files.size, "file")}, ${human(l.size)} gzip)`,
    );
    await rename(layerTmp, path.join(blobDir, digestHex(ours.digest)));

    const baseUncompressed = baseLayers.reduce((n, l) => n + l.uncompressedSize, 0);
    const uncompressedBytes = baseUncompressed + ours.uncompressedSize;
    if (kind === "appflow") {
      const limit = options.sizeLimitBytes ?? LAMBDA_IMAGE_LIMIT_BYTES;
      if (uncompressedBytes > limit) throw tooLarge("image", uncompressedBytes, limit);
    } else if (options.sizeLimitBytes !== undefined && uncompressedBytes > options.sizeLimitBytes) {
      throw tooLarge("image", uncompressedBytes, options.sizeLimitBytes);
    }

    const result = await step(emit, "write", `Write ${rel(project, target)}`, async () => {
      for (const l of baseLayers) await copyBlobInto(staging, l.digest, l.blobPath, l.size);
      const created = rfc3339(mtime);
      const imageConfig = buildImageConfig({
        base: base?.config,
        platform: options.platform,
        created,
        layers: [{ diffId: ours.diffId, createdBy: payload.createdBy }],
        ...(payload.cmd ? { cmd: payload.cmd } : {}),
        ...(payload.workingDir ? { workingDir: payload.workingDir } : {}),
        ...(payload.env ? { env: payload.env } : {}),
        ...(base ? { baseHistoryCreatedBy: `connectorkit ${VERSION}: layer of ${safeBaseName(base)}` } : {}),
      });
      const configBlob = jsonBlob(imageConfig);
      await writeJsonBlob(staging, configBlob);
      const ourType = FAMILY_TYPES[payload.family].layer;
      const layers: PackagedLayer[] = [
        ...baseLayers.map((l) => ({
          digest: l.digest,
          size: l.size,
          diffId: l.diffId,
          mediaType: l.mediaType,
          from: "base" as const,
        })),
        { digest: ours.digest, size: ours.size, diffId: ours.diffId, mediaType: ourType, from: "connector" },
      ];
      const manifest = buildManifest(payload.family, configBlob, layers);
      const manifestBlob = jsonBlob(manifest);
      const manifestType = FAMILY_TYPES[payload.family].manifest;
      await writeLayoutIndex(staging, {
        manifest: manifestBlob,
        manifestMediaType: manifestType,
        tag: options.tag,
        platform: options.platform,
      });
      const info = {
        kind,
        tag: options.tag,
        platform: options.platform,
        manifestDigest: manifestBlob.digest,
        configDigest: configBlob.digest,
        mediaType: manifestType,
        layers,
        ...(base ? { base: { reference: base.reference, manifestDigest: base.manifestDigest } } : {}),
        createdBy: `connectorkit ${VERSION}`,
      };
      await writeFile(path.join(staging, "connectorkit.json"), `${JSON.stringify(info, null, 2)}\n`);
      await replaceDir(staging, target);
      const sizeBytes = manifestBlob.size + configBlob.size + layers.reduce((n, l) => n + l.size, 0);
      return { manifestBlob, configBlob, layers, manifestType, sizeBytes };
    });

    let tar: string | undefined;
    if (options.tar) {
      const tarFile = options.tar;
      await step(emit, "tar", `Docker archive ${rel(project, tarFile)}`, () =>
        writeDockerArchive({
          layoutDir: target,
          manifestDigest: result.manifestBlob.digest,
          configDigest: result.configBlob.digest,
          layerDigests: result.layers.map((l) => l.digest),
          repoTag: imageName,
          file: tarFile,
          mtime,
        }),
      );
      tar = tarFile;
    }
    return {
      kind,
      ...(language ? { language } : {}),
      format: "image",
      builder: "oci",
      tag: options.tag,
      platform: options.platform,
      output: target,
      ...(tar ? { tar } : {}),
      base: base ? base.reference : "none",
      manifestDigest: result.manifestBlob.digest,
      configDigest: result.configBlob.digest,
      mediaType: result.manifestType,
      layers: result.layers,
      sizeBytes: result.sizeBytes,
      uncompressedBytes,
      imageName,
      files: payload.files.size,
      warnings,
    };
  } finally {
    await discard(staging);
  }
}

interface BaseLayer {
  digest: string;
  size: number;
  diffId: string;
  mediaType: string;
  blobPath: string;
  uncompressedSize: number;
}

/** Base layers with media types of the target family, their diff_ids and uncompressed sizes. */
async function checkBaseLayers(base: PulledImage, family: ManifestFamily): Promise<BaseLayer[]> {
  const rootfs = base.config.rootfs as { diff_ids?: unknown } | undefined;
  const diffIds = Array.isArray(rootfs?.diff_ids) ? (rootfs.diff_ids as string[]) : [];
  if (diffIds.length !== base.layers.length) {
    throw usage(
      "BASE_INVALID",
      `The base image ${base.reference} has ${base.layers.length} layers but ${diffIds.length} diff_ids in its config.`,
      "Use another base image; this one is malformed.",
    );
  }
  const out: BaseLayer[] = [];
  for (const [i, l] of base.layers.entries()) {
    const mediaType = layerTypeFor(family, l.mediaType);
    if (!mediaType) {
      throw usage(
        "BASE_LAYER_NOT_GZIP",
        `Layer ${l.digest} of the base image ${base.reference} is ${l.mediaType}; Lambda and Glue read only gzip layers.`,
        "Use a base image with gzip-compressed layers (the AWS Lambda base images have them).",
      );
    }
    const uncompressedSize = await gzipUncompressedSize(l.blobPath, l.size);
    out.push({ ...l, mediaType, diffId: diffIds[i] as string, uncompressedSize });
  }
  return out;
}

// --- payloads -------------------------------------------------------------------------------

type Warn = (message: string, warnings: string[]) => void;

async function collectTypeScript(options: PackageOptions, prefix: string, warn: Warn): Promise<Payload> {
  const { project } = options;
  const emit = options.onEvent ?? (() => {});
  const warnings: string[] = [];
  const handler = project.get<string>("appflow.handler") ?? "index.handler";
  const { file: handlerFile } = splitHandler(handler);
  const files = new FileMap();
  if (prefix) files.addDir(prefix);
  const dest = (name: string) => (prefix ? `${prefix}/${name}` : name);
  let what: string;
  if (options.bundle === false) {
    const bundleRel = project.get<string>("appflow.bundle") ?? "dist/index.mjs";
    const bundle = project.resolve(bundleRel);
    const st = await stat(bundle).catch(() => undefined);
    if (!st?.isFile()) {
      throw usage(
        "PACKAGE_BUNDLE_MISSING",
        `--no-bundle uses the built bundle ${bundleRel} (appflow.bundle), and it does not exist.`,
        "Build it first (npm run build), set appflow.bundle, or drop --no-bundle to bundle appflow.entry.",
      );
    }
    const ext = path.extname(bundle) || ".mjs";
    const name = `${handlerFile}${ext}`;
    files.addFile(dest(name), { path: bundle, size: st.size });
    const map = `${bundle}.map`;
    if (options.sourcemap && existsSync(map))
      files.addFile(dest(`${name}.map`), { path: map, size: (await stat(map)).size });
    what = `${bundleRel} as /${TASK_ROOT}/${name}`;
    emit({ type: "step", id: "bundle", status: "skip", title: `Bundle: using ${bundleRel}` });
  } else {
    const entryRel = project.get<string>("appflow.entry") ?? "src/index.ts";
    const entry = project.resolve(entryRel);
    if (!existsSync(entry)) {
      throw usage(
        "PACKAGE_ENTRY_MISSING",
        `The handler entry ${entryRel} (appflow.entry) does not exist in ${project.root}.`,
        "Create it, or point appflow.entry in connector.json at the file that exports the handler.",
      );
    }
    const outName = `${handlerFile}.mjs`;
    const out = await step(
      emit,
      "bundle",
      `Bundle ${entryRel}`,
      () =>
        bundleHandler({
          root: project.root,
          entry: entryRel,
          outName,
          ...(options.sourcemap ? { sourcemap: true } : {}),
        }),
      (b) => `Bundle ${entryRel} → ${outName} (${human(b.files.get(outName)?.length ?? 0)})`,
    );
    for (const w of out.warnings) warn(`esbuild: ${w}`, warnings);
    for (const [name, data] of out.files) files.addData(dest(name), data);
    what = `bundle of ${entryRel} as /${TASK_ROOT}/${outName}`;
  }
  return {
    files,
    createdBy: `connectorkit ${VERSION}: ${what}`,
    cmd: [handler],
    workingDir: `/${TASK_ROOT}`,
    ...(options.sourcemap ? { env: { NODE_OPTIONS: "--enable-source-maps" } } : {}),
    family: "oci",
    warnings,
  };
}

async function collectPython(options: PackageOptions, prefix: string, warn: Warn): Promise<Payload> {
  const { project } = options;
  const emit = options.onEvent ?? (() => {});
  const warnings: string[] = [];
  const handler = project.get<string>("appflow.handler") ?? "index.handler";
  const pkgRel = project.get<string>("appflow.pythonPackage");
  if (!pkgRel) {
    throw usage(
      "PACKAGE_PYTHON_PACKAGE_UNSET",
      "appflow.pythonPackage is not set, so there is no handler package to put in the image.",
      'Set "pythonPackage" in the appflow section of connector.json to the handler package folder.',
    );
  }
  const files = new FileMap();
  if (prefix) files.addDir(prefix);
  const dest = (name: string) => (prefix ? `${prefix}/${name}` : name);
  const skipCaches = (rel: string) => rel.split("/").includes("__pycache__") || rel.endsWith(".pyc");
  await step(emit, "files", "Python package and site-packages", async () => {
    const sitesRel = project.get<string>("appflow.sitePackages");
    if (sitesRel) {
      const sites = project.resolve(sitesRel);
      if (!(await isDir(sites))) {
        throw usage(
          "PACKAGE_SITE_PACKAGES_MISSING",
          `appflow.sitePackages ${sitesRel} is not a folder.`,
          `Prepare it with \`pip install -r requirements.txt --target ${sitesRel}\`, or remove the setting.`,
        );
      }
      await files.addTree(sites, prefix, { skip: skipCaches });
    }
    const pkg = project.resolve(pkgRel);
    if (!(await isDir(pkg))) {
      throw usage(
        "PACKAGE_PYTHON_PACKAGE_MISSING",
        `The handler package ${pkgRel} (appflow.pythonPackage) is not a folder.`,
        "Point appflow.pythonPackage at the folder that holds the handler module.",
      );
    }
    const pkgName = path.basename(pkg);
    if (files.filePaths().some((f) => f.startsWith(`${dest(pkgName)}/`))) {
      warn(
        `site-packages also has a ${pkgName}/ folder; the handler package's files replace its files.`,
        warnings,
      );
    }
    await files.addTree(pkg, dest(pkgName), { skip: skipCaches });
  });
  // Python handlers name a module path: `pkg.module.function` or `dir/module.function`.
  const moduleFile = splitHandler(handler).file.replace(/\./g, "/");
  const candidates = [`${moduleFile}.py`, `${moduleFile}/__init__.py`];
  if (!candidates.some((c) => files.has(dest(c)))) {
    throw usage(
      "PACKAGE_HANDLER_MISSING",
      `The handler ${handler} needs ${candidates[0]} in the image, and neither the package nor site-packages has it.`,
      "Check appflow.handler ('<package>.<module>.<function>') against appflow.pythonPackage.",
    );
  }
  return {
    files,
    createdBy: `connectorkit ${VERSION}: ${pkgRel} and site-packages to /${TASK_ROOT}`,
    cmd: [handler],
    workingDir: `/${TASK_ROOT}`,
    family: "oci",
    warnings,
  };
}

async function collectGlue(options: PackageOptions, warn: Warn): Promise<Payload> {
  const { project } = options;
  const config = project.config;
  const emit = options.onEvent ?? (() => {});
  const warnings: string[] = [];
  const glue = config.glue;
  if (!glue) {
    throw usage(
      "GLUE_SECTION_MISSING",
      'connector.json has no "glue" section.',
      "Add it (see docs/connector-json.md).",
    );
  }
  const files = new FileMap();
  await step(emit, "files", "Jars and config.json", async () => {
    const jarPaths = (project.get<string[]>("glue.jars") ?? ["jars"]).map((p) => project.resolve(p));
    const jars = await collectJarFiles(jarPaths);
    if (jars.length === 0) {
      throw usage(
        "PACKAGE_NO_JARS",
        `No .jar file was found in ${(project.get<string[]>("glue.jars") ?? ["jars"]).join(", ")} (glue.jars).`,
        "Put the connector's jars there, or point glue.jars at them.",
      );
    }
    const set = await inspectJars(jars);
    const unreadable = set.problems.filter((p) => p.id === "jars.readable");
    if (unreadable.length > 0) {
      throw new CliError(
        "PACKAGE_JAR_INVALID",
        `${unreadable.length === 1 ? "A jar is" : `${unreadable.length} jars are`} not a ZIP archive:\n` +
          unreadable.map((p) => `  - ${p.message}`).join("\n"),
        {
          hint: "Rebuild the jar with `jar` or your build tool, or remove it from glue.jars.",
          exitCode: ExitCode.Usage,
          details: { problems: unreadable },
        },
      );
    }
    for (const p of checkJars(set, { connectorType: glue.connectorType, className: glue.className })) {
      if (p.id !== "jars.readable") warn(`jar check ${p.id}: ${p.message}`, warnings);
    }
    const seen = new Map<string, string>();
    for (const jar of jars) {
      const name = path.basename(jar);
      const other = seen.get(name);
      if (other) {
        throw usage(
          "PACKAGE_JAR_DUPLICATE",
          `Two jars are named ${name}: ${other} and ${jar}; both would be /jars/${name}.`,
          "Rename one of them or remove the duplicate.",
        );
      }
      if (name === "config.json")
        throw usage("PACKAGE_JAR_NAME", `${jar} would replace /jars/config.json.`, "Rename it.");
      seen.set(name, jar);
      files.addFile(`jars/${name}`, { path: jar, size: (await stat(jar)).size });
    }

    const sde = sourceDateEpoch(options.env);
    const now = options.now ?? (sde > 0 ? () => new Date(sde * 1000) : () => new Date());
    const generated = buildConfigJson(config, { now });
    if (!glue.releaseTimestamp) {
      emit({
        type: "log",
        level: "info",
        message:
          `config.json releasetimestamp ${generated.releasetimestamp} was generated (UTC); set glue.releaseTimestamp ` +
          "(or SOURCE_DATE_EPOCH) for the same image digest on every build.",
      });
    }
    const validation = validateConfigJson(generated);
    const issues = [
      ...validation.errors,
      ...checkConfigAgainstDeepLink(validation.normalized, {}, options.tag),
    ];
    if (issues.length > 0) {
      throw new CliError(
        "CONFIG_JSON_INVALID",
        `config.json would break the Glue rules (${issues.length === 1 ? "1 problem" : `${issues.length} problems`}):\n` +
          issues.map((i) => `  - ${i.message}`).join("\n"),
        {
          hint: "Fix the glue section (and version) of connector.json; the image tag must equal the version.",
          exitCode: ExitCode.Usage,
          details: { errors: issues, warnings: validation.warnings },
        },
      );
    }
    for (const w of validation.warnings) warn(w.message, warnings);
    files.addData("jars/config.json", formatConfigJson(validation.normalized));

    if (glue.oemFile) {
      const oem = project.resolve(glue.oemFile);
      const text = await readFile(oem, "utf8").catch(() => {
        throw usage(
          "PACKAGE_OEM_MISSING",
          `glue.oemFile ${glue.oemFile} cannot be read.`,
          "Fix the path or remove glue.oemFile.",
        );
      });
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
      if (lines.length < 2) {
        throw usage(
          "PACKAGE_OEM_INVALID",
          `glue.oemFile ${glue.oemFile} must hold two lines, the OEM key and its value; it has ${lines.length}.`,
          "Write the key on line 1 and the value on line 2.",
        );
      }
      files.addData("oem/oem.txt", text);
    }
  });
  return {
    files,
    createdBy: `connectorkit ${VERSION}: jars and config.json to /jars${glue.oemFile ? ", /oem/oem.txt" : ""}`,
    family: "docker",
    warnings,
  };
}

// --- helpers --------------------------------------------------------------------------------

/** `index.handler` → file `index`, export `handler`; `dist/lambda.main` → `dist/lambda`, `main`. */
export function splitHandler(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0 || dot === handler.length - 1) {
    throw usage(
      "PACKAGE_HANDLER_INVALID",
      `The handler ${JSON.stringify(handler)} is not '<file>.<export>'.`,
      'Set appflow.handler, e.g. "index.handler".',
    );
  }
  return { file: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

async function step<T>(
  emit: ProgressListener,
  id: string,
  title: string,
  fn: () => Promise<T>,
  done?: (value: T) => string,
): Promise<T> {
  emit({ type: "step", id, status: "start", title });
  try {
    const value = await fn();
    emit({ type: "step", id, status: "done", title: done ? done(value) : title });
    return value;
  } catch (error) {
    emit({ type: "step", id, status: "fail", title });
    throw error;
  }
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * The uncompressed length of a gzip layer from its trailer (ISIZE, the length modulo 2^32). A
 * layer over 4 GiB wraps; the compressed size bounds it from below, so whole 4 GiB steps are
 * added until the estimate is at least the compressed length.
 */
export async function gzipUncompressedSize(file: string, compressedSize: number): Promise<number> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(4);
    await handle.read(buf, 0, 4, Math.max(0, compressedSize - 4));
    let n = buf.readUInt32LE(0);
    while (n < compressedSize - 64 * 1024) n += 2 ** 32;
    return n;
  } finally {
    await handle.close();
  }
}

/** Names the base by manifest digest: the same base gives the same history however it was named. */
function safeBaseName(base: PulledImage): string {
  return `base ${base.manifestDigest}`;
}

function rel(project: Project, p: string): string {
  const r = path.relative(project.root, p);
  return r && !r.startsWith("..") ? r : p;
}

function human(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function usage(code: string, message: string, hint: string): CliError {
  return new CliError(code, message, { hint, exitCode: ExitCode.Usage });
}

function tooLarge(what: "image" | "zip", bytes: number, limit: number): CliError {
  const isImage = what === "image";
  return new CliError(
    isImage ? "IMAGE_TOO_LARGE" : "ZIP_TOO_LARGE",
    `The ${what} would be ${human(bytes)} uncompressed${isImage ? " (base included)" : ""}, over Lambda's limit of ${human(limit)}.`,
    {
      hint: isImage
        ? "Leave out what the handler does not need at run time (dev dependencies, test data, caches)."
        : "Package a container image instead (--format image, up to 10 GB), or trim the dependencies.",
      exitCode: ExitCode.Usage,
      details: { bytes, limit },
    },
  );
}
