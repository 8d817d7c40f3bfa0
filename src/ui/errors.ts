/**
 * Exit codes of the `connector` command (docs/exit-codes.md).
 * 0 ok; 1 checks failed; 2 usage, config or input error; 3 AWS or authentication error;
 * 4 network or registry error; 130 interrupted.
 */
export const ExitCode = {
  Ok: 0,
  ChecksFailed: 1,
  Usage: 2,
  Aws: 3,
  Network: 4,
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  /** What to do about it: one sentence, shown after the message. */
  hint?: string;
  /** Process exit code; defaults to 2 (usage, config or input error). */
  exitCode?: ExitCodeValue;
  /** Extra machine-readable details for `--json` (never secrets). */
  details?: Record<string, unknown>;
  /** Extra lines for humans only (e.g. the input with a caret under the error); not in --json. */
  context?: string;
  cause?: unknown;
}

/**
 * An error meant for the user: a stable `code` (for scripts), a message that says what was
 * wrong and where, a hint that says how to fix it, and the exit code.
 */
export class CliError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  readonly details: Record<string, unknown> | undefined;
  readonly context: string | undefined;

  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Usage;
    this.details = options.details;
    this.context = options.context;
  }
}

export function isCliError(value: unknown): value is CliError {
  return value instanceof CliError;
}
