/**
 * Thin, typed AppFlow operations for custom connectors (appflow-protocol.md B1–B3). Errors become
 * CliErrors naming the IAM action; the caller adds the domain hint where it knows better.
 */
import {
  type AppflowClient,
  type ConnectorConfiguration,
  type ConnectorDetail,
  DescribeConnectorCommand,
  RegisterConnectorCommand,
  UnregisterConnectorCommand,
  UpdateConnectorRegistrationCommand,
} from "@aws-sdk/client-appflow";
import { awsError } from "./clients.js";

export type { ConnectorConfiguration, ConnectorDetail };

/** Name of an AppFlow error, e.g. "ConflictException" (the raw SDK error, or a CliError's cause). */
export function appflowErrorName(error: unknown): string | undefined {
  const e = error as { name?: string; cause?: { name?: string } } | undefined;
  if (e?.name && e.name !== "CliError") return e.name;
  return e?.cause?.name;
}

/** DescribeConnector for a custom connector; `undefined` when the label is not registered. */
export async function describeConnector(
  client: AppflowClient,
  label: string,
): Promise<ConnectorConfiguration | undefined> {
  try {
    const r = await client.send(
      new DescribeConnectorCommand({ connectorType: "CustomConnector", connectorLabel: label }),
    );
    return r.connectorConfiguration;
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw awsError(error, "appflow:DescribeConnector");
  }
}

export interface RegisterInput {
  label: string;
  description?: string;
  lambdaArn: string;
  clientToken: string;
}

/** RegisterConnector; returns the connector ARN. Throws the CliError (cause: the SDK error). */
export async function registerConnector(client: AppflowClient, input: RegisterInput): Promise<string> {
  try {
    const r = await client.send(
      new RegisterConnectorCommand({
        connectorLabel: input.label,
        ...(input.description !== undefined ? { description: input.description } : {}),
        connectorProvisioningType: "LAMBDA",
        connectorProvisioningConfig: { lambda: { lambdaArn: input.lambdaArn } },
        clientToken: input.clientToken,
      }),
    );
    return r.connectorArn ?? "";
  } catch (error) {
    throw awsError(error, "appflow:RegisterConnector");
  }
}

export interface UpdateRegistrationInput {
  label: string;
  description?: string;
  lambdaArn?: string;
  clientToken?: string;
}

/** UpdateConnectorRegistration: AppFlow re-reads the connector's configuration (B2). */
export async function updateConnectorRegistration(
  client: AppflowClient,
  input: UpdateRegistrationInput,
): Promise<string> {
  try {
    const r = await client.send(
      new UpdateConnectorRegistrationCommand({
        connectorLabel: input.label,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.lambdaArn
          ? { connectorProvisioningConfig: { lambda: { lambdaArn: input.lambdaArn } } }
          : {}),
        ...(input.clientToken ? { clientToken: input.clientToken } : {}),
      }),
    );
    return r.connectorArn ?? "";
  } catch (error) {
    throw awsError(error, "appflow:UpdateConnectorRegistration");
  }
}

/**
 * UnregisterConnector. Returns false when the label was not registered. The IAM action is spelled
 * `appflow:UnRegisterConnector` (capital R), unlike the API operation.
 */
export async function unregisterConnector(
  client: AppflowClient,
  label: string,
  forceDelete: boolean,
): Promise<boolean> {
  try {
    await client.send(new UnregisterConnectorCommand({ connectorLabel: label, forceDelete }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return false;
    throw awsError(error, "appflow:UnRegisterConnector");
  }
}
