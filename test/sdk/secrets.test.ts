import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SecretsManagerLike } from "../../src/sdk/index.js";
import {
  ConnectorError,
  configureSecrets,
  createHandler,
  getCredentials,
  getSecret,
  redactSecrets,
  resetSecrets,
  SECRETS_FILE_ENV,
  SECRETS_OVERRIDE_SYMBOL,
  setSecretsOverride,
} from "../../src/sdk/index.js";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!123456789012-ticketing-Xy12Ab";
const OTHER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!123456789012-ticketing-Other1";

function fakeClient(
  secrets: Record<string, unknown>,
): SecretsManagerLike & { getSecretValue: ReturnType<typeof vi.fn> } {
  return {
    getSecretValue: vi.fn(async ({ SecretId }: { SecretId: string }) => {
      const value = secrets[SecretId];
      if (value === undefined)
        throw Object.assign(new Error(`Secrets Manager can't find the specified secret.`), {
          name: "ResourceNotFoundException",
        });
      if (value instanceof Error) throw value;
      return { SecretString: typeof value === "string" ? value : JSON.stringify(value) };
    }),
  };
}

beforeEach(() => {
  resetSecrets();
  delete process.env[SECRETS_FILE_ENV];
  delete (globalThis as Record<symbol, unknown>)[SECRETS_OVERRIDE_SYMBOL];
});
afterEach(() => {
  resetSecrets();
  delete process.env[SECRETS_FILE_ENV];
  delete (globalThis as Record<symbol, unknown>)[SECRETS_OVERRIDE_SYMBOL];
  vi.restoreAllMocks();
});

describe("getCredentials", () => {
  it("returns null for connectors without authentication", async () => {
    expect(await getCredentials(null)).toBeNull();
    expect(await getCredentials({ secretArn: null, authenticationType: null })).toBeNull();
  });

  it.each([
    ["BasicAuth", { username: "u", password: "p4ss" }, { username: "u", password: "p4ss" }],
    ["ApiKey", { apiKey: "k-123" }, { apiKey: "k-123", apiSecretKey: null }],
    ["ApiKey", { apiKey: "k-123", apiSecretKey: "s-456" }, { apiKey: "k-123", apiSecretKey: "s-456" }],
    ["OAuth2", { accessToken: "at", refreshToken: "rt" }, { accessToken: "at", refreshToken: "rt" }],
  ] as const)("%s", async (authenticationType, secret, expected) => {
    configureSecrets({ client: fakeClient({ [ARN]: secret }) });
    const creds = await getCredentials({ secretArn: ARN, authenticationType });
    expect(creds).toEqual({ authenticationType, secretArn: ARN, values: secret, ...expected });
  });

  it("CustomAuth strips customAuthenticationType and authenticationType but exposes the scheme", async () => {
    configureSecrets({
      client: fakeClient({
        [ARN]: {
          customAuthenticationType: "hmac",
          authenticationType: "CustomAuth",
          keyId: "k",
          secret: "zzzz",
        },
      }),
    });
    expect(await getCredentials({ secretArn: ARN, authenticationType: "CustomAuth" })).toEqual({
      authenticationType: "CustomAuth",
      secretArn: ARN,
      customAuthenticationType: "hmac",
      values: { keyId: "k", secret: "zzzz" },
    });
  });

  it("a missing key is InvalidCredentials naming the key", async () => {
    configureSecrets({ client: fakeClient({ [ARN]: { refreshToken: "rt" } }) });
    await expect(getCredentials({ secretArn: ARN, authenticationType: "OAuth2" })).rejects.toMatchObject({
      errorCode: "InvalidCredentials",
      message: "The OAuth2 secret has no 'accessToken' value",
    });
  });
});

describe("Secrets Manager access", () => {
  it("uses one client and one call per ARN within the TTL, then reads again", async () => {
    let now = 1_000_000;
    const client = fakeClient({ [ARN]: { apiKey: "a1" }, [OTHER]: { apiKey: "b2" } });
    configureSecrets({ client, cacheTtlMs: 60_000, now: () => now });
    await Promise.all([getSecret(ARN), getSecret(ARN)]);
    await getSecret(ARN);
    await getSecret(OTHER);
    expect(client.getSecretValue).toHaveBeenCalledTimes(2);
    now += 59_999;
    await getSecret(ARN);
    expect(client.getSecretValue).toHaveBeenCalledTimes(2);
    now += 2;
    await getSecret(ARN);
    expect(client.getSecretValue).toHaveBeenCalledTimes(3);
  });

  it("does not cache failures", async () => {
    const client = fakeClient({});
    configureSecrets({ client });
    await expect(getSecret(ARN)).rejects.toThrow(ConnectorError);
    await expect(getSecret(ARN)).rejects.toThrow(ConnectorError);
    expect(client.getSecretValue).toHaveBeenCalledTimes(2);
  });

  it.each([
    ["ResourceNotFoundException", "ResourceNotFoundError", 10],
    ["AccessDeniedException", "AccessDenied", 10],
    ["ThrottlingException", "RateLimitExceeded", 1],
    ["DecryptionFailure", "AccessDenied", null],
    ["InternalServiceError", "ServiceUnavailable", 1],
    ["SomethingElse", "UnknownError", null],
  ])("%s → %s (retryAfterSeconds %s)", async (name, errorCode, retryAfterSeconds) => {
    configureSecrets({ client: fakeClient({ [ARN]: Object.assign(new Error("x"), { name }) }) });
    await expect(getSecret(ARN)).rejects.toMatchObject({ errorCode, retryAfterSeconds });
  });

  it("rejects a secret that is not a JSON object of strings", async () => {
    configureSecrets({ client: fakeClient({ [ARN]: "[1,2]", [OTHER]: { nested: { a: 1 } } }) });
    await expect(getSecret(ARN)).rejects.toMatchObject({ errorCode: "InvalidCredentials" });
    await expect(getSecret(OTHER)).rejects.toMatchObject({
      message: expect.stringContaining("'nested' is not a string"),
    });
  });
});

