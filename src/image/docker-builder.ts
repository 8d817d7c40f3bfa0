/**
 * `--builder docker`: writes a Dockerfile and a build context with the same files the OCI builder
 * would put in its layer, then runs `docker build` (BuildKit, no attestations, one platform)
 * through execa. For users who need a Dockerfile; the default builder needs no Docker at all.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { CliError, ExitCode } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import { discard, replaceDir, replaceFile, stagingDirFor, stagingFileFor } from "./atomic.js";
import type { FileMap } from "./file-map.js";
import type { Platform } from "./platform.js";

export interface DockerfileOptions {
  /** Registry reference of the base, or undefined for `FROM scratch`. */
  base: string | undefined;
  platform: Platform;
  cmd?: string[];
  workingDir?: string;
  env?: Record<string, string>;
  /** First comment line, e.g. who generated the file. */
  comment?: string;
}

/** The Dockerfile text: FROM, one COPY of the prepared root filesystem, then ENV, WORKDIR, CMD. */
export function renderDockerfile(options: DockerfileOptions): string {
  const lines: string[] = [];
  if (options.comment) lines.push(`# ${options.comment}`);
  lines.push(`FROM --platform=${options.platform} ${options.base ?? "scratch"}`);
  lines.push("COPY rootfs/ /");
  for (const [key, value] of Object.entries(options.env ?? {}))
    lines.push(`ENV ${key}=${JSON.stringify(value)}`);
  if (options.workingDir) lines.push(`WORKDIR ${options.workingDir}`);
  if (options.cmd) lines.push(`CMD ${JSON.stringify(options.cmd)}`);
  return `${lines.join("\n")}\n`;
}

export interface DockerBuildOptions extends DockerfileOptions {
  /** The build context folder to (re)create, e.g. `.connector/docker`. */
  contextDir: string;
  files: FileMap;
  /** `name:tag` given to `docker build -t`. */
  imageName: string;
  /** Also `docker save` the image to this tarball. */
  tarFile?: string;
  /** Environment for the docker process (PATH, DOCKER_HOST, …). */
  processEnv: NodeJS.ProcessEnv;
  onEvent?: ProgressListener;
}

export interface DockerBuildResult {
  contextDir: string;
  dockerfile: string;
  imageName: string;
  /** Image ID (config digest) when docker reported one through --iidfile. */
  imageId?: string;
  tarFile?: string;
  /** The docker command lines that ran. */
  commands: string[][];
}

/** Prepares the context, runs `docker build` (and `docker save` with `tarFile`). */
export async function dockerBuild(options: DockerBuildOptions): Promise<DockerBuildResult> {
  const contextDir = path.resolve(options.contextDir);
  await assertReplaceableContext(contextDir);
  const staging = await stagingDirFor(contextDir);
  try {
    const rootfs = path.join(staging, "rootfs");
    await mkdir(rootfs, { recursive: true });
    for (const e of options.files.entries()) {
      const target = path.join(rootfs, ...e.name.replace(/\/$/, "").split("/"));
      if (e.type === "directory") {
        await mkdir(target, { recursive: true });
      } else {
        await mkdir(path.dirname(target), { recursive: true });
        if (e.source.kind === "file") await copyFile(e.source.path, target);
        else await writeFile(target, e.source.data);
      }
      await chmod(target, e.mode);
    }
    await writeFile(path.join(staging, "Dockerfile"), renderDockerfile(options));
    await writeFile(path.join(staging, ".dockerignore"), "Dockerfile\n.dockerignore\n");
    await replaceDir(staging, contextDir);
  } catch (error) {
    await discard(staging);
    throw error;
  }

  const dockerfile = path.join(contextDir, "Dockerfile");
  const iidFile = path.join(path.dirname(contextDir), `.docker-iid-${randomBytes(6).toString("hex")}`);
  const commands: string[][] = [];
  // BuildKit (buildx) adds provenance and SBOM attestations, which turn the image into an index
  // that Lambda and Glue refuse: switch them off. The legacy builder has neither flag nor attestations.
  const buildkit = await hasBuildx(options.processEnv);
  commands.push(["docker", "buildx", "version"]);
  const buildArgs = [
    "build",
    "--platform",
    options.platform,
    ...(buildkit ? ["--provenance=false", "--sbom=false"] : []),
    "--iidfile",
    iidFile,
    "-t",
    options.imageName,
    "-f",
    dockerfile,
    contextDir,
  ];
  let imageId: string | undefined;
  options.onEvent?.({ type: "step", id: "docker-build", status: "start", title: "docker build" });
  try {
    commands.push(["docker", ...buildArgs]);
    await runDocker(buildArgs, options.processEnv);
    imageId = existsSync(iidFile) ? (await readFile(iidFile, "utf8")).trim() || undefined : undefined;
  } catch (error) {
    options.onEvent?.({ type: "step", id: "docker-build", status: "fail", title: "docker build" });
    throw error;
  } finally {
    await rm(iidFile, { force: true });
  }
  options.onEvent?.({ type: "step", id: "docker-build", status: "done", title: "docker build" });

  let tarFile: string | undefined;
  if (options.tarFile) {
    tarFile = path.resolve(options.tarFile);
    const tmp = await stagingFileFor(tarFile);
    const saveArgs = ["save", "-o", tmp, options.imageName];
    commands.push(["docker", ...saveArgs]);
    try {
      await runDocker(saveArgs, options.processEnv);
      await replaceFile(tmp, tarFile);
    } catch (error) {
      await discard(tmp);
      throw error;
    }
  }
  return {
    contextDir,
    dockerfile,
    imageName: options.imageName,
    ...(imageId ? { imageId } : {}),
    ...(tarFile ? { tarFile } : {}),
    commands,
  };
}

