import { colors, noColors, type Palette } from "./color.js";
import { CliError, ExitCode, type ExitCodeValue, isCliError } from "./errors.js";
import { redact } from "./redact.js";

/**
 * Progress events: the only way domain modules talk about their progress. They never print;
 * they call the listener they were given, and the reporter turns events into spinners, plain
 * timestamped lines or NDJSON on stderr.
 */
export type ProgressEvent =
  | {
      type: "step";
      id: string;
      status: "start" | "done" | "fail" | "skip";
      title: string;
      detail?: string;
    }
  | {
      type: "progress";
      id: string;
      title: string;
      current: number;
      total?: number;
      unit?: "bytes" | "items";
    }
  | { type: "log"; level: "info" | "warn" | "debug"; message: string };

export type ProgressListener = (event: ProgressEvent) => void;

export type ReporterMode = "tty" | "plain" | "json";

export interface ReporterOptions {
  mode: ReporterMode;
  color: boolean;
  verbose: boolean;
  quiet: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Clock for timestamps; tests pass a fixed one. */
  now?: () => Date;
}

interface Spinner {
  text: string;
  start(): Spinner;
  succeed(text?: string): Spinner;
  fail(text?: string): Spinner;
  warn(text?: string): Spinner;
  info(text?: string): Spinner;
  stop(): Spinner;
}

type OraFactory = (options: { text: string; stream: NodeJS.WritableStream; color?: "cyan" }) => Spinner;

