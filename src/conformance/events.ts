import { CliError } from "../ui/errors.js";
import { closest } from "../ui/suggest.js";
import type { LocalSecrets } from "./secrets-file.js";
import { localSecretArn } from "./secrets-file.js";
import { REQUEST_TYPES } from "./shape.js";

export type AppflowEvent = Record<string, unknown> & { type: string };

/** AppFlow's own time limits per request type (appflow-protocol.md A1), in milliseconds. */
export function appflowLimitMs(type: string): number {
  return ["QueryDataRequest", "WriteDataRequest", "RetrieveDataRequest"].includes(type) ? 30_000 : 10_000;
}

/** `QueryData`, `querydata` and `QueryDataRequest` all name `QueryDataRequest`. */
export function normalizeRequestType(name: string): string {
  const wanted = name.toLowerCase().replace(/request$/, "");
  const match = REQUEST_TYPES.find((t) => t.toLowerCase().replace(/request$/, "") === wanted);
  if (match) return match;
  const near = closest(
    name,
    REQUEST_TYPES.map((t) => t.replace(/Request$/, "")),
    4,
  );
  throw new CliError("UNKNOWN_REQUEST_TYPE", `"${name}" is not an AppFlow request type.`, {
    hint: `${near ? `Did you mean ${near}? ` : ""}Types: ${REQUEST_TYPES.map((t) => t.replace(/Request$/, "")).join(", ")}.`,
  });
}

export interface ContextInputs {
  label: string;
  apiVersion: string;
  settings: Record<string, string>;
  secrets: LocalSecrets;
  entityDefinition?: unknown;
}

/** The `connectorContext` AppFlow sends with metadata and data requests. */
export function connectorContext(c: ContextInputs): Record<string, unknown> {
  return {
    connectorRuntimeSettings: c.settings,
    credentials: credentials(c.label, c.secrets),
    apiVersion: c.apiVersion,
    flowName: null,
    executionId: null,
    connectorProfileLabel: "local",
    entityDefinition: c.entityDefinition ?? null,
  };
}

export function credentials(label: string, secrets: LocalSecrets): Record<string, unknown> | null {
  if (!secrets.file && secrets.authenticationType === null) return null;
  return { secretArn: localSecretArn(label), authenticationType: secrets.authenticationType };
}

export interface EventOptions {
  entity?: string;
  entitiesPath?: string;
  filter?: string;
  fields?: string[];
  ids?: string[];
  idField?: string;
  maxResults?: number;
  nextToken?: string;
  operation?: string;
  records?: unknown[];
  idFieldNames?: string[];
  allOrNone?: boolean;
  scope?: string;
  locale?: string;
}

/** Builds one request event the way AppFlow would send it. */
export function buildEvent(type: string, ctx: ContextInputs, o: EventOptions): AppflowEvent {
  const needEntity = () => {
    if (!o.entity) {
      throw new CliError("USAGE", `${type.replace(/Request$/, "")} needs an entity.`, {
        hint: "Pass --entity <entityIdentifier> (see `connector invoke ListEntities`).",
      });
    }
    return o.entity;
  };
  switch (type) {
    case "DescribeConnectorConfigurationRequest":
      return { type, locale: o.locale ?? "en-US", connectorLabel: ctx.label };
    case "ValidateConnectorRuntimeSettingsRequest":
      return {
        type,
        scope: o.scope ?? "CONNECTOR_PROFILE",
        connectorRuntimeSettings: ctx.settings,
        authenticationType: ctx.secrets.authenticationType,
      };
    case "ValidateCredentialsRequest":
      return {
        type,
        credentials: credentials(ctx.label, ctx.secrets),
        connectorRuntimeSettings: ctx.settings,
      };
    case "ListEntitiesRequest":
      return {
        type,
        connectorContext: connectorContext(ctx),
        entitiesPath: o.entitiesPath ?? null,
        nextToken: o.nextToken ?? null,
        maxResult: o.maxResults ?? 1000,
      };
    case "DescribeEntityRequest":
      return { type, entityIdentifier: needEntity(), connectorContext: connectorContext(ctx) };
    case "RetrieveDataRequest":
      return {
        type,
        entityIdentifier: needEntity(),
        connectorContext: connectorContext(ctx),
        selectedFieldNames: o.fields ?? null,
        idFieldName: o.idField ?? null,
        ids: o.ids ?? [],
      };
    case "QueryDataRequest":
      return {
        type,
        entityIdentifier: needEntity(),
        connectorContext: connectorContext(ctx),
        selectedFieldNames: o.fields ?? null,
        filterExpression: o.filter ?? null,
        nextToken: o.nextToken ?? null,
        maxResults: o.maxResults ?? 1000,
      };
    case "WriteDataRequest":
      return {
        type,
        entityIdentifier: needEntity(),
        connectorContext: connectorContext(ctx),
        operation: o.operation ?? "INSERT",
        idFieldNames: o.idFieldNames ?? null,
        records: (o.records ?? []).map((r) => (typeof r === "string" ? r : JSON.stringify(r))),
        allOrNone: o.allOrNone ?? false,
      };
    default:
      throw new CliError("UNKNOWN_REQUEST_TYPE", `Cannot build a ${type} event.`);
  }
}
