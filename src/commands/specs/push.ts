import type { CommandSpec } from "../context.js";

/** `connector push` (help text and options; the module loads only when the command runs). */
export const pushSpec: CommandSpec = {
  name: "push",
  summary: "Push the packaged image to Amazon ECR",
  examples: ["connector push --ecr-repo-name acme/crm-connector"],
};
