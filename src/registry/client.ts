import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { RegistryAuth, RegistryAuthError } from "./auth.js";
import { sha256Digest } from "./digest.js";
import {
  DEFAULT_RETRY,
  discard,
  type HttpResponse,
  NetworkError,
  RegistryHttpError,
  type RequestBody,
  type RetryInfo,
  type RetryPolicy,
  readBody,
  resolveLocation,
  send,
  statusError,
  withRetry,
} from "./http.js";

/**
 * A client for one registry's `/v2/` API: blob HEAD, monolithic upload (POST then one PUT with
 * `?digest=`), cross-repository mount, manifest HEAD/GET/PUT and verified blob download. Each
 * operation retries on its own (a failed upload starts a fresh session).
 */

export interface RegistryClientOptions {
  /** `https://<host>` or, for tests and local registries, `http://127.0.0.1:<port>`. */
  baseUrl: string | URL;
  auth?: RegistryAuth;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Told about every retry (what, attempt, delay, error), e.g. to report it. */
  onRetry?: (info: RetryInfo & { what: string }) => void;
  idleTimeoutMs?: number;
}

export interface RequestOptions {
  method: string;
  url: URL;
  scopes: string[];
  headers?: Record<string, string>;
  body?: RequestBody;
  onBytes?: (n: number) => void;
  /** Follow redirects (GET/HEAD); the Authorization header is only sent to the same origin. */
  follow?: boolean;
}

export interface ManifestInfo {
  digest: string | undefined;
  mediaType: string | undefined;
  size: number | undefined;
}

export interface BlobFile {
  digest: string;
  size: number;
  path: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class RegistryClient {
  readonly baseUrl: URL;
  readonly auth: RegistryAuth;
  private readonly options: RegistryClientOptions;

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.baseUrl = new URL(options.baseUrl);
    this.auth = options.auth ?? new RegistryAuth();
  }

  private get once(): RetryPolicy {
    return { ...(this.options.retry ?? DEFAULT_RETRY), attempts: 1 };
  }

  /** The host[:port] HTTP goes to. */
  get host(): string {
    return this.baseUrl.host;
  }

  url(path: string): URL {
    return new URL(path, this.baseUrl);
  }

  /**
   * One request with authentication: the header for its scopes, and on a 401 one more try after
   * learning from the challenge. Redirects are followed when asked.
   */
  async request(options: RequestOptions): Promise<HttpResponse> {
    let url = options.url;
    for (let hop = 0; hop < 6; hop++) {
      const sameOrigin = url.origin === this.baseUrl.origin;
      let res = await this.sendOnce(options, url, sameOrigin);
      if (res.status === 401 && sameOrigin) {
        const again = await this.auth.challenge(res.headers["www-authenticate"], options.scopes);
        if (again) {
          await discard(res);
          res = await this.sendOnce(options, url, sameOrigin);
        }
      }
      if (options.follow && REDIRECTS.has(res.status)) {
        const next = resolveLocation(url, res.headers.location);
        await discard(res);
        if (!next) throw new RegistryHttpError(options.method, url, res.status, "redirect without Location");
        url = next;
        continue;
      }
      return res;
    }
    throw new RegistryHttpError(options.method, url, 310, "too many redirects");
  }

