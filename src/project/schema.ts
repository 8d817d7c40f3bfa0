import schemaJson from "../../schema/connector.schema.json" with { type: "json" };

/** The JSON Schema of connector.json, as shipped in the package (`connectorkit/connector.schema.json`). */
export const connectorSchema: Record<string, unknown> = schemaJson as Record<string, unknown>;

export type LeafType = "string" | "integer" | "number" | "boolean" | "string[]" | "object";

interface SchemaNode {
  type?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  default?: unknown;
  enum?: unknown[];
  description?: string;
}

function resolveRef(node: SchemaNode): SchemaNode {
  let n = node;
  while (n.$ref) {
    const name = n.$ref.replace("#/definitions/", "");
    const defs = (connectorSchema.definitions ?? {}) as Record<string, SchemaNode>;
    const target = defs[name];
    if (!target) throw new Error(`schema: unknown $ref ${n.$ref}`);
    n = target;
  }
  return n;
}

export interface SettingInfo {
  /** Dotted path in connector.json, e.g. `lambda.memorySize`. */
  path: string;
  type: LeafType;
  /** The environment variable that sets it, e.g. `CONNECTOR_LAMBDA_MEMORY_SIZE`. */
  env: string;
  default?: unknown;
  enum?: unknown[];
  description?: string;
}

/** `lambda.memorySize` → `CONNECTOR_LAMBDA_MEMORY_SIZE`. */
export function envNameFor(path: string): string {
  return `CONNECTOR_${path
    .split(".")
    .map((seg) => seg.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase())
    .join("_")}`;
}

function leafType(node: SchemaNode): LeafType | undefined {
  switch (node.type) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return node.type;
    case "array":
      return node.items && resolveRef(node.items).type === "string" ? "string[]" : undefined;
    case "object":
      return node.properties ? undefined : "object";
    default:
      return undefined;
  }
}

let cachedSettings: SettingInfo[] | undefined;

/**
 * Every leaf setting of connector.json that can also come from the environment or a flag. Derived
 * from the schema, so a new field in the schema is settable everywhere without more code.
 */
export function listSettings(): SettingInfo[] {
  if (cachedSettings) return cachedSettings;
  const out: SettingInfo[] = [];
  const walk = (node: SchemaNode, prefix: string) => {
    const n = resolveRef(node);
    for (const [key, child] of Object.entries(n.properties ?? {})) {
      if (key === "$schema") continue;
      const c = resolveRef(child);
      const path = prefix ? `${prefix}.${key}` : key;
      const t = leafType(c);
      if (t) {
        out.push({
          path,
          type: t,
          env: envNameFor(path),
          ...(c.default !== undefined ? { default: c.default } : {}),
          ...(c.enum ? { enum: c.enum } : {}),
          ...(c.description ? { description: c.description } : {}),
        });
      } else if (c.properties) {
        walk(c, path);
      }
    }
  };
  walk(connectorSchema as SchemaNode, "");
  cachedSettings = out;
  return out;
}

export function settingInfo(path: string): SettingInfo | undefined {
  return listSettings().find((s) => s.path === path);
}
