import type { CommandSpec } from "../context.js";

/** `connector package` (help text and options; the module loads only when the command runs). */
export const packageSpec: CommandSpec = {
  name: "package",
  summary: "Build the connector's container image (no Docker needed) or Lambda zip",
  examples: ["connector package", "connector package --format zip"],
};
