import { defineConfig } from "tsup";

// One minified ESM file for Lambda (Node.js 22): dist/index.mjs exporting `handler`.
// connectorkit/sdk is bundled in; the AWS SDK is provided by the Lambda runtime.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: "esm",
  outExtension: () => ({ js: ".mjs" }),
  platform: "node",
  target: "node22",
  bundle: true,
  minify: true,
  sourcemap: false,
  clean: true,
  noExternal: ["connectorkit"],
  external: [/^@aws-sdk\//],
});
