import type { CommandSpec } from "../context.js";

/** `connector test` (help text and options; the module loads only when the command runs). */
export const testSpec: CommandSpec = {
  name: "test",
  summary: "Run the offline conformance suite against the connector",
  options: [
    {
      flags: "--only <check-id>",
      description: "run only these checks (id or family prefix; repeatable)",
      repeatable: true,
    },
    {
      flags: "--skip <check-id>",
      description: "skip these checks (id or family prefix; repeatable)",
      repeatable: true,
    },
    {
      flags: "--entity <id>",
      description: "entities to exercise (repeatable; default test.entities or all)",
      repeatable: true,
    },
    { flags: "--bail", description: "stop at the first failing check" },
    { flags: "--junit <file>", description: "also write a JUnit XML report" },
    { flags: "--strict", description: "skipped checks count as failures" },
    {
      flags: "--record",
      description: "call the live API and record its HTTP exchanges to fixtures/http.json",
    },
    { flags: "--live", description: "call the live API instead of replaying fixtures/http.json" },
    { flags: "--write", description: "run the write cases of fixtures/writes.json against a live API" },
    {
      flags: "--remote <function>",
      description: "test a deployed Lambda function (name or ARN) through Lambda Invoke",
    },
    { flags: "--endpoint-url <url>", description: "Lambda endpoint override for --remote" },
    {
      flags: "--page-budget <n>",
      description: "maximum pages followed in a full pull (default test.pageBudget, 100)",
    },
    { flags: "--jdbc-url <url>", description: "Glue JDBC: connect with this URL and run SELECT 1" },
    {
      flags: "--jdbc-user <name>",
      description: "Glue JDBC: user for --jdbc-url (password from CONNECTOR_JDBC_PASSWORD)",
    },
    {
      flags: "--lenient",
      description: "Glue JDBC: a driver missing from META-INF/services is a warning, not an error",
    },
  ],
  examples: [
    "connector test",
    "connector test --json --junit report.xml",
    "connector test --only reads --entity Contact",
    "connector test --record",
    "connector test --remote acme-crm --region us-east-1",
    "connector test --jdbc-url 'jdbc:sqlite::memory:'",
  ],
  load: () => import("../test.js"),
};
