/**
 * Validation and normalisation of request events (protocol A3). Absent and `null` are treated alike,
 * defaults are applied, unknown properties are ignored. A malformed request throws a
 * `ConnectorError("InvalidArgument")` whose message names the field.
 *
 * @module
 */
import type {
  ConnectorInput,
  DescribeConnectorConfigurationInput,
  DescribeEntityInput,
  ListEntitiesInput,
  NormalizedConnectorContext,
  QueryDataInput,
  RetrieveDataInput,
  ValidateConnectorRuntimeSettingsInput,
  ValidateCredentialsInput,
  WriteDataInput,
} from "./connector.js";
import { ConnectorError } from "./errors.js";
import type { Credentials, EntityDefinition, FieldDefinition, RequestType, StringMap } from "./model.js";
import {
  AUTHENTICATION_TYPES,
  CONNECTOR_RUNTIME_SETTING_SCOPES,
  FIELD_DATA_TYPES,
  WRITE_OPERATION_TYPES,
} from "./model.js";

/** Default `locale` of DescribeConnectorConfiguration. */
export const DEFAULT_LOCALE = "en-US";
/** Default page size (`maxResult` of ListEntities, `maxResults` of QueryData). */
export const DEFAULT_PAGE_SIZE = 1000;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

class Fields {
  constructor(
    private readonly type: RequestType,
    private readonly obj: Obj,
    private readonly prefix: string,
  ) {}

  fail(key: string, problem: string): never {
    throw new ConnectorError("InvalidArgument", `Invalid ${this.type}: ${this.prefix}${key} ${problem}`);
  }

  private value(key: string, required: boolean): unknown {
    const v = this.obj[key];
    if (v == null) {
      if (required) this.fail(key, "is required");
      return null;
    }
    return v;
  }

  string(key: string, required: true): string;
  string(key: string, required?: false): string | null;
  string(key: string, required = false): string | null {
    const v = this.value(key, required);
    if (v === null) return null;
    if (typeof v !== "string") this.fail(key, `must be a string, got ${describe(v)}`);
    return v;
  }

  boolean(key: string): boolean | null {
    const v = this.value(key, false);
    if (v === null) return null;
    if (typeof v !== "boolean") this.fail(key, `must be a boolean, got ${describe(v)}`);
    return v;
  }

  pageSize(key: string): number {
    const v = this.value(key, false);
    if (v === null) return DEFAULT_PAGE_SIZE;
    if (typeof v !== "number" || !Number.isInteger(v))
      this.fail(key, `must be an integer, got ${describe(v)}`);
    if (v < 1) this.fail(key, `must be at least 1, got ${v}`);
    return v;
  }

  enumValue<T extends string>(key: string, values: readonly T[], required: true): T;
  enumValue<T extends string>(key: string, values: readonly T[], required?: false): T | null;
  enumValue<T extends string>(key: string, values: readonly T[], required = false): T | null {
    const v = this.value(key, required);
    if (v === null) return null;
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      this.fail(
        key,
        `must be one of ${values.join(", ")}, got ${typeof v === "string" ? `'${v}'` : describe(v)}`,
      );
    }
    return v as T;
  }

  stringArray(key: string): string[] | null {
    const v = this.value(key, false);
    if (v === null) return null;
    if (!Array.isArray(v)) this.fail(key, `must be an array of strings, got ${describe(v)}`);
    for (const [i, item] of (v as unknown[]).entries()) {
      if (typeof item !== "string") this.fail(`${key}[${i}]`, `must be a string, got ${describe(item)}`);
    }
    return v as string[];
  }

  stringMap(key: string, required = false): StringMap | null {
    const v = this.value(key, required);
    if (v === null) return null;
    if (!isObject(v)) this.fail(key, `must be an object of strings, got ${describe(v)}`);
    for (const [k, item] of Object.entries(v)) {
      if (typeof item !== "string") this.fail(`${key}.${k}`, `must be a string, got ${describe(item)}`);
    }
    return v as StringMap;
  }

  object(key: string, required: true): Fields;
  object(key: string, required?: false): Fields | null;
  object(key: string, required = false): Fields | null {
    const v = this.value(key, required);
    if (v === null) return null;
    if (!isObject(v)) this.fail(key, `must be an object, got ${describe(v)}`);
    return new Fields(this.type, v, `${this.prefix}${key}.`);
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  child(obj: Obj, path: string): Fields {
    return new Fields(this.type, obj, `${this.prefix}${path}.`);
  }
}

function credentials(f: Fields, key: string, required: boolean): Credentials | null {
  const c = required ? f.object(key, true) : f.object(key);
  if (c === null) return null;
  return {
    secretArn: c.string("secretArn"),
    authenticationType: c.enumValue("authenticationType", AUTHENTICATION_TYPES),
  };
}