  private sendOnce(options: RequestOptions, url: URL, sameOrigin: boolean): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const authorization = sameOrigin ? this.auth.header(options.scopes) : undefined;
    if (authorization) headers.authorization = authorization;
    return send({
      method: options.method,
      url,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.options.idleTimeoutMs ? { idleTimeoutMs: this.options.idleTimeoutMs } : {}),
    });
  }

  retrying<T>(what: string, fn: (attempt: number) => Promise<T>, policy?: RetryPolicy): Promise<T> {
    const p = policy ?? this.options.retry;
    return withRetry(fn, {
      ...(p ? { policy: p } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      onRetry: (info) => this.options.onRetry?.({ ...info, what }),
    });
  }

  /** `/v2/` answers (with our credentials): a cheap check of address and authentication. */
  async ping(): Promise<void> {
    await this.retrying("GET /v2/", async () => {
      const res = await this.request({ method: "GET", url: this.url("/v2/"), scopes: [] });
      if (res.status !== 200) throw await statusError("GET", res);
      await discard(res);
    });
  }

  async blobExists(repository: string, digest: string, policy?: RetryPolicy): Promise<boolean> {
    return this.retrying(
      `HEAD blob ${digest}`,
      async () => {
        const res = await this.request({
          method: "HEAD",
          url: this.url(`/v2/${repository}/blobs/${digest}`),
          scopes: [pullPush(repository)],
          follow: true,
        });
        await discard(res);
        if (res.status === 200) return true;
        if (res.status === 404) return false;
        throw await statusError("HEAD", res);
      },
      policy,
    );
  }

  /**
   * Asks the registry to mount a blob from another repository. Returns "mounted", the upload
   * session it opened instead (202), or undefined when mounting is not possible here.
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<"mounted" | URL | undefined> {
    const url = this.url(`/v2/${repository}/blobs/uploads/`);
    url.searchParams.set("mount", digest);
    url.searchParams.set("from", from);
    try {
      return await this.retrying(`mount ${digest}`, async () => {
        const res = await this.request({
          method: "POST",
          url,
          scopes: [pullPush(repository), `repository:${from}:pull`],
        });
        if (res.status === 201) {
          await discard(res);
          return "mounted" as const;
        }
        if (res.status === 202) {
          await discard(res);
          return resolveLocation(url, res.headers.location);
        }
        throw await statusError("POST", res);
      });
    } catch (error) {
      // Refused (no pull right on the source, mounts unsupported, …): upload the blob instead.
      if (error instanceof RegistryHttpError && error.status < 500) return undefined;
      if (error instanceof RegistryAuthError) return undefined;
      throw error;
    }
  }

  /** Opens an upload session; returns its Location. */
  async startUpload(repository: string): Promise<URL> {
    const url = this.url(`/v2/${repository}/blobs/uploads/`);
    const res = await this.request({ method: "POST", url, scopes: [pullPush(repository)] });
    if (res.status !== 202) throw await statusError("POST", res);
    await discard(res);
    const location = resolveLocation(url, res.headers.location);
    if (!location) throw new RegistryHttpError("POST", url, 202, "upload session without Location");
    return location;
  }

  /**
   * Uploads a blob from disk monolithically: POST a session, PUT the whole body with `?digest=`.
   * Each retry opens a fresh session (and first checks whether the blob landed after all).
   * `onBytes` gets every chunk sent; `onRestart` the bytes of a failed attempt to take back.
   */
  async uploadBlob(
    repository: string,
    blob: BlobFile,
    hooks: { onBytes?: (n: number) => void; onRestart?: (sent: number) => void; session?: URL } = {},
  ): Promise<void> {
    await this.retrying(`upload ${blob.digest}`, async (attempt) => {
      // After a failure the blob may have landed anyway; one quick look (no nested retries).
      if (attempt > 1 && (await this.blobExists(repository, blob.digest, this.once).catch(() => false)))
        return;
      const location = attempt === 1 && hooks.session ? hooks.session : await this.startUpload(repository);
      location.searchParams.set("digest", blob.digest);
      let sent = 0;
      try {
        const res = await this.request({
          method: "PUT",
          url: location,
          scopes: [pullPush(repository)],
          headers: { "content-type": "application/octet-stream" },
          body: { file: blob.path, size: blob.size },
          onBytes: (n) => {
            sent += n;
            hooks.onBytes?.(n);
          },
        });
        if (res.status !== 201 && res.status !== 204) throw await statusError("PUT", res);
        await discard(res);
      } catch (error) {
        if (sent > 0) hooks.onRestart?.(sent);
        throw error;
      }
    });
  }

  async headManifest(
    repository: string,
    reference: string,
    accept: string,
    policy?: RetryPolicy,
  ): Promise<ManifestInfo | undefined> {
    return this.retrying(
      `HEAD manifest ${reference}`,
      async () => {
        const res = await this.request({
          method: "HEAD",
          url: this.url(`/v2/${repository}/manifests/${reference}`),
          scopes: [`repository:${repository}:pull`],
          headers: { accept },
        });
        await discard(res);
        if (res.status === 404) return undefined;
        if (res.status !== 200) throw await statusError("HEAD", res);
        return manifestInfo(res);
      },
      policy,
    );
  }

  async getManifest(
    repository: string,
    reference: string,
    accept: string,
    policy?: RetryPolicy,
  ): Promise<{ bytes: Buffer; info: ManifestInfo }> {
    return this.retrying(
      `GET manifest ${reference}`,
      async () => {
        const res = await this.request({
          method: "GET",
          url: this.url(`/v2/${repository}/manifests/${reference}`),
          scopes: [`repository:${repository}:pull`],
          headers: { accept },
          follow: true,
        });
        if (res.status !== 200) throw await statusError("GET", res);
        const bytes = await readBody(res);
        return { bytes, info: manifestInfo(res) };
      },
      policy,
    );
  }

  /** PUTs the exact manifest bytes; returns the registry's digest (or the computed one). */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    return this.retrying(`PUT manifest ${reference}`, async () => {
      const res = await this.request({
        method: "PUT",
        url: this.url(`/v2/${repository}/manifests/${reference}`),
        scopes: [pullPush(repository)],
        headers: { "content-type": mediaType },
        body: bytes,
      });
      if (res.status !== 201 && res.status !== 200) throw await statusError("PUT", res);
      await discard(res);
      const header = res.headers["docker-content-digest"];
      return (Array.isArray(header) ? header[0] : header) ?? sha256Digest(bytes);
    });
  }

  /**
   * Downloads a blob to `dest`, verifying size and sha256 on the way; writes to a temporary name
   * and renames, so `dest` only ever holds verified content.
   */
  async downloadBlob(
    repository: string,
    blob: { digest: string; size?: number },
    dest: string,
    hooks: { onBytes?: (n: number) => void; onRestart?: (got: number) => void } = {},
  ): Promise<void> {
    await this.retrying(`GET blob ${blob.digest}`, async () => {
      const res = await this.request({
        method: "GET",
        url: this.url(`/v2/${repository}/blobs/${blob.digest}`),
        scopes: [`repository:${repository}:pull`],
        follow: true,
      });
      if (res.status !== 200) throw await statusError("GET", res);
      const tmp = `${dest}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      const hash = createHash("sha256");
      let got = 0;
      try {
        await pipeline(
          res.stream,
          async function* (src: AsyncIterable<Buffer>) {
            for await (const chunk of src) {
              got += chunk.length;
              hash.update(chunk);
              hooks.onBytes?.(chunk.length);
              yield chunk;
            }
          },
          createWriteStream(tmp, { mode: 0o644 }),
        );
      } catch (error) {
        await rm(tmp, { force: true });
        if (got > 0) hooks.onRestart?.(got);
        const e = error as { code?: string };
        if (e.code?.startsWith("E") && !["EACCES", "ENOSPC", "EROFS", "ENOENT"].includes(e.code)) {
          throw new NetworkError("GET", res.url, error);
        }
        throw error;
      }
      const digest = `sha256:${hash.digest("hex")}`;
      if (digest !== blob.digest || (blob.size !== undefined && got !== blob.size)) {
        await rm(tmp, { force: true });
        if (got > 0) hooks.onRestart?.(got);
        throw new RegistryHttpError(
          "GET",
          res.url,
          502,
          JSON.stringify({
            errors: [
              {
                code: "DIGEST_MISMATCH",
                message: `blob content does not match ${blob.digest} (got ${got} bytes, ${digest})`,
              },
            ],
          }),
        );
      }
      await rename(tmp, dest);
    });
  }
}

export function pullPush(repository: string): string {
  return `repository:${repository}:pull,push`;
}

function manifestInfo(res: HttpResponse): ManifestInfo {
  const digest = res.headers["docker-content-digest"];
  const type = res.headers["content-type"];
  const length = res.headers["content-length"];
  return {
    digest: Array.isArray(digest) ? digest[0] : digest,
    mediaType: type?.split(";")[0]?.trim(),
    size: length !== undefined ? Number(length) : undefined,
  };
}
