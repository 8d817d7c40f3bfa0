import type { CommandSpec } from "../context.js";

/** `connector unregister` (help text and options; the module loads only when the command runs). */
export const unregisterSpec: CommandSpec = {
  name: "unregister",
  summary: "Unregister the connector from AppFlow (optionally delete the function and role)",
  examples: ["connector unregister", "connector unregister --force --delete-function"],
};
