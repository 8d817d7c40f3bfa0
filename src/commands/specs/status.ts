import type { CommandSpec } from "../context.js";
import { endpointOption } from "./register.js";

/** `connector status` (help text and options; the module loads only when the command runs). */
export const statusSpec: CommandSpec = {
  name: "status",
  summary: "Show the Lambda function, its AppFlow permission and the AppFlow registration side by side",
  options: [
    {
      flags: "--function-name <name>",
      description: "Lambda function name (default: lambda.functionName, else derived from the label)",
    },
    {
      flags: "--image-uri <uri>",
      description: "compare the function's code with this image (default: .connector/push.json)",
    },
    {
      flags: "--zip <file>",
      description: "compare the function's code with this zip (default: .connector/function.zip)",
    },
    endpointOption,
  ],
  examples: ["connector status", "connector status --json"],
  load: () => import("../status.js"),
};
