import { CliError, ExitCode } from "../ui/errors.js";
import { RegistryAuthError } from "./auth.js";
import { NetworkError, RegistryHttpError } from "./http.js";

/**
 * Turns registry and network failures into CliErrors: authentication exits 3, an unknown
 * repository 3, everything else (network after retries, refused blobs) 4. Messages carry the
 * method, host and path only, never a header or a query string.
 */
export function registryError(error: unknown, where: { host: string; repository?: string }): CliError {
  if (error instanceof CliError) return error;
  const repo = where.repository ? ` (repository ${where.repository})` : "";
  if (error instanceof RegistryAuthError) {
    return new CliError("REGISTRY_AUTH", `${where.host}: ${error.message}${repo}.`, {
      hint:
        "Check the registry credentials " +
        "(for ECR: the caller needs ecr:GetAuthorizationToken and push rights).",
      exitCode: ExitCode.Aws,
      cause: error,
    });
  }
  if (error instanceof RegistryHttpError) {
    if (error.status === 401 || error.status === 403) {
      return new CliError(
        "REGISTRY_AUTH",
        `${where.host} refused the credentials: ${error.message}${repo}.`,
        {
          hint:
            "For ECR, the caller needs ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, " +
            "ecr:UploadLayerPart, ecr:CompleteLayerUpload and ecr:PutImage on the repository (and the " +
            "registry ID must be right); for other registries, check the credentials.",
          exitCode: ExitCode.Aws,
          cause: error,
        },
      );
    }
    if (error.registryCode === "NAME_UNKNOWN") {
      return new CliError(
        "REPOSITORY_NOT_FOUND",
        `${where.host}: the repository does not exist: ${error.message}.`,
        {
          hint: "Create the repository (drop --no-create-repo), or check --ecr-repo-name and --registry-id.",
          exitCode: ExitCode.Aws,
          cause: error,
        },
      );
    }
    if (error.registryCode === "TAG_INVALID" || /immutable/i.test(error.message)) {
      return new CliError(
        "TAG_IMMUTABLE",
        `${where.host}: the tag cannot be overwritten: ${error.message}.`,
        {
          hint: "Push under a new tag (--image-tag, or bump the connector version).",
          exitCode: ExitCode.Usage,
          cause: error,
        },
      );
    }
    const retried = error.status >= 500 || error.status === 429 ? " after retries" : "";
    return new CliError("REGISTRY_ERROR", `${where.host}: ${error.message}${retried}${repo}.`, {
      hint: "The registry refused the request; re-run (uploads resume), or check the registry's logs.",
      exitCode: ExitCode.Network,
      cause: error,
    });
  }
  if (error instanceof NetworkError) {
    return new CliError("NETWORK", `${error.message} (after retries).`, {
      hint:
        "Check the network and the registry address (--registry-url); " +
        "re-running uploads only what is missing.",
      exitCode: ExitCode.Network,
      cause: error,
    });
  }
  const e = error as { name?: string; message?: string };
  if (e.name === "AbortError") {
    return new CliError("INTERRUPTED", "The transfer was interrupted.", {
      hint: "Re-run the command; only the missing blobs are sent again.",
      exitCode: ExitCode.Interrupted,
      cause: error,
    });
  }
  return new CliError("REGISTRY_ERROR", `${where.host}: ${e.message ?? String(error)}`, {
    hint: "Re-run with --verbose for details.",
    exitCode: ExitCode.Network,
    cause: error,
  });
}
