import type { ECRClient } from "@aws-sdk/client-ecr";
import { type AwsOptions, ecrClient } from "../aws/clients.js";
import {
  digestForTag,
  ensureRepository,
  getEcrCredentials,
  MARKETPLACE_REGISTRY_ID,
  registryIdOf,
  type VerifiedImage,
  verifyImage,
} from "../aws/ecr.js";
import { CliError, ExitCode } from "../ui/errors.js";
import type { ProgressListener } from "../ui/reporter.js";
import { RegistryAuth } from "./auth.js";
import { RegistryClient } from "./client.js";
import { shortDigest } from "./digest.js";
import { registryError } from "./errors.js";
import { type LayoutImage, readLayout } from "./layout.js";
import { IMAGE_MANIFEST_TYPES } from "./media.js";
import { type PushImageResult, pushImage } from "./push.js";
import { PushedRecord } from "./record.js";
import { ecrRegistryHost } from "./reference.js";
import { TokenCache } from "./token-cache.js";

/**
 * `connector push` end to end: read the layout, find or create the ECR repository, get registry
 * credentials, refuse to move an existing tag to another image (unless forced), push the blobs
 * and the manifest, and check through DescribeImages that ECR lists the image under the tag.
 */

export interface EcrPushOptions {
  layoutDir: string;
  /** The layout's ref.name to push (default: the tag, else the only image). */
  layoutRef?: string;
  repository: string;
  tag: string;
  /** The registry (account); default: the account that owns the caller's default registry. */
  registryId?: string;
  region: string;
  aws: AwsOptions;
  /** Where /v2/ traffic goes instead of https://<registry host> (tests, ECR-compatible proxies). */
  registryUrl?: string;
  create: boolean;
  scanOnPush?: boolean;
  immutableTags?: boolean;
  force: boolean;
  concurrency?: number;
  /** Directory for pushed.json (cross-repository mount hints). */
  cacheDir?: string;
  onEvent?: ProgressListener;
}

export interface EcrPushResult extends PushImageResult {
  /** `<registry host>/<repository>:<tag>`. */
  imageUri: string;
  repositoryUri: string;
  registryHost: string;
  repository: string;
  registryId: string;
  region: string;
  tag: string;
  created: boolean;
  unchanged: boolean;
  /** The tag pointed at this other image before (moved with --force). */
  replaced?: string;
  pushedAt: string;
}

export async function pushToEcr(options: EcrPushOptions): Promise<EcrPushResult> {
  const { onEvent } = options;
  const image = await readLayout(options.layoutDir, options.layoutRef ?? options.tag);
  if (image.refName && image.refName !== options.tag) {
    onEvent?.({
      type: "log",
      level: "info",
      message: `pushing the image built as ${image.refName} under the tag ${options.tag}`,
    });
  }
  if (options.registryId === MARKETPLACE_REGISTRY_ID && options.region !== "us-east-1") {
    onEvent?.({
      type: "log",
      level: "warn",
      message: `the AWS Marketplace registry is in us-east-1; the region here is ${options.region}`,
    });
  }
  const unchanged = options.force ? undefined : await unchangedFromCache(image, options);
  if (unchanged) return unchanged;
  const ecr = await ecrClient(options.aws);
  try {
    return await pushWithClient(ecr, image, options);
  } finally {
    ecr.destroy();
  }
}

/** Which registry credentials a push uses: region, registry, and where the API and registry are. */
function credentialsKey(options: EcrPushOptions): string {
  const endpoint = options.aws.endpoints?.ecr ?? options.aws.endpointUrl ?? "";
  return [options.region, options.registryId ?? "", endpoint, options.registryUrl ?? ""].join("|");
}

/**
 * A re-push of an image the registry already holds under the tag, with cached registry credentials:
 * one HEAD of the manifest, no AWS API call (the token, the repository and the digest were checked
 * when it was pushed). Anything else — no cached token, a refused token, another digest under the
 * tag — returns undefined and the full path runs.
 */
