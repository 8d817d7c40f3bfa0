import { PassThrough, Readable } from "node:stream";
import { run } from "../../src/cli.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (throws when it is not exactly one). */
  json(): Record<string, unknown>;
}

/** Runs the CLI in-process with captured streams; `isTTY` false, like CI. */
export async function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string; isTTY?: boolean } = {},
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => {
    out += c;
  });
  stderr.on("data", (c) => {
    err += c;
  });
  const code = await run(["node", "connector", ...args], {
    stdout,
    stderr,
    stdin: Readable.from([opts.stdin ?? ""]),
    env: { PATH: process.env.PATH, ...opts.env },
    isTTY: opts.isTTY ?? false,
    cwd: opts.cwd ?? process.cwd(),
  });
  return {
    code,
    stdout: out,
    stderr: err,
    json() {
      const trimmed = out.trim();
      if (trimmed.includes("\n")) throw new Error(`stdout holds more than one line:\n${out}`);
      return JSON.parse(trimmed) as Record<string, unknown>;
    },
  };
}
