import type { ECRClient } from "@aws-sdk/client-ecr";
import { CliError, ExitCode } from "../ui/errors.js";
import { registerSecret } from "../ui/redact.js";
import { awsError, ecrSdk } from "./clients.js";

/**
 * The ECR control-plane calls of `connector push`: registry credentials, the repository (found or
 * created), the digest a tag points at, and the check that a pushed image is listed. Every call
 * passes the registry ID explicitly, so nothing lands in the caller's own registry by accident.
 */

/** The AWS Marketplace seller registry (us-east-1). Its repositories come from the portal only. */
export const MARKETPLACE_REGISTRY_ID = "709825985650";

export interface EcrCredentials {
  username: string;
  password: string;
  /** `https://<registry>.dkr.ecr.<region>.amazonaws.com` as ECR reports it. */
  proxyEndpoint: string | undefined;
  expiresAt: Date | undefined;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? "";
}

/**
 * GetAuthorizationToken for one registry. The token is base64 `AWS:<password>`; both are
 * registered as secrets. An expiry in the past (moto answers 2015) is taken as valid for this
 * command: the token is fetched once per run, never refreshed in a loop.
 */
export async function getEcrCredentials(ecr: ECRClient, registryId?: string): Promise<EcrCredentials> {
  const { GetAuthorizationTokenCommand } = ecrSdk();
  let data: { authorizationToken?: string; proxyEndpoint?: string; expiresAt?: Date } | undefined;
  const which = registryId ? `registry ${registryId}` : "the caller's registry";
  try {
    const r = await ecr.send(
      new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {}),
    );
    data = r.authorizationData?.[0];
  } catch (error) {
    throw awsError(error, "ecr:GetAuthorizationToken", which);
  }
  const token = data?.authorizationToken;
  if (!token) {
    throw new CliError("ECR_AUTH", `ECR returned no authorization token for ${which}.`, {
      hint: "Check that the caller may call ecr:GetAuthorizationToken, and the registry ID.",
      exitCode: ExitCode.Aws,
    });
  }
  registerSecret(token);
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) {
    throw new CliError("ECR_AUTH", `The ECR authorization token for ${which} is not user:password.`, {
      hint: "This is unexpected from ECR; check --endpoint-url.",
      exitCode: ExitCode.Aws,
    });
  }
  const password = decoded.slice(colon + 1);
  registerSecret(password);
  return {
    username: decoded.slice(0, colon),
    password,
    proxyEndpoint: data?.proxyEndpoint,
    expiresAt: data?.expiresAt,
  };
}

/** The registry (account) ID in a proxyEndpoint (`https://123456789012.dkr.ecr.us-east-1.amazonaws.com`). */
export function registryIdOf(proxyEndpoint: string | undefined): string | undefined {
  return /^(?:https?:\/\/)?(\d{12})\.dkr\.ecr[.-]/.exec(proxyEndpoint ?? "")?.[1];
}

export interface RepositoryInfo {
  registryId: string;
  repositoryName: string;
  repositoryUri: string | undefined;
  /** MUTABLE, IMMUTABLE, … or undefined when the repository could not be described. */
  imageTagMutability: string | undefined;
  scanOnPush: boolean | undefined;
  created: boolean;
  /** Set when DescribeRepositories was denied and the push goes ahead without it. */
  unverified?: string;
}

export interface EnsureRepositoryOptions {
  registryId?: string;
  repositoryName: string;
  /** Create the repository when it is missing (false: `--no-create-repo`). */
  create: boolean;
  scanOnPush?: boolean;
  immutableTags?: boolean;
}

/** Finds the repository, creating it when allowed. Never creates one in the Marketplace registry. */
export async function ensureRepository(
  ecr: ECRClient,
  options: EnsureRepositoryOptions,
): Promise<RepositoryInfo> {
  const { DescribeRepositoriesCommand, CreateRepositoryCommand } = ecrSdk();
  const { registryId, repositoryName } = options;
  const registryArg = registryId ? { registryId } : {};
  const describe = async () => {
    const r = await ecr.send(
      new DescribeRepositoriesCommand({ ...registryArg, repositoryNames: [repositoryName] }),
    );
    return r.repositories?.[0];
  };
  const marketplace = registryId === MARKETPLACE_REGISTRY_ID;
  let repo: Awaited<ReturnType<typeof describe>>;
  try {
    repo = await describe();
  } catch (error) {
    const name = errorName(error);
    if (name === "RepositoryNotFoundException") {
      repo = undefined;
    } else if (/AccessDenied/.test(name) && registryId && (marketplace || !options.create)) {
      return {
        registryId,
        repositoryName,
        repositoryUri: undefined,
        imageTagMutability: undefined,
        scanOnPush: undefined,
        created: false,
        unverified: "ecr:DescribeRepositories was denied; pushing without checking the repository",
      };
    } else {
      throw awsError(error, "ecr:DescribeRepositories", repositoryName);
    }
  }
  if (repo) return fromRepository(repo, registryId, repositoryName, false);
  const registryText = registryId ? ` in registry ${registryId}` : "";
  if (marketplace) {
    throw new CliError(
      "REPOSITORY_NOT_FOUND",
      `The repository ${repositoryName} does not exist in the AWS Marketplace registry ` +
        `${MARKETPLACE_REGISTRY_ID}.`,
      {
        hint:
          "Marketplace repositories are created in the AWS Marketplace Management Portal " +
          "(Request changes → " +
          "Add repositories); connector never creates them. Use the exact name the portal shows.",
        exitCode: ExitCode.Aws,
      },
    );
  }
  if (!options.create) {
    throw new CliError(
      "REPOSITORY_NOT_FOUND",
      `The ECR repository ${repositoryName} does not exist${registryText}.`,
      {
        hint:
          "Create it (run without --no-create-repo, or `aws ecr create-repository`), " +
          "or check --ecr-repo-name.",
        exitCode: ExitCode.Aws,
      },
    );
  }
  try {
    const r = await ecr.send(
      new CreateRepositoryCommand({
        ...registryArg,
        repositoryName,
        imageScanningConfiguration: { scanOnPush: options.scanOnPush ?? false },
        imageTagMutability: options.immutableTags ? "IMMUTABLE" : "MUTABLE",
      }),
    );
    if (!r.repository) throw new Error("CreateRepository returned no repository");
    return fromRepository(r.repository, registryId, repositoryName, true);
  } catch (error) {
    if (errorName(error) === "RepositoryAlreadyExistsException") {
      const again = await describe().catch((e: unknown) => {
        throw awsError(e, "ecr:DescribeRepositories", repositoryName);
      });
      if (again) return fromRepository(again, registryId, repositoryName, false);
    }
    throw awsError(error, "ecr:CreateRepository", repositoryName);
  }
}

