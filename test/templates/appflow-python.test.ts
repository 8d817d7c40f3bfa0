import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPythonRunner, type HandlerRunner } from "../../src/conformance/runners.js";
import { loadProject } from "../../src/project/index.js";
import { runCli } from "../helpers/cli.js";

/**
 * The appflow-python template (rendered through the real `connector init`) and the local Python
 * runner behind `connector invoke`. Neither needs the network nor AWS's SDK: the template's Python is
 * compiled, not run (PyPI is out of reach here), and the runner is driven with a hand-written handler.
 */

const AUTHS = ["apikey", "oauth2", "basic", "none"] as const;

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function filesUnder(root: string, dir = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

function canImport(module: string): boolean {
  return spawnSync("python3", ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

describe.each(AUTHS)("connector init --template appflow-python --auth %s", (auth) => {
  let dir: string;
  let files: string[];

  beforeAll(async () => {
    dir = path.join(tempDir("ck-pytemplate-"), "acme-crm");
    const r = await runCli([
      "init",
      dir,
      "--template",
      "appflow-python",
      "--auth",
      auth,
      "--yes",
      "--skip-install",
      "--no-git",
    ]);
    expect(r.code, r.stderr).toBe(0);
    files = filesUnder(dir);
  });

  it("writes the project files, with the package named after the project", () => {
    expect(files).toEqual([
      ".connector/secrets.json",
      ".gitignore",
      "README.md",
      "acme_crm/__init__.py",
      "acme_crm/api.py",
      "acme_crm/configuration.py",
      "acme_crm/handler.py",
      "acme_crm/metadata.py",
      "acme_crm/query.py",
      "acme_crm/record.py",
      "connector.json",
      "fixtures/http.json",
      "requirements.txt",
      "tests/test_handler.py",
    ]);
    expect(files.some((f) => f.endsWith(".hbs") || f.includes("{{"))).toBe(false);
    const gitignore = readFileSync(path.join(dir, ".gitignore"), "utf8");
    for (const entry of ["package/", "__pycache__/", ".connector/"]) expect(gitignore).toContain(entry);
    expect(readFileSync(path.join(dir, "requirements.txt"), "utf8")).toMatch(
      /^amazon-appflow-custom-connector-sdk==1\.0\.5$/m,
    );
    const fixtures = readFileSync(path.join(dir, "fixtures/http.json"), "utf8");
    const tsFixtures = readFileSync(
      path.resolve(import.meta.dirname, "../../src/templates/appflow-typescript/fixtures/http.json"),
      "utf8",
    );
    expect(fixtures).toBe(tsFixtures);
  });

  it("renders only the code of the chosen authentication", () => {
    const api = readFileSync(path.join(dir, "acme_crm/api.py"), "utf8");
    const expected = { apikey: '"x-api-key"', oauth2: "Bearer", basic: "Basic ", none: "No authentication" }[
      auth
    ];
    expect(api).toContain(expected);
    for (const [other, marker] of Object.entries({
      apikey: '"x-api-key"',
      oauth2: "Bearer ",
      basic: "b64encode",
    })) {
      if (other !== auth) expect(api).not.toContain(marker);
    }
    const handler = readFileSync(path.join(dir, "acme_crm/handler.py"), "utf8");
    expect(handler).toContain("def lambda_handler(event: dict[str, Any], context: Any)");
    expect(handler).toContain("class ConnectorHandler(BaseLambdaConnectorHandler)");
    const configuration = readFileSync(path.join(dir, "acme_crm/configuration.py"), "utf8");
    expect(configuration).toContain('CONNECTOR_NAME = "AcmeCrm"');
    expect(configuration).toContain('CONNECTOR_OWNER = "Example Corp"');
  });

  it("compiles every Python file (python3 -m py_compile)", () => {
    const py = files.filter((f) => f.endsWith(".py"));
    expect(py.length).toBeGreaterThanOrEqual(8);
    const r = spawnSync("python3", ["-m", "py_compile", ...py], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONPYCACHEPREFIX: tempDir("ck-pycache-") },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("skips its unit tests with a clear message when the SDK is not installed", () => {
    if (canImport("custom_connector_sdk")) return;
    const r = spawnSync("python3", ["-m", "unittest", "discover", "-s", "tests", "-v"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/skipped=\d+/);
    expect(r.stderr).toContain("pip install -r requirements.txt --target package");
  });

  it("has a connector.json that loads and names the Python handler", async () => {
    const project = await loadProject({ cwd: dir, env: {} });
    expect(project.config.kind).toBe("appflow");
    expect(project.get("appflow.language")).toBe("python");
    expect(project.get("appflow.handler")).toBe("acme_crm.handler.lambda_handler");
    expect(project.get("appflow.pythonPackage")).toBe("acme_crm");
    expect(project.get("appflow.sitePackages")).toBe("package");
    expect(project.get("appflow.label")).toBe("acme-crm");
    expect(project.get("test.settings")).toEqual({ region: "us" });
  });

  it("keeps local credentials in .connector/secrets.json, mode 0600", () => {
    const file = path.join(dir, ".connector/secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    const expected = {
      apikey: { authenticationType: "ApiKey", apiKey: "replay-api-key" },
      oauth2: {
        authenticationType: "OAuth2",
        accessToken: "replay-access-token",
        refreshToken: "replay-refresh-token",
      },
      basic: { authenticationType: "BasicAuth", username: "replay-user", password: "replay-password" },
      none: {},
    }[auth];
    expect(secrets).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------------
// The Python runner (PYTHON_SHIM) and `connector invoke`, with a plain-function handler
// ---------------------------------------------------------------------------------------------------

const SECRET = "s3cr3t-Value-9f8e7d";

/**
 * A handler without AWS's SDK: hand-written protocol responses for the eight request types. It prints
 * to stdout (which must not corrupt the protocol), RetrieveData raises, WriteData sleeps, QueryData
 * with the filter "bad-shape" answers an invalid response, and ValidateCredentials reads the secret
 * through boto3 (when importable) while every socket connection is refused and counted.
 */
const HANDLER_PY = `
import hashlib
import json
import os
import socket
import time

NETWORK = []


def _refuse(self, address, *args):
    NETWORK.append(repr(address))
    raise OSError("network disabled by the test handler")


socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse

ENTITY = {"entityIdentifier": "Thing", "hasNestedEntities": False, "isWritable": True,
          "label": "Thing", "description": None}


def _secret_check(event):
    try:
        import boto3
    except ImportError:
        return {"isSuccess": True, "errorDetails": None}
    arn = event["credentials"]["secretArn"]
    client = boto3.client("secretsmanager", region_name=arn.split(":")[3])
    answer = client.get_secret_value(SecretId=arn)
    key = json.loads(answer["SecretString"])["apiKey"]
    print(f"debug: the key is {key}", flush=True)
    digest = hashlib.sha256(key.encode()).hexdigest()
    if digest == os.environ.get("EXPECTED_KEY_SHA256") and answer.get("ARN") == arn and not NETWORK:
        return {"isSuccess": True, "errorDetails": None}
    return {"isSuccess": False, "errorDetails": {"errorCode": "InvalidCredentials",
            "errorMessage": f"secret check failed: network={NETWORK} arn={answer.get('ARN') == arn}"}}


def lambda_handler(event, context):
    kind = event["type"]
    print(f"hello from the handler: {kind}")
    if kind == "DescribeConnectorConfigurationRequest":
        response = {"isSuccess": True, "errorDetails": None, "connectorOwner": "Example Corp",
                    "connectorName": "ShimTest", "connectorVersion": "1.0.0", "connectorModes": ["SOURCE"],
                    "authenticationConfig": {"isApiKeyAuthSupported": True}, "connectorRuntimeSetting": None,
                    "supportedApiVersions": ["v1"], "operatorsSupported": ["PROJECTION"]}
        if event.get("locale") == "with-context":
            response["remainingMs"] = context.get_remaining_time_in_millis()
        return response
    if kind == "ValidateConnectorRuntimeSettingsRequest":
        return {"isSuccess": True, "errorsByInputField": None, "errorDetails": None}
    if kind == "ValidateCredentialsRequest":
        return _secret_check(event)
    if kind == "ListEntitiesRequest":
        return {"isSuccess": True, "errorDetails": None, "entities": [ENTITY], "nextToken": None,
                "cacheControl": {"timeToLive": 3600, "timeToLiveUnit": "SECONDS"}}
    if kind == "DescribeEntityRequest":
        return {"isSuccess": True, "errorDetails": None, "cacheControl": None,
                "entityDefinition": {"entity": ENTITY, "fields": [{"fieldName": "id", "dataType": "String"}]}}
    if kind == "QueryDataRequest":
        if event.get("filterExpression") == "bad-shape":
            return {"isSuccess": True, "records": [{"id": "t1"}]}
        return {"isSuccess": True, "errorDetails": None, "nextToken": None, "records": [json.dumps({"id": "t1"})]}
    if kind == "RetrieveDataRequest":
        raise ValueError("boom from RetrieveData")
    if kind == "WriteDataRequest":
        time.sleep(5)
        return {"isSuccess": True, "errorDetails": None, "writeRecordResults": []}
    raise ValueError(f"unknown request type {kind}")
`;

describe("the Python runner and `connector invoke` (no network, no SDK)", () => {
  const hasBoto3 = canImport("boto3");
  let root: string;
  let secretsFile: string;
  let keyDigest: string;
  // No AWS configuration of this machine, and no instance-metadata lookups: only the shim answers.
  const awsIsolation = {
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  };

  beforeAll(() => {
    root = tempDir("ck-pyshim-");
    mkdirSync(path.join(root, "shimconn"));
    writeFileSync(path.join(root, "shimconn/__init__.py"), "");
    writeFileSync(path.join(root, "shimconn/handler.py"), HANDLER_PY);
    writeFileSync(
      path.join(root, "connector.json"),
      JSON.stringify({
        name: "shim-test",
        version: "1.0.0",
        kind: "appflow",
        appflow: {
          label: "shim-test",
          language: "python",
          handler: "shimconn.handler.lambda_handler",
          pythonPackage: "shimconn",
          secretsFile: ".connector/secrets.json",
        },
        test: { apiVersion: "v1", settings: { region: "us" } },
      }),
    );
    mkdirSync(path.join(root, ".connector"));
    secretsFile = path.join(root, ".connector/secrets.json");
    writeFileSync(secretsFile, JSON.stringify({ authenticationType: "ApiKey", apiKey: SECRET }));
    chmodSync(secretsFile, 0o600);
    keyDigest = execFileSync(
      "python3",
      ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", SECRET],
      {
        encoding: "utf8",
      },
    ).trim();
    expect(keyDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  describe("createPythonRunner", () => {
    let runner: HandlerRunner;
    const options = () => ({
      root,
      handler: "shimconn.handler.lambda_handler",
      secretsFile,
      env: { ...process.env, ...awsIsolation, EXPECTED_KEY_SHA256: keyDigest },
    });

    beforeAll(async () => {
      runner = await createPythonRunner(options());
    });

    afterAll(async () => {
      await runner?.close();
    });

    it("answers on a private channel: the handler's prints do not corrupt the protocol", async () => {
      const r = await runner.invoke(
        { type: "DescribeConnectorConfigurationRequest", locale: "en-US" },
        10_000,
      );
      expect(r.status).toBe("ok");
      expect(r.response).toMatchObject({
        isSuccess: true,
        connectorName: "ShimTest",
        supportedApiVersions: ["v1"],
      });
      const q = await runner.invoke({ type: "QueryDataRequest", entityIdentifier: "Thing" }, 10_000);
      expect(q.response).toEqual({
        isSuccess: true,
        errorDetails: null,
        nextToken: null,
        records: ['{"id": "t1"}'],
      });
    });

    it("passes a Lambda-like context with the remaining time", async () => {
      const r = await runner.invoke(
        { type: "DescribeConnectorConfigurationRequest", locale: "with-context" },
        10_000,
      );
      const remaining = (r.response as { remainingMs: number }).remainingMs;
      expect(remaining).toBeGreaterThan(0);
      expect(remaining).toBeLessThanOrEqual(10_000);
    });

    it("reports an exception as threw, with its type and message, and keeps serving", async () => {
      const r = await runner.invoke(
        { type: "RetrieveDataRequest", entityIdentifier: "Thing", ids: ["a"] },
        10_000,
      );
      expect(r.status).toBe("threw");
      expect(r.error?.name).toBe("ValueError");
      expect(r.error?.message).toBe("boom from RetrieveData");
      expect(r.error?.stack).toContain("lambda_handler");
      const next = await runner.invoke({ type: "ListEntitiesRequest", maxResult: 10 }, 10_000);
      expect(next.status).toBe("ok");
    });

    it.skipIf(!hasBoto3)("answers GetSecretValue from the secrets file, without the network", async () => {
      // The handler checks the key's SHA-256, the ARN echoed by the shim, and that no socket connected.
      const r = await runner.invoke(
        {
          type: "ValidateCredentialsRequest",
          credentials: {
            secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!x",
            authenticationType: "ApiKey",
          },
          connectorRuntimeSettings: {},
        },
        20_000,
      );
      expect(r.status, JSON.stringify(r.error)).toBe("ok");
      expect(r.response).toEqual({ isSuccess: true, errorDetails: null });
    });

    it("reports a handler that outlives the limit as timeout, then starts afresh", async () => {
      const own = await createPythonRunner(options());
      try {
        const started = Date.now();
        const r = await own.invoke({ type: "WriteDataRequest", entityIdentifier: "Thing", records: [] }, 300);
        expect(r.status).toBe("timeout");
        expect(Date.now() - started).toBeLessThan(4_000);
        // Let the killed process's exit event arrive first: the runner shares one line waiter between
        // the old and the new process, so an exit that lands during the restart aborts it.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const again = await own.invoke({ type: "ListEntitiesRequest", maxResult: 10 }, 10_000);
        expect(again.status).toBe("ok");
      } finally {
        await own.close();
      }
    });
  });

  describe("connector invoke", () => {
    const env = () => ({ ...awsIsolation, EXPECTED_KEY_SHA256: keyDigest });
    const outputs: string[] = [];
    const invoke = async (...args: string[]) => {
      const r = await runCli(["invoke", ...args], { cwd: root, env: env() });
      outputs.push(r.stdout, r.stderr);
      return r;
    };

    afterAll(() => {
      for (const text of outputs) expect(text).not.toContain(SECRET);
    });

    it("exits 0 for valid responses, even when the handler prints to stdout", async () => {
      for (const type of [
        "DescribeConnectorConfiguration",
        "ValidateConnectorRuntimeSettings",
        "ListEntities",
      ]) {
        const r = await invoke(type, "--json");
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.json()).toMatchObject({ ok: true, result: { status: "ok" } });
      }
      const d = await invoke("DescribeEntity", "--entity", "Thing", "--json");
      expect(d.code).toBe(0);
      const q = await invoke("QueryData", "--entity", "Thing", "--json");
      expect(q.json()).toMatchObject({
        ok: true,
        result: { status: "ok", response: { records: ['{"id": "t1"}'] } },
      });
    });

    it.skipIf(!hasBoto3)(
      "reads the secret from .connector/secrets.json through boto3 and never prints it",
      async () => {
        const r = await invoke("ValidateCredentials", "--json", "--verbose");
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.json()).toMatchObject({ ok: true, result: { status: "ok", response: { isSuccess: true } } });
      },
    );

    it("exits 1 with HANDLER_THREW when the handler raises", async () => {
      const r = await invoke("RetrieveData", "--entity", "Thing", "--ids", "a", "--json");
      expect(r.code).toBe(1);
      expect(r.json()).toMatchObject({ ok: false, error: { code: "HANDLER_THREW" } });
      expect(JSON.stringify(r.json())).toContain("boom from RetrieveData");
    });

    it("exits 1 with HANDLER_TIMEOUT when the handler outlives --timeout", async () => {
      const r = await invoke("WriteData", "--entity", "Thing", "--timeout", "1", "--json");
      expect(r.code).toBe(1);
      expect(r.json()).toMatchObject({ ok: false, error: { code: "HANDLER_TIMEOUT" } });
    });

    it("exits 1 with INVALID_RESPONSE for a response of the wrong shape", async () => {
      const r = await invoke("QueryData", "--entity", "Thing", "--filter", "bad-shape", "--json");
      expect(r.code).toBe(1);
      expect(r.json()).toMatchObject({ ok: false, error: { code: "INVALID_RESPONSE" } });
      expect(JSON.stringify(r.json())).toContain("records[0]");
    });
  });
});
