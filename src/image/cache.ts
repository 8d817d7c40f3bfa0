/**
 * The user cache directory of connectorkit: `$XDG_CACHE_HOME/connectorkit`, else
 * `~/.cache/connectorkit`. Base images are cached content-addressed below `images/`.
 */
import os from "node:os";
import path from "node:path";

/** `$XDG_CACHE_HOME/connectorkit` (an absolute XDG_CACHE_HOME only, as the spec says) or `~/.cache/connectorkit`. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "connectorkit");
  return path.join(home, ".cache", "connectorkit");
}

/** Where pulled base images live: blobs under `<dir>/blobs/sha256/<hex>`. */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env, home?: string): string {
  return path.join(userCacheDir(env, home), "images");
}
