/**
 * Shared set-up for the register / unregister / status tests: moto (Lambda, IAM, STS) plus the AppFlow
 * double, a connector project on disk, in-process connectors for the double to invoke, and zips.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { type ConnectorConfiguration, createHandler } from "../../src/sdk/index.js";
import { type CliRun, runCli } from "../helpers/cli.js";
import { type AppflowDouble, type InvokeFn, startAppflowDouble } from "../stack/appflow-double.js";
import { MOTO_ENV, type Moto, startMoto } from "../stack/moto.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export interface Stack {
  moto: Moto;
  double: AppflowDouble;
  env: NodeJS.ProcessEnv;
  lambda: LambdaClient;
  iam: IAMClient;
  stop(): Promise<void>;
}

/**
 * Starts moto (with AWS managed policies loaded, so AttachRolePolicy of AWSLambdaBasicExecutionRole works)
 * and the double. Tests share one moto per file and use distinct labels instead of resetting: loading
 * the managed policies again after each reset would cost seconds.
 */
export async function startStack(): Promise<Stack> {
  // The AWS SDK reads credentials from process.env, not from the CLI's env.
  Object.assign(process.env, MOTO_ENV, { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" });
  const moto = await startMoto();
  const double = await startAppflowDouble({ lambdaEndpoint: moto.url, account: ACCOUNT, region: REGION });
  const env: NodeJS.ProcessEnv = {
    ...MOTO_ENV,
    CONNECTOR_LAMBDA_ENDPOINT: moto.url,
    CONNECTOR_IAM_ENDPOINT: moto.url,
    CONNECTOR_STS_ENDPOINT: moto.url,
    CONNECTOR_ECR_ENDPOINT: moto.url,
    CONNECTOR_APPFLOW_ENDPOINT: double.url,
  };
  const config = {
    region: REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  };
  const lambda = new LambdaClient(config);
  const iam = new IAMClient(config);
  return {
    moto,
    double,
    env,
    lambda,
    iam,
    async stop() {
      lambda.destroy();
      iam.destroy();
      await double.close();
      await moto.stop();
    },
  };
}

/** A minimal valid connector configuration. */
export function configuration(version = "1.0.0"): ConnectorConfiguration {
  return {
    connectorOwner: "Example Corp",
    connectorName: "example-tickets",
    connectorVersion: version,
    connectorModes: ["SOURCE"],
    supportedApiVersions: ["v1"],
    authenticationConfig: { isApiKeyAuthSupported: true },
    connectorRuntimeSetting: [
      {
        key: "region",
        dataType: "String",
        required: true,
        label: "Region",
        description: "Data region",
        scope: "CONNECTOR_PROFILE",
      },
    ],
  };
}

const silent = { error() {}, warn() {} };

/** An in-process connector the double invokes, answering DescribeConnectorConfiguration. */
export function connector(version = "1.0.0"): InvokeFn {
  const handler = createHandler(
    { describeConnectorConfiguration: configuration(version) },
    { logger: silent },
  );
  return async (_arn, event) => handler(event);
}

export interface ProjectOptions {
  label: string;
  description?: string;
  lambda?: Record<string, unknown>;
  appflow?: Record<string, unknown>;
  image?: Record<string, unknown>;
  register?: Record<string, unknown>;
  /** Write .connector/push.json pointing at this digest (omit for no push record). */
  digest?: string | null;
}

/** Writes a connector project (connector.json and .connector/push.json) into a fresh directory. */
export function makeProject(opts: ProjectOptions): string {
  const dir = mkdtempSync(path.join(tmpdir(), "connector-register-"));
  const config = {
    name: opts.label.toLowerCase().replace(/[^a-z0-9-]/g, "-"),
    version: "1.0.0",
    kind: "appflow",
    appflow: {
      label: opts.label,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...opts.appflow,
    },
    lambda: { memorySize: 256, timeout: 30, ...opts.lambda },
    ...(opts.image ? { image: opts.image } : {}),
    ...(opts.register ? { register: opts.register } : {}),
  };
  writeFileSync(path.join(dir, "connector.json"), JSON.stringify(config, null, 2));
  if (opts.digest !== null) writePush(dir, opts.label, opts.digest ?? digestOf(`${opts.label}-v1`));
  return dir;
}

export function digestOf(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

export function imageUri(repository: string, tag = "1.0.0"): string {
  return `${REGISTRY}/${repository}:${tag}`;
}

/** What `connector push` records. */
export function writePush(dir: string, repository: string, digest: string, tag = "1.0.0"): void {
  const repo = repository.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  mkdirSync(path.join(dir, ".connector"), { recursive: true });
  writeFileSync(
    path.join(dir, ".connector", "push.json"),
    JSON.stringify({
      imageUri: imageUri(repo, tag),
      digest,
      repository: repo,
      registryId: ACCOUNT,
      region: REGION,
      tag,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      pushedAt: "2026-11-22T09:00:00.000Z",
    }),
  );
}

/** A deterministic zip with stored (uncompressed) entries. */
export function makeZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time/date 0
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by Unix, spec 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

export function writeZip(
  dir: string,
  files: Record<string, string>,
  name = ".connector/function.zip",
): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, makeZip(files));
  return file;
}

export function cli(stack: Stack, dir: string, args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: dir, env: stack.env });
}

/** Runs with --json and returns the parsed envelope too. */
export async function cliJson(
  stack: Stack,
  dir: string,
  args: string[],
): Promise<CliRun & { doc: Record<string, unknown> }> {
  const r = await runCli([...args, "--json"], { cwd: dir, env: stack.env });
  let doc: Record<string, unknown>;
  try {
    doc = r.json();
  } catch (error) {
    throw new Error(`${(error as Error).message}\nstderr:\n${r.stderr}`);
  }
  return { ...r, doc };
}

export interface StepDoc {
  step: string;
  status: string;
  detail: string;
}

/** step → status of a register/unregister JSON result. */
export function statuses(doc: Record<string, unknown>): Record<string, string> {
  const steps = ((doc.result as { steps?: StepDoc[] }).steps ?? []) as StepDoc[];
  return Object.fromEntries(steps.map((s) => [s.step, s.status]));
}
