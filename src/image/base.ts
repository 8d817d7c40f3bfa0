/**
 * The base image: `none` (Glue only), `oci:<layout-dir>[:tag]` (a local OCI layout) or a
 * registry reference, pulled through src/registry and cached under the user cache directory.
 */
import path from "node:path";
import { CliError, ExitCode } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import { type PulledImage, readOciLayout } from "./oci-layout.js";
import type { Platform } from "./platform.js";

export type BaseRef =
  | { kind: "none" }
  | { kind: "oci"; dir: string; ref?: string }
  | { kind: "registry"; reference: string };

export const DEFAULT_BASES = {
  typescript: "public.ecr.aws/lambda/nodejs:22",
  python: "public.ecr.aws/lambda/python:3.12",
  glue: "none",
} as const;

/** Parses `none`, `oci:<dir>[:tag]` or a registry reference; relative dirs are taken from `cwd`. */
export function parseBaseRef(value: string, cwd: string): BaseRef {
  const v = value.trim();
  if (v === "") throw badRef(value, "it is empty");
  if (v === "none" || v === "scratch") return { kind: "none" };
  if (v.startsWith("oci:")) {
    const rest = v.slice(4);
    let dir = rest;
    let ref: string | undefined;
    const colon = rest.lastIndexOf(":");
    // `oci:C:\dir` keeps its drive letter; `oci:dir:tag` splits at the last colon after the last slash.
    if (colon > 0 && !/^[A-Za-z]$/.test(rest.slice(0, colon))) {
      const tail = rest.slice(colon + 1);
      if (!tail.includes("/") && !tail.includes("\\")) {
        dir = rest.slice(0, colon);
        ref = tail;
      }
    }
    if (dir === "") throw badRef(value, "the layout folder is missing");
    if (ref === "") throw badRef(value, "the tag after ':' is empty");
    return { kind: "oci", dir: path.resolve(cwd, dir), ...(ref !== undefined ? { ref } : {}) };
  }
  if (/\s/.test(v) || /^[a-z]+:\/\//i.test(v)) {
    throw badRef(
      value,
      "a registry reference has no scheme or spaces (e.g. public.ecr.aws/lambda/nodejs:22)",
    );
  }
  return { kind: "registry", reference: v };
}

/** The reference as the user would write it again. */
export function formatBaseRef(ref: BaseRef): string {
  if (ref.kind === "none") return "none";
  if (ref.kind === "oci") return `oci:${ref.dir}${ref.ref !== undefined ? `:${ref.ref}` : ""}`;
  return ref.reference;
}

/** True when a registry reference pins a digest (`…@sha256:<hex>`). */
export function isPinned(reference: string): boolean {
  return /@sha256:[a-f0-9]{64}$/.test(reference);
}

export interface ResolveBaseOptions {
  platform: Platform;
  /** Where registry bases are cached (see imageCacheDir()). */
  cacheDir: string;
  /** Allow plain HTTP to the base registry (local test registries). */
  insecure?: boolean;
  credentials?: { username: string; password: string };
  onEvent?: ProgressListener;
}

/** Loads the base image for the platform; undefined for `none`. */
export async function resolveBase(
  ref: BaseRef,
  options: ResolveBaseOptions,
): Promise<PulledImage | undefined> {
  if (ref.kind === "none") return undefined;
  if (ref.kind === "oci") return readOciLayout(ref.dir, options.platform, ref.ref);
  const { pullImage } = await loadPull();
  return pullImage({
    reference: ref.reference,
    platform: options.platform,
    cacheDir: options.cacheDir,
    ...(options.insecure ? { insecure: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}

async function loadPull(): Promise<typeof import("../registry/pull.js")> {
  try {
    return await import("../registry/pull.js");
  } catch (error) {
    throw new CliError(
      "BASE_PULL_UNAVAILABLE",
      `Registry base images cannot be pulled in this build (${(error as Error).message}).`,
      {
        hint: "Use a local base with --base oci:<layout-dir> (e.g. from `skopeo copy docker://… oci:<dir>:<tag>`).",
        exitCode: ExitCode.Usage,
      },
    );
  }
}

function badRef(value: string, why: string): CliError {
  return new CliError("BASE_REF_INVALID", `${JSON.stringify(value)} is not a base image reference: ${why}.`, {
    hint: "Use a registry reference (public.ecr.aws/lambda/nodejs:22), oci:<layout-dir>[:tag], or none (Glue).",
    exitCode: ExitCode.Usage,
  });
}
