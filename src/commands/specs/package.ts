import type { CommandSpec } from "../context.js";

/** `connector package` (help text and options; the module loads only when the command runs). */
export const packageSpec: CommandSpec = {
  name: "package",
  summary: "Build the connector's container image (no Docker needed) or Lambda zip",
  options: [
    {
      flags: "--base <ref>",
      description:
        "base image: a registry reference, oci:<layout-dir>[:tag], or none (Glue) (default: image.base, " +
        "then public.ecr.aws/lambda/nodejs:22, public.ecr.aws/lambda/python:3.12, or none for Glue)",
    },
    {
      flags: "--platform <platform>",
      description:
        "image platform (default: image.platform, else from lambda.architecture, else linux/amd64)",
      choices: ["linux/amd64", "linux/arm64"],
    },
    {
      flags: "--format <format>",
      description: "image (default) or zip: a Lambda zip of the handler (AppFlow only)",
      choices: ["image", "zip"],
    },
    {
      flags: "--output <path>",
      description:
        "where to write: the OCI layout folder (default .connector/image), the zip (.connector/function.zip) " +
        "or, with --builder docker, the Dockerfile context (.connector/docker)",
    },
    { flags: "--tar <file>", description: "also write a docker-archive tarball that `docker load` accepts" },
    { flags: "--image-tag <tag>", description: "image tag (default: image.tag, then version)" },
    {
      flags: "--builder <builder>",
      description: "oci (default, no Docker) or docker: write a Dockerfile and run `docker build`",
      choices: ["oci", "docker"],
    },
    {
      flags: "--sourcemap",
      description: "TypeScript: add a source map and NODE_OPTIONS=--enable-source-maps",
    },
    { flags: "--no-bundle", description: "TypeScript: package the built appflow.bundle instead of bundling" },
    {
      flags: "--insecure-registry",
      description: "pull the base image over plain HTTP (local test registries)",
    },
  ],
  examples: [
    "connector package",
    "connector package --format zip",
    "connector package --platform linux/arm64 --tar image.tar",
    "connector package --base oci:./base-layout:22 --json",
    "connector package --builder docker",
  ],
  load: () => import("../package.js"),
};
