/**
 * The image config: what the base image says (Env, Entrypoint, WorkingDir, …), with our Cmd and
 * WorkingDir, the platform, `rootfs.diff_ids` (base + ours) and one history entry per layer. No
 * field holds the build time: `created` is the epoch or SOURCE_DATE_EPOCH, so the same inputs
 * always give the same bytes.
 */
import { type Platform, platformSpec } from "./platform.js";

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface NewLayerRecord {
  diffId: string;
  /** History `created_by`, e.g. `connectorkit 0.1.0: bundle in /var/task`. */
  createdBy: string;
}

export interface BuildImageConfigOptions {
  /** The base image's config, or undefined for an image without a base. */
  base?: Record<string, unknown> | undefined;
  platform: Platform;
  /** RFC 3339 time used for `created` and our history entries. */
  created: string;
  layers: NewLayerRecord[];
  cmd?: string[];
  workingDir?: string;
  /** Variables set (or replaced) in Env, in this order after the base's. */
  env?: Record<string, string>;
  /** `created_by` of history entries added for base layers that have none. */
  baseHistoryCreatedBy?: string;
}

/** Builds the config object; serialise it once with `jsonBlob` and hash those bytes. */
export function buildImageConfig(options: BuildImageConfigOptions): Record<string, unknown> {
  const base = options.base ?? {};
  const baseRunConfig = isRecord(base.config) ? base.config : {};
  const baseRootfs = isRecord(base.rootfs) ? base.rootfs : {};
  const baseDiffIds = Array.isArray(baseRootfs.diff_ids) ? (baseRootfs.diff_ids as string[]) : [];
  const baseHistory = Array.isArray(base.history) ? (base.history as HistoryEntry[]) : [];

  const runConfig: Record<string, unknown> = { ...baseRunConfig };
  if (options.env && Object.keys(options.env).length > 0) {
    runConfig.Env = mergeEnv(Array.isArray(runConfig.Env) ? (runConfig.Env as string[]) : [], options.env);
  }
  if (options.cmd) runConfig.Cmd = options.cmd;
  if (options.workingDir) runConfig.WorkingDir = options.workingDir;

  // Every layer needs a history entry (Lambda has been seen rejecting images without them): add
  // entries for base layers the base's history does not account for.
  const history: HistoryEntry[] = [...baseHistory];
  const counted = baseHistory.filter((h) => h.empty_layer !== true).length;
  for (let i = counted; i < baseDiffIds.length; i++) {
    history.push({
      created: options.created,
      created_by: options.baseHistoryCreatedBy ?? "base image layer",
    });
  }
  for (const layer of options.layers) {
    history.push({ created: options.created, created_by: layer.createdBy });
  }

  const spec = platformSpec(options.platform);
  const variant = typeof base.variant === "string" && base.variant !== "" ? base.variant : undefined;
  return {
    created: options.created,
    architecture: spec.architecture,
    ...(variant ? { variant } : {}),
    os: spec.os,
    config: runConfig,
    rootfs: { type: "layers", diff_ids: [...baseDiffIds, ...options.layers.map((l) => l.diffId)] },
    history,
  };
}

/** Base Env with `set` applied: existing keys replaced in place, new ones appended in order. */
export function mergeEnv(baseEnv: string[], set: Record<string, string>): string[] {
  const out = [...baseEnv];
  for (const [key, value] of Object.entries(set)) {
    const line = `${key}=${value}`;
    const at = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (at >= 0) out[at] = line;
    else out.push(line);
  }
  return out;
}

/** The build time the image records: SOURCE_DATE_EPOCH when set (seconds), else the epoch. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv): number {
  const raw = env.SOURCE_DATE_EPOCH?.trim();
  if (!raw) return 0;
  if (!/^\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : 0;
}

/** `0` → `1970-01-01T00:00:00Z` (no milliseconds, as Docker writes it). */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
