import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envNameFor, listSettings, loadProject } from "../../src/project/index.js";
import { CliError } from "../../src/ui/errors.js";

function project(config: unknown, sub?: string): { root: string; cwd: string } {
  const root = mkdtempSync(path.join(tmpdir(), "ck-project-"));
  writeFileSync(
    path.join(root, "connector.json"),
    typeof config === "string" ? config : JSON.stringify(config, null, 2),
  );
  const cwd = sub ? path.join(root, sub) : root;
  mkdirSync(cwd, { recursive: true });
  return { root, cwd };
}

const appflow = {
  name: "acme-crm",
  version: "1.2.0",
  kind: "appflow",
  appflow: { label: "acme-crm" },
  lambda: { memorySize: 512 },
  aws: { region: "eu-west-1" },
};

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error("expected a CliError");
}

describe("finding connector.json", () => {
  it("walks up from --cwd", async () => {
    const { root, cwd } = project(appflow, "src/deep/er");
    const p = await loadProject({ cwd, env: {} });
    expect(p.file).toBe(path.join(root, "connector.json"));
    expect(p.root).toBe(root);
    expect(p.config.appflow?.label).toBe("acme-crm");
  });

  it("fails with a hint when there is none, unless not required", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-empty-"));
    const e = await failure(loadProject({ cwd: dir, env: {} }));
    expect(e.code).toBe("PROJECT_NOT_FOUND");
    expect(e.exitCode).toBe(2);
    expect(e.hint).toContain("connector init");
    const p = await loadProject({ cwd: dir, env: {}, required: false, flags: { "aws.region": "us-east-1" } });
    expect(p.file).toBeUndefined();
    expect(p.get("aws.region")).toBe("us-east-1");
  });
});

describe("precedence: flags > CONNECTOR_* env > connector.json > defaults", () => {
  it("takes each value from the highest source and says which", async () => {
    const { cwd } = project(appflow);
    const p = await loadProject({
      cwd,
      env: {
        CONNECTOR_LAMBDA_MEMORY_SIZE: "1024",
        CONNECTOR_AWS_REGION: "us-west-2",
        CONNECTOR_IMAGE_TAG: "env-tag",
      },
      flags: { "aws.region": "us-east-1", "image.tag": undefined },
    });
    expect(p.get("aws.region")).toBe("us-east-1");
    expect(p.source("aws.region")).toBe("flag");
    expect(p.get("lambda.memorySize")).toBe(1024);
    expect(p.source("lambda.memorySize")).toBe("env");
    expect(p.get("image.tag")).toBe("env-tag");
    expect(p.get("appflow.label")).toBe("acme-crm");
    expect(p.source("appflow.label")).toBe("file");
    expect(p.get("lambda.timeout")).toBe(30);
    expect(p.source("lambda.timeout")).toBe("default");
    expect(p.get("image.platform")).toBe("linux/amd64");
  });

  it("coerces environment values by schema type", async () => {
    const { cwd } = project(appflow);
    const p = await loadProject({
      cwd,
      env: {
        CONNECTOR_IMAGE_SCAN_ON_PUSH: "true",
        CONNECTOR_TEST_ENTITIES: "Contact, Deal",
        CONNECTOR_LAMBDA_ENVIRONMENT: '{"A":"1"}',
      },
    });
    expect(p.get("image.scanOnPush")).toBe(true);
    expect(p.get("test.entities")).toEqual(["Contact", "Deal"]);
    expect(p.get("lambda.environment")).toEqual({ A: "1" });
  });

  it("names the environment variable when its value is wrong", async () => {
    const { cwd } = project(appflow);
    const e = await failure(loadProject({ cwd, env: { CONNECTOR_LAMBDA_MEMORY_SIZE: "lots" } }));
    expect(e.message).toContain("CONNECTOR_LAMBDA_MEMORY_SIZE");
    expect(e.message).toContain("integer");
    const e2 = await failure(loadProject({ cwd, env: { CONNECTOR_LAMBDA_MEMORY_SIZE: "64" } }));
    expect(e2.message).toContain("CONNECTOR_LAMBDA_MEMORY_SIZE (environment)");
    expect(e2.message).toContain(">= 128");
  });

  it("names the flag when a flag value is wrong", async () => {
    const { cwd } = project(appflow);
    const e = await failure(
      loadProject({
        cwd,
        env: {},
        flags: { "image.platform": "linux/s390x" },
        flagNames: { "image.platform": "--platform" },
      }),
    );
    expect(e.message).toContain("--platform (flag)");
    expect(e.message).toContain('"linux/amd64", "linux/arm64"');
  });

  it("derives one env name per setting from the schema", () => {
    expect(envNameFor("lambda.memorySize")).toBe("CONNECTOR_LAMBDA_MEMORY_SIZE");
    expect(envNameFor("image.registryId")).toBe("CONNECTOR_IMAGE_REGISTRY_ID");
    const names = listSettings().map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("CONNECTOR_AWS_PROFILE");
    expect(names).toContain("CONNECTOR_GLUE_CLASS_NAME");
  });
});

describe("validation errors name the JSON path and the expected value", () => {
  it("reports JSON syntax errors with line and column", async () => {
    const { cwd } = project('{\n  "name": "x",\n  "version": 1,,\n}');
    const e = await failure(loadProject({ cwd, env: {} }));
    expect(e.code).toBe("PROJECT_INVALID_JSON");
    expect(e.message).toMatch(/connector\.json at 3:\d+/);
  });

  it("reports a bad label with its pattern", async () => {
    const { cwd } = project({ ...appflow, appflow: { label: "has space" } });
    const e = await failure(loadProject({ cwd, env: {} }));
    expect(e.message).toContain("appflow.label: must match ^[a-zA-Z0-9][\\w!@#.-]+$");
  });

  it("lists several problems at once", async () => {
    const { cwd } = project({ ...appflow, version: "", lambda: { memorySize: 64, architecture: "sparc" } });
    const e = await failure(loadProject({ cwd, env: {} }));
    const problems = e.details?.problems as string[];
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.join("\n")).toContain('lambda.architecture: must be one of "x86_64", "arm64"');
    expect(problems.join("\n")).toContain("lambda.memorySize: must be >= 128");
  });

  it("suggests the right spelling of an unknown property", async () => {
    const { cwd } = project({ ...appflow, lambda: { memorySzie: 512 } });
    const e = await failure(loadProject({ cwd, env: {} }));
    expect(e.message).toContain('lambda: unknown property "memorySzie" (did you mean "memorySize"?)');
  });

  it("requires the section that matches the kind", async () => {
    const { cwd } = project({ name: "jdbc-x", version: "1.0.0", kind: "glue" });
    const e = await failure(loadProject({ cwd, env: {} }));
    expect(e.message).toContain('missing required property "glue"');
    const ok = project({
      name: "jdbc-x",
      version: "1.0.0",
      kind: "glue",
      glue: {
        connectorType: "JDBC",
        className: "com.example.Driver",
        publisherName: "Example",
        description: "d",
        supportInformation: "s",
      },
    });
    const p = await loadProject({ cwd: ok.cwd, env: {} });
    expect(p.get("glue.jars")).toEqual(["jars"]);
  });
});

describe("the precompiled schema validator", () => {
  it("is generated from the current schema", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-schema-validator.mjs", "--check"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
  });
});