describe("override hooks", () => {
  it("setSecretsOverride answers first, undefined falls through", async () => {
    const client = fakeClient({ [ARN]: { apiKey: "from-aws" } });
    configureSecrets({ client });
    const hook = vi.fn((arn: string) => (arn === OTHER ? { apiKey: "local" } : undefined));
    setSecretsOverride(hook);
    expect(await getCredentials({ secretArn: OTHER, authenticationType: "ApiKey" })).toMatchObject({
      apiKey: "local",
    });
    expect(hook).toHaveBeenCalledWith(OTHER, "ApiKey");
    expect(await getSecret(ARN)).toEqual({ apiKey: "from-aws" });
    setSecretsOverride(null);
    await expect(getSecret(OTHER)).rejects.toMatchObject({ errorCode: "ResourceNotFoundError" });
  });

  it("reads the hook from globalThis[Symbol.for('connectorkit.secretsOverride')]", async () => {
    expect(SECRETS_OVERRIDE_SYMBOL).toBe(Symbol.for("connectorkit.secretsOverride"));
    (globalThis as Record<symbol, unknown>)[Symbol.for("connectorkit.secretsOverride")] = async () => ({
      apiKey: "global",
    });
    configureSecrets({ client: fakeClient({}) });
    expect(await getSecret(ARN)).toEqual({ apiKey: "global" });
  });

  it("reads CONNECTORKIT_SECRETS_FILE: one secret for every ARN", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ck-secrets-"));
    const file = join(dir, "secret.json");
    writeFileSync(file, JSON.stringify({ username: "u", password: "pw-file", port: 8443 }));
    process.env[SECRETS_FILE_ENV] = file;
    configureSecrets({ client: fakeClient({}) });
    expect(await getSecret(ARN)).toEqual({ username: "u", password: "pw-file", port: "8443" });
    expect(await getSecret(OTHER)).toEqual({ username: "u", password: "pw-file", port: "8443" });
  });

  it("reads CONNECTORKIT_SECRETS_FILE: keyed by ARN with a '*' fallback, re-read on every call", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ck-secrets-"));
    const file = join(dir, "secrets.json");
    writeFileSync(file, JSON.stringify({ [ARN]: { apiKey: "one" }, "*": { apiKey: "fallback" } }));
    process.env[SECRETS_FILE_ENV] = file;
    expect(await getSecret(ARN)).toEqual({ apiKey: "one" });
    expect(await getSecret(OTHER)).toEqual({ apiKey: "fallback" });
    writeFileSync(file, JSON.stringify({ [ARN]: { apiKey: "two" } }));
    expect(await getSecret(ARN)).toEqual({ apiKey: "two" });
    await expect(getSecret(OTHER)).rejects.toMatchObject({ errorCode: "ResourceNotFoundError" });
  });

  it("reports an unreadable or invalid file without its content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ck-secrets-"));
    process.env[SECRETS_FILE_ENV] = join(dir, "missing.json");
    await expect(getSecret(ARN)).rejects.toMatchObject({ errorCode: "ResourceNotFoundError" });
    const file = join(dir, "bad.json");
    writeFileSync(file, "{ apiKey: hunter2-secret }");
    process.env[SECRETS_FILE_ENV] = file;
    const err = await getSecret(ARN).catch((e: unknown) => e as Error);
    expect(err.message).toContain("is not valid JSON");
    expect(err.message).not.toContain("hunter2");
  });
});

describe("secret values never leak", () => {
  const PLANTED = "pl4nted-S3CRET-value";

  it("not in thrown or returned messages, nor in console output", async () => {
    const output: string[] = [];
    const capture = (...args: unknown[]) => {
      output.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(" "));
    };
    for (const method of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, method).mockImplementation(capture);

    const messages: string[] = [];
    // 1. A secret whose content is not JSON: JSON.parse would quote it.
    configureSecrets({ client: fakeClient({ [ARN]: `${PLANTED} not json`, [OTHER]: { apiKey: PLANTED } }) });
    messages.push(String(((await getSecret(ARN).catch((e: unknown) => e)) as Error).message));

    // 2. A connector that leaks the secret into its own errors.
    const handler = createHandler({
      async listEntities(_req, ctx) {
        const creds = await ctx.getCredentials();
        throw new Error(`upstream refused key ${creds?.values.apiKey}`);
      },
      async describeEntity(_req, ctx) {
        const creds = await ctx.getCredentials();
        throw new ConnectorError("InvalidCredentials", `key ${JSON.stringify(creds?.values)} rejected`);
      },
    });
    const context = {
      apiVersion: "v1",
      credentials: { secretArn: OTHER, authenticationType: "ApiKey" as const },
    };
    const r1 = await handler({ type: "ListEntitiesRequest", connectorContext: context });
    const r2 = await handler({
      type: "DescribeEntityRequest",
      entityIdentifier: "T",
      connectorContext: context,
    });
    messages.push(r1.errorDetails?.errorMessage ?? "", r2.errorDetails?.errorMessage ?? "");
    expect(r1.errorDetails?.errorMessage).toBe("Error: upstream refused key ****");

    // 3. A secret value with characters JSON escapes.
    setSecretsOverride(() => ({ password: `q"${PLANTED}"` }));
    await getSecret(ARN);
    messages.push(redactSecrets(JSON.stringify({ p: `q"${PLANTED}"` })));

    expect(output.length).toBeGreaterThan(0);
    for (const text of [...messages, ...output]) expect(text).not.toContain(PLANTED);
  });
});
