import { readFileSync } from "node:fs";

declare const __CONNECTORKIT_VERSION__: string | undefined;

function readPackageVersion(): string {
  // Only reached when running from sources (tests); the build inlines the version.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** The package version, inlined at build time so `connector --version` reads no file. */
export const VERSION: string =
  typeof __CONNECTORKIT_VERSION__ === "string" ? __CONNECTORKIT_VERSION__ : readPackageVersion();
