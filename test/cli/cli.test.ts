import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/commands/index.js";
import { runCli } from "../helpers/cli.js";

const root = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
const all = [
  "init",
  "invoke",
  "test",
  "package",
  "push",
  "register",
  "unregister",
  "status",
  "deeplink",
  "filter",
];

describe("connector CLI shell", () => {
  it("prints the package version", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("lists every command with examples in --help", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const name of all) expect(r.stdout).toMatch(new RegExp(`\\n  ${name}\\b`));
    expect(r.stdout).toContain("Examples:");
    for (const flag of [
      "--json",
      "--verbose",
      "--quiet",
      "--no-color",
      "--cwd",
      "--profile",
      "--region",
      "--yes",
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it("gives every command its own --help with examples", async () => {
    for (const spec of commands) {
      const r = await runCli([spec.name, "--help"]);
      expect(r.code, spec.name).toBe(0);
      expect(r.stdout).toContain(`Usage: connector ${spec.name}`);
      expect(r.stdout).toContain(spec.examples[0]);
    }
  });

  it("fails a command outside a project with a clear error and nothing on stdout", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-noproject-"));
    for (const name of ["invoke", "test", "package", "push", "register", "status"]) {
      const r = await runCli([name], { cwd: dir });
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("No connector.json");
      const j = await runCli([name, "--json"], { cwd: dir });
      expect(j.json(), name).toMatchObject({
        ok: false,
        command: name,
        error: { code: "PROJECT_NOT_FOUND" },
      });
    }
  });

  it("rejects an unknown command and an unknown option with exit 2", async () => {
    const a = await runCli(["frobnicate"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown command 'frobnicate'/);
    const b = await runCli(["filter", "a = 1", "--nope"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown option '--nope'/);
    expect(b.stderr).toContain("connector filter --help");
    const c = await runCli(["filter", "a = 1", "--nope", "--json"]);
    expect(c.code).toBe(2);
    expect(c.json()).toMatchObject({ ok: false, command: "filter", error: { code: "USAGE" } });
  });

  it("rejects a choice outside the allowed set", async () => {
    const r = await runCli(["filter", "a = 1", "--dialect", "oracle"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/oracle/);
  });
});

describe("built CLI (dist/)", () => {
  const bin = path.join(root, "bin/connector.js");
  const built = existsSync(path.join(root, "dist/cli.js"));

  it("dist/ exists (the test command builds before testing)", () => {
    expect(built, "run `npm run build` first").toBe(true);
  });

  it.runIf(built)("`connector --version` loads neither the AWS SDK, handlebars, ora nor commander", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ck-loads-"));
    const log = path.join(dir, "loaded.txt");
    writeFileSync(
      path.join(dir, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + "\\n");
  return r;
}`,
    );
    writeFileSync(
      path.join(dir, "register.mjs"),
      `import { register } from "node:module"; register("./hooks.mjs", import.meta.url);`,
    );
    const out = execFileSync(
      process.execPath,
      ["--import", path.join(dir, "register.mjs"), bin, "--version"],
      {
        encoding: "utf8",
      },
    );
    expect(out.trim()).toBe(pkg.version);
    const loaded = readFileSync(log, "utf8");
    expect(loaded).toContain("dist/cli.js");
    for (const heavy of ["@aws-sdk", "handlebars", "/ora/", "@inquirer", "execa", "ajv", "commander"]) {
      expect(loaded, heavy).not.toContain(heavy);
    }

    // A real command loads commander and its own module, still no AWS SDK.
    writeFileSync(log, "");
    execFileSync(process.execPath, ["--import", path.join(dir, "register.mjs"), bin, "filter", "a = 1"], {
      encoding: "utf8",
    });
    const loaded2 = readFileSync(log, "utf8");
    expect(loaded2).toContain("commander");
    expect(loaded2).not.toContain("@aws-sdk");
    expect(loaded2).not.toContain("handlebars");
  });

  it.runIf(built)("exits with the documented codes as a real process, JSON on stdout only", () => {
    const ok = spawnSync(process.execPath, [bin, "filter", "a = 1", "--json"], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      command: "filter",
      result: { canonical: "(a = 1)" },
    });
    const bad = spawnSync(process.execPath, [bin, "push"], {
      encoding: "utf8",
      env: { ...process.env, CI: "1" },
    });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).not.toMatch(/\u001b\[/);
  });
});
