/**
 * Bundles a TypeScript (or JavaScript) handler into one minified ESM file for the Lambda Node.js
 * runtime with esbuild (loaded lazily). The AWS SDK v3 stays external: the runtime provides it.
 */
import path from "node:path";
import { CliError, ExitCode } from "../ui/errors.js";

export interface BundleOptions {
  /** Project root: esbuild works from here and resolves the project's node_modules and tsconfig. */
  root: string;
  /** The entry file, absolute or relative to `root`. */
  entry: string;
  /** Output file name, relative to the task root, e.g. `index.mjs` or `dist/lambda.mjs`. */
  outName: string;
  /** Also produce `<outName>.map` and reference it from the bundle. */
  sourcemap?: boolean;
}

export interface BundleOutput {
  /** File name (relative to the task root) → contents. */
  files: Map<string, Buffer>;
  /** esbuild's warnings, one line each. */
  warnings: string[];
}

/**
 * ESM bundles cannot call `require`, but CommonJS dependencies do; this banner gives them one
 * (the usual fix, as in AWS CDK's NodejsFunction docs).
 */
const REQUIRE_BANNER =
  'import { createRequire as __connectorkitCreateRequire } from "node:module";' +
  "const require = __connectorkitCreateRequire(import.meta.url);";

export async function bundleHandler(options: BundleOptions): Promise<BundleOutput> {
  const entry = path.resolve(options.root, options.entry);
  const esbuild = await import("esbuild");
  // The output path only names the files and the source map's relative source paths; nothing is
  // written (write: false). Keeping it inside the project makes those paths machine-independent.
  const outfile = path.join(options.root, ".connector", "bundle", options.outName);
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      absWorkingDir: options.root,
      entryPoints: [entry],
      outfile,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node22",
      minify: true,
      sourcemap: options.sourcemap ? "linked" : false,
      external: ["@aws-sdk/*"],
      banner: { js: REQUIRE_BANNER },
      legalComments: "none",
      logLevel: "silent",
      metafile: false,
    });
  } catch (error) {
    const errors = (
      error as {
        errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }>;
      }
    ).errors;
    const lines = (errors ?? [])
      .slice(0, 10)
      .map((e) =>
        e.location
          ? `  ${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}`
          : `  ${e.text}`,
      );
    throw new CliError(
      "BUNDLE_FAILED",
      `Bundling ${path.relative(options.root, entry) || entry} failed:\n${lines.join("\n") || `  ${(error as Error).message}`}`,
      {
        hint: "Fix the errors above (does the handler build with `npx tsc`?), or bundle yourself and use --no-bundle.",
        exitCode: ExitCode.Usage,
      },
    );
  }
  const files = new Map<string, Buffer>();
  const outDir = path.dirname(outfile);
  for (const f of result.outputFiles ?? []) {
    const rel = path.relative(outDir, f.path).split(path.sep).join("/");
    const prefix = path.posix.dirname(options.outName);
    files.set(prefix === "." ? rel : `${prefix}/${rel}`, Buffer.from(f.contents));
  }
  const warnings = result.warnings.map((w) =>
    w.location ? `${w.location.file}:${w.location.line}: ${w.text}` : w.text,
  );
  return { files, warnings };
}
