import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPFLOW_CHECKS } from "../../src/conformance/appflow.js";
import { GLUE_CHECKS } from "../../src/conformance/glue.js";
import { runCli } from "../helpers/cli.js";

const root = path.resolve(import.meta.dirname, "../..");
const sdk = path.join(root, "dist/sdk/index.js");
const SECRET = "sk-planted-4f1e9a7c2b";

/**
 * A small but complete connector written with connectorkit/sdk (the built dist/), serving records
 * from memory or from an HTTP API. `mode` plants one defect at a time.
 */
function connectorSource(mode: string, apiUrl = ""): string {
  return `
import http from "node:http";
import { ConnectorError, createHandler, paginateArray, selectFields } from ${JSON.stringify(sdk)};
const MODE = ${JSON.stringify(mode)};
const API = ${JSON.stringify(apiUrl)};
const people = MODE === "empty" ? [] : [
  { id: "p1", name: "Ada", age: 36, joined: "2026-01-02T03:04:05Z" },
  { id: "p2", name: "Grace", age: 85, joined: "2026-02-03T04:05:06Z" },
  { id: "p3", name: "Alan", age: 41, joined: "2026-03-04T05:06:07+02:00" },
  { id: "p4", name: "Edsger", age: 72, joined: "2026-04-05T06:07:08Z" },
  { id: "p5", name: "Barbara", age: 60, joined: "2026-05-06T07:08:09Z" },
];
const definition = {
  entity: { entityIdentifier: "Person", hasNestedEntities: false, isWritable: false },
  fields: [
    { fieldName: "id", dataType: "String", isPrimaryKey: true },
    { fieldName: "name", dataType: "String" },
    { fieldName: "age", dataType: "Integer" },
    { fieldName: "joined", dataType: "DateTime", readProperties: { isTimestampFieldForIncrementalQueries: true } },
  ],
};
function get(path, key) {
  // half the calls through fetch, half through node:http, to prove both are intercepted
  if (path.startsWith("/me")) {
    return fetch(API + path, { headers: { "x-api-key": key } }).then(async (r) => ({ status: r.status, body: await r.json() }));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(API + path, { headers: { authorization: "Bearer " + key } }, (res) => {
      let d = "";
      res.on("data", (c) => (d += c));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(d) }));
    });
    req.on("error", reject);
    req.end();
  });
}
async function load(ctx) {
  if (!API) return people;
  const creds = await ctx.getCredentials();
  const r = await get("/people?limit=10", creds.apiKey);
  if (r.status === 401) throw new ConnectorError("InvalidCredentials", "token rejected");
  return r.body.data;
}
const inner = createHandler({
  describeConnectorConfiguration: {
    connectorOwner: MODE === "aws-name" ? "AWS Partner" : "Example",
    connectorName: "People",
    connectorVersion: "1.0.0",
    connectorModes: ["SOURCE"],
    authenticationConfig: { isApiKeyAuthSupported: true },
    connectorRuntimeSetting: [{ key: "tenant", dataType: "String", required: true, label: "Tenant", description: "Tenant", scope: "CONNECTOR_PROFILE" }],
    supportedApiVersions: ["v1"],
  },
  async validateCredentials(req, ctx) {
    const creds = await ctx.getCredentials();
    if (MODE === "leak") console.log("using key", creds.apiKey);
    if (API) {
      const r = await get("/me", creds.apiKey);
      if (r.status !== 200) throw new ConnectorError("InvalidCredentials", MODE === "leak" ? "key " + creds.apiKey + " rejected" : "key rejected");
      return;
    }
    if (creds.apiKey !== ${JSON.stringify(SECRET)}) {
      throw new ConnectorError("InvalidCredentials", "key rejected");
    }
  },
  listEntities: () => ({ entities: [definition.entity], nextToken: null }),
  describeEntity(req) {
    if (req.entityIdentifier !== "Person") throw new ConnectorError("InvalidArgument", "unknown entity " + req.entityIdentifier);
    return { entityDefinition: definition };
  },
  async queryData(req, ctx) {
    if (MODE === "throws") throw new TypeError("cannot read properties of undefined (reading 'data')");
    if (MODE === "endless") return { records: people.slice(0, 1), nextToken: "same" };
    const rows = (await load(ctx)).map((p) => (MODE === "wrong-types" ? { ...p, age: String(p.age) } : p));
    return paginateArray(req, rows);
  },
  async retrieveData(req, ctx) {
    const rows = await load(ctx);
    return { records: rows.filter((p) => req.ids.includes(p.id)).map((p) => selectFields(p, req.selectedFieldNames)) };
  },
});
// A hand-rolled post-processing step, as people write without the SDK: the "wrong-names" defect.
export const handler = async (event, context) => {
  const response = await inner(event, context);
  if (MODE === "wrong-names" && event.type === "DescribeConnectorConfigurationRequest") {
    response.connectorRuntimeSettings = response.connectorRuntimeSetting;
    delete response.connectorRuntimeSetting;
  }
  return response;
};
`;
}

