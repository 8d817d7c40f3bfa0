import { readFile } from "node:fs/promises";
import { CliError } from "../ui/errors.js";

export interface FieldTypeInfo {
  fieldName: string;
  dataType: string;
  [key: string]: unknown;
}

export interface EntityDefinitionLike {
  entity?: { entityIdentifier?: string; [key: string]: unknown };
  fields: FieldTypeInfo[];
  [key: string]: unknown;
}

/**
 * Reads an entity definition from a file. Accepted shapes: a DescribeEntity response
 * (`{"entityDefinition": {...}}`), an EntityDefinition (`{"entity": ..., "fields": [...]}`), or a
 * bare array of field definitions.
 */
export async function readEntityDefinitionFile(file: string): Promise<EntityDefinitionLike> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(
      "FILE_NOT_FOUND",
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      {
        hint: "Pass the path of a JSON file that holds the entity definition.",
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError("INVALID_JSON", `${file} is not valid JSON: ${(error as Error).message}.`, {
      hint: "Fix the JSON syntax of the entity definition file.",
    });
  }
  return toEntityDefinition(value, file);
}

export function toEntityDefinition(value: unknown, where: string): EntityDefinitionLike {
  const obj = value as Record<string, unknown> | unknown[] | null;
  let def: unknown = obj;
  if (Array.isArray(obj)) def = { fields: obj };
  else if (obj && typeof obj === "object" && "entityDefinition" in obj) def = obj.entityDefinition;
  const fields = (def as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) {
    throw new CliError("INVALID_ENTITY_DEFINITION", `${where}: no "fields" array found.`, {
      hint: 'Use a DescribeEntity response, {"entity": {...}, "fields": [...]}, or an array of {"fieldName", "dataType"}.',
    });
  }
  fields.forEach((f, i) => {
    const field = f as Record<string, unknown> | null;
    if (!field || typeof field.fieldName !== "string" || typeof field.dataType !== "string") {
      throw new CliError(
        "INVALID_ENTITY_DEFINITION",
        `${where}: fields[${i}] needs string "fieldName" and "dataType" properties.`,
        { hint: 'Example: {"fieldName": "updatedAt", "dataType": "DateTime"}.' },
      );
    }
  });
  return def as EntityDefinitionLike;
}
