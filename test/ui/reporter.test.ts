import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { shouldUseColor } from "../../src/ui/color.js";
import { CliError, ExitCode } from "../../src/ui/errors.js";
import { clearSecrets, registerSecret } from "../../src/ui/redact.js";
import { detectMode, formatBytes, progressBar, Reporter, type ReporterMode } from "../../src/ui/reporter.js";

function make(mode: ReporterMode, opts: { verbose?: boolean; quiet?: boolean; color?: boolean } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (c) => out.push(String(c)));
  stderr.on("data", (c) => err.push(String(c)));
  const reporter = new Reporter({
    mode,
    color: opts.color ?? true,
    verbose: opts.verbose ?? false,
    quiet: opts.quiet ?? false,
    stdout,
    stderr,
    now: () => new Date("2026-11-22T09:30:05Z"),
  });
  return { reporter, out: () => out.join(""), err: () => err.join("") };
}

afterEach(() => clearSecrets());

describe("mode and colour detection", () => {
  it("uses JSON with --json, spinners only on a TTY outside CI, plain lines otherwise", () => {
    expect(detectMode({ json: true, isTTY: true, env: {} })).toBe("json");
    expect(detectMode({ json: false, isTTY: true, env: {} })).toBe("tty");
    expect(detectMode({ json: false, isTTY: true, env: { CI: "true" } })).toBe("plain");
    expect(detectMode({ json: false, isTTY: false, env: {} })).toBe("plain");
  });

  it("honours NO_COLOR, --no-color and TERM=dumb", () => {
    expect(shouldUseColor({ isTTY: true, env: {}, flag: true })).toBe(true);
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: "1" }, flag: true })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: {}, flag: false })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { TERM: "dumb" }, flag: true })).toBe(false);
    expect(shouldUseColor({ isTTY: false, env: {}, flag: true })).toBe(false);
  });
});

describe("plain mode", () => {
  it("writes timestamped lines without escape codes to stderr and results to stdout", async () => {
    const r = make("plain");
    await r.reporter.step("build", "Building", async () => 42);
    r.reporter.warn("careful");
    r.reporter.result("x", { a: 1 }, "done: 1");
    expect(r.err()).toBe("[09:30:05] ✓ Building\n[09:30:05] warning: careful\n");
    expect(r.out()).toBe("done: 1\n");
    expect(r.err() + r.out()).not.toMatch(/\u001b\[/);
  });

  it("throttles progress to quarters and always prints the end", () => {
    const r = make("plain");
    for (let i = 0; i <= 100; i++) {
      r.reporter.onEvent({
        type: "progress",
        id: "up",
        title: "Uploading",
        current: i * 1024,
        total: 100 * 1024,
        unit: "bytes",
      });
    }
    const lines = r.err().trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toContain("100 kB/100 kB 100%");
  });

  it("--quiet keeps warnings and results but drops steps and info", async () => {
    const r = make("plain", { quiet: true });
    await r.reporter.step("s", "Step", async () => 1);
    r.reporter.info("hello");
    r.reporter.warn("watch out");
    r.reporter.result("x", {}, "result");
    expect(r.err()).toBe("[09:30:05] warning: watch out\n");
    expect(r.out()).toBe("result\n");
  });

  it("debug lines appear only with --verbose", () => {
    const quiet = make("plain");
    quiet.reporter.debug("internal");
    expect(quiet.err()).toBe("");
    const verbose = make("plain", { verbose: true });
    verbose.reporter.debug("internal");
    expect(verbose.err()).toContain("debug: internal");
  });
});

describe("JSON mode", () => {
  it("prints exactly one envelope on stdout and NDJSON events on stderr", async () => {
    const r = make("json");
    await r.reporter.step("pull", "Pulling base", async () => undefined);
    r.reporter.onEvent({ type: "progress", id: "p", title: "Upload", current: 5, total: 10, unit: "bytes" });
    r.reporter.result("push", { digest: "sha256:abc" });
    expect(JSON.parse(r.out())).toEqual({ ok: true, command: "push", result: { digest: "sha256:abc" } });
    expect(r.out().trim().split("\n")).toHaveLength(1);
    const events = r
      .err()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.type, e.status ?? e.current])).toEqual([
      ["step", "start"],
      ["step", "done"],
      ["progress", 5],
    ]);
    expect(events[0]).toMatchObject({ time: "2026-11-22T09:30:05.000Z", id: "pull", title: "Pulling base" });
  });

  it("reports a CliError as the error envelope with its exit code", () => {
    const r = make("json");
    const code = r.reporter.failure(
      "push",
      new CliError("ECR_DENIED", "Access denied to ECR.", {
        hint: "Grant ecr:GetAuthorizationToken.",
        exitCode: ExitCode.Aws,
      }),
    );
    expect(code).toBe(3);
    expect(JSON.parse(r.out())).toEqual({
      ok: false,
      command: "push",
      error: {
        code: "ECR_DENIED",
        message: "Access denied to ECR.",
        hint: "Grant ecr:GetAuthorizationToken.",
      },
    });
  });
});

describe("failures", () => {
  it("prints message and hint for a CliError", () => {
    const r = make("plain");
    const code = r.reporter.failure("x", new CliError("BAD", "Bad input in foo.json.", { hint: "Fix it." }));
    expect(code).toBe(2);
    expect(r.err()).toBe("error: Bad input in foo.json.\nhint: Fix it.\n");
  });

  it("an unexpected exception exits 1 with a short message; the stack only with --verbose", () => {
    const r = make("plain");
    const boom = new TypeError("cannot read x of undefined");
    expect(r.reporter.failure("x", boom)).toBe(1);
    expect(r.err()).toContain("unexpected error: cannot read x of undefined");
    expect(r.err()).not.toContain("reporter.test.ts");
    expect(r.err()).toContain("--verbose");
    const v = make("plain", { verbose: true });
    v.reporter.failure("x", boom);
    expect(v.err()).toContain("reporter.test.ts");
  });
});

describe("secrets", () => {
  it("never prints a registered secret, in any mode", () => {
    registerSecret("hunter2-very-secret");
    for (const mode of ["plain", "json"] as const) {
      const r = make(mode);
      r.reporter.info("token is hunter2-very-secret");
      r.reporter.result("x", { token: "hunter2-very-secret" }, "hunter2-very-secret");
      r.reporter.failure("x", new CliError("E", "bad hunter2-very-secret"));
      expect(r.out() + r.err()).not.toContain("hunter2");
      expect(r.out() + r.err()).toContain("***");
    }
  });
});

describe("formatting helpers", () => {
  it("formats bytes and bars", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 kB");
    expect(formatBytes(300 * 1024 * 1024)).toBe("300 MB");
    expect(progressBar(0.5, 10)).toBe("[#####-----]");
    expect(progressBar(Number.NaN, 4)).toBe("[----]");
  });
});