function fromRepository(
  repo: {
    registryId?: string;
    repositoryName?: string;
    repositoryUri?: string;
    imageTagMutability?: string;
    imageScanningConfiguration?: { scanOnPush?: boolean };
  },
  registryId: string | undefined,
  repositoryName: string,
  created: boolean,
): RepositoryInfo {
  const id = repo.registryId ?? registryId;
  if (!id) {
    throw new CliError("ECR_NO_REGISTRY_ID", `ECR did not say which registry holds ${repositoryName}.`, {
      hint: "Pass --registry-id <account>.",
      exitCode: ExitCode.Aws,
    });
  }
  return {
    registryId: id,
    repositoryName: repo.repositoryName ?? repositoryName,
    repositoryUri: repo.repositoryUri,
    imageTagMutability: repo.imageTagMutability,
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush,
    created,
  };
}

export interface ImageLookup {
  /** Omitted: the caller's default registry. */
  registryId?: string;
  repositoryName: string;
}

/** The digest a tag points at, or undefined when the tag (or the repository) does not exist. */
export async function digestForTag(
  ecr: ECRClient,
  where: ImageLookup,
  tag: string,
): Promise<string | undefined> {
  const { DescribeImagesCommand } = ecrSdk();
  try {
    const r = await ecr.send(new DescribeImagesCommand({ ...where, imageIds: [{ imageTag: tag }] }));
    return r.imageDetails?.[0]?.imageDigest;
  } catch (error) {
    const name = errorName(error);
    if (name === "ImageNotFoundException" || name === "RepositoryNotFoundException") return undefined;
    throw awsError(error, "ecr:DescribeImages", where.repositoryName);
  }
}

export interface VerifiedImage {
  digest: string;
  tags: string[];
  mediaType: string | undefined;
  pushedAt: Date | undefined;
}

/**
 * Checks through DescribeImages that the digest is listed with the tag, retrying briefly (the
 * image can take a moment to appear).
 */
export async function verifyImage(
  ecr: ECRClient,
  where: ImageLookup,
  digest: string,
  tag: string,
  options: { attempts?: number; delayMs?: number } = {},
): Promise<VerifiedImage> {
  const { DescribeImagesCommand } = ecrSdk();
  const attempts = options.attempts ?? 6;
  let lastProblem = "";
  for (let i = 1; i <= attempts; i++) {
    try {
      const r = await ecr.send(new DescribeImagesCommand({ ...where, imageIds: [{ imageDigest: digest }] }));
      const d = r.imageDetails?.find((x) => x.imageDigest === digest);
      if (d?.imageTags?.includes(tag)) {
        return {
          digest,
          tags: d.imageTags,
          mediaType: d.imageManifestMediaType,
          pushedAt: d.imagePushedAt,
        };
      }
      lastProblem = d ? `it is listed without the tag ${tag}` : "it is not listed";
    } catch (error) {
      if (errorName(error) !== "ImageNotFoundException") {
        throw awsError(error, "ecr:DescribeImages", where.repositoryName);
      }
      lastProblem = "DescribeImages does not find it";
    }
    if (i < attempts) await new Promise((r) => setTimeout(r, (options.delayMs ?? 250) * i));
  }
  throw new CliError(
    "IMAGE_NOT_VERIFIED",
    `The image ${digest} was pushed to ${where.repositoryName}, but ${lastProblem} ` +
      `in registry ${where.registryId ?? "(default)"}.`,
    {
      hint:
        "Check the registry ID and region (--registry-id, --region) " +
        "and that --registry-url points at that registry.",
      exitCode: ExitCode.Aws,
    },
  );
}
