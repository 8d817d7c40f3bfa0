import type { CommandSpec } from "../context.js";

/** `connector register` (help text and options; the module loads only when the command runs). */
export const registerSpec: CommandSpec = {
  name: "register",
  summary: "Deploy the Lambda function and register the connector with AppFlow",
  examples: ["connector register", "connector register --dry-run"],
};
