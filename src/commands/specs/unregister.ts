import type { CommandSpec } from "../context.js";
import { endpointOption } from "./register.js";

/** `connector unregister` (help text and options; the module loads only when the command runs). */
export const unregisterSpec: CommandSpec = {
  name: "unregister",
  summary: "Unregister the connector from AppFlow (optionally delete the function and role)",
  options: [
    {
      flags: "--force",
      description:
        "unregister even while connector profiles use it (forceDelete) or when it names another function",
    },
    {
      flags: "--delete-function",
      description: "also delete the Lambda function and the role connectorkit created for it",
    },
    {
      flags: "--function-name <name>",
      description: "Lambda function name (default: lambda.functionName, else derived from the label)",
    },
    endpointOption,
  ],
  examples: [
    "connector unregister",
    "connector unregister --force --delete-function",
    "connector unregister --yes --json",
  ],
  load: () => import("../unregister.js"),
};
