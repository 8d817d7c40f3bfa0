// Adds lockfile entries for platform-specific optional dependencies that npm left out.
//
// Why: the npm registry this project's machines reach serves only the Linux builds of packages such
// as @esbuild/*, @biomejs/cli-* and @rollup/rollup-*, so `npm install` cannot record the other
// platforms' entries, and `npm ci` then refuses the lockfile ("Missing: … from lock file"). Each
// added entry carries the os/cpu/libc its name implies, so npm skips it on every other platform.
// Run after changing dependencies: `npm install && node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
const OS = [
  "aix",
  "android",
  "darwin",
  "freebsd",
  "linux",
  "netbsd",
  "openbsd",
  "sunos",
  "win32",
  "openharmony",
  "cygwin",
];
const CPU = ["arm64", "x64", "ia32", "arm", "loong64", "mips64el", "ppc64", "riscv64", "s390x", "wasm32"];

function platformOf(name) {
  const bare = name.split("/").pop();
  const parts = bare.split("-");
  const os = OS.find((o) => parts.includes(o)) ?? (parts.includes("windows") ? "win32" : undefined);
  const cpu = CPU.find((c) => parts.includes(c)) ?? (parts.includes("64") ? "x64" : undefined);
  const libc = parts.includes("musl")
    ? "musl"
    : parts.includes("gnu") || parts.includes("gnueabihf")
      ? "glibc"
      : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === "" ? "node_modules" : `${location}/node_modules`;
    // npm resolves from the nearest node_modules up the tree; the hoisted copy is the usual one.
    if (packages[`${base}/${dep}`] || packages[`node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os) continue; // not a platform package: leave it to npm
    const version = String(range).replace(/^[\^~=]/, "");
    packages[`node_modules/${dep}`] = {
      version,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(entry.dev ? { dev: true } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
      peer: undefined,
    };
    delete packages[`node_modules/${dep}`].peer;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entr${added === 1 ? "y" : "ies"}`);
