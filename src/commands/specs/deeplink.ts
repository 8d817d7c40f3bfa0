import type { CommandSpec } from "../context.js";

/** `connector deeplink` (help text and options; the module loads only when the command runs). */
export const deeplinkSpec: CommandSpec = {
  name: "deeplink",
  summary: "Build the Glue Studio add-connection deep link",
  options: [
    {
      flags: "--name <name>",
      description:
        "connectorName: display name, letters, digits and spaces (default: deeplink.connectorName)",
    },
    {
      flags: "--type <type>",
      description: "connectorType: Jdbc, Spark or Athena, any casing (default: from glue.connectorType)",
    },
    {
      flags: "--description <text>",
      description:
        "connectorDescription: letters, digits, spaces and . , ; " +
        "(default: deeplink.connectorDescription, then glue.description)",
    },
    {
      flags: "--url <image-url>",
      description:
        "connectorUrl: https://709825985650.dkr.ecr.us-east-1.amazonaws.com/<repository>:<tag> " +
        "(default: deeplink.connectorUrl)",
    },
    {
      flags: "--connector-version <version>",
      description: "connectorVersion (default: deeplink.connectorVersion, then version)",
    },
    { flags: "--class-name <class>", description: "connectorClassName (default: glue.className)" },
    {
      flags: "--jdbc-url <title=template>",
      description:
        "a JDBC URL template, split at the first '='; repeat in display order; " +
        "replaces deeplink.jdbcUrlTemplates",
      repeatable: true,
    },
    {
      flags: "--delimiter <chars>",
      description: "JDBC URL parameter delimiter, e.g. ';' (default: deeplink.paramsDelimiter)",
    },
    {
      flags: "--region <region>",
      description: "add ?region=<region> so the console opens in that region (default: deeplink.region)",
    },
    { flags: "--strict", description: "treat AWS's style rules as errors (exit 2), not warnings" },
    {
      flags: "--markdown",
      description: "print the Marketplace usage-instructions sentence instead of the link",
    },
    { flags: "--open", description: "also open the link in the browser (xdg-open, open)" },
    { flags: "--parse <url>", description: "decode a deep link back to its fields and check it" },
  ],
  examples: ["connector deeplink", "connector deeplink --parse '<url>'"],
  load: () => import("../deeplink.js"),
};