function project(mode: string, apiUrl = ""): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ck-suite-${mode}-`));
  writeFileSync(
    path.join(dir, "connector.json"),
    JSON.stringify({
      name: "people",
      version: "1.0.0",
      kind: "appflow",
      appflow: { label: "people" },
      test: { settings: { tenant: "acme" } },
    }),
  );
  mkdirSync(path.join(dir, ".connector"));
  writeFileSync(path.join(dir, ".connector/secrets.json"), JSON.stringify({ apiKey: SECRET }), {
    mode: 0o600,
  });
  mkdirSync(path.join(dir, "dist"));
  writeFileSync(path.join(dir, "dist/index.mjs"), connectorSource(mode, apiUrl));
  return dir;
}

interface Check {
  id: string;
  status: string;
  reason?: string;
}

async function suite(dir: string, ...args: string[]) {
  const r = await runCli(["test", "--json", ...args], { cwd: dir });
  const doc = r.json() as { ok: boolean; result: { checks: Check[]; passed: number; failed: number } };
  const byId = (id: string) => doc.result.checks.find((c) => c.id === id);
  return { ...r, doc, byId };
}

const built = existsSync(sdk);

describe.runIf(built)("connector test against connectors with planted defects", () => {
  it("passes a correct connector, exit 0, one JSON document", async () => {
    const r = await suite(project("good"));
    const failed = r.doc.result.checks.filter((c) => c.status === "fail");
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.doc.result.passed).toBeGreaterThan(25);
    expect(r.byId("reads.incremental.Person")?.status).toBe("pass");
    expect(r.byId("credentials.invalid")?.status).toBe("pass");
    expect(r.byId("settings.required")?.status).toBe("pass");
    expect(r.byId("writes.results")?.status).toBe("skip");
  });

  it("catches wrong JSON names and names the field AppFlow reads", async () => {
    const r = await suite(project("wrong-names"));
    expect(r.code).toBe(1);
    expect(r.byId("config.shape")).toMatchObject({ status: "fail" });
    expect(r.byId("config.shape")?.reason).toContain(
      'connectorRuntimeSettings: unknown field; AppFlow reads "connectorRuntimeSetting"',
    );
  });

  it("catches a reserved owner name", async () => {
    const r = await suite(project("aws-name"), "--only", "config");
    expect(r.byId("config.names")?.reason).toContain('connectorOwner "AWS Partner" starts with aws');
    expect(r.doc.result.checks.every((c) => c.id.startsWith("config."))).toBe(true);
  });

  it("catches endless paging", async () => {
    const r = await suite(project("endless"), "--page-budget", "5");
    expect(r.byId("reads.full-pull.Person")?.status).toBe("fail");
    expect(r.byId("reads.full-pull.Person")?.reason).toContain('nextToken "same" came back twice');
  });

  it("catches values that do not match the declared types", async () => {
    const r = await suite(project("wrong-types"));
    expect(r.byId("reads.types.Person")?.reason).toContain(
      'field "age" (Integer): expected an integral JSON number, got a string',
    );
  });

  it("catches a thrown exception where errorDetails was possible", async () => {
    const r = await suite(project("throws"));
    expect(r.byId("reads.full-pull.Person")?.status).toBe("fail");
    // createHandler turns the TypeError into UnknownError (no throw reaches AppFlow): the suite says so.
    expect(r.byId("reads.full-pull.Person")?.reason).toContain("UnknownError");
  });

  it("catches a leaked secret, and never prints it itself", async () => {
    const dir = project("leak");
    const junit = path.join(dir, "report.xml");
    const r = await suite(dir, "--junit", junit);
    expect(r.byId("errors.secrets")?.status).toBe("fail");
    expect(r.byId("errors.secrets")?.reason).toContain("ValidateCredentials (logs)");
    const human = await runCli(["test", "--verbose"], { cwd: dir });
    for (const text of [r.stdout, r.stderr, human.stdout, human.stderr, readFileSync(junit, "utf8")]) {
      expect(text).not.toContain(SECRET);
    }
  });

  it("--only, --skip, --bail, --strict and JUnit", async () => {
    const dir = project("endless");
    const only = await suite(dir, "--only", "metadata", "--skip", "metadata.fields");
    expect(only.doc.result.checks.map((c) => c.id)).toEqual(["metadata.list", "metadata.describe.Person"]);
    const bail = await suite(dir, "--bail", "--page-budget", "3");
    expect(bail.doc.result.checks.at(-1)?.status).toBe("fail");
    expect(bail.doc.result.checks.filter((c) => c.status === "fail")).toHaveLength(1);
    const good = project("good");
    const strictGood = await suite(good, "--strict");
    expect(strictGood.code).toBe(0); // its skips do not apply (source only, no HTTP): not failures
    const empty = await suite(project("empty"));
    expect(empty.code).toBe(0);
    const strictEmpty = await suite(project("empty"), "--strict");
    expect(strictEmpty.code).toBe(1); // no records: the record checks could not run
    expect(strictEmpty.byId("reads.limit.Person")).toMatchObject({ status: "skip", reason: "no records" });
    const junit = path.join(good, "out/junit.xml");
    await runCli(["test", "--junit", junit], { cwd: good });
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="people" tests="\d+" failures="0"/,
    );
    expect(xml).toContain('<testcase classname="people.reads" name="reads.full-pull.Person: ');
    expect(xml).toContain("<skipped message=");
  });

  it("prints a progress line per check and a summary in human mode", async () => {
    const r = await runCli(["test"], { cwd: project("good") });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[\d\d:\d\d:\d\d\] ✓ DescribeConnectorConfiguration answers within 10 s/);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed, \d+ skipped in [\d.]+ s$/m);
  });
});

describe.runIf(built)("record and replay", () => {
  let server: http.Server;
  let url = "";
  const hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      const key = req.headers["x-api-key"] ?? String(req.headers.authorization ?? "").replace("Bearer ", "");
      res.setHeader("content-type", "application/json");
      res.setHeader("set-cookie", `session=${SECRET}`);
      if (key !== SECRET) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: "bad key" }));
        return;
      }
      if (req.url?.startsWith("/me")) res.end(JSON.stringify({ account: "acme", echo: key }));
      else
        res.end(
          JSON.stringify({
            data: [
              { id: "p1", name: "Ada", age: 36, joined: "2026-01-02T03:04:05Z" },
              { id: "p2", name: "Grace", age: 85, joined: "2026-02-03T04:05:06Z" },
              { id: "p3", name: "Alan", age: 41, joined: "2026-03-04T05:06:07Z" },
            ],
          }),
        );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("records live exchanges with secrets redacted, then replays them offline", async () => {
    const dir = project("good", url);
    const rec = await suite(dir, "--record");
    expect(
      rec.code,
      JSON.stringify(
        rec.doc.result.checks.filter((c) => c.status === "fail"),
        null,
        2,
      ),
    ).toBe(0);
    const fixtures = readFileSync(path.join(dir, "fixtures/http.json"), "utf8");
    expect(fixtures).toContain('"credentials": "invalid"');
    expect(fixtures).toContain("[REDACTED]"); // the echoed key in /me's body
    // No planted secret in any file the run wrote (the fixtures folder), nor in its output.
    for (const f of readdirSync(path.join(dir, "fixtures"), { recursive: true }) as string[]) {
      const p = path.join(dir, "fixtures", f);
      if (!statSync(p).isFile()) continue;
      expect(readFileSync(p, "utf8"), f).not.toContain(SECRET);
    }
    expect(rec.stdout + rec.stderr).not.toContain(SECRET);
    expect(hits.length).toBeGreaterThan(5);

    // Offline: the server is not consulted any more.
    const before = hits.length;
    const replay = await suite(dir);
    expect(replay.code).toBe(0);
    expect(hits.length).toBe(before);
  });

  it("names an unrecorded request", async () => {
    const dir = project("good", url);
    mkdirSync(path.join(dir, "fixtures"));
    writeFileSync(path.join(dir, "fixtures/http.json"), JSON.stringify({ version: 1, exchanges: [] }));
    const r = await suite(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("had no recorded exchange: GET http://127.0.0.1:");
    expect(r.stderr).toContain("--record");
  });
});

describe("docs/test.md", () => {
  it("lists every AppFlow and Glue check id", () => {
    const doc = readFileSync(path.join(root, "docs/test.md"), "utf8");
    for (const c of [...APPFLOW_CHECKS, ...GLUE_CHECKS]) expect(doc, c.id).toContain(`\`${c.id}\``);
  });
});
