import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { CliError } from "../ui/errors.js";
import { registerSecret } from "../ui/redact.js";

export type LocalAuthType = "BasicAuth" | "ApiKey" | "OAuth2" | "CustomAuth";

export interface LocalSecrets {
  /** The file it came from, or undefined when there is none. */
  file: string | undefined;
  /** The secret's key/value map, exactly like the SecretString AppFlow stores. */
  values: Record<string, string>;
  /** From the file's `authenticationType` key, or inferred from the keys present. */
  authenticationType: LocalAuthType | null;
  /** Set when the file is readable by group or others. */
  modeWarning?: string;
}

/**
 * Reads the local secrets file (default `.connector/secrets.json`): one JSON object of strings, keyed
 * like the Secrets Manager secret AppFlow creates (`username`/`password`, `apiKey`/`apiSecretKey`,
 * `accessToken`/`refreshToken`, or the custom scheme's keys), optionally with `authenticationType`.
 * Every value is registered for redaction, so no output stream ever shows it.
 */
export async function readLocalSecrets(file: string): Promise<LocalSecrets> {
  if (!existsSync(file)) return { file: undefined, values: {}, authenticationType: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch {
    // Never echo the parser message: it may quote part of a secret.
    throw new CliError("SECRETS_INVALID", `${file} is not valid JSON.`, {
      hint: 'It must hold one JSON object of strings, e.g. {"apiKey": "..."}.',
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliError("SECRETS_INVALID", `${file} must hold one JSON object.`, {
      hint: 'Example: {"authenticationType": "ApiKey", "apiKey": "..."}.',
    });
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== "string") {
      throw new CliError("SECRETS_INVALID", `${file}: the value of "${k}" must be a string.`, {
        hint: "Quote numbers and booleans; nested objects are not allowed.",
      });
    }
    values[k] = v;
    if (k !== "authenticationType" && k !== "customAuthenticationType") registerSecret(v);
  }
  const st = await stat(file);
  const result: LocalSecrets = { file, values, authenticationType: inferAuthType(values) };
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) {
    result.modeWarning = `${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`;
  }
  return result;
}

export function inferAuthType(values: Record<string, string>): LocalAuthType | null {
  const declared = values.authenticationType;
  if (
    declared === "BasicAuth" ||
    declared === "ApiKey" ||
    declared === "OAuth2" ||
    declared === "CustomAuth"
  ) {
    return declared;
  }
  if ("customAuthenticationType" in values) return "CustomAuth";
  if ("accessToken" in values) return "OAuth2";
  if ("apiKey" in values) return "ApiKey";
  if ("username" in values && "password" in values) return "BasicAuth";
  return null;
}

/** The secret ARN local runs put in events (never resolved against AWS). */
export function localSecretArn(label: string): string {
  return `arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!123456789012-${label}-local`;
}
