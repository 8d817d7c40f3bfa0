import type { ProgressListener } from "../ui/reporter.js";

/** The outcome of one conformance check (`connector test`). */
export interface CheckResult {
  /** Stable id, e.g. `config.shape`, `reads.paging.Contact` (entity-specific checks end in `.Entity`). */
  id: string;
  title: string;
  /** Check family: configuration, credentials, metadata, reads, writes, errors, glue.* */
  family: string;
  status: "pass" | "fail" | "skip";
  /** Why it failed or was skipped, written so a developer can act on it. */
  reason?: string;
  /**
   * A skip because the check does not apply to this connector (a Spark check on a JDBC driver, a
   * write check on a source-only connector). `--strict` fails only the other skips: checks that
   * could not run.
   */
  notApplicable?: boolean;
  durationMs: number;
  /** Machine-readable extras (offending fields, sample records), never secrets. */
  details?: Record<string, unknown>;
}

/** A check in the catalogue (docs/test.md lists them all). */
export interface CheckInfo {
  id: string;
  title: string;
  family: string;
}

export interface SuiteOptions {
  /** Run only these check ids (prefix match: `reads` selects every reads.* check). */
  only?: string[];
  skip?: string[];
  entities?: string[];
  /** Stop at the first failure. */
  bail?: boolean;
  onEvent?: ProgressListener;
}

/** True when `id` is selected by `--only`/`--skip` patterns (exact id, or a prefix up to a dot). */
export function selected(id: string, options: Pick<SuiteOptions, "only" | "skip">): boolean {
  const matches = (pattern: string) => id === pattern || id.startsWith(`${pattern}.`);
  if (options.only && options.only.length > 0 && !options.only.some(matches)) return false;
  if (options.skip?.some(matches)) return false;
  return true;
}
