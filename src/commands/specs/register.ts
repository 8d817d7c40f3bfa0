import type { CommandSpec } from "../context.js";

const ENDPOINT = {
  flags: "--endpoint-url <url>",
  description:
    "send Lambda, IAM, AppFlow, STS and ECR calls to this endpoint (private endpoints, emulators); " +
    "CONNECTOR_<SERVICE>_ENDPOINT variables set one service and win over it",
};

/** `connector register` (help text and options; the module loads only when the command runs). */
export const registerSpec: CommandSpec = {
  name: "register",
  summary: "Deploy the Lambda function and register the connector with AppFlow",
  options: [
    {
      flags: "--image-uri <uri>",
      description: "ECR image to deploy (default: .connector/push.json from `connector push`)",
    },
    {
      flags: "--zip <file>",
      description:
        "Lambda zip to deploy (default: .connector/function.zip from `connector package --format zip`)",
    },
    {
      flags: "--role-arn <arn>",
      description: "execution role to use as is (default: lambda.roleArn, else create <function>-role)",
    },
    {
      flags: "--function-name <name>",
      description: "Lambda function name (default: lambda.functionName, else derived from the label)",
    },
    {
      flags: "--description <text>",
      description: "AppFlow connector description (default: appflow.description)",
    },
    {
      flags: "--publish",
      description: "publish a function version after deploying (default: lambda.publish)",
    },
    {
      flags: "--dry-run",
      description: "print the plan and the exact policy documents; make no AWS call at all",
    },
    {
      flags: "--force",
      description: "take over a label registered to another function (UpdateConnectorRegistration to ours)",
    },
    ENDPOINT,
  ],
  examples: [
    "connector register",
    "connector register --dry-run",
    "connector register --image-uri 123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-crm:1.0.0 --publish",
    "connector register --zip .connector/function.zip --role-arn arn:aws:iam::123456789012:role/acme-crm",
    "connector register --json --region eu-west-1",
  ],
  load: () => import("../register.js"),
};

export { ENDPOINT as endpointOption };