async function unchangedFromCache(
  image: LayoutImage,
  options: EcrPushOptions,
): Promise<EcrPushResult | undefined> {
  if (!options.cacheDir) return undefined;
  const cache = await TokenCache.open(options.cacheDir);
  const key = credentialsKey(options);
  const cached = cache.get(key);
  // Only an image this machine pushed there (and verified) before: no request for anything else.
  if (!cached || cached.pushed?.[`${options.repository}:${options.tag}`] !== image.digest) return undefined;
  const registryHost = ecrRegistryHost(cached.registryId, options.region);
  const client = new RegistryClient({
    baseUrl: options.registryUrl ?? `https://${registryHost}`,
    auth: new RegistryAuth({ credentials: { username: cached.username, password: cached.password } }),
  });
  let info: Awaited<ReturnType<RegistryClient["headManifest"]>>;
  try {
    info = await client.headManifest(options.repository, options.tag, IMAGE_MANIFEST_TYPES.join(", "), {
      attempts: 1,
      baseDelayMs: 0,
      maxDelayMs: 0,
      maxRetryAfterMs: 0,
    });
  } catch {
    await cache.delete(key); // refused or unreachable: the full path gets a fresh token
    return undefined;
  }
  if (info?.digest !== image.digest) return undefined;
  options.onEvent?.({
    type: "log",
    level: "info",
    message: `${options.repository}:${options.tag} is already this image (unchanged; checked with cached registry credentials)`,
  });
  const repositoryUri = `${registryHost}/${options.repository}`;
  return {
    imageUri: `${repositoryUri}:${options.tag}`,
    repositoryUri,
    registryHost,
    repository: options.repository,
    registryId: cached.registryId,
    region: options.region,
    tag: options.tag,
    digest: image.digest,
    mediaType: image.mediaType,
    uploaded: [],
    skipped: image.blobs.map((b) => b.digest),
    mounted: [],
    bytesUploaded: 0,
    bytesSkipped: image.totalBytes,
    created: false,
    unchanged: true,
    pushedAt: new Date().toISOString(),
  };
}

