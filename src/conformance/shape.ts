import {
  CONNECTOR_MODES,
  CONNECTOR_OPERATORS,
  CONNECTOR_RUNTIME_SETTING_DATA_TYPES,
  CONNECTOR_RUNTIME_SETTING_SCOPES,
  DATA_TRANSFER_TYPES,
  ERROR_CODES,
  FIELD_DATA_TYPES,
  OAUTH2_CONTENT_TYPES,
  OAUTH2_CUSTOM_PROP_TYPES,
  OAUTH2_GRANT_TYPES,
  OAUTH2_METHOD_TYPES,
  TIME_UNITS,
  TRIGGER_FREQUENCIES,
  TRIGGER_TYPES,
  WRITE_OPERATION_TYPES,
} from "../sdk/model.js";
import { closest } from "../ui/suggest.js";

/**
 * Response shapes of AppFlow's connector protocol (appflow-protocol.md A4–A7), checked field by field:
 * exact JSON names (unknown keys are reported, with the right spelling when it is a near miss),
 * required fields, types and enum spellings. Used by `connector invoke` and `connector test`.
 */

export interface ShapeIssue {
  /** JSON path of the offending field, e.g. `authenticationConfig.oAuth2Defaults.tokenURL[0]`. */
  path: string;
  message: string;
}

type Spec =
  | { t: "string" | "boolean" | "integer" | "number" | "any"; req?: boolean; nullable?: boolean }
  | { t: "enum"; values: readonly string[]; req?: boolean; nullable?: boolean }
  | { t: "array"; items: Spec; req?: boolean; nullable?: boolean }
  | { t: "object"; fields: Record<string, Spec>; req?: boolean; nullable?: boolean }
  | { t: "map"; values: Spec; req?: boolean; nullable?: boolean };

const S = (req = false): Spec => ({ t: "string", req, nullable: !req });
const B = (req = false): Spec => ({ t: "boolean", req, nullable: !req });
const I = (req = false): Spec => ({ t: "integer", req, nullable: !req });
const E = (values: readonly string[], req = false): Spec => ({ t: "enum", values, req, nullable: !req });
const A = (items: Spec, req = false): Spec => ({ t: "array", items, req, nullable: !req });
const O = (fields: Record<string, Spec>, req = false): Spec => ({ t: "object", fields, req, nullable: !req });
const M = (values: Spec, req = false): Spec => ({ t: "map", values, req, nullable: !req });

const errorDetails = O({ errorCode: E(ERROR_CODES, true), errorMessage: S(true), retryAfterSeconds: I() });
const cacheControl = O({ timeToLive: I(true), timeToLiveUnit: E(TIME_UNITS) });
const stringMap = M({ t: "string" });
const entity = O({
  entityIdentifier: S(true),
  hasNestedEntities: B(true),
  isWritable: B(),
  label: S(),
  description: S(),
  customProperties: stringMap,
});
const range = O({ minRange: { t: "number", req: true }, maxRange: { t: "number", req: true } });
const field = O({
  fieldName: S(true),
  dataType: E(FIELD_DATA_TYPES, true),
  dataTypeLabel: S(),
  label: S(),
  description: S(),
  isPrimaryKey: B(),
  defaultValue: S(),
  isDeprecated: B(),
  constraints: O({
    allowedLengthRange: range,
    allowedValueRange: range,
    allowedValues: A({ t: "string" }),
    allowedValuesRegexPattern: S(),
    allowedDateFormat: S(),
  }),
  readProperties: O({
    isRetrievable: B(),
    isNullable: B(),
    isQueryable: B(),
    isTimestampFieldForIncrementalQueries: B(),
  }),
  writeProperties: O({
    isCreatable: B(),
    isUpdatable: B(),
    isNullable: B(),
    isUpsertable: B(),
    isDefaultedOnCreate: B(),
    supportedWriteOperations: A(E(WRITE_OPERATION_TYPES, true)),
  }),
  filterOperators: A(E(CONNECTOR_OPERATORS, true)),
  customProperties: stringMap,
});
const entityDefinition = O({
  entity: { ...entity, req: true, nullable: false },
  fields: A(field, true),
  customProperties: stringMap,
});
const authParameter = O({
  key: S(true),
  required: B(true),
  label: S(true),
  description: S(true),
  sensitiveField: B(),
  connectorSuppliedValues: A({ t: "string" }),
});
const oauth2Defaults = O({
  oAuthScopes: A({ t: "string" }),
  tokenURL: A({ t: "string" }, true),
  authURL: A({ t: "string" }),
  oAuth2GrantTypesSupported: A(E(OAUTH2_GRANT_TYPES, true), true),
  oAuth2ContentType: E(OAUTH2_CONTENT_TYPES),
  oAuth2MethodType: E(OAUTH2_METHOD_TYPES),
  oauth2CustomProperties: A(
    O(
      {
        key: S(true),
        required: B(true),
        type: E(OAUTH2_CUSTOM_PROP_TYPES, true),
        label: S(true),
        description: S(true),
        sensitiveField: B(),
        connectorSuppliedValues: A({ t: "string" }),
      },
      true,
    ),
  ),
  addBasicAuthHeader: B(),
});

