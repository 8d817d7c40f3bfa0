import type { CommandSpec } from "../context.js";

/** `connector push` (help text and options; the module loads only when the command runs). */
export const pushSpec: CommandSpec = {
  name: "push",
  summary: "Push the packaged image to Amazon ECR",
  options: [
    {
      flags: "--ecr-repo-name <name>",
      description: "ECR repository, e.g. acme/crm-connector (default: image.repository)",
    },
    {
      flags: "--image-tag <tag>",
      description: "tag to push (default: image.tag, then the connector version)",
    },
    {
      flags: "--registry-id <account>",
      description:
        "registry (account) ID, e.g. 709825985650 for the AWS Marketplace seller registry " +
        "(default: image.registryId, then the caller's account)",
    },
    { flags: "--layout <dir>", description: "OCI image layout to push (default: .connector/image)" },
    {
      flags: "--layout-ref <name>",
      description: "which image of the layout (its org.opencontainers.image.ref.name), when it holds several",
    },
    { flags: "--no-create-repo", description: "fail instead of creating a missing repository" },
    { flags: "--scan-on-push", description: "new repository: scan images on push (image.scanOnPush)" },
    { flags: "--immutable-tags", description: "new repository: immutable tags (image.immutableTags)" },
    { flags: "--force", description: "move an existing tag that points at a different image" },
    { flags: "--concurrency <n>", description: "parallel blob uploads (default 4)" },
    {
      flags: "--endpoint-url <url>",
      description: "ECR API endpoint override (also CONNECTOR_ECR_ENDPOINT), e.g. a local emulator",
    },
    {
      flags: "--registry-url <url>",
      description:
        "send registry (/v2/) traffic here instead of https://<account>.dkr.ecr.<region>.amazonaws.com",
    },
    {
      flags: "--instructions <file>",
      description:
        "AppFlow Marketplace sellers: write the buyer's usage instructions (Markdown) for the image",
    },
  ],
  examples: [
    "connector push --ecr-repo-name acme/crm-connector",
    "connector push --image-tag 1.2.0-rc.1 --force",
    "connector push --registry-id 709825985650 --ecr-repo-name acme/crm --instructions USAGE.md",
    "connector push --json",
  ],
  load: () => import("../push.js"),
};
