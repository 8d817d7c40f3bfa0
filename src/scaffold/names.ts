/**
 * Name rules for new projects. Each check returns `undefined` when the name is fine, or a message
 * that states the rule, so the user sees what to change.
 */

/** AppFlow's connector-label rule (RegisterConnector): ^[a-zA-Z0-9][\w!@#.-]+$, at most 256. */
export const APPFLOW_LABEL_PATTERN = /^[a-zA-Z0-9][\w!@#.-]+$/;
export const APPFLOW_LABEL_RULE =
  "an AppFlow label starts with a letter or digit, continues with letters, digits, _ ! @ # . or -, " +
  "has 2 to 256 characters and no spaces (pattern ^[a-zA-Z0-9][\\w!@#.-]+$)";

export function checkAppflowLabel(label: string): string | undefined {
  if (label.length > 256 || !APPFLOW_LABEL_PATTERN.test(label)) {
    return `"${label}" is not a valid AppFlow connector label: ${APPFLOW_LABEL_RULE}.`;
  }
  return undefined;
}

const NODE_BUILTINS = new Set([
  "assert",
  "buffer",
  "child_process",
  "cluster",
  "console",
  "constants",
  "crypto",
  "dgram",
  "dns",
  "domain",
  "events",
  "fs",
  "http",
  "https",
  "module",
  "net",
  "os",
  "path",
  "process",
  "punycode",
  "querystring",
  "readline",
  "repl",
  "stream",
  "string_decoder",
  "sys",
  "timers",
  "tls",
  "tty",
  "url",
  "util",
  "v8",
  "vm",
  "worker_threads",
  "zlib",
  "http2",
  "inspector",
  "perf_hooks",
  "async_hooks",
  "trace_events",
  "wasi",
  "diagnostics_channel",
  "test",
]);

export const NPM_NAME_RULE =
  "an npm package name is lower case, at most 214 characters, does not start with . or _, has no spaces " +
  "and only URL-safe characters (letters, digits, - . _ ~), optionally with an @scope/ prefix, and is not a " +
  "Node.js core module name";

/** npm's package-name rules for new packages. */
export function checkNpmName(name: string): string | undefined {
  const fail = (why: string) => `"${name}" is not a valid npm package name (${why}): ${NPM_NAME_RULE}.`;
  if (name.length === 0) return fail("empty");
  if (name.length > 214) return fail("longer than 214 characters");
  if (name !== name.trim()) return fail("leading or trailing spaces");
  if (name.toLowerCase() !== name) return fail("upper-case letters");
  const m = /^(?:@([^/]+)\/)?(.+)$/.exec(name);
  const scope = m?.[1];
  const bare = m?.[2] ?? name;
  for (const part of scope === undefined ? [bare] : [scope, bare]) {
    if (part.startsWith(".") || part.startsWith("_")) return fail("starts with . or _");
    if (!/^[a-z0-9-._~]+$/.test(part)) return fail("characters other than a-z 0-9 - . _ ~");
  }
  if (["node_modules", "favicon.ico"].includes(bare)) return fail("a reserved name");
  if (scope === undefined && NODE_BUILTINS.has(bare)) return fail("a Node.js core module name");
  return undefined;
}

/** A Lambda function name derived from a label: [a-zA-Z0-9-_], at most 64 characters. */
export function functionNameFor(label: string): string {
  return label.replace(/[^a-zA-Z0-9-_]/g, "-").slice(0, 64);
}

/** A Python package (module) name derived from a project name. */
export function pythonPackageFor(name: string): string {
  const bare = name.replace(/^@[^/]+\//, "");
  const snake = bare
    .replace(/[^a-zA-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  return /^[a-z]/.test(snake) ? snake : `connector_${snake}`;
}

/** A Java package name derived from a project name (e.g. com.example.acme_db). */
export function javaPackageFor(name: string): string {
  return `com.example.${pythonPackageFor(name)}`;
}

/** PascalCase identifier for class names. */
export function pascalCase(name: string): string {
  const bare = name.replace(/^@[^/]+\//, "");
  const parts = bare.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  const joined = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
  return /^[A-Za-z]/.test(joined) ? joined : `C${joined}`;
}
