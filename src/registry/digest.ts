import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** `sha256:<64 hex>`, the only algorithm registries and our layouts use. */
export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is string {
  return typeof value === "string" && DIGEST_RE.test(value);
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The hex part of a sha256 digest. */
export function digestHex(digest: string): string {
  return digest.slice("sha256:".length);
}

/** Streams a file through sha256 (constant memory). */
export async function sha256File(file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}

/** Short form for messages: `sha256:0123456789ab`. */
export function shortDigest(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}
