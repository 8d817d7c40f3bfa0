import type { ProgressListener } from "../ui/reporter.js";
import type { RegistryClient } from "./client.js";
import { shortDigest } from "./digest.js";
import { registryError } from "./errors.js";
import type { LayoutBlob, LayoutImage } from "./layout.js";
import type { PushedRecord } from "./record.js";

/**
 * Pushes one image from an OCI layout to a repository: HEAD every blob, mount or upload the
 * missing ones (bounded concurrency, streamed from disk), then PUT the manifest, and only after
 * every blob is in place. A re-run after an interruption uploads only what is still missing.
 */

export interface PushImageOptions {
  client: RegistryClient;
  repository: string;
  /** Tag to put the manifest under. */
  tag: string;
  image: LayoutImage;
  /** Parallel blob uploads (default 4). */
  concurrency?: number;
  /** Where blobs went before (cross-repository mounts); updated after the push. */
  record?: PushedRecord;
  /** The key of this registry in the record (default: the client's host). */
  recordKey?: string;
  onEvent?: ProgressListener;
}

export interface PushImageResult {
  digest: string;
  mediaType: string;
  uploaded: string[];
  skipped: string[];
  mounted: string[];
  bytesUploaded: number;
  bytesSkipped: number;
}

/** Runs `fn` over `items`, `limit` at a time; after a failure no new item starts. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

/** Emits byte progress at most every `intervalMs`, and always at the end. */
export function byteProgress(
  onEvent: ProgressListener | undefined,
  id: string,
  title: string,
  total: number,
  intervalMs = 200,
) {
  let current = 0;
  let last = 0;
  const emit = (force: boolean) => {
    const now = Date.now();
    if (!onEvent || (!force && now - last < intervalMs)) return;
    last = now;
    onEvent({ type: "progress", id, title, current: Math.max(0, current), total, unit: "bytes" });
  };
  return {
    add(n: number) {
      current += n;
      emit(current >= total);
    },
    start() {
      emit(true);
    },
    get current() {
      return current;
    },
  };
}

export async function pushImage(options: PushImageOptions): Promise<PushImageResult> {
  const { client, repository, image, onEvent } = options;
  const recordKey = options.recordKey ?? client.host;
  const where = { host: client.host, repository };
  const present = new Map<string, boolean>();
  onEvent?.({
    type: "step",
    id: "blobs-check",
    status: "start",
    title: `Checking ${image.blobs.length} blobs in ${repository}`,
  });
  try {
    await forEachLimit(image.blobs, 8, async (b) => {
      present.set(b.digest, await client.blobExists(repository, b.digest));
    });
  } catch (error) {
    onEvent?.({ type: "step", id: "blobs-check", status: "fail", title: "Checking blobs" });
    throw registryError(error, where);
  }
  const missing = image.blobs.filter((b) => !present.get(b.digest));
  const skipped = image.blobs.filter((b) => present.get(b.digest));
  onEvent?.({
    type: "step",
    id: "blobs-check",
    status: "done",
    title: `${skipped.length} of ${image.blobs.length} blobs already in ${repository}`,
  });

  const uploaded: LayoutBlob[] = [];
  const mounted: LayoutBlob[] = [];
  const totalMissing = missing.reduce((n, b) => n + b.size, 0);
  const progress = byteProgress(
    onEvent,
    "upload",
    `Uploading ${missing.length} blob${missing.length === 1 ? "" : "s"}`,
    totalMissing,
  );
  if (missing.length > 0) progress.start();
  try {
    await forEachLimit(missing, Math.max(1, options.concurrency ?? 4), async (blob) => {
      let session: URL | undefined;
      for (const from of options.record?.candidates(recordKey, blob.digest, repository) ?? []) {
        const r = await client.mountBlob(repository, blob.digest, from);
        if (r === "mounted") {
          mounted.push(blob);
          progress.add(blob.size);
          onEvent?.({
            type: "log",
            level: "debug",
            message: `mounted ${shortDigest(blob.digest)} from ${from}`,
          });
          return;
        }
        if (r) {
          session = r;
          break;
        }
      }
      await client.uploadBlob(repository, blob, {
        onBytes: (n) => progress.add(n),
        onRestart: (sent) => progress.add(-sent),
        ...(session ? { session } : {}),
      });
      uploaded.push(blob);
      onEvent?.({
        type: "log",
        level: "debug",
        message: `uploaded ${shortDigest(blob.digest)} (${blob.size} bytes)`,
      });
    });
  } catch (error) {
    await remember(options, recordKey, [...skipped, ...uploaded, ...mounted]);
    throw registryError(error, where);
  }

  onEvent?.({
    type: "step",
    id: "manifest",
    status: "start",
    title: `Putting the manifest as ${options.tag}`,
  });
  let digest: string;
  try {
    digest = await client.putManifest(repository, options.tag, image.manifestBytes, image.mediaType);
  } catch (error) {
    onEvent?.({ type: "step", id: "manifest", status: "fail", title: "Putting the manifest" });
    await remember(options, recordKey, image.blobs);
    throw registryError(error, where);
  }
  onEvent?.({ type: "step", id: "manifest", status: "done", title: `Tagged ${options.tag}` });
  await remember(options, recordKey, image.blobs);
  if (digest !== image.digest) {
    onEvent?.({
      type: "log",
      level: "warn",
      message: `the registry reports digest ${digest}, the layout ${image.digest}`,
    });
  }
  return {
    digest: image.digest,
    mediaType: image.mediaType,
    uploaded: uploaded.map((b) => b.digest),
    skipped: skipped.map((b) => b.digest),
    mounted: mounted.map((b) => b.digest),
    bytesUploaded: uploaded.reduce((n, b) => n + b.size, 0),
    bytesSkipped: [...skipped, ...mounted].reduce((n, b) => n + b.size, 0),
  };
}

async function remember(options: PushImageOptions, key: string, blobs: LayoutBlob[]): Promise<void> {
  if (!options.record || blobs.length === 0) return;
  options.record.add(
    key,
    options.repository,
    blobs.map((b) => b.digest),
  );
  try {
    await options.record.save();
  } catch (error) {
    options.onEvent?.({
      type: "log",
      level: "debug",
      message: `could not save the push record: ${(error as Error).message}`,
    });
  }
}
