/**
 * Usage instructions for AWS Marketplace buyers of an AppFlow connector image: AWS Marketplace has
 * no Lambda product type, so the seller tells buyers how to copy the image into their own ECR,
 * create the function, let AppFlow invoke it and register the connector. The commands are real
 * AWS CLI and Docker commands, filled with the pushed image.
 */

export interface InstructionsInput {
  /** `<registry host>/<repository>:<tag>` as pushed. */
  imageUri: string;
  registryHost: string;
  repository: string;
  tag: string;
  digest: string;
  /** Region of the seller registry (us-east-1 for the Marketplace registry). */
  sourceRegion: string;
  connectorLabel: string;
  description?: string;
  functionName: string;
  memorySize: number;
  timeout: number;
  architecture: "x86_64" | "arm64";
  statementId: string;
  /** True when the connector checks a Marketplace entitlement (License Manager). */
  paid: boolean;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

export function buyerInstructions(input: InstructionsInput): string {
  const q = shellQuote;
  const buyerRepo = input.repository.split("/").pop() ?? input.repository;
  const platform = input.architecture === "arm64" ? "linux/arm64" : "linux/amd64";
  const lines = [
    `# Running the ${input.connectorLabel} connector in your AWS account`,
    "",
    input.description ? `${input.description}\n` : "",
    "This connector is an Amazon AppFlow custom connector delivered as a container image. It runs as an",
    "AWS Lambda function in your account. Lambda only runs images stored in Amazon ECR in the function's",
    "own region, so you copy the image into your registry first, then create the function, allow AppFlow",
    "to invoke it and register it with AppFlow.",
    "",
    `- Image: \`${input.imageUri}\``,
    `- Digest: \`${input.digest}\``,
    "",
    "You need the AWS CLI, Docker, and permissions for ECR, Lambda, IAM (pass role) and AppFlow.",
    "Set these shell variables once (use the region where you run AppFlow):",
    "",
    "```bash",
    "REGION=us-east-1",
    "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)",
    `SOURCE=${q(input.imageUri)}`,
    `TARGET="$ACCOUNT_ID.dkr.ecr.$REGION.amazonaws.com/${buyerRepo}:${input.tag}"`,
    `FUNCTION=${q(input.functionName)}`,
    "ROLE_ARN=arn:aws:iam::$ACCOUNT_ID:role/<your-connector-execution-role>",
    "```",
    "",
    "## 1. Subscribe",
    "",
    "Subscribe to the product in AWS Marketplace with the account that will run the connector.",
    "",
    "## 2. Pull the image",
    "",
    "```bash",
    `aws ecr get-login-password --region ${input.sourceRegion} | \\`,
    `  docker login --username AWS --password-stdin ${input.registryHost}`,
    `docker pull --platform ${platform} "$SOURCE"`,
    'docker image inspect --format "{{index .RepoDigests 0}}" "$SOURCE"',
    "```",
    "",
    `The digest shown must end in \`${input.digest}\`.`,
    "",
    "## 3. Create a repository in your account",
    "",
    "```bash",
    `aws ecr create-repository --repository-name ${q(buyerRepo)} --region "$REGION"`,
    "```",
    "",
    "## 4. Re-tag the image and push it to your repository",
    "",
    "```bash",
    'aws ecr get-login-password --region "$REGION" | \\',
    '  docker login --username AWS --password-stdin "$ACCOUNT_ID.dkr.ecr.$REGION.amazonaws.com"',
    'docker tag "$SOURCE" "$TARGET"',
    'docker push "$TARGET"',
    "```",
    "",
    "## 5. Create the Lambda function from the image",
    "",
    "The execution role needs the AWSLambdaBasicExecutionRole managed policy and",
    "`secretsmanager:GetSecretValue` on",
    `\`arn:aws:secretsmanager:$REGION:$ACCOUNT_ID:secret:appflow!$ACCOUNT_ID-${input.connectorLabel}-*\``,
    "(the secrets AppFlow creates for your connections)" +
      (input.paid
        ? ", and `license-manager:CheckoutLicense` (the connector checks your subscription)."
        : "."),
    "",
    "```bash",
    "aws lambda create-function \\",
    '  --function-name "$FUNCTION" \\',
    "  --package-type Image \\",
    '  --code ImageUri="$TARGET" \\',
    '  --role "$ROLE_ARN" \\',
    `  --architectures ${input.architecture} \\`,
    `  --timeout ${input.timeout} \\`,
    `  --memory-size ${input.memorySize} \\`,
    '  --region "$REGION"',
    'aws lambda wait function-active-v2 --function-name "$FUNCTION" --region "$REGION"',
    "```",
    "",
    "## 6. Allow AppFlow to invoke the function",
    "",
    "Both conditions (source account and source ARN) protect the function from being invoked on",
    "behalf of another account.",
    "",
    "```bash",
    "aws lambda add-permission \\",
    '  --function-name "$FUNCTION" \\',
    `  --statement-id ${q(input.statementId)} \\`,
    "  --action lambda:InvokeFunction \\",
    "  --principal appflow.amazonaws.com \\",
    '  --source-account "$ACCOUNT_ID" \\',
    '  --source-arn "arn:aws:appflow:$REGION:$ACCOUNT_ID:*" \\',
    '  --region "$REGION"',
    "```",
    "",
    "## 7. Register the connector with AppFlow",
    "",
    "```bash",
    "aws appflow register-connector \\",
    `  --connector-label ${q(input.connectorLabel)} \\`,
    "  --connector-provisioning-type LAMBDA \\",
    "  --connector-provisioning-config \\",
    '    "{\\"lambda\\":{\\"lambdaArn\\":\\"arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$FUNCTION\\"}}" \\',
    '  --region "$REGION"',
    "```",
    "",
    "Then open Amazon AppFlow → Connections, pick the connector and create a connection with your",
    "credentials.",
    "",
    "## Steps 5 to 7 in one command",
    "",
    "[connectorkit](https://www.npmjs.com/package/connectorkit)'s `connector register` does steps 5, 6",
    "and 7 (create or update the function, add the permission idempotently, register or update the",
    'connector), for example `npx connectorkit register --image-uri "$TARGET"` in a directory that holds',
    "the connector's `connector.json`.",
    "",
  ];
  return lines.join("\n").replace(/\n{3,}/g, "\n\n");
}
