import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "../ui/errors.js";
import type { AppflowEvent } from "./events.js";

/** What one invocation of a handler produced, before any protocol check. */
export interface RawInvocation {
  status: "ok" | "threw" | "timeout";
  response?: unknown;
  error?: { name: string; message: string; stack?: string };
  durationMs: number;
  /** What the handler logged during the call (raw: the reporter redacts what it prints). */
  logs: string[];
}

/** Something that can run a connector handler: in-process Node, a Python process, a deployed Lambda. */
export interface HandlerRunner {
  readonly kind: "node" | "python" | "lambda";
  invoke(event: AppflowEvent, timeoutMs: number): Promise<RawInvocation>;
  /** Replaces the secret values served to the handler (local runners only). */
  setSecrets?(values: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

const SECRETS_OVERRIDE = Symbol.for("connectorkit.secretsOverride");

export interface NodeRunnerOptions {
  /** The built bundle (ESM or CJS) that exports the handler. */
  bundle: string;
  /** The export to call (`handler` for `index.handler`). */
  exportName: string;
  /** Secret values served to the SDK's override hook (local runs never reach Secrets Manager). */
  secrets?: Record<string, string>;
}

/**
 * Runs a bundled TypeScript/JavaScript handler in this process. The SDK's secrets override hook is
 * set through the global symbol, so a separately bundled copy of connectorkit/sdk sees it. While
 * the handler runs, console output is captured (it must not mix with the CLI's own output).
 */
export async function createNodeRunner(options: NodeRunnerOptions): Promise<HandlerRunner> {
  if (!existsSync(options.bundle)) {
    throw new CliError("BUNDLE_MISSING", `The handler bundle ${options.bundle} does not exist.`, {
      hint: "Build the connector first (`npm run build`), or set appflow.bundle in connector.json.",
    });
  }
  const url = `${pathToFileURL(options.bundle).href}?v=${statSync(options.bundle).mtimeMs}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(
      "BUNDLE_LOAD_FAILED",
      `Loading ${options.bundle} failed: ${(error as Error).message}`,
      {
        hint: "Rebuild the connector; the bundle must be importable by Node.js 20 or later.",
      },
    );
  }
  const exported =
    mod[options.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[options.exportName];
  if (typeof exported !== "function") {
    throw new CliError(
      "HANDLER_NOT_FOUND",
      `${options.bundle} does not export a function "${options.exportName}".`,
      {
        hint: `Export it (export const ${options.exportName} = createHandler(...)) or fix appflow.handler in connector.json.`,
      },
    );
  }
  const handler = exported as (event: unknown, context: unknown) => unknown;
  const g = globalThis as Record<symbol, unknown>;
  const previous = g[SECRETS_OVERRIDE];
  let values = { ...(options.secrets ?? {}) };
  if (options.secrets) g[SECRETS_OVERRIDE] = () => values;
  // The handler's console goes to the current invocation's log for as long as the runner lives: a
  // handler that timed out may go on logging, and must not write into the CLI's own output.
  const capture = captureConsole();
  return {
    kind: "node",
    async invoke(event, timeoutMs) {
      const logs: string[] = [];
      capture.into(logs);
      const started = performance.now();
      const deadline = Date.now() + timeoutMs;
      const context = {
        awsRequestId: randomUUID(),
        functionName: "local",
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          Promise.resolve().then(() => handler(structuredClone(event), context)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TimeoutSignal()), timeoutMs);
          }),
        ]);
        return {
          status: "ok",
          response: jsonRoundTrip(result),
          durationMs: performance.now() - started,
          logs,
        };
      } catch (error) {
        const durationMs = performance.now() - started;
        if (error instanceof TimeoutSignal) return { status: "timeout", durationMs, logs };
        return { status: "threw", error: errorInfo(error), durationMs, logs };
      } finally {
        clearTimeout(timer);
        capture.into(undefined);
      }
    },
    async setSecrets(next) {
      values = { ...next };
      g[SECRETS_OVERRIDE] = () => values;
    },
    async close() {
      g[SECRETS_OVERRIDE] = previous;
      capture.restore();
    },
  };
}

class TimeoutSignal extends Error {}

/** What Lambda does to a result: JSON serialisation (undefined fields vanish, Dates become strings). */
function jsonRoundTrip(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value));
}

function errorInfo(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { name: "NonError", message: String(error) };
}

/**
 * Replaces the console methods until `restore()`. Lines go to the array set with `into()`, or are
 * dropped between invocations (late output of a handler that timed out).
 */
function captureConsole(): { into(target: string[] | undefined): void; restore(): void } {
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => console[m]);
  let target: string[] | undefined;
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      target?.push(args.map((a) => (typeof a === "string" ? a : safeInspect(a))).join(" "));
    };
  }
  return {
    into(next) {
      target = next;
    },
    restore() {
      methods.forEach((m, i) => {
        console[m] = saved[i] as (typeof console)[typeof m];
      });
    },
  };
}

function safeInspect(v: unknown): string {
  try {
    return v instanceof Error ? (v.stack ?? v.message) : JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * The Python side of local runs: a long-lived `python3` process that imports the handler once and
 * answers one JSON event per stdin line on a private copy of stdout (the handler's own prints go to
 * stderr). When `CONNECTORKIT_SECRETS_FILE` is set and boto3 is importable, Secrets Manager's
 * GetSecretValue is answered from that file, so no network is needed.
 */
export const PYTHON_SHIM = String.raw`
import importlib, io, json, os, sys, time, traceback
proto = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr
root, handler = sys.argv[1], sys.argv[2]
for p in reversed([root] + sys.argv[3:]):
    sys.path.insert(0, p)
secrets_file = os.environ.get("CONNECTORKIT_SECRETS_FILE")
if secrets_file:
    try:
        import botocore.client
        _orig = botocore.client.BaseClient._make_api_call
        def _patched(self, op, params):
            if op == "GetSecretValue":
                with open(secrets_file) as f:
                    return {"SecretString": f.read(), "ARN": params.get("SecretId"), "Name": "local"}
            return _orig(self, op, params)
        botocore.client.BaseClient._make_api_call = _patched
    except ImportError:
        pass
class Context:
    def __init__(self, timeout_ms):
        self.deadline = time.time() + timeout_ms / 1000.0
        self.function_name = "local"
        self.aws_request_id = "local"
        self.memory_limit_in_mb = 256
    def get_remaining_time_in_millis(self):
        return max(0, int((self.deadline - time.time()) * 1000))
def info(e):
    return {"name": type(e).__name__, "message": str(e), "stack": traceback.format_exc()}
try:
    module_name, func_name = handler.rsplit(".", 1)
    fn = getattr(importlib.import_module(module_name.replace("/", ".")), func_name)
    proto.write(json.dumps({"ready": True}) + "\n")
except Exception as e:
    proto.write(json.dumps({"ready": False, "error": info(e)}) + "\n")
    proto.flush()
    sys.exit(3)
proto.flush()
for line in sys.stdin:
    msg = json.loads(line)
    # print() output of this call is captured and sent with the answer, so no log line is lost
    captured = io.StringIO()
    sys.stdout = captured
    try:
        out = {"ok": True, "response": fn(msg["event"], Context(msg["timeoutMs"]))}
    except Exception as e:
        out = {"ok": False, "error": info(e)}
    finally:
        sys.stdout = sys.stderr
    out["logs"] = captured.getvalue()
    try:
        text = json.dumps(out)
    except Exception as e:
        text = json.dumps({"ok": False, "error": info(e), "logs": captured.getvalue()})
    proto.write(text + "\n")
    proto.flush()
`;

export interface PythonRunnerOptions {
  root: string;
  /** `package.module.function` (or `package/module.function`). */
  handler: string;
  /** Extra sys.path entries, e.g. a `pip install --target` folder. */
  paths?: string[];
  /** JSON file served for GetSecretValue. */
  secretsFile?: string;
  python?: string;
  env?: NodeJS.ProcessEnv;
}

export async function createPythonRunner(options: PythonRunnerOptions): Promise<HandlerRunner> {
  // The shim reads the secrets file on every GetSecretValue; a private copy lets checks swap values.
  const secretsDir = await mkdtemp(path.join(tmpdir(), "connectorkit-secrets-"));
  const secretsFile = path.join(secretsDir, "secrets.json");
  await writeFile(secretsFile, options.secretsFile ? await readFile(options.secretsFile) : "{}", {
    mode: 0o600,
  });
  let child: ChildProcessWithoutNullStreams | undefined;
  let buffer = "";
  let stderr: string[] = [];
  let waiting: ((line: string | null) => void) | undefined;

  const start = async () => {
    buffer = "";
    stderr = [];
    const env: NodeJS.ProcessEnv = {
      ...(options.env ?? process.env),
      PYTHONUNBUFFERED: "1",
      PYTHONDONTWRITEBYTECODE: "1",
    };
    env.CONNECTORKIT_SECRETS_FILE = secretsFile;
    const proc = spawn(
      options.python ?? "python3",
      ["-c", PYTHON_SHIM, options.root, options.handler, ...(options.paths ?? [])],
      { cwd: options.root, env, stdio: "pipe" },
    );
    child = proc;
    proc.stdout.setEncoding("utf8");
    proc.stderr.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      if (child !== proc) return; // a killed predecessor's last output
      buffer += chunk;
      let nl = buffer.indexOf("\n");
      while (nl >= 0 && waiting) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const w = waiting;
        waiting = undefined;
        w(line);
        nl = buffer.indexOf("\n");
      }
    });
    proc.stderr.on("data", (chunk: string) => {
      if (child === proc) stderr.push(chunk);
    });
    proc.on("exit", () => {
      if (child !== proc) return; // a killed predecessor: its exit must not wake the new waiter
      child = undefined;
      const w = waiting;
      waiting = undefined;
      w?.(null);
    });
    proc.on("error", () => {
      if (child !== proc) return;
      const w = waiting;
      waiting = undefined;
      w?.(null);
    });
    const ready = await nextLine(15_000);
    const parsed = ready ? (JSON.parse(ready) as { ready: boolean; error?: { message: string } }) : undefined;
    if (!parsed?.ready) {
      proc.kill("SIGKILL"); // also when it hung while importing
      child = undefined;
      const reason = parsed?.error?.message ?? (stderr.join("").trim() || "python3 exited");
      throw new CliError(
        "PYTHON_HANDLER_LOAD_FAILED",
        `Cannot import the Python handler ${options.handler}: ${reason}`,
        {
          hint: "Check appflow.handler in connector.json and that dependencies are installed (pip install -r requirements.txt --target package).",
        },
      );
    }
  };

  const nextLine = (timeoutMs: number) =>
    new Promise<string | null>((resolve) => {
      const nl = buffer.indexOf("\n");
      if (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        resolve(line);
        return;
      }
      const timer = setTimeout(() => {
        waiting = undefined;
        resolve(null);
      }, timeoutMs);
      waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });

  try {
    await start();
  } catch (error) {
    await rm(secretsDir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind: "python",
    async invoke(event, timeoutMs) {
      if (!child) await start();
      stderr = [];
      const started = performance.now();
      child?.stdin.write(`${JSON.stringify({ event, timeoutMs })}\n`);
      const line = await nextLine(timeoutMs);
      const durationMs = performance.now() - started;
      const logs = stderr.join("").split("\n").filter(Boolean);
      if (line === null) {
        const alive = child !== undefined;
        child?.kill("SIGKILL");
        child = undefined;
        if (alive) return { status: "timeout", durationMs, logs };
        return {
          status: "threw",
          error: { name: "ProcessExited", message: "python3 exited" },
          durationMs,
          logs,
        };
      }
      const msg = JSON.parse(line) as {
        ok: boolean;
        response?: unknown;
        error?: RawInvocation["error"];
        logs?: string;
      };
      logs.unshift(...(msg.logs ?? "").split("\n").filter(Boolean));
      if (msg.ok) return { status: "ok", response: msg.response ?? null, durationMs, logs };
      const err = msg.error ?? { name: "Error", message: "unknown" };
      return {
        status: "threw",
        error: {
          name: err.name,
          message: err.message,
          ...(err.stack ? { stack: err.stack } : {}),
        },
        durationMs,
        logs,
      };
    },
    async setSecrets(next) {
      await writeFile(secretsFile, JSON.stringify(next), { mode: 0o600 });
    },
    async close() {
      child?.stdin.end();
      child?.kill("SIGTERM");
      child = undefined;
      await rm(secretsDir, { recursive: true, force: true });
    },
  };
}
