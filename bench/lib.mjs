// Shared helpers for the benchmarks: wall time of fresh processes, medians, one JSON line out.
import { spawnSync } from "node:child_process";

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall time (ms) of one run of `cmd args`, which must exit 0. */
export function timeProcess(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * Times `subject` and `baseline` alternately (so machine noise hits both alike) and returns
 * their medians and ratio.
 */
export function compareProcesses(subject, baseline, runs = 15) {
  const a = [];
  const b = [];
  timeProcess(...subject); // warm the file cache
  timeProcess(...baseline);
  for (let i = 0; i < runs; i++) {
    a.push(timeProcess(...subject));
    b.push(timeProcess(...baseline));
  }
  const subjectMs = median(a);
  const baselineMs = median(b);
  return {
    subjectMs: round(subjectMs),
    baselineMs: round(baselineMs),
    ratio: round(subjectMs / baselineMs, 3),
  };
}

export function round(n, digits = 2) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
