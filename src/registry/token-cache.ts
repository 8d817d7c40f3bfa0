import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../project/files.js";
import { registerSecret } from "../ui/redact.js";

/**
 * ECR registry credentials kept between runs (in the user cache directory, mode 0600), so that a
 * re-push of an unchanged image needs one registry request and no AWS API call.
 *
 * An ECR token lives 12 hours. Validity counts from when the token was obtained (11 hours, a margin
 * for clock skew), capped by the token's own `expiresAt` when that lies after it was obtained (moto
 * reports an expiry in 2015; real ECR the true one). A registry that refuses a cached token gets it
 * dropped, and the caller takes the full path.
 */
export interface CachedRegistryCredentials {
  registryId: string;
  username: string;
  password: string;
  /** Epoch ms. */
  obtainedAt: number;
  /** Epoch ms, when ECR said. */
  expiresAt?: number;
  /** `<repository>:<tag>` → the manifest digest this machine last pushed there with these credentials. */
  pushed?: Record<string, string>;
}

const LIFETIME_MS = 11 * 60 * 60 * 1000;
const MARGIN_MS = 5 * 60 * 1000;
const FILE = "ecr-credentials.json";

export class TokenCache {
  private constructor(
    private readonly file: string,
    private entries: Record<string, CachedRegistryCredentials>,
  ) {}

  static async open(cacheDir: string): Promise<TokenCache> {
    const file = path.join(cacheDir, FILE);
    let entries: Record<string, CachedRegistryCredentials> = {};
    try {
      const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        entries = parsed as Record<string, CachedRegistryCredentials>;
      }
    } catch {
      // absent or unreadable: an empty cache
    }
    return new TokenCache(file, entries);
  }

  /** A still-valid entry, or undefined. */
  get(key: string, now = Date.now()): CachedRegistryCredentials | undefined {
    const e = this.entries[key];
    if (!e || typeof e.password !== "string" || typeof e.obtainedAt !== "number") return undefined;
    let until = e.obtainedAt + LIFETIME_MS;
    if (e.expiresAt !== undefined && e.expiresAt > e.obtainedAt)
      until = Math.min(until, e.expiresAt - MARGIN_MS);
    if (now >= until) return undefined;
    registerSecret(e.password);
    return e;
  }

  /** Stores fresh credentials, keeping what was recorded as pushed with the previous ones. */
  async set(key: string, entry: CachedRegistryCredentials): Promise<void> {
    const pushed = this.entries[key]?.registryId === entry.registryId ? this.entries[key]?.pushed : undefined;
    this.entries[key] = { ...(pushed ? { pushed } : {}), ...entry };
    await this.save();
  }

  /** Records that `<repository>:<tag>` now holds `digest` (after a verified push). */
  async recordPush(key: string, repositoryTag: string, digest: string): Promise<void> {
    const e = this.entries[key];
    if (!e) return;
    e.pushed = { ...e.pushed, [repositoryTag]: digest };
    await this.save();
  }

  async delete(key: string): Promise<void> {
    if (!(key in this.entries)) return;
    delete this.entries[key];
    await this.save();
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(this.entries)}\n`, 0o600);
  }
}
