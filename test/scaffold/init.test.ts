import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/project/index.js";
import { runCli } from "../helpers/cli.js";

const root = path.resolve(import.meta.dirname, "../..");
const templates = ["appflow-typescript", "appflow-python", "glue-jdbc", "glue-spark", "glue-athena"];

function tmp(prefix = "ck-init-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function listFiles(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.name === "node_modules") return [];
    return e.isDirectory() ? listFiles(dir, p) : [p];
  });
}

const has = (cmd: string) => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;

describe.each(templates)("template %s", (template) => {
  it("renders a complete project with --yes and no TTY, and never prompts", async () => {
    const dir = path.join(tmp(), "acme-db");
    const r = await runCli([
      "init",
      dir,
      "--template",
      template,
      "--yes",
      "--skip-install",
      "--no-git",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = r.json().result as { written: string[]; template: string };
    expect(result.template).toBe(template);
    const files = listFiles(dir);
    expect(files.sort()).toEqual([...result.written].sort());
    for (const f of files) {
      const text = readFileSync(path.join(dir, f), "utf8");
      expect(text, `${f} still holds template syntax`).not.toMatch(/\{\{[^}]*\}\}/);
    }
    expect(files).toContain("connector.json");
    expect(files).toContain(".gitignore");
    expect(files).toContain("README.md");
    const project = await loadProject({ cwd: dir, env: {} });
    expect(project.config.name).toBe("acme-db");
    expect(project.config.kind).toBe(template.startsWith("glue") ? "glue" : "appflow");
    if (template.startsWith("appflow")) {
      expect(statSync(path.join(dir, ".connector/secrets.json")).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toContain(".connector/");
    }
  });
});

describe("connector init refusals", () => {
  it("refuses a non-empty directory and writes nothing", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "keep.txt"), "mine");
    const r = await runCli(["init", dir, "--yes", "--skip-install", "--no-git"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not empty; nothing was written");
    expect(r.stderr).toContain("--force");
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
  });

  it("--force adds missing files but never touches existing ones", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "README.md"), "my own readme");
    const r = await runCli([
      "init",
      dir,
      "--name",
      "acme",
      "--yes",
      "--skip-install",
      "--no-git",
      "--force",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = r.json().result as { skipped: string[]; written: string[] };
    expect(result.skipped).toEqual(["README.md"]);
    expect(readFileSync(path.join(dir, "README.md"), "utf8")).toBe("my own readme");
    expect(existsSync(path.join(dir, "connector.json"))).toBe(true);
  });

  it("rejects names that break npm's rules, with the rule, before writing", async () => {
    const dir = path.join(tmp(), "new");
    const r = await runCli(["init", dir, "--name", "Bad Name", "--yes", "--skip-install", "--no-git"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"Bad Name" is not a valid npm package name');
    expect(r.stderr).toContain("lower case");
    expect(existsSync(dir)).toBe(false);
  });

  it("rejects labels that break AppFlow's pattern, showing the pattern", async () => {
    const dir = path.join(tmp(), "new");
    const r = await runCli(["init", dir, "--label", "my connector", "--yes", "--skip-install", "--no-git"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--label");
    expect(r.stderr).toContain("^[a-zA-Z0-9][\\w!@#.-]+$");
    expect(existsSync(dir)).toBe(false);
  });

  it("rejects owners AppFlow refuses and unknown templates", async () => {
    const a = await runCli([
      "init",
      path.join(tmp(), "x"),
      "--owner",
      "Amazon Partner",
      "--yes",
      "--skip-install",
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("may not start with aws, amazon or appflow");
    const b = await runCli(["init", path.join(tmp(), "x"), "--template", "nope", "--yes"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/nope/);
  });

  it("needs a directory when it cannot prompt", async () => {
    const r = await runCli(["init", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No target directory given");
  });

  it("lists templates", async () => {
    const r = await runCli(["init", "--list-templates", "--json"]);
    expect(r.code).toBe(0);
    const names = (r.json().result as { templates: { name: string }[] }).templates.map((t) => t.name);
    expect(names).toEqual([...templates].sort());
  });
});

describe("post-steps", () => {
  it.runIf(has("git"))("creates a git repository with a first commit", async () => {
    const dir = path.join(tmp(), "gitted");
    const r = await runCli(["init", dir, "--template", "glue-spark", "--yes"], {
      env: { HOME: tmp("ck-home-"), GIT_CONFIG_NOSYSTEM: "1" },
    });
    expect(r.code, r.stderr).toBe(0);
    const log = execFileSync("git", ["log", "--oneline"], { cwd: dir, encoding: "utf8" });
    expect(log).toContain("Initial commit from connectorkit");
    const tracked = execFileSync("git", ["ls-files"], { cwd: dir, encoding: "utf8" });
    expect(tracked).toContain("connector.json");
  });

  it("keeps the project and names the command to re-run when npm install fails", async () => {
    const bin = tmp("ck-bin-");
    writeFileSync(path.join(bin, "npm"), "#!/bin/sh\necho 'npm ERR! network unreachable' >&2\nexit 1\n");
    chmodSync(path.join(bin, "npm"), 0o755);
    const dir = path.join(tmp(), "failing");
    const r = await runCli(["init", dir, "--yes", "--no-git", "--json"], {
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.code).toBe(0);
    const result = r.json().result as { postSteps: { step: string; status: string; rerun?: string }[] };
    expect(result.postSteps[0]).toMatchObject({ step: "npm-install", status: "failed" });
    expect(result.postSteps[0]?.rerun).toContain("npm install");
    expect(r.stderr).toContain("npm-install failed; the project is usable");
    expect(existsSync(path.join(dir, "src/index.ts"))).toBe(true);
  });
});

describe.runIf(has("javac") && has("jar"))("glue-jdbc driver skeleton", () => {
  it("builds with plain javac and jar and registers the driver", async () => {
    const dir = path.join(tmp(), "simpledb");
    const r = await runCli([
      "init",
      dir,
      "--template",
      "glue-jdbc",
      "--class-name",
      "com.example.simpledb.Driver",
      "--yes",
      "--no-git",
    ]);
    expect(r.code, r.stderr).toBe(0);
    execFileSync("sh", ["build.sh"], { cwd: dir, stdio: "pipe" });
    const jar = path.join(dir, "jars/simpledb.jar");
    const entries = execFileSync("jar", ["tf", jar], { encoding: "utf8" }).split("\n");
    expect(entries).toContain("com/example/simpledb/Driver.class");
    expect(entries).toContain("META-INF/services/java.sql.Driver");
    const services = execFileSync("unzip", ["-p", jar, "META-INF/services/java.sql.Driver"], {
      encoding: "utf8",
    });
    expect(services.trim()).toBe("com.example.simpledb.Driver");
    // Load it through java.sql.DriverManager's service loader and check acceptsURL.
    const probe = path.join(dir, "Probe.java");
    writeFileSync(
      probe,
      `public class Probe { public static void main(String[] a) throws Exception {
        java.sql.Driver d = java.sql.DriverManager.getDriver("jdbc:simpledb://h:1/db");
        System.out.println(d.getClass().getName() + " " + d.acceptsURL("jdbc:other:x"));
      } }`,
    );
    execFileSync("javac", ["-d", path.join(dir, "build"), probe]);
    const out = execFileSync("java", ["-cp", `${path.join(dir, "build")}:${jar}`, "Probe"], {
      encoding: "utf8",
    });
    expect(out.trim()).toBe("com.example.simpledb.Driver false");
    // The conformance suite on the built skeleton: every applicable Glue check passes.
    const suite = await runCli(["test", "--json"], { cwd: dir });
    const checks = (suite.json().result as { checks: { id: string; status: string; reason?: string }[] })
      .checks;
    expect(
      checks.filter((c) => c.status === "fail"),
      JSON.stringify(checks, null, 2),
    ).toEqual([]);
    expect(suite.code).toBe(0);
    expect(checks.find((c) => c.id === "glue.jdbc.load")?.status).toBe("pass");
    expect(checks.find((c) => c.id === "glue.jdbc.accepts-url")?.status).toBe("pass");
  });
});

describe("appflow-typescript end to end", () => {
  const distReady = existsSync(path.join(root, "dist/sdk/index.js"));

  it.runIf(distReady)(
    "installs against the checkout, builds, passes its own tests and answers all eight requests",
    async () => {
      const dir = path.join(tmp(), "acme-crm");
      const r = await runCli(["init", dir, "--yes", "--no-git", "--sdk", `file:${root}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(path.join(dir, "node_modules/connectorkit"))).toBe(true);
      const run = (args: string[]) =>
        execFileSync("npm", args, { cwd: dir, encoding: "utf8", stdio: "pipe" });
      run(["run", "typecheck"]);
      run(["run", "build"]);
      expect(statSync(path.join(dir, "dist/index.mjs")).size).toBeGreaterThan(1000);
      const tests = spawnSync("npx", ["vitest", "run"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
      expect(tests.status, tests.stdout + tests.stderr).toBe(0);
      expect(tests.stdout).toMatch(/Tests\s+\S*13 passed/);

      const invoke = async (...args: string[]) => {
        const res = await runCli(["invoke", ...args, "--json"], { cwd: dir });
        expect(res.code, res.stdout + res.stderr).toBe(0);
        return (res.json().result as { response: Record<string, unknown> }).response;
      };
      const config = await invoke("DescribeConnectorConfiguration");
      expect(config).toMatchObject({
        isSuccess: true,
        connectorName: "AcmeCrm",
        supportedApiVersions: ["v1"],
      });
      expect(await invoke("ValidateConnectorRuntimeSettings")).toMatchObject({ isSuccess: true });
      expect(await invoke("ValidateCredentials")).toMatchObject({ isSuccess: true });
      const entities = await invoke("ListEntities");
      expect((entities.entities as { entityIdentifier: string }[]).map((e) => e.entityIdentifier)).toEqual([
        "Contact",
        "Deal",
      ]);
      const described = await invoke("DescribeEntity", "--entity", "Deal");
      expect(described).toMatchObject({
        isSuccess: true,
        entityDefinition: { entity: { entityIdentifier: "Deal" } },
      });
      const page = await invoke(
        "QueryData",
        "--entity",
        "Contact",
        "--max-results",
        "2",
        "--filter",
        "score > 70",
      );
      expect((page.records as string[]).map((s) => JSON.parse(s).id)).toEqual(["c_001", "c_002"]);
      expect(page.nextToken).toEqual(expect.any(String));
      const retrieved = await invoke("RetrieveData", "--entity", "Contact", "--ids", "c_003,c_999");
      expect((retrieved.records as string[]).map((s) => JSON.parse(s).id)).toEqual(["c_003"]);
      mkdirSync(path.join(dir, "tmp"));
      writeFileSync(
        path.join(dir, "tmp/new.json"),
        JSON.stringify([{ name: "Barbara Liskov", email: "barbara@example.com", score: 70, vip: false }]),
      );
      const written = await invoke(
        "WriteData",
        "--entity",
        "Contact",
        "--operation",
        "INSERT",
        "--records",
        "tmp/new.json",
      );
      expect(written).toMatchObject({
        isSuccess: true,
        writeRecordResults: [{ isSuccess: true, recordId: "c_006" }],
      });

      // The conformance suite passes offline on the first run, writes included.
      const suite = await runCli(["test", "--json"], { cwd: dir });
      const doc = suite.json() as { result: { failed: number; passed: number; skipped: number } };
      expect(suite.code, suite.stdout).toBe(0);
      expect(doc.result).toMatchObject({ failed: 0, skipped: 0 });
      expect(doc.result.passed).toBeGreaterThan(40);

      // The same project's other auth variants compile and pass their own tests too.
      for (const auth of ["oauth2", "basic", "none"]) {
        const other = path.join(tmp(), `crm-${auth}`);
        const o = await runCli(["init", other, "--auth", auth, "--yes", "--skip-install", "--no-git"]);
        expect(o.code, o.stderr).toBe(0);
        symlinkSync(path.join(dir, "node_modules"), path.join(other, "node_modules"));
        execFileSync("npx", ["tsc", "--noEmit"], { cwd: other, stdio: "pipe" });
        const t = spawnSync("npx", ["vitest", "run"], { cwd: other, encoding: "utf8" });
        expect(t.status, `${auth}: ${t.stdout}${t.stderr}`).toBe(0);
      }
    },
    240_000,
  );
});
