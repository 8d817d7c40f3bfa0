import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const define = { __CONNECTORKIT_VERSION__: JSON.stringify(pkg.version) };

// Three entry groups:
// - the CLI (src/cli.ts and lazily imported command modules, code-split so that
//   `connector --version` loads only the shell);
// - connectorkit/sdk and connectorkit/parser, the runtime libraries that ship inside
//   user Lambdas, with type declarations and no dependency on CLI code.
export default defineConfig([
  {
    entry: {
      cli: "src/cli.ts",
    },
    format: "esm",
    target: "node20",
    platform: "node",
    outDir: "dist",
    splitting: true,
    sourcemap: false,
    clean: true,
    dts: false,
    shims: false,
    external: [/^@aws-sdk\//],
    define,
  },
  {
    entry: {
      "sdk/index": "src/sdk/index.ts",
      "parser/index": "src/parser/index.ts",
    },
    format: "esm",
    target: "node20",
    platform: "node",
    outDir: "dist",
    splitting: true,
    sourcemap: false,
    clean: false,
    dts: true,
    external: [/^@aws-sdk\//],
  },
]);
