/**
 * Built-in validation of runtime settings against the connector's declared `connectorRuntimeSetting`.
 *
 * @module
 */
import type { ConnectorRuntimeSetting, ConnectorRuntimeSettingScope, StringMap } from "./model.js";

function inScope(declared: ConnectorRuntimeSettingScope, requested: ConnectorRuntimeSettingScope): boolean {
  if (declared === requested) return true;
  if (declared === "SOURCE_AND_DESTINATION") return requested === "SOURCE" || requested === "DESTINATION";
  if (requested === "SOURCE_AND_DESTINATION") return declared === "SOURCE" || declared === "DESTINATION";
  return false;
}

const INTEGER = /^-?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

function validDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Checks user-entered settings against the declared settings of the requested scope: required settings
 * present and non-empty, values among `connectorSuppliedValueOptions` when those are set, and values
 * well-formed for their `dataType` (`Integer`/`Long` integral, `Boolean` `true`/`false`, `Date`
 * `YYYY-MM-DD`, `DateTime` ISO-8601, `Url` an absolute `http(s)` URL). Settings that were not declared are
 * ignored.
 *
 * @returns setting key → message; empty when everything is valid
 */
export function validateRuntimeSettings(
  settings: StringMap,
  declared: readonly ConnectorRuntimeSetting[] | null | undefined,
  scope: ConnectorRuntimeSettingScope,
): StringMap {
  const errors: StringMap = {};
  for (const setting of declared ?? []) {
    if (!inScope(setting.scope, scope)) continue;
    const value = settings[setting.key];
    if (value === undefined || value === "") {
      if (setting.required) errors[setting.key] = "Required";
      continue;
    }
    const options = setting.connectorSuppliedValueOptions;
    if (options != null && options.length > 0 && !options.includes(value)) {
      errors[setting.key] = `Must be one of: ${options.join(", ")}`;
      continue;
    }
    const problem = checkType(setting.dataType, value);
    if (problem !== null) errors[setting.key] = problem;
  }
  return errors;
}

function checkType(dataType: ConnectorRuntimeSetting["dataType"], value: string): string | null {
  switch (dataType) {
    case "Integer":
      return INTEGER.test(value) && Number(value) >= -(2 ** 31) && Number(value) < 2 ** 31
        ? null
        : "Must be a 32-bit integer";
    case "Long":
      return INTEGER.test(value) ? null : "Must be an integer";
    case "Boolean":
      return value === "true" || value === "false" ? null : "Must be true or false";
    case "Date":
      return DATE.test(value) && validDate(value) ? null : "Must be a date (YYYY-MM-DD)";
    case "DateTime":
      return DATE_TIME.test(value) && validDate(value) ? null : "Must be an ISO-8601 date-time";
    case "Url": {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:" ? null : "Must be an http(s) URL";
      } catch {
        return "Must be a URL";
      }
    }
    default:
      return null;
  }
}
