import type { CommandSpec } from "./context.js";
import { deeplinkSpec } from "./specs/deeplink.js";
import { packageSpec } from "./specs/package.js";
import { pushSpec } from "./specs/push.js";
import { registerSpec } from "./specs/register.js";
import { statusSpec } from "./specs/status.js";
import { testSpec } from "./specs/test.js";
import { unregisterSpec } from "./specs/unregister.js";

/**
 * The command table. Only names, help text and option declarations live here; each command's
 * module (and everything it imports: AWS SDK, handlebars, ora, …) is loaded when it runs.
 */
export const commands: CommandSpec[] = [
  {
    name: "init",
    summary: "Create a connector project from a template",
    args: ["[dir]"],
    options: [
      {
        flags: "-t, --template <name>",
        description: "template to use",
        choices: ["appflow-typescript", "appflow-python", "glue-jdbc", "glue-spark", "glue-athena"],
      },
      {
        flags: "--name <name>",
        description: "project name (npm package-name rules; default: the directory name)",
      },
      { flags: "--label <label>", description: "AppFlow connector label (default: the name)" },
      { flags: "--description <text>", description: "connector description" },
      {
        flags: "--auth <type>",
        description: "AppFlow authentication",
        choices: ["oauth2", "apikey", "basic", "none"],
      },
      {
        flags: "--owner <name>",
        description: "AppFlow connector owner (must not start with aws/amazon/appflow)",
      },
      { flags: "--publisher <name>", description: "Glue publisher name" },
      {
        flags: "--class-name <class>",
        description: "Glue connector class (JDBC driver, Spark format, Athena class)",
      },
      {
        flags: "--sdk <spec>",
        description: "npm spec of the connectorkit dependency (e.g. file:../connectorkit)",
      },
      {
        flags: "--force",
        description: "write into a non-empty directory (existing files are never overwritten)",
      },
      { flags: "--skip-install", description: "do not run npm install" },
      { flags: "--no-git", description: "do not create a git repository" },
      { flags: "--list-templates", description: "list the templates and exit" },
    ],
    examples: [
      "npx connectorkit init acme-crm",
      "connector init acme-crm --yes --auth oauth2 --skip-install",
      "connector init simpledb --template glue-jdbc --class-name com.example.simpledb.Driver --yes",
      "connector init --list-templates",
    ],
    load: () => import("./init.js"),
  },
  {
    name: "invoke",
    summary: "Run one AppFlow request against the project's handler, locally",
    args: ["[request-type]"],
    options: [
      {
        flags: "--event <file>",
        description: "send this event (JSON file, or - for stdin) instead of building one",
      },
      {
        flags: "--entity <id>",
        description: "entityIdentifier for DescribeEntity, QueryData, RetrieveData, WriteData",
      },
      { flags: "--filter <expr>", description: "QueryData filterExpression" },
      { flags: "--fields <a,b>", description: "selectedFieldNames (comma-separated)" },
      { flags: "--max-results <n>", description: "page size (maxResults; maxResult for ListEntities)" },
      { flags: "--next-token <token>", description: "nextToken of the previous page" },
      { flags: "--ids <a,b>", description: "RetrieveData ids (comma-separated)" },
      { flags: "--id-field <name>", description: "RetrieveData idFieldName" },
      {
        flags: "--operation <op>",
        description: "WriteData operation",
        choices: ["INSERT", "UPDATE", "UPSERT", "DELETE"],
      },
      { flags: "--records <file>", description: "WriteData records: a JSON array of objects" },
      { flags: "--id-field-names <a,b>", description: "WriteData idFieldNames" },
      { flags: "--entities-path <path>", description: "ListEntities entitiesPath" },
      {
        flags: "--scope <scope>",
        description: "ValidateConnectorRuntimeSettings scope",
        choices: ["CONNECTOR_PROFILE", "SOURCE", "DESTINATION", "SOURCE_AND_DESTINATION"],
      },
      { flags: "--setting <key=value>", description: "runtime setting (repeatable)", repeatable: true },
      { flags: "--api-version <v>", description: "apiVersion (default: the first supported one)" },
      { flags: "--timeout <seconds>", description: "local time limit (default: AppFlow's 10 s / 30 s)" },
      { flags: "--live", description: "call the real API instead of replaying fixtures/http.json" },
    ],
    examples: [
      "connector invoke DescribeConnectorConfiguration",
      "connector invoke ListEntities",
      "connector invoke QueryData --entity Contact --filter 'updatedAt > 2026-01-01T00:00:00Z' --max-results 10",
      "connector invoke WriteData --entity Contact --operation INSERT --records new-contacts.json",
      "connector invoke --event event.json --json",
    ],
    load: () => import("./invoke.js"),
  },
  testSpec,
  packageSpec,
  pushSpec,
  registerSpec,
  unregisterSpec,
  statusSpec,
  deeplinkSpec,
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
