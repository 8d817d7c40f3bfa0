import type { Reporter } from "../ui/reporter.js";

/** Flags every command understands (defined once on the program). */
export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
  cwd: string;
  profile?: string;
  region?: string;
  yes: boolean;
}

/** What a command's `run` receives besides its own arguments and options. */
export interface CommandContext {
  reporter: Reporter;
  globals: GlobalOptions;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  /** True when stdin and stdout are terminals (prompts allowed unless --yes). */
  interactive: boolean;
}

export interface CommandModule {
  /** Returns the exit code (0 when omitted). Throw a CliError for anything the user must fix. */
  run(ctx: CommandContext, args: string[], options: Record<string, unknown>): Promise<number | undefined>;
}

export interface OptionSpec {
  flags: string;
  description: string;
  defaultValue?: string | boolean | string[];
  /** Collect repeated occurrences into an array. */
  repeatable?: boolean;
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** commander argument syntax, e.g. `[expression]` or `<request-type>`. */
  args?: string[];
  options?: OptionSpec[];
  /** Shown under "Examples:" in --help. */
  examples: string[];
  /** Lazily imports the command module (and, with it, everything the command needs). */
  load: () => Promise<CommandModule>;
}