const base = { isSuccess: B(true), errorDetails };

/** One spec per response, keyed by the request `type`. */
export const RESPONSE_SPECS: Record<string, Record<string, Spec>> = {
  DescribeConnectorConfigurationRequest: {
    ...base,
    connectorOwner: S(true),
    connectorName: S(true),
    connectorVersion: S(true),
    connectorModes: A(E(CONNECTOR_MODES, true), true),
    authenticationConfig: O({
      isBasicAuthSupported: B(),
      isApiKeyAuthSupported: B(),
      isOAuth2Supported: B(),
      isCustomAuthSupported: B(),
      oAuth2Defaults: oauth2Defaults,
      customAuthConfig: A(O({ authenticationType: S(true), authParameters: A(authParameter, true) }, true)),
    }),
    connectorRuntimeSetting: A(
      O(
        {
          key: S(true),
          dataType: E(CONNECTOR_RUNTIME_SETTING_DATA_TYPES, true),
          required: B(true),
          label: S(true),
          description: S(true),
          scope: E(CONNECTOR_RUNTIME_SETTING_SCOPES, true),
          connectorSuppliedValueOptions: A({ t: "string" }),
        },
        true,
      ),
    ),
    supportedApiVersions: A({ t: "string" }, true),
    operatorsSupported: A(E(CONNECTOR_OPERATORS, true)),
    supportedTriggerTypes: A(E(TRIGGER_TYPES, true)),
    triggerFrequenciesSupported: A(E(TRIGGER_FREQUENCIES, true)),
    supportedWriteOperations: A(E(WRITE_OPERATION_TYPES, true)),
    logoURL: S(),
    supportedDataTransferTypes: A(E(DATA_TRANSFER_TYPES, true)),
  },
  ValidateConnectorRuntimeSettingsRequest: { ...base, errorsByInputField: stringMap },
  ValidateCredentialsRequest: { ...base },
  ListEntitiesRequest: { ...base, entities: A(entity), nextToken: S(), cacheControl },
  DescribeEntityRequest: { ...base, entityDefinition, cacheControl },
  RetrieveDataRequest: { ...base, records: A({ t: "string" }) },
  QueryDataRequest: { ...base, nextToken: S(), records: A({ t: "string" }) },
  WriteDataRequest: {
    ...base,
    writeRecordResults: A(O({ isSuccess: B(true), recordId: S(), errorMessage: S() }, true)),
  },
};

/** Request types in the protocol's order. */
export const REQUEST_TYPES = Object.keys(RESPONSE_SPECS);

