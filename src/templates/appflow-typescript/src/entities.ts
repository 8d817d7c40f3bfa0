import type { EntityDefinition, FieldDefinition } from "connectorkit/sdk";

/**
 * The connector's entities and how each maps to the REST API. Field names are what AppFlow shows
 * and filters on; `api` is the JSON key the API uses. Filter operators default per data type.
 */
export interface EntitySpec {
  definition: EntityDefinition;
  /** API collection path, e.g. `/contacts`. */
  path: string;
  /** AppFlow field name → API JSON key. */
  api: Record<string, string>;
}

const readOnly = { isCreatable: false, isUpdatable: false, isUpsertable: false, isNullable: false };
const incremental = {
  isRetrievable: true,
  isQueryable: true,
  isNullable: false,
  isTimestampFieldForIncrementalQueries: true,
};

function field(
  fieldName: string,
  dataType: FieldDefinition["dataType"],
  label: string,
  extra: Partial<FieldDefinition> = {},
): FieldDefinition {
  return {
    fieldName,
    dataType,
    label,
    readProperties: { isRetrievable: true, isQueryable: true, isNullable: true },
    writeProperties: { isCreatable: true, isUpdatable: true, isUpsertable: true, isNullable: true },
    ...extra,
  };
}

export const ENTITIES: Record<string, EntitySpec> = {
  Contact: {
    path: "/contacts",
    api: {
      id: "id",
      name: "name",
      email: "email",
      score: "score",
      vip: "vip",
      createdAt: "created_at",
      updatedAt: "updated_at",
    },
    definition: {
      entity: {
        entityIdentifier: "Contact",
        hasNestedEntities: false,
        isWritable: true,
        label: "Contact",
        description: "People in the CRM",
      },
      fields: [
        field("id", "String", "Contact ID", {
          isPrimaryKey: true,
          writeProperties: {
            ...readOnly,
            isDefaultedOnCreate: true,
            supportedWriteOperations: ["UPDATE", "UPSERT", "DELETE"],
          },
        }),
        field("name", "String", "Name"),
        field("email", "String", "Email", {
          constraints: { allowedLengthRange: { minRange: 3, maxRange: 254 } },
        }),
        field("score", "Integer", "Lead score", {
          constraints: { allowedValueRange: { minRange: 0, maxRange: 100 } },
        }),
        field("vip", "Boolean", "VIP"),
        field("createdAt", "DateTime", "Created", { writeProperties: readOnly }),
        field("updatedAt", "DateTime", "Last modified", {
          readProperties: incremental,
          writeProperties: readOnly,
        }),
      ],
    },
  },
  Deal: {
    path: "/deals",
    api: {
      id: "id",
      contactId: "contact_id",
      title: "title",
      amount: "amount",
      stage: "stage",
      closeDate: "close_date",
      updatedAt: "updated_at",
    },
    definition: {
      entity: {
        entityIdentifier: "Deal",
        hasNestedEntities: false,
        isWritable: true,
        label: "Deal",
        description: "Sales opportunities",
      },
      fields: [
        field("id", "String", "Deal ID", {
          isPrimaryKey: true,
          writeProperties: {
            ...readOnly,
            isDefaultedOnCreate: true,
            supportedWriteOperations: ["UPDATE", "UPSERT", "DELETE"],
          },
        }),
        field("contactId", "String", "Contact ID"),
        field("title", "String", "Title"),
        field("amount", "Double", "Amount"),
        field("stage", "String", "Stage", { constraints: { allowedValues: ["open", "won", "lost"] } }),
        field("closeDate", "Date", "Close date"),
        field("updatedAt", "DateTime", "Last modified", {
          readProperties: incremental,
          writeProperties: readOnly,
        }),
      ],
    },
  },
};

/** API object → AppFlow record (only the mapped fields, null for absent ones). */
export function toRecord(spec: EntitySpec, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [fieldName, key] of Object.entries(spec.api)) out[fieldName] = item[key] ?? null;
  return out;
}

/** AppFlow record → API object (unknown fields are dropped, `id` and read-only fields are not sent). */
export function toApi(spec: EntitySpec, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [fieldName, key] of Object.entries(spec.api)) {
    if (fieldName === "id" || fieldName === "createdAt" || fieldName === "updatedAt") continue;
    if (fieldName in record) out[key] = record[fieldName];
  }
  return out;
}
