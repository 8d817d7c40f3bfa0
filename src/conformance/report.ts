import type { CheckResult } from "./types.js";

export interface SuiteSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Skips of checks that apply but could not run (they fail under --strict). */
  skippedApplicable: number;
  total: number;
  durationMs: number;
}

/** Whether a result counts as a failure (with --strict, skips of applicable checks do). */
export function counts(r: CheckResult, strict: boolean): boolean {
  return r.status === "fail" || (strict && r.status === "skip" && !r.notApplicable);
}

export function summarize(results: CheckResult[], durationMs: number): SuiteSummary {
  const count = (s: CheckResult["status"]) => results.filter((r) => r.status === s).length;
  return {
    passed: count("pass"),
    failed: count("fail"),
    skipped: count("skip"),
    skippedApplicable: results.filter((r) => r.status === "skip" && !r.notApplicable).length,
    total: results.length,
    durationMs,
  };
}

function xml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

/** JUnit XML (the dialect CI systems read): one testcase per check, grouped by family. */
export function toJunit(
  results: CheckResult[],
  options: { name: string; durationMs: number; strict?: boolean },
): string {
  const families = [...new Set(results.map((r) => r.family))];
  const suites = families.map((family) => {
    const rs = results.filter((r) => r.family === family);
    const failures = rs.filter((r) => counts(r, Boolean(options.strict))).length;
    const skipped = rs.filter((r) => r.status === "skip" && !counts(r, Boolean(options.strict))).length;
    const time = rs.reduce((t, r) => t + r.durationMs, 0) / 1000;
    const cases = rs.map((r) => {
      const open = `    <testcase classname="${xml(`${options.name}.${family}`)}" name="${xml(`${r.id}: ${r.title}`)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (counts(r, Boolean(options.strict))) {
        const msg =
          r.reason ?? (r.status === "skip" ? "skipped (counts as a failure with --strict)" : "failed");
        return `${open}>\n      <failure message="${xml(msg)}">${xml(msg)}</failure>\n    </testcase>`;
      }
      if (r.status === "skip")
        return `${open}>\n      <skipped message="${xml(r.reason ?? "skipped")}"/>\n    </testcase>`;
      return `${open}/>`;
    });
    return `  <testsuite name="${xml(`${options.name}.${family}`)}" tests="${rs.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const s = summarize(results, options.durationMs);
  const failures = s.failed + (options.strict ? s.skippedApplicable : 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(options.name)}" tests="${s.total}" failures="${failures}" errors="0" time="${(options.durationMs / 1000).toFixed(3)}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** The human summary printed after the progress lines. */
export function humanSummary(results: CheckResult[], summary: SuiteSummary, strict: boolean): string {
  const lines: string[] = [];
  const failed = results.filter((r) => counts(r, strict));
  if (failed.length > 0) {
    lines.push("Failed:");
    for (const r of failed)
      lines.push(
        `  ✗ ${r.id} — ${r.title}\n      ${r.reason ?? (r.status === "skip" ? "skipped (--strict)" : "")}`,
      );
    lines.push("");
  }
  const skipped = results.filter((r) => r.status === "skip" && !counts(r, strict));
  if (skipped.length > 0) {
    lines.push(`Skipped: ${skipped.map((r) => `${r.id} (${r.reason ?? "n/a"})`).join("; ")}`);
    lines.push("");
  }
  lines.push(
    `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped in ${(summary.durationMs / 1000).toFixed(2)} s`,
  );
  return lines.join("\n");
}