/**
 * Checks a response against its request type's shape. A failed response (`isSuccess: false`) may
 * leave out the success-only required fields (DescribeConnectorConfiguration, F2) but must carry
 * `errorDetails`.
 */
export function checkResponseShape(requestType: string, response: unknown): ShapeIssue[] {
  const fields = RESPONSE_SPECS[requestType];
  if (!fields) return [{ path: "type", message: `unknown request type ${requestType}` }];
  const issues: ShapeIssue[] = [];
  if (typeof response !== "object" || response === null || Array.isArray(response)) {
    return [{ path: "(response)", message: `must be a JSON object, got ${describe(response)}` }];
  }
  const r = response as Record<string, unknown>;
  const failed = r.isSuccess === false;
  if (failed && (r.errorDetails === null || r.errorDetails === undefined)) {
    issues.push({ path: "errorDetails", message: "is required when isSuccess is false" });
  }
  const top: Record<string, Spec> = {};
  for (const [k, spec] of Object.entries(fields)) {
    top[k] =
      failed && k !== "isSuccess" && k !== "errorDetails" ? { ...spec, req: false, nullable: true } : spec;
  }
  checkObject(r, top, "", issues);
  return issues;
}

function checkObject(
  obj: Record<string, unknown>,
  fields: Record<string, Spec>,
  path: string,
  issues: ShapeIssue[],
) {
  for (const [key, spec] of Object.entries(fields)) {
    check(obj[key], spec, path ? `${path}.${key}` : key, issues, key in obj);
  }
  for (const key of Object.keys(obj)) {
    if (key in fields) continue;
    const near = closest(key, Object.keys(fields));
    issues.push({
      path: path ? `${path}.${key}` : key,
      message: near
        ? `unknown field; AppFlow reads "${near}" (exact JSON name)`
        : `unknown field (AppFlow ignores it); expected one of ${Object.keys(fields).join(", ")}`,
    });
  }
}

function check(value: unknown, spec: Spec, path: string, issues: ShapeIssue[], present: boolean): void {
  if (value === undefined || value === null) {
    if (spec.req) issues.push({ path, message: present ? "must not be null" : "is required" });
    else if (value === null && spec.nullable === false) issues.push({ path, message: "must not be null" });
    return;
  }
  switch (spec.t) {
    case "any":
      return;
    case "string":
      if (typeof value !== "string")
        issues.push({ path, message: `must be a string, got ${describe(value)}` });
      return;
    case "boolean":
      if (typeof value !== "boolean")
        issues.push({ path, message: `must be true or false, got ${describe(value)}` });
      return;
    case "integer":
      if (!Number.isInteger(value))
        issues.push({ path, message: `must be an integer, got ${describe(value)}` });
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        issues.push({ path, message: `must be a number, got ${describe(value)}` });
      }
      return;
    case "enum":
      if (typeof value !== "string" || !spec.values.includes(value)) {
        const near = typeof value === "string" ? closest(value, spec.values) : undefined;
        issues.push({
          path,
          message: `${describe(value)} is not one of ${spec.values.join(", ")}${near ? ` (did you mean "${near}"?)` : ""}`,
        });
      }
      return;
    case "array":
      if (!Array.isArray(value)) {
        issues.push({ path, message: `must be an array, got ${describe(value)}` });
        return;
      }
      value.forEach((item, i) => {
        check(item, { ...spec.items, req: true, nullable: false }, `${path}[${i}]`, issues, true);
      });
      return;
    case "object":
      if (typeof value !== "object" || Array.isArray(value)) {
        issues.push({ path, message: `must be an object, got ${describe(value)}` });
        return;
      }
      checkObject(value as Record<string, unknown>, spec.fields, path, issues);
      return;
    case "map":
      if (typeof value !== "object" || Array.isArray(value)) {
        issues.push({ path, message: `must be an object, got ${describe(value)}` });
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        check(v, { ...spec.values, req: true, nullable: false }, `${path}.${k}`, issues, true);
      }
      return;
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}