/** Picks the output mode: `--json` wins; a TTY without CI gets spinners; everything else plain lines. */
export function detectMode(opts: { json: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): ReporterMode {
  if (opts.json) return "json";
  const ci = opts.env.CI !== undefined && opts.env.CI !== "" && opts.env.CI !== "false";
  return opts.isTTY && !ci ? "tty" : "plain";
}

export interface JsonEnvelopeOk<T = unknown> {
  ok: true;
  command: string;
  result: T;
}

export interface JsonEnvelopeError {
  ok: false;
  command: string;
  error: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

/**
 * The one reporter of a command run. Human output (results) goes to stdout, everything about
 * progress goes to stderr, so `connector x > file` stays clean. With `--json`, stdout carries
 * exactly one JSON document.
 */
export class Reporter {
  readonly mode: ReporterMode;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly c: Palette;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  private readonly now: () => Date;
  private ora: OraFactory | undefined;
  private readonly spinners = new Map<string, Spinner>();
  private readonly lastProgress = new Map<string, { at: number; bucket: number }>();
  private resultWritten = false;

  constructor(options: ReporterOptions) {
    this.mode = options.mode;
    this.verbose = options.verbose;
    this.quiet = options.quiet;
    this.c = options.mode === "tty" && options.color ? colors : noColors;
    this.out = options.stdout;
    this.err = options.stderr;
    this.now = options.now ?? (() => new Date());
  }

  /** Loads the spinner library, only on a TTY and only once a command actually runs. */
  async init(): Promise<void> {
    if (this.mode !== "tty" || this.quiet || this.ora) return;
    const mod = (await import("ora")) as unknown as { default: OraFactory };
    this.ora = mod.default;
  }

  /** The listener to hand to domain modules. */
  readonly onEvent: ProgressListener = (event) => this.handle(event);

  info(message: string): void {
    this.handle({ type: "log", level: "info", message });
  }

  warn(message: string): void {
    this.handle({ type: "log", level: "warn", message });
  }

  debug(message: string): void {
    this.handle({ type: "log", level: "debug", message });
  }

  /** Runs `fn` as a named step: a spinner on a TTY, start/done lines otherwise. */
  async step<T>(
    id: string,
    title: string,
    fn: () => Promise<T>,
    doneTitle?: (value: T) => string,
  ): Promise<T> {
    this.handle({ type: "step", id, status: "start", title });
    try {
      const value = await fn();
      this.handle({ type: "step", id, status: "done", title: doneTitle ? doneTitle(value) : title });
      return value;
    } catch (error) {
      this.handle({ type: "step", id, status: "fail", title });
      throw error;
    }
  }

  /**
   * Writes the command's result: in JSON mode the success envelope, otherwise `human` (a text
   * block, already formatted) on stdout. Call it once.
   */
  result<T>(command: string, result: T, human?: string | ((r: T) => string)): void {
    this.stopSpinners();
    this.resultWritten = true;
    if (this.mode === "json") {
      const doc: JsonEnvelopeOk<T> = { ok: true, command, result };
      this.out.write(`${redact(JSON.stringify(doc))}\n`);
      return;
    }
    const text = typeof human === "function" ? human(result) : human;
    if (text !== undefined && text !== "")
      this.out.write(`${redact(text.endsWith("\n") ? text : `${text}\n`)}`);
  }

  /**
   * Reports a failure and returns the exit code. CliErrors print their message and hint;
   * anything else is unexpected: a short message (the stack only with --verbose), exit 1.
   */
  failure(command: string, error: unknown): ExitCodeValue {
    this.stopSpinners(true);
    const cli = toCliError(error);
    const unexpected = cli.code === "UNEXPECTED";
    if (this.mode === "json") {
      if (!this.resultWritten) {
        const doc: JsonEnvelopeError = {
          ok: false,
          command,
          error: {
            code: cli.code,
            message: cli.message,
            ...(cli.hint ? { hint: cli.hint } : {}),
            ...(cli.details ? { details: cli.details } : {}),
          },
        };
        this.out.write(`${redact(JSON.stringify(doc))}\n`);
      }
      if (unexpected && this.verbose && error instanceof Error && error.stack) {
        this.err.write(`${redact(JSON.stringify({ type: "log", level: "debug", message: error.stack }))}\n`);
      }
      return cli.exitCode;
    }
    const lines = [`${this.c.red("error")}: ${cli.message}`];
    if (cli.context) lines.push(cli.context);
    if (cli.hint) lines.push(`${this.c.dim("hint")}: ${cli.hint}`);
    if (unexpected) {
      if (this.verbose && error instanceof Error && error.stack) lines.push(error.stack);
      else lines.push(`${this.c.dim("hint")}: re-run with --verbose to see the stack trace.`);
    }
    this.err.write(`${redact(lines.join("\n"))}\n`);
    return cli.exitCode;
  }

  private handle(event: ProgressEvent): void {
    if (this.mode === "json") {
      if (event.type === "log" && event.level === "debug" && !this.verbose) return;
      this.err.write(`${redact(JSON.stringify({ time: this.now().toISOString(), ...event }))}\n`);
      return;
    }
    if (event.type === "log") {
      if (event.level === "debug" && !this.verbose) return;
      if (event.level === "info" && this.quiet) return;
      const label =
        event.level === "warn"
          ? this.c.yellow("warning")
          : event.level === "debug"
            ? this.c.dim("debug")
            : "";
      this.line(label ? `${label}: ${event.message}` : event.message);
      return;
    }
    if (this.quiet) return;
    if (event.type === "step") this.handleStep(event);
    else this.handleProgress(event);
  }

  private handleStep(event: Extract<ProgressEvent, { type: "step" }>): void {
    const text = event.detail ? `${event.title} ${this.c.dim(`(${event.detail})`)}` : event.title;
    if (this.mode === "tty" && this.ora) {
      let spinner = this.spinners.get(event.id);
      if (event.status === "start") {
        spinner?.stop();
        spinner = this.ora({ text, stream: this.err, color: "cyan" }).start();
        this.spinners.set(event.id, spinner);
        return;
      }
      if (spinner) {
        if (event.status === "done") spinner.succeed(text);
        else if (event.status === "fail") spinner.fail(text);
        else spinner.info(text);
        this.spinners.delete(event.id);
        return;
      }
    }
    // Plain lines: one per finished step (a start line would double every step in logs).
    if (event.status === "start") return;
    const mark =
      event.status === "done"
        ? this.c.green("✓")
        : event.status === "fail"
          ? this.c.red("✗")
          : this.c.dim("-");
    this.line(`${mark} ${text}`);
  }

  private handleProgress(event: Extract<ProgressEvent, { type: "progress" }>): void {
    const amount = (n: number) => (event.unit === "bytes" ? formatBytes(n) : String(n));
    const of =
      event.total !== undefined ? `${amount(event.current)}/${amount(event.total)}` : amount(event.current);
    if (this.mode === "tty" && this.ora) {
      const bar = event.total ? ` ${progressBar(event.current / event.total, 24)}` : "";
      let spinner = this.spinners.get(event.id);
      if (!spinner) {
        spinner = this.ora({ text: "", stream: this.err, color: "cyan" }).start();
        this.spinners.set(event.id, spinner);
      }
      spinner.text = `${event.title}${bar} ${of}`;
      if (event.total !== undefined && event.current >= event.total) {
        spinner.succeed(`${event.title} ${amount(event.total)}`);
        this.spinners.delete(event.id);
      }
      return;
    }
    // Plain mode: one line per quarter (and the end), at most one every 2 s in between.
    const fraction = event.total ? event.current / event.total : 0;
    const bucket = event.total ? Math.floor(fraction * 4) : 0;
    const last = this.lastProgress.get(event.id);
    const at = this.now().getTime();
    const finished = event.total !== undefined && event.current >= event.total;
    if (last && !finished && bucket === last.bucket && at - last.at < 2000) return;
    this.lastProgress.set(event.id, { at, bucket });
    const pct = event.total ? ` ${Math.floor(fraction * 100)}%` : "";
    this.line(`${event.title} ${of}${pct}`);
  }

  private line(text: string): void {
    const clean = redact(text);
    if (this.mode === "tty") {
      const active = [...this.spinners.values()];
      for (const s of active) s.stop();
      this.err.write(`${clean}\n`);
      for (const s of active) s.start();
      return;
    }
    this.err.write(`${timestamp(this.now())} ${clean}\n`);
  }

  private stopSpinners(failed = false): void {
    for (const s of this.spinners.values()) {
      if (failed) s.fail();
      else s.stop();
    }
    this.spinners.clear();
  }
}

export function toCliError(error: unknown): CliError {
  if (isCliError(error)) return error;
  // Ctrl-C at an @inquirer/prompts question.
  if (error instanceof Error && error.name === "ExitPromptError") {
    return new CliError("INTERRUPTED", "Interrupted.", { exitCode: ExitCode.Interrupted });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError("UNEXPECTED", `unexpected error: ${message}`, { exitCode: ExitCode.ChecksFailed });
}

function timestamp(d: Date): string {
  return `[${d.toISOString().slice(11, 19)}]`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function progressBar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`;
}