async function pushWithClient(
  ecr: ECRClient,
  image: LayoutImage,
  options: EcrPushOptions,
): Promise<EcrPushResult> {
  const { onEvent, repository, tag, region } = options;
  const step = async <T>(id: string, title: string, fn: () => Promise<T>) => {
    onEvent?.({ type: "step", id, status: "start", title });
    try {
      const v = await fn();
      onEvent?.({ type: "step", id, status: "done", title });
      return v;
    } catch (error) {
      onEvent?.({ type: "step", id, status: "fail", title });
      throw error;
    }
  };

  // One round trip for the three independent questions: the repository, the credentials and the
  // digest the tag holds now (a missing repository simply has no tag).
  const lookup = {
    repositoryName: repository,
    ...(options.registryId ? { registryId: options.registryId } : {}),
  };
  onEvent?.({
    type: "step",
    id: "prepare",
    status: "start",
    title: `Checking the repository ${repository}, the tag ${tag} and registry credentials`,
  });
  const [repoR, credsR, existingR] = await Promise.allSettled([
    ensureRepository(ecr, {
      repositoryName: repository,
      create: options.create,
      ...(options.registryId ? { registryId: options.registryId } : {}),
      ...(options.scanOnPush !== undefined ? { scanOnPush: options.scanOnPush } : {}),
      ...(options.immutableTags !== undefined ? { immutableTags: options.immutableTags } : {}),
    }),
    getEcrCredentials(ecr, options.registryId),
    digestForTag(ecr, lookup, tag),
  ]);
  if ([repoR, credsR, existingR].some((r) => r.status === "rejected")) {
    onEvent?.({
      type: "step",
      id: "prepare",
      status: "fail",
      title: `Checking the repository ${repository}`,
    });
  }
  // The repository's answer first: it explains the others' failures (a missing repository, …).
  const repo = settledValue(repoR);
  let credentials = settledValue(credsR);
  const existing = repo.created ? undefined : settledValue(existingR);
  onEvent?.({
    type: "step",
    id: "prepare",
    status: "done",
    title: repo.created
      ? `Created the ECR repository ${repository} (registry ${repo.registryId})`
      : `ECR repository ${repository} (registry ${repo.registryId}); tag ${tag} ${
          existing ? `holds ${shortDigest(existing)}` : "is free"
        }`,
  });
  if (repo.unverified) onEvent?.({ type: "log", level: "warn", message: repo.unverified });
  if (!repo.created && repo.imageTagMutability) {
    const immutable = repo.imageTagMutability.startsWith("IMMUTABLE");
    if (options.immutableTags !== undefined && options.immutableTags !== immutable) {
      onEvent?.({
        type: "log",
        level: "info",
        message: `the existing repository keeps its tag mutability (${repo.imageTagMutability})`,
      });
    }
  }
  const registryId = repo.registryId;
  const tokenRegistry = registryIdOf(credentials.proxyEndpoint);
  if (!options.registryId && tokenRegistry && tokenRegistry !== registryId) {
    credentials = await getEcrCredentials(ecr, registryId);
  }
  const registryHost = ecrRegistryHost(registryId, region);
  const tokenCache = options.cacheDir ? await TokenCache.open(options.cacheDir) : undefined;
  if (tokenCache) {
    await tokenCache.set(credentialsKey(options), {
      registryId,
      username: credentials.username,
      password: credentials.password,
      obtainedAt: Date.now(),
      ...(credentials.expiresAt ? { expiresAt: credentials.expiresAt.getTime() } : {}),
    });
  }
  const where = { registryId, repositoryName: repository };
  const baseUrl = options.registryUrl ?? `https://${registryHost}`;
  const client = new RegistryClient({
    baseUrl,
    auth: new RegistryAuth({
      credentials: { username: credentials.username, password: credentials.password },
    }),
    onRetry: (info) =>
      onEvent?.({
        type: "log",
        level: "warn",
        message: `${info.what}: ${info.error.message}; retrying in ${(info.delayMs / 1000).toFixed(1)} s`,
      }),
  });

  let replaced: string | undefined;
  let unchanged = false;
  if (existing && existing !== image.digest) {
    if (repo.imageTagMutability?.startsWith("IMMUTABLE")) {
      throw new CliError(
        "TAG_IMMUTABLE",
        `${repository}:${tag} already points at ${shortDigest(existing)} ` +
          "and the repository's tags are immutable.",
        {
          hint: "Push under a new tag (--image-tag, or bump the connector version).",
          exitCode: ExitCode.Usage,
          details: { existingDigest: existing, digest: image.digest },
        },
      );
    }
    if (!options.force) {
      throw new CliError(
        "TAG_EXISTS",
        `${repository}:${tag} already points at another image ` +
          `(${shortDigest(existing)}; this one is ${shortDigest(image.digest)}).`,
        {
          hint: "Bump the version or pass --image-tag <new tag>; --force moves the tag.",
          exitCode: ExitCode.Usage,
          details: { existingDigest: existing, digest: image.digest },
        },
      );
    }
    replaced = existing;
    onEvent?.({
      type: "log",
      level: "warn",
      message: `moving ${tag} from ${shortDigest(existing)} (--force)`,
    });
  }
  let verified: VerifiedImage | undefined;
  if (existing === image.digest) {
    // Already there: confirm the registry holds the manifest, and verify, in one round trip.
    const [head, check] = await Promise.allSettled([
      client.headManifest(repository, image.digest, IMAGE_MANIFEST_TYPES.join(", ")),
      verifyImage(ecr, where, image.digest, tag, { attempts: 1 }),
    ]);
    if (head.status === "rejected") throw registryError(head.reason, { host: client.host, repository });
    unchanged = head.value !== undefined && check.status === "fulfilled";
    if (unchanged && check.status === "fulfilled") verified = check.value;
  }

  let outcome: Omit<Awaited<ReturnType<typeof pushImage>>, "mediaType">;
  if (unchanged) {
    onEvent?.({
      type: "log",
      level: "info",
      message: `${repository}:${tag} is already this image (unchanged)`,
    });
    outcome = {
      digest: image.digest,
      uploaded: [],
      skipped: image.blobs.map((b) => b.digest),
      mounted: [],
      bytesUploaded: 0,
      bytesSkipped: image.totalBytes,
    };
  } else {
    const record = options.cacheDir ? await PushedRecord.open(options.cacheDir) : undefined;
    outcome = await pushImage({
      client,
      repository,
      tag,
      image,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(record ? { record } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
  }

  verified ??= await step("verify", "Checking the image in ECR (DescribeImages)", () =>
    verifyImage(ecr, where, image.digest, tag),
  );
  await tokenCache?.recordPush(credentialsKey(options), `${repository}:${tag}`, image.digest);
  const repositoryUri = `${registryHost}/${repository}`;
  return {
    imageUri: `${repositoryUri}:${tag}`,
    repositoryUri,
    registryHost,
    repository,
    registryId,
    region,
    tag,
    digest: image.digest,
    mediaType: image.mediaType,
    uploaded: outcome.uploaded,
    skipped: outcome.skipped,
    mounted: outcome.mounted,
    bytesUploaded: outcome.bytesUploaded,
    bytesSkipped: outcome.bytesSkipped,
    created: repo.created,
    unchanged,
    ...(replaced ? { replaced } : {}),
    pushedAt: (verified.pushedAt ?? new Date()).toISOString(),
  };
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}
