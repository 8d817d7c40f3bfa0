import type { CommandSpec } from "./context.js";

/**
 * The command table. Only names, help text and option declarations live here; each command's
 * module (and everything it imports: AWS SDK, handlebars, ora, …) is loaded when it runs.
 */
export const commands: CommandSpec[] = [
  {
    name: "init",
    summary: "Create a connector project from a template",
    args: ["[dir]"],
    examples: ["npx connectorkit init acme-crm", "connector init acme-crm --template glue-jdbc --yes"],
  },
  {
    name: "invoke",
    summary: "Run one AppFlow request against the project's handler, locally",
    args: ["[request-type]"],
    examples: [
      "connector invoke DescribeConnectorConfiguration",
      "connector invoke QueryData --entity Contact",
    ],
  },
  {
    name: "test",
    summary: "Run the offline conformance suite against the connector",
    examples: ["connector test", "connector test --json --junit report.xml"],
  },
  {
    name: "package",
    summary: "Build the connector's container image (no Docker needed) or Lambda zip",
    examples: ["connector package", "connector package --format zip"],
  },
  {
    name: "push",
    summary: "Push the packaged image to Amazon ECR",
    examples: ["connector push --ecr-repo-name acme/crm-connector"],
  },
  {
    name: "register",
    summary: "Deploy the Lambda function and register the connector with AppFlow",
    examples: ["connector register", "connector register --dry-run"],
  },
  {
    name: "deeplink",
    summary: "Build the Glue Studio add-connection deep link",
    examples: ["connector deeplink", "connector deeplink --parse '<url>'"],
  },
  {
    name: "filter",
    summary: "Parse an AppFlow filter expression: canonical form, SQL, errors with a caret",
    args: ["[expression]"],
    options: [
      {
        flags: "--fields <file>",
        description:
          "entity definition (a DescribeEntity response, an EntityDefinition, or a fields array) to type-check against",
      },
      {
        flags: "--dialect <dialect>",
        description: "SQL dialect for the WHERE clause",
        defaultValue: "postgres",
        choices: ["postgres", "mysql", "sqlite"],
      },
      {
        flags: "--records <file>",
        description: "JSON array of records to evaluate the filter against (needs --fields)",
      },
      { flags: "--demo", description: "run on an embedded example entity, records and expression" },
    ],
    examples: [
      `connector filter 'price > 100 and accountName contains "Alexa"'`,
      `connector filter 'updatedAt > 2026-11-21T00:00:00Z LIMIT 500' --fields entity.json --dialect mysql`,
      "connector filter 'a = 1 AND (b = 2' --json",
      "connector filter --demo",
    ],
    load: () => import("./filter.js"),
  },
];
