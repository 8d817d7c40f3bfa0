/** The two platforms an image can target, and their OCI spellings. */

export const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface PlatformSpec {
  os: "linux";
  architecture: "amd64" | "arm64";
}

export function isPlatform(value: unknown): value is Platform {
  return typeof value === "string" && (PLATFORMS as readonly string[]).includes(value);
}

/** `linux/arm64` → `{ os: "linux", architecture: "arm64" }`. */
export function platformSpec(platform: Platform): PlatformSpec {
  return { os: "linux", architecture: platform === "linux/arm64" ? "arm64" : "amd64" };
}

/** Whether an OCI platform object (from an index or a config) is `platform`. */
export function matchesPlatform(value: unknown, platform: Platform): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { os?: unknown; architecture?: unknown; variant?: unknown };
  const want = platformSpec(platform);
  if (v.os !== want.os || v.architecture !== want.architecture) return false;
  // arm64 images may say variant v8 (or nothing); anything else is another CPU.
  return v.variant === undefined || v.variant === "" || (want.architecture === "arm64" && v.variant === "v8");
}
