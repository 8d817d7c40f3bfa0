import path from "node:path";
import type { Command } from "commander";
import type { CommandContext, CommandSpec, GlobalOptions } from "./commands/context.js";
import { commands } from "./commands/index.js";
import { shouldUseColor } from "./ui/color.js";
import { CliError, ExitCode } from "./ui/errors.js";
import { detectMode, Reporter } from "./ui/reporter.js";
import { VERSION } from "./version.js";

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  cwd: string;
}

function defaultIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    // A terminal that reports no width (e.g. a pty set up without stty) gets plain lines: spinners
    // cannot redraw there.
    isTTY: Boolean(process.stderr.isTTY && process.stdout.isTTY && (process.stderr.columns ?? 0) > 0),
    cwd: process.cwd(),
  };
}

/**
 * Runs the CLI and returns the exit code (also stored in process.exitCode when running for real).
 * Tests call it in-process with their own streams.
 */
export async function run(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const userArgs = argv.slice(2);
  // Fast path: print the version without building the program.
  if (userArgs.length === 1 && (userArgs[0] === "--version" || userArgs[0] === "-V")) {
    io.stdout.write(`${VERSION}\n`);
    return finish(0, io);
  }
  const wantsJson = userArgs.includes("--json");
  let reporter: Reporter | undefined;
  // Known before parsing, so that usage errors name the command (and its --help).
  let commandName = userArgs.find((a) => commands.some((c) => c.name === a)) ?? "connector";
  let exitCode: number = ExitCode.Ok;

  const commander = await import("commander");
  const program = buildProgram(commander, io, async (spec, args, options, globals) => {
    commandName = spec.name;
    const mode = detectMode({ json: globals.json, isTTY: io.isTTY, env: io.env });
    reporter = new Reporter({
      mode,
      color: shouldUseColor({ isTTY: io.isTTY, env: io.env, flag: globals.color }),
      verbose: globals.verbose,
      quiet: globals.quiet,
      stdout: io.stdout,
      stderr: io.stderr,
    });
    await reporter.init();
    const mod = await spec.load();
    const ctx: CommandContext = {
      reporter,
      globals,
      env: io.env,
      stdin: io.stdin,
      interactive: io.isTTY && !globals.yes && !globals.json,
    };
    exitCode = (await mod.run(ctx, args, options)) ?? ExitCode.Ok;
  });

  const onSignal = () => {
    reporter?.failure(
      commandName,
      new CliError("INTERRUPTED", "Interrupted.", { exitCode: ExitCode.Interrupted }),
    );
    process.exit(ExitCode.Interrupted);
  };
  const realProcess = io.stdout === process.stdout;
  if (realProcess) process.once("SIGINT", onSignal);

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof commander.CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version")
        return finish(0, io);
      if (error.code === "commander.help") return finish(0, io);
      const usage = new CliError("USAGE", error.message.replace(/^error: /, ""), {
        hint: `Run \`connector ${commandName === "connector" ? "" : `${commandName} `}--help\` for usage.`,
        exitCode: ExitCode.Usage,
      });
      return finish(fallbackReporter(io, wantsJson, userArgs).failure(commandName, usage), io);
    }
    const rep = reporter ?? fallbackReporter(io, wantsJson, userArgs);
    return finish(rep.failure(commandName, error), io);
  } finally {
    if (realProcess) process.off("SIGINT", onSignal);
  }
  return finish(exitCode, io);
}

function finish(code: number, io: CliIO): number {
  if (io.stdout === process.stdout) process.exitCode = code;
  return code;
}

function fallbackReporter(io: CliIO, json: boolean, argv: string[]): Reporter {
  return new Reporter({
    mode: detectMode({ json, isTTY: io.isTTY, env: io.env }),
    color: shouldUseColor({ isTTY: io.isTTY, env: io.env, flag: !argv.includes("--no-color") }),
    verbose: false,
    quiet: false,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

type Action = (
  spec: CommandSpec,
  args: string[],
  options: Record<string, unknown>,
  globals: GlobalOptions,
) => Promise<void>;

function buildProgram(commander: typeof import("commander"), io: CliIO, action: Action): Command {
  const { Command, Option } = commander;
  const program = new Command("connector");
  program
    .description(
      "Build, test and publish Amazon AppFlow custom connectors and AWS Glue Marketplace connectors.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("--json", "print one JSON result document on stdout (progress as NDJSON on stderr)")
    .option("--verbose", "more detail, and stack traces for unexpected errors")
    .option("-q, --quiet", "only results, warnings and errors")
    .option("--no-color", "no colour (also NO_COLOR=1)")
    .option("--cwd <dir>", "run as if started in <dir>")
    .option("--profile <name>", "AWS profile (overrides CONNECTOR_AWS_PROFILE and connector.json)")
    .option("--region <region>", "AWS region (overrides CONNECTOR_AWS_REGION and connector.json)")
    .option("-y, --yes", "never prompt: take defaults and confirm")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are reported by run() (as text or as the JSON envelope).
      outputError: () => {},
    })
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ npx connectorkit init acme-crm",
        "  $ connector test --json",
        "  $ connector package && connector push --ecr-repo-name acme/crm-connector",
        "  $ connector filter 'price > 100 and name contains \"Alexa\"'",
        "",
        "Exit codes: 0 ok, 1 checks failed, 2 usage/config/input, 3 AWS/auth, 4 network/registry, 130 interrupted.",
        "Docs: https://github.com/connectorkit/connectorkit/tree/main/docs",
      ].join("\n"),
    );

  for (const spec of commands) {
    const cmd = program.command(spec.name).description(spec.summary).exitOverride();
    cmd.configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    });
    for (const a of spec.args ?? []) cmd.argument(a);
    for (const o of spec.options ?? []) {
      const opt = new Option(o.flags, o.description);
      if (o.defaultValue !== undefined) opt.default(o.defaultValue);
      if (o.choices) opt.choices(o.choices);
      if (o.repeatable) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
      cmd.addOption(opt);
    }
    cmd.addHelpText("after", `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join("\n")}\n`);
    cmd.action(async (...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      const options = self.opts();
      const all = self.optsWithGlobals();
      const globals: GlobalOptions = {
        json: Boolean(all.json),
        verbose: Boolean(all.verbose),
        quiet: Boolean(all.quiet),
        color: all.color !== false,
        cwd: typeof all.cwd === "string" ? path.resolve(io.cwd, all.cwd) : io.cwd,
        ...(typeof all.profile === "string" ? { profile: all.profile } : {}),
        ...(typeof all.region === "string" ? { region: all.region } : {}),
        yes: Boolean(all.yes),
      };
      const args = received
        .slice(0, spec.args?.length ?? 0)
        .filter((a): a is string => typeof a === "string");
      await action(spec, args, options, globals);
    });
  }
  return program;
}
