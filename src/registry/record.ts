import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../project/files.js";

/**
 * `<cacheDir>/pushed.json`: which repositories of which registry received which blobs, so that a
 * later push to another repository of the same registry can mount a blob instead of uploading
 * it. A hint only: a stale entry costs one refused mount, then a normal upload.
 */

export const PUSHED_RECORD = "pushed.json";

const MAX_DIGESTS_PER_REGISTRY = 4000;
const MAX_REPOS_PER_DIGEST = 8;

interface RecordFile {
  version: 1;
  /** registry host → digest → repositories, most recent last. */
  registries: Record<string, Record<string, string[]>>;
}

export class PushedRecord {
  private constructor(
    private readonly file: string,
    private readonly data: RecordFile,
  ) {}

  static async open(cacheDir: string): Promise<PushedRecord> {
    const file = path.join(cacheDir, PUSHED_RECORD);
    let data: RecordFile = { version: 1, registries: {} };
    try {
      const doc = JSON.parse(await readFile(file, "utf8")) as Partial<RecordFile>;
      if (doc.version === 1 && typeof doc.registries === "object" && doc.registries !== null) {
        data = { version: 1, registries: doc.registries };
      }
    } catch {
      // missing or unreadable: start empty
    }
    return new PushedRecord(file, data);
  }

  /** Other repositories of `registry` that received `digest`, most recent first. */
  candidates(registry: string, digest: string, exclude: string): string[] {
    const repos = this.data.registries[registry]?.[digest] ?? [];
    return repos.filter((r) => r !== exclude).reverse();
  }

  add(registry: string, repository: string, digests: Iterable<string>): void {
    const reg = this.data.registries[registry] ?? {};
    this.data.registries[registry] = reg;
    for (const d of digests) {
      const repos = (reg[d] ?? []).filter((r) => r !== repository);
      repos.push(repository);
      delete reg[d];
      reg[d] = repos.slice(-MAX_REPOS_PER_DIGEST);
    }
    const keys = Object.keys(reg);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_DIGESTS_PER_REGISTRY))) delete reg[k];
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(this.data)}\n`);
  }
}
