import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BUDGET_BYTES = 60_000;

/** A small but complete connector using the main features of the SDK. */
const CONNECTOR = `
import {
  ConnectorError, createHandler, decodeRecords, getCredentials, paginateArray,
} from "./src/sdk/index.ts";

export const handler = createHandler(
  {
    describeConnectorConfiguration: {
      connectorOwner: "Example Corp",
      connectorName: "Tickets",
      connectorVersion: "1.0.0",
      connectorModes: ["SOURCE", "DESTINATION"],
      authenticationConfig: { isApiKeyAuthSupported: true },
      supportedApiVersions: ["v1"],
    },
    async validateCredentials(req) {
      const creds = await getCredentials(req.credentials);
      if (!creds) throw new ConnectorError("InvalidCredentials", "missing");
    },
    listEntities: () => ({ entities: [{ entityIdentifier: "Ticket", hasNestedEntities: false }] }),
    describeEntity: () => ({
      entityDefinition: {
        entity: { entityIdentifier: "Ticket", hasNestedEntities: false },
        fields: [{ fieldName: "id", dataType: "String" }],
      },
    }),
    queryData: (req) => paginateArray(req, [{ id: "T-1" }]),
    writeData: (req) => ({
      writeRecordResults: decodeRecords(req.records).map((r) => ({
        isSuccess: true,
        recordId: String(r.id),
      })),
    }),
  },
  { entitlement: { productSku: "prod-123" } },
);
`;

let code = "";

beforeAll(async () => {
  const result = await build({
    stdin: { contents: CONNECTOR, resolveDir: ROOT, sourcefile: "connector.ts", loader: "ts" },
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["@aws-sdk/*"],
    write: false,
    logLevel: "silent",
  });
  code = result.outputFiles[0]!.text;
});

describe("bundle budget", () => {
  it(`a connector bundle with the SDK is under ${BUDGET_BYTES} bytes`, () => {
    const bytes = Buffer.byteLength(code);
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThan(BUDGET_BYTES);
  });

  it("contains no AWS SDK code, only the two lazy dynamic imports", () => {
    const specifiers = [...code.matchAll(/import\(\s*"(@aws-sdk\/[^"]+)"\s*\)/g)].map((m) => m[1]);
    expect(specifiers.sort()).toEqual(["@aws-sdk/client-license-manager", "@aws-sdk/client-secrets-manager"]);
    const rest = code.replace(/import\(\s*"@aws-sdk\/[^"]+"\s*\)/g, "");
    expect(rest).not.toContain("@aws-sdk");
    expect(rest).not.toContain("@smithy");
    expect(rest).not.toMatch(/from\s*"@aws-sdk/);
  });

  it("imports without the AWS SDK installed and without side effects", () => {
    const dir = mkdtempSync(join(tmpdir(), "ck-bundle-"));
    const file = join(dir, "connector.mjs");
    writeFileSync(file, code);
    const script = `
      const before = new Set(Object.getOwnPropertyNames(globalThis));
      const mod = await import(${JSON.stringify(file)});
      const added = Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k));
      const response = await mod.handler({ type: "DescribeEntityRequest" });
      const code = response.errorDetails?.errorCode;
      console.log(JSON.stringify({ handler: typeof mod.handler, added, code }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_PATH: "" },
    });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({
      handler: "function",
      added: [],
      // The License Manager client cannot load here: the entitlement check fails closed.
      code: "AccessDenied",
    });
  });
});
