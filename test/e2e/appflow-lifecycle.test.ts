/**
 * The whole AppFlow path a developer walks, command by command, against the real local servers:
 * init → (bundle) → test → package (no Docker) → push (docker-registry behind the ECR-like proxy,
 * moto for ECR) → register (moto for Lambda/IAM/STS, the AppFlow double invoking the connector
 * in-process) → status → register again (unchanged). Each step reads what the previous one wrote.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type AppflowDouble, startAppflowDouble } from "../stack/appflow-double.js";
import { type EcrProxy, startEcrProxy } from "../stack/ecr-proxy.js";
import { MOTO_ENV, type Moto, motoAvailable, startMoto } from "../stack/moto.js";
import { available } from "../stack/process.js";
import { type Registry, registryAvailable, startRegistry } from "../stack/registry.js";

const root = path.resolve(import.meta.dirname, "../..");
const ready =
  motoAvailable &&
  registryAvailable &&
  available("umoci", ["--version"]) &&
  existsSync(path.join(root, "dist/sdk/index.js"));

describe.runIf(ready)("AppFlow connector lifecycle across commands", () => {
  let moto: Moto;
  let registry: Registry;
  let proxy: EcrProxy;
  let double: AppflowDouble;
  let env: NodeJS.ProcessEnv;
  const work = mkdtempSync(path.join(tmpdir(), "ck-e2e-"));
  const dir = path.join(work, "acme-crm");

  beforeAll(async () => {
    // IAM needs AWS's managed policies to attach AWSLambdaBasicExecutionRole; the AWS SDK of the
    // in-process CLI reads credentials from the command's env, the stack helpers from process.env.
    Object.assign(process.env, MOTO_ENV, { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" });
    moto = await startMoto({ stubEcr: false });
    mkdirSync(path.join(work, "registry"));
    registry = await startRegistry({ dir: path.join(work, "registry") });
    proxy = await startEcrProxy({ registryPort: registry.port, motoUrl: moto.url });
    double = await startAppflowDouble({
      lambdaEndpoint: moto.url,
      account: "123456789012",
      region: "us-east-1",
    });
    env = {
      ...MOTO_ENV,
      HOME: work,
      XDG_CACHE_HOME: path.join(work, "cache"),
      CONNECTOR_ECR_ENDPOINT: moto.url,
      CONNECTOR_LAMBDA_ENDPOINT: moto.url,
      CONNECTOR_IAM_ENDPOINT: moto.url,
      CONNECTOR_STS_ENDPOINT: moto.url,
      CONNECTOR_APPFLOW_ENDPOINT: double.url,
    };
  }, 90_000);
  afterAll(async () => {
    await double?.close();
    await proxy?.stop();
    await registry?.stop();
    await moto?.stop();
  });

  it("goes from nothing to a registered connector, and a second run changes nothing", async () => {
    const cli = async (args: string[], cwd = dir) => {
      const r = await runCli([...args, "--json"], { cwd, env });
      expect(r.code, `${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r.json().result as Record<string, unknown>;
    };

    // init, then bundle against this checkout (no npm install needed for the lifecycle)
    await cli(["init", dir, "--yes", "--skip-install", "--no-git"], work);
    const bundle = path.join(dir, "dist/index.mjs");
    await build({
      entryPoints: [path.join(dir, "src/index.ts")],
      outfile: bundle,
      bundle: true,
      format: "esm",
      platform: "node",
      external: ["@aws-sdk/*"],
      alias: { "connectorkit/sdk": path.join(root, "dist/sdk/index.js") },
      logLevel: "silent",
    });
    const suite = await cli(["test"]);
    expect(suite).toMatchObject({ failed: 0 });

    // package on a local base layout (the machines have no route to public.ecr.aws)
    const base = path.join(work, "base");
    execFileSync("umoci", ["init", "--layout", base]);
    execFileSync("umoci", ["new", "--image", `${base}:22`]);
    const packaged = await cli(["package", "--base", `oci:${base}:22`, "--no-bundle"]);
    expect(packaged.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // push: a repository name without "/" so that moto's ImageUri check finds it (its last-segment quirk)
    const pushed = await cli([
      "push",
      "--ecr-repo-name",
      "acme-crm",
      "--registry-url",
      proxy.url,
      "--region",
      "us-east-1",
    ]);
    expect(pushed.digest).toBe(packaged.manifestDigest);
    const record = JSON.parse(readFileSync(path.join(dir, ".connector/push.json"), "utf8"));
    expect(record.imageUri).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-crm:1.0.0");

    // register reads push.json; the double checks the policy in moto and invokes the real handler
    const mod = (await import(pathToFileURL(bundle).href)) as { handler: (e: unknown) => Promise<unknown> };
    double.setInvoke(async (_arn, event) => mod.handler(event));
    const registered = await cli(["register", "--region", "us-east-1"]);
    expect(registered.connectorArn).toBe("arn:aws:appflow:us-east-1:123456789012:connector/acme-crm");
    const steps = registered.steps as { step: string; status: string }[];
    expect(steps.every((s) => s.status === "created")).toBe(true);
    const stored = double.connector("acme-crm");
    expect(stored?.configuration).toMatchObject({ connectorName: "AcmeCrm", supportedApiVersions: ["v1"] });

    const status = await cli(["status", "--region", "us-east-1"]);
    expect(status.consistent).toBe(true);

    const again = await cli(["register", "--region", "us-east-1"]);
    expect((again.steps as { status: string }[]).every((s) => s.status === "unchanged")).toBe(true);
    expect(double.requestsFor("/register-connector")).toHaveLength(1);

    // The zip route: package --format zip writes what register picks up when there is no push record.
    const zipped = await cli(["package", "--format", "zip", "--no-bundle"]);
    expect(zipped.output).toBe(path.join(dir, ".connector/function.zip"));
    rmSync(path.join(dir, ".connector/push.json"));
    const plan = await cli(["register", "--dry-run", "--region", "us-east-1"]);
    expect(plan.code).toMatchObject({ kind: "zip", file: path.join(dir, ".connector/function.zip") });
  }, 240_000);
});
