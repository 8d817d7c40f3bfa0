import type { CommandSpec } from "../context.js";

/** `connector status` (help text and options; the module loads only when the command runs). */
export const statusSpec: CommandSpec = {
  name: "status",
  summary: "Show the Lambda function, its AppFlow permission and the AppFlow registration side by side",
  examples: ["connector status", "connector status --json"],
};
