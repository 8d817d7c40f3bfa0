/** Minimal ANSI styling; the reporter decides whether colour is on. */
export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export const colors: Palette = {
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};

const identity = (s: string) => s;
export const noColors: Palette = {
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
  dim: identity,
  bold: identity,
};

/**
 * Colour is used only on a TTY, never when NO_COLOR is set (any non-empty value, see
 * no-color.org), never with `--no-color`, and never in CI or `--json` mode.
 */
export function shouldUseColor(opts: { isTTY: boolean; env: NodeJS.ProcessEnv; flag: boolean }): boolean {
  if (!opts.flag) return false;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== "") return false;
  if (opts.env.TERM === "dumb") return false;
  return opts.isTTY;
}
