import { isDigest } from "./digest.js";

/** ECR repository names: lower-case path components joined by `/`, 2 to 256 characters. */
export const REPOSITORY_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** Image tags (distribution spec): up to 128 characters, not starting with `.` or `-`. */
export const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Docker's repository path components, which also allow `__` and runs of `-`. */
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export function isRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY_RE.test(name);
}

export function isTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

export interface ImageReference {
  /** Host (and port) as written, e.g. `public.ecr.aws`, `127.0.0.1:5000`, `docker.io`. */
  registry: string;
  /** The host the HTTP API lives on (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** Canonical string: `registry/repository[:tag][@digest]`. */
  canonical: string;
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * Parses `[host[:port]/]path[:tag][@sha256:…]` the way Docker does: the first component is a host
 * when it holds a `.` or `:` or is `localhost`; otherwise the image is on Docker Hub, where
 * one-component names live under `library/`. A reference with neither tag nor digest means `latest`.
 * Returns an error message instead of throwing.
 */
export function parseReference(input: string): ImageReference | string {
  let rest = input.trim();
  if (rest === "") return "the image reference is empty";
  if (/^[a-z]+:\/\//i.test(rest)) return `write the reference without a scheme (got "${input}")`;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) return `"${digest}" is not a sha256 digest (sha256:<64 hex>)`;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) return `"${tag}" is not a valid tag`;
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    parts.shift();
  }
  if (DOCKER_HUB.has(registry)) {
    registry = "docker.io";
    if (parts.length === 1) parts.unshift("library");
  }
  const repository = parts.join("/");
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT_RE.test(p))) {
    return `"${repository}" is not a valid repository name (lower-case letters, digits, . _ - and /)`;
  }
  if (!tag && !digest) tag = "latest";
  const apiHost = registry === "docker.io" ? "registry-1.docker.io" : registry;
  const canonical = `${registry}/${repository}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
  return {
    registry,
    apiHost,
    repository,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
    canonical,
  };
}

/** The registry host of an ECR registry: `<account>.dkr.ecr.<region>.amazonaws.com`. */
export function ecrRegistryHost(registryId: string, region: string): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${registryId}.dkr.ecr.${region}.${suffix}`;
}