function entityDefinition(f: Fields): EntityDefinition | null {
  const def = f.object("entityDefinition");
  if (def === null) return null;
  const entity = def.object("entity", true);
  entity.string("entityIdentifier", true);
  const fields = def.raw("fields");
  if (fields == null) return def.fail("fields", "is required");
  if (!Array.isArray(fields)) return def.fail("fields", `must be an array, got ${describe(fields)}`);
  for (const [i, field] of (fields as unknown[]).entries()) {
    if (!isObject(field)) return def.fail(`fields[${i}]`, `must be an object, got ${describe(field)}`);
    const ff = def.child(field, `fields[${i}]`);
    ff.string("fieldName", true);
    ff.enumValue("dataType", FIELD_DATA_TYPES, true);
  }
  // Passed on as sent (with unknown properties): connectors may read any of the definition's fields.
  return f.raw("entityDefinition") as EntityDefinition & { fields: FieldDefinition[] };
}

function connectorContext(f: Fields): NormalizedConnectorContext {
  const c = f.object("connectorContext", true);
  return {
    connectorRuntimeSettings: c.stringMap("connectorRuntimeSettings") ?? {},
    credentials: credentials(c, "credentials", false),
    apiVersion: c.string("apiVersion", true),
    flowName: c.string("flowName"),
    executionId: c.string("executionId"),
    connectorProfileLabel: c.string("connectorProfileLabel"),
    entityDefinition: entityDefinition(c),
  };
}

/**
 * Validates and normalises a request event of a known type. For QueryData, `filter` is left `null`; the
 * handler parses `filterExpression`.
 *
 * @throws ConnectorError `InvalidArgument` naming the offending field.
 */
export function normalizeRequest(type: RequestType, event: Obj): ConnectorInput {
  const f = new Fields(type, event, "");
  switch (type) {
    case "DescribeConnectorConfigurationRequest":
      return {
        type,
        locale: f.string("locale") ?? DEFAULT_LOCALE,
        connectorLabel: f.string("connectorLabel"),
      } satisfies DescribeConnectorConfigurationInput;
    case "ValidateConnectorRuntimeSettingsRequest":
      return {
        type,
        scope: f.enumValue("scope", CONNECTOR_RUNTIME_SETTING_SCOPES, true),
        connectorRuntimeSettings: f.stringMap("connectorRuntimeSettings", true) ?? {},
        authenticationType: f.enumValue("authenticationType", AUTHENTICATION_TYPES),
      } satisfies ValidateConnectorRuntimeSettingsInput;
    case "ValidateCredentialsRequest":
      return {
        type,
        credentials: credentials(f, "credentials", true) ?? {},
        connectorRuntimeSettings: f.stringMap("connectorRuntimeSettings") ?? {},
      } satisfies ValidateCredentialsInput;
    case "ListEntitiesRequest":
      return {
        type,
        connectorContext: connectorContext(f),
        entitiesPath: f.string("entitiesPath"),
        nextToken: f.string("nextToken"),
        maxResult: f.pageSize("maxResult"),
      } satisfies ListEntitiesInput;
    case "DescribeEntityRequest":
      return {
        type,
        entityIdentifier: f.string("entityIdentifier", true),
        connectorContext: connectorContext(f),
      } satisfies DescribeEntityInput;
    case "RetrieveDataRequest":
      return {
        type,
        entityIdentifier: f.string("entityIdentifier", true),
        connectorContext: connectorContext(f),
        selectedFieldNames: f.stringArray("selectedFieldNames"),
        idFieldName: f.string("idFieldName"),
        ids: f.stringArray("ids"),
      } satisfies RetrieveDataInput;
    case "QueryDataRequest":
      return {
        type,
        entityIdentifier: f.string("entityIdentifier", true),
        connectorContext: connectorContext(f),
        selectedFieldNames: f.stringArray("selectedFieldNames"),
        filterExpression: f.string("filterExpression"),
        filter: null,
        nextToken: f.string("nextToken"),
        maxResults: f.pageSize("maxResults"),
      } satisfies QueryDataInput;
    case "WriteDataRequest":
      return {
        type,
        entityIdentifier: f.string("entityIdentifier", true),
        connectorContext: connectorContext(f),
        operation: f.enumValue("operation", WRITE_OPERATION_TYPES, true),
        idFieldNames: f.stringArray("idFieldNames"),
        records: f.stringArray("records") ?? [],
        allOrNone: f.boolean("allOrNone"),
      } satisfies WriteDataInput;
  }
}