/** True when `docker buildx version` works (BuildKit builds, which accept --provenance/--sbom). */
async function hasBuildx(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { execa } = await import("execa");
  try {
    await execa("docker", ["buildx", "version"], { env, extendEnv: false, stdin: "ignore", timeout: 30_000 });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") throw dockerError("buildx", error);
    return false;
  }
}

async function runDocker(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { execa } = await import("execa");
  try {
    await execa("docker", args, { env, extendEnv: false, stdin: "ignore", all: true });
  } catch (error) {
    throw dockerError(args[0] ?? "docker", error);
  }
}

const NO_DAEMON =
  /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker\.sock/i;

function dockerError(sub: string, error: unknown): CliError {
  const e = error as {
    code?: string;
    all?: string;
    stderr?: string;
    shortMessage?: string;
    exitCode?: number;
  };
  if (e.code === "ENOENT") {
    return new CliError(
      "DOCKER_NOT_FOUND",
      "--builder docker needs the docker command, and it is not on PATH.",
      {
        hint: "Install Docker, or drop --builder docker: the default builder (oci) needs no Docker.",
        exitCode: ExitCode.Usage,
      },
    );
  }
  const output = String(e.all ?? e.stderr ?? "");
  if (NO_DAEMON.test(output)) {
    return new CliError(
      "DOCKER_DAEMON_UNAVAILABLE",
      `docker ${sub} could not reach a Docker daemon: ${firstLine(output, NO_DAEMON)}`,
      {
        hint: "Start Docker (or set DOCKER_HOST), or drop --builder docker: the default builder (oci) needs no Docker daemon.",
        exitCode: ExitCode.Usage,
      },
    );
  }
  const tail = output.trim().split("\n").slice(-15).join("\n");
  return new CliError("DOCKER_BUILD_FAILED", `docker ${sub} failed (exit ${e.exitCode ?? "?"}).`, {
    hint: "Read docker's output above; or drop --builder docker to use the built-in builder.",
    exitCode: ExitCode.Usage,
    ...(tail ? { context: tail } : {}),
  });
}

function firstLine(text: string, re: RegExp): string {
  return (text.split("\n").find((l) => re.test(l)) ?? text.split("\n")[0] ?? "").trim();
}

async function assertReplaceableContext(dir: string): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory() && (existsSync(path.join(dir, "Dockerfile")) || (await readdir(dir)).length === 0))
    return;
  throw new CliError(
    "OUTPUT_NOT_EMPTY",
    `${dir} exists and is not a docker build context written by connectorkit.`,
    {
      hint: "Pass --output <dir> naming a new or empty folder for the Dockerfile and its context.",
      exitCode: ExitCode.Usage,
    },
  );
}
