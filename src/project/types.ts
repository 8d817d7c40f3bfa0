/** TypeScript view of connector.json (schema/connector.schema.json is the source of truth). */

export type ConnectorKind = "appflow" | "glue";
export type GlueConnectorType = "JDBC" | "Spark" | "Athena";

export interface AppflowSettings {
  label: string;
  description?: string;
  language?: "typescript" | "python";
  entry?: string;
  handler?: string;
  bundle?: string;
  pythonPackage?: string;
  sitePackages?: string;
  secretsFile?: string;
  marketplace?: { productSku: string };
}

export interface GlueSettings {
  connectorType: GlueConnectorType;
  className: string;
  publisherName: string;
  description: string;
  supportInformation: string;
  releaseTimestamp?: string;
  jars?: string[];
  oemFile?: string;
}

export interface ImageSettings {
  repository?: string;
  tag?: string;
  base?: string;
  platform?: "linux/amd64" | "linux/arm64";
  registryId?: string;
  builder?: "oci" | "docker";
  format?: "image" | "zip";
  scanOnPush?: boolean;
  immutableTags?: boolean;
}

export interface LambdaSettings {
  functionName?: string;
  memorySize?: number;
  timeout?: number;
  architecture?: "x86_64" | "arm64";
  roleArn?: string;
  environment?: Record<string, string>;
  publish?: boolean;
}

export interface JdbcUrlTemplate {
  title: string;
  url: string;
}

export interface DeeplinkSettings {
  connectorName?: string;
  connectorDescription?: string;
  connectorUrl?: string;
  connectorVersion?: string;
  jdbcUrlTemplates?: JdbcUrlTemplate[];
  paramsDelimiter?: string;
  region?: string;
}

export interface ConnectorConfig {
  $schema?: string;
  name: string;
  version: string;
  kind: ConnectorKind;
  appflow?: AppflowSettings;
  glue?: GlueSettings;
  image?: ImageSettings;
  lambda?: LambdaSettings;
  register?: { statementId?: string };
  deeplink?: DeeplinkSettings;
  aws?: { region?: string; profile?: string };
  test?: {
    entities?: string[];
    pageBudget?: number;
    skip?: string[];
    settings?: Record<string, string>;
    apiVersion?: string;
    fixtures?: string;
  };
}

export type SettingSource = "flag" | "env" | "file" | "default";
