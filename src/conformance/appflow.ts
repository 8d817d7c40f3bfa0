import { evaluateFilter, type FilterEntityDefinition, formatString, parseFilter } from "../parser/index.js";
import type { AppflowEvent, ContextInputs } from "./events.js";
import { buildEvent } from "./events.js";
import type { HttpSession } from "./http.js";
import { type InvokeResult, invokeChecked } from "./local.js";
import { instantOf, recordValueProblem } from "./record-types.js";
import type { HandlerRunner } from "./runners.js";
import type { CheckInfo, CheckResult, SuiteOptions } from "./types.js";
import { selected } from "./types.js";

/** The AppFlow check catalogue. Entity-specific checks run once per entity (`<id>.<Entity>`). */
export const APPFLOW_CHECKS: CheckInfo[] = [
  {
    id: "config.responds",
    family: "configuration",
    title: "DescribeConnectorConfiguration answers within 10 s",
  },
  {
    id: "config.shape",
    family: "configuration",
    title: "the configuration has AppFlow's exact JSON names and enum spellings",
  },
  {
    id: "config.required",
    family: "configuration",
    title: "modes, API versions, operators and trigger types are declared",
  },
  {
    id: "config.names",
    family: "configuration",
    title: "connectorName and connectorOwner do not start with aws, amazon or appflow",
  },
  { id: "config.https", family: "configuration", title: "logoURL and OAuth2 token/auth URLs are https" },
  {
    id: "config.auth",
    family: "configuration",
    title: "OAuth2 has oAuth2Defaults, custom auth has customAuthConfig",
  },
  {
    id: "config.destination",
    family: "configuration",
    title: "a DESTINATION connector declares supportedWriteOperations",
  },
  {
    id: "config.settings",
    family: "configuration",
    title: "runtime settings fit AppFlow's public API (≤ 50, keys \\w+, no whitespace)",
  },
  {
    id: "config.label",
    family: "configuration",
    title: "the connector label matches AppFlow's label pattern",
  },
  {
    id: "credentials.valid",
    family: "credentials",
    title: "ValidateCredentials succeeds with the local secrets",
  },
  {
    id: "credentials.invalid",
    family: "credentials",
    title: "ValidateCredentials rejects wrong secrets with InvalidCredentials",
  },
  {
    id: "settings.valid",
    family: "credentials",
    title: "ValidateConnectorRuntimeSettings accepts the test settings",
  },
  {
    id: "settings.required",
    family: "credentials",
    title: "a missing required setting is reported in errorsByInputField",
  },
  { id: "metadata.list", family: "metadata", title: "ListEntities pages honour maxResult and terminate" },
  { id: "metadata.describe", family: "metadata", title: "DescribeEntity describes the entity" },
  {
    id: "metadata.fields",
    family: "metadata",
    title: "fields: at most one incremental field, of type Date or DateTime",
  },
  {
    id: "reads.full-pull",
    family: "reads",
    title: "QueryData follows nextToken to the end within the page budget",
  },
  { id: "reads.page-size", family: "reads", title: "QueryData honours maxResults" },
  { id: "reads.limits", family: "reads", title: "every QueryData response is under 6 MB and 30 s" },
  {
    id: "reads.types",
    family: "reads",
    title: "records are JSON objects whose values match the declared types",
  },
  { id: "reads.primary-key", family: "reads", title: "primary keys are unique and non-null" },
  { id: "reads.projection", family: "reads", title: "QueryData honours selectedFieldNames" },
  {
    id: "reads.incremental",
    family: "reads",
    title: "an incremental filter returns exactly the newer records; a future one none",
  },
  { id: "reads.operators", family: "reads", title: "a filter for every declared operator is accepted" },
  { id: "reads.limit", family: "reads", title: "LIMIT caps the total across pages" },
  { id: "reads.malformed-filter", family: "reads", title: "a malformed filter gives InvalidArgument" },
  { id: "reads.retrieve", family: "reads", title: "RetrieveData returns the asked ids" },
  {
    id: "writes.results",
    family: "writes",
    title: "WriteData returns one result per record, PartialWriteFailure when some fail",
  },
  {
    id: "errors.expired-token",
    family: "errors",
    title: "an upstream 401 (expired token) is answered InvalidCredentials",
  },
  {
    id: "errors.unknown-entity",
    family: "errors",
    title: "an unknown entity is answered with errorDetails, not an exception",
  },
  { id: "errors.no-throw", family: "errors", title: "no request was answered with a thrown exception" },
  { id: "errors.secrets", family: "errors", title: "no secret value appears in responses or logs" },
];

const LABEL_PATTERN = /^[a-zA-Z0-9][\w!@#.-]+$/;
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
const SYNTAX_BY_OPERATOR: Record<string, string> = {
  EQUAL_TO: "=",
  NOT_EQUAL_TO: "!=",
  LESS_THAN: "<",
  LESS_THAN_OR_EQUAL_TO: "<=",
  GREATER_THAN: ">",
  GREATER_THAN_OR_EQUAL_TO: ">=",
};

/** One case of `fixtures/writes.json`. */
export interface WriteCase {
  entity: string;
  operation: "INSERT" | "UPDATE" | "UPSERT" | "DELETE";
  idFieldNames?: string[];
  records: Record<string, unknown>[];
  /** Expected per-record outcome, e.g. ["ok", "fail"]. */
  expect?: ("ok" | "fail")[];
}

export interface AppflowSuiteContext {
  runner: HandlerRunner;
  label: string;
  context: ContextInputs;
  /** Local secret values (planted or real); empty for remote runs. */
  secrets: Record<string, string>;
  /** The HTTP interception of a local run (replay/record/live), for error injection. */
  http?: HttpSession;
  /** Write cases; writes are skipped without them. */
  writes?: WriteCase[];
}

export interface AppflowSuiteOptions extends SuiteOptions {
  pageBudget?: number;
  /** Page size for full pulls (small, to exercise paging). */
  pageSize?: number;
  /** Run writes (otherwise only when `writesAllowed` says so). */
  writesAllowed?: boolean;
}

type Outcome = {
  status: "pass" | "fail" | "skip";
  reason?: string;
  details?: Record<string, unknown>;
  notApplicable?: boolean;
};
const pass = (reason?: string, details?: Record<string, unknown>): Outcome => ({
  status: "pass",
  ...(reason ? { reason } : {}),
  ...(details ? { details } : {}),
});
const fail = (reason: string, details?: Record<string, unknown>): Outcome => ({
  status: "fail",
  reason,
  ...(details ? { details } : {}),
});
const skip = (reason: string): Outcome => ({ status: "skip", reason });
/** The check does not apply to this connector: a skip that `--strict` does not count. */
const na = (reason: string): Outcome => ({ status: "skip", reason, notApplicable: true });

class Bail extends Error {}

type Json = Record<string, unknown>;

interface EntityData {
  id: string;
  definition?: Json & FilterEntityDefinition;
  records?: Json[];
  pullFailed?: string;
}

/**
 * Runs the AppFlow catalogue against a handler and returns one result per check (and per entity for
 * entity checks). Never throws for connector problems: they are failed checks.
 */
export async function appflowChecks(
  ctx: AppflowSuiteContext,
  options: AppflowSuiteOptions = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const history: InvokeResult[] = [];
  const emit = options.onEvent ?? (() => {});
  const pageBudget = options.pageBudget ?? 100;
  const pageSize = options.pageSize ?? 2;

  const call = async (event: AppflowEvent, timeoutMs?: number) => {
    const r = await invokeChecked(ctx.runner, event, timeoutMs);
    history.push(r);
    return r;
  };
  const check = async (info: CheckInfo, entity: string | undefined, fn: () => Promise<Outcome>) => {
    const id = entity ? `${info.id}.${entity}` : info.id;
    if (!selected(id, options) && !selected(info.id, options)) return;
    const title = entity ? `${info.title} (${entity})` : info.title;
    emit({ type: "step", id, status: "start", title });
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await fn();
    } catch (error) {
      if (error instanceof Bail) throw error;
      outcome = fail(`the check itself failed: ${(error as Error).message}`);
    }
    const result: CheckResult = {
      id,
      title,
      family: info.family,
      status: outcome.status,
      durationMs: Math.round(performance.now() - started),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.notApplicable ? { notApplicable: true } : {}),
      ...(outcome.details ? { details: outcome.details } : {}),
    };
    results.push(result);
    emit({
      type: "step",
      id,
      status: outcome.status === "pass" ? "done" : outcome.status === "fail" ? "fail" : "skip",
      title,
      ...(outcome.reason ? { detail: outcome.reason } : {}),
    });
    if (options.bail && outcome.status === "fail") throw new Bail();
  };
  const info = (id: string): CheckInfo => {
    const found = APPFLOW_CHECKS.find((c) => c.id === id);
    if (!found) throw new Error(`unknown check ${id}`);
    return found;
  };

  try {
    // ---- configuration (fetched once, whatever is selected: every family needs it)
    const configResult = await call(buildEvent("DescribeConnectorConfigurationRequest", ctx.context, {}));
    let config: Json | undefined;
    let configProblem = "";
    if (configResult.status === "timeout") {
      configProblem = `DescribeConnectorConfiguration: no answer within ${configResult.limitMs / 1000} s`;
    } else if (configResult.status === "threw") {
      configProblem = `DescribeConnectorConfiguration ${thrown(configResult)}`;
    } else if (configResult.status === "failed") {
      configProblem = `DescribeConnectorConfiguration answered isSuccess: false (${errorOf(configResult)})`;
    } else {
      config = configResult.response as Json;
    }
    await check(info("config.responds"), undefined, async () =>
      configProblem ? fail(configProblem) : pass(undefined, { durationMs: configResult.durationMs }),
    );
    const needConfig = (fn: (c: Json) => Outcome | Promise<Outcome>) => async () =>
      config ? fn(config) : skip(configProblem);
    await check(info("config.shape"), undefined, async () => {
      if (!configResult.response) return skip(configProblem);
      return configResult.issues.length === 0
        ? pass()
        : fail(issueText(configResult), { issues: configResult.issues });
    });
    await check(
      info("config.required"),
      undefined,
      needConfig((c) => {
        const empty = [
          "connectorModes",
          "supportedApiVersions",
          "operatorsSupported",
          "supportedTriggerTypes",
        ].filter((k) => Array.isArray(c[k]) && (c[k] as unknown[]).length === 0);
        const missing = ["connectorModes", "supportedApiVersions"].filter((k) => !Array.isArray(c[k]));
        const bad = [...missing.map((k) => `${k} is missing`), ...empty.map((k) => `${k} is empty`)];
        return bad.length ? fail(`${bad.join("; ")}: AppFlow needs at least one value in each`) : pass();
      }),
    );
    await check(
      info("config.names"),
      undefined,
      needConfig((c) => {
        const bad = ["connectorName", "connectorOwner"].filter((k) =>
          /^(aws|amazon|appflow)/i.test(String(c[k] ?? "")),
        );
        return bad.length
          ? fail(
              `${bad.map((k) => `${k} "${String(c[k])}"`).join(", ")} starts with aws, amazon or appflow, which AppFlow reserves`,
            )
          : pass();
      }),
    );
    await check(
      info("config.https"),
      undefined,
      needConfig((c) => {
        const auth = (c.authenticationConfig ?? {}) as Json;
        const oauth = (auth.oAuth2Defaults ?? {}) as Json;
        const urls: [string, unknown][] = [
          ["logoURL", c.logoURL],
          ...asArray(oauth.tokenURL).map((u, i): [string, unknown] => [`oAuth2Defaults.tokenURL[${i}]`, u]),
          ...asArray(oauth.authURL).map((u, i): [string, unknown] => [`oAuth2Defaults.authURL[${i}]`, u]),
        ];
        const bad = urls.filter(([, u]) => typeof u === "string" && !/^https:\/\//i.test(u));
        return bad.length
          ? fail(`not https: ${bad.map(([k, u]) => `${k} = ${String(u)}`).join(", ")}`)
          : pass();
      }),
    );
    await check(
      info("config.auth"),
      undefined,
      needConfig((c) => {
        const auth = c.authenticationConfig as Json | null | undefined;
        if (!auth) return pass("no authentication");
        const problems: string[] = [];
        if (auth.isOAuth2Supported === true && !auth.oAuth2Defaults)
          problems.push("isOAuth2Supported without oAuth2Defaults");
        if (auth.isCustomAuthSupported === true && asArray(auth.customAuthConfig).length === 0) {
          problems.push("isCustomAuthSupported without customAuthConfig");
        }
        return problems.length ? fail(problems.join("; ")) : pass();
      }),
    );
    await check(
      info("config.destination"),
      undefined,
      needConfig((c) => {
        if (!asArray(c.connectorModes).includes("DESTINATION"))
          return na("the connector is not a destination");
        return asArray(c.supportedWriteOperations).length > 0
          ? pass()
          : fail("DESTINATION mode needs supportedWriteOperations (INSERT, UPDATE, UPSERT, DELETE)");
      }),
    );
    await check(
      info("config.settings"),
      undefined,
      needConfig((c) => {
        const settings = asArray(c.connectorRuntimeSetting) as Json[];
        const problems: string[] = [];
        if (settings.length > 50)
          problems.push(`${settings.length} runtime settings; AppFlow accepts at most 50`);
        for (const s of settings) {
          const key = String(s.key ?? "");
          if (!/^\w{1,128}$/.test(key))
            problems.push(`setting key "${key}" must match ^\\w+$ (1–128 characters, no whitespace)`);
          for (const v of asArray(s.connectorSuppliedValueOptions)) {
            if (typeof v === "string" && /\s/.test(v)) {
              problems.push(`setting "${key}" offers "${v}", but profile values may not contain whitespace`);
            }
          }
        }
        return problems.length ? fail(problems.join("; ")) : pass(`${settings.length} setting(s)`);
      }),
    );
    await check(info("config.label"), undefined, async () =>
      ctx.label.length <= 256 && LABEL_PATTERN.test(ctx.label)
        ? pass()
        : fail(
            `label "${ctx.label}" must match ^[a-zA-Z0-9][\\w!@#.-]+$ (2–256 characters, no spaces); fix appflow.label`,
          ),
    );

    // ---- credentials and settings
    const authConfigured =
      Boolean(config?.authenticationConfig) && ctx.context.secrets.authenticationType !== null;
    await check(info("credentials.valid"), undefined, async () => {
      if (!config) return skip(configProblem);
      if (!authConfigured) return na("no authentication configured (or no local secrets)");
      const r = await call(buildEvent("ValidateCredentialsRequest", ctx.context, {}));
      if (r.status === "ok") return pass();
      return fail(`${describeOutcome(r)} with the local secrets (.connector/secrets.json)`);
    });
    await check(info("credentials.invalid"), undefined, async () => {
      if (!config) return skip(configProblem);
      if (!authConfigured) return na("no authentication configured (or no local secrets)");
      if (!ctx.runner.setSecrets) return skip("secrets cannot be swapped for a deployed function");
      const wrong = Object.fromEntries(
        Object.entries(ctx.secrets).map(([k, v]) =>
          k === "authenticationType" || k === "customAuthenticationType"
            ? [k, v]
            : [k, `connectorkit-wrong-${k}`],
        ),
      );
      await ctx.runner.setSecrets(wrong);
      try {
        const r = await call(buildEvent("ValidateCredentialsRequest", ctx.context, {}));
        if (r.status === "failed" && errorOf(r) === "InvalidCredentials") return pass();
        if (r.status === "ok")
          return fail("wrong secrets were accepted: ValidateCredentials must call the API and reject them");
        return fail(
          `wrong secrets gave ${describeOutcome(r)}; answer isSuccess: false with InvalidCredentials`,
        );
      } finally {
        await ctx.runner.setSecrets(ctx.secrets);
      }
    });
    await check(info("settings.valid"), undefined, async () => {
      if (!config) return skip(configProblem);
      const r = await call(buildEvent("ValidateConnectorRuntimeSettingsRequest", ctx.context, {}));
      if (r.status === "ok") return pass();
      const fields = (r.response as Json | undefined)?.errorsByInputField;
      return fail(`${describeOutcome(r)} for the test settings ${JSON.stringify(ctx.context.settings)}`, {
        errorsByInputField: fields,
      });
    });
    await check(info("settings.required"), undefined, async () => {
      if (!config) return skip(configProblem);
      const required = (asArray(config.connectorRuntimeSetting) as Json[]).filter(
        (s) => s.required === true && s.scope === "CONNECTOR_PROFILE",
      );
      if (required.length === 0) return na("no required CONNECTOR_PROFILE setting");
      const problems: string[] = [];
      for (const s of required) {
        const key = String(s.key);
        const settings = { ...ctx.context.settings };
        delete settings[key];
        const r = await call(
          buildEvent(
            "ValidateConnectorRuntimeSettingsRequest",
            { ...ctx.context, settings },
            { scope: "CONNECTOR_PROFILE" },
          ),
        );
        const byField = (r.response as Json | undefined)?.errorsByInputField as Json | null | undefined;
        if (r.status !== "failed")
          problems.push(`without "${key}": ${describeOutcome(r)}, expected isSuccess: false`);
        else if (!byField || !(key in byField))
          problems.push(`without "${key}": errorsByInputField does not name "${key}"`);
      }
      return problems.length ? fail(problems.join("; ")) : pass(`${required.length} required setting(s)`);
    });

    // ---- metadata
    // Entities are listed once (paged with maxResult 1), whatever is selected.
    const listed: Json[] = [];
    const listOutcome = await (async (): Promise<Outcome> => {
      if (!config) return skip(configProblem);
      const tokens = new Set<string>();
      let nextToken: string | undefined;
      for (let page = 0; page < pageBudget; page++) {
        const r = await call(
          buildEvent("ListEntitiesRequest", ctx.context, {
            maxResults: 1,
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        if (r.status !== "ok") {
          return fail(
            `ListEntities: ${describeOutcome(r)}`,
            r.issues.length ? { issues: r.issues } : undefined,
          );
        }
        const res = r.response as Json;
        const entities = asArray(res.entities) as Json[];
        if (entities.length > 1) return fail(`a page held ${entities.length} entities with maxResult 1`);
        listed.push(...entities);
        const next = res.nextToken;
        if (next === null || next === undefined) {
          return pass(`${listed.length} entit${listed.length === 1 ? "y" : "ies"}`);
        }
        if (typeof next !== "string" || tokens.has(next)) {
          return fail(`ListEntities returned the nextToken ${JSON.stringify(next)} twice: paging never ends`);
        }
        tokens.add(next);
        nextToken = next;
      }
      return fail(
        `ListEntities still had a nextToken after ${pageBudget} pages (raise test.pageBudget if expected)`,
      );
    })();
    await check(info("metadata.list"), undefined, async () => listOutcome);
    const wanted = options.entities?.length
      ? options.entities
      : listed.filter((e) => e.hasNestedEntities !== true).map((e) => String(e.entityIdentifier));
    const entities: EntityData[] = wanted.map((id) => ({ id }));

    for (const e of entities) {
      const describeOutcome_ = await (async (): Promise<Outcome> => {
        if (!config) return skip(configProblem);
        const r = await call(buildEvent("DescribeEntityRequest", ctx.context, { entity: e.id }));
        if (r.status !== "ok") {
          return fail(
            `DescribeEntity: ${describeOutcome(r)}`,
            r.issues.length ? { issues: r.issues } : undefined,
          );
        }
        const def = (r.response as Json).entityDefinition as (Json & FilterEntityDefinition) | undefined;
        const got = (def?.entity as Json | undefined)?.entityIdentifier;
        if (got !== e.id) return fail(`asked for "${e.id}", the definition is for "${String(got)}"`);
        e.definition = def;
        return pass(`${def?.fields.length ?? 0} field(s)`);
      })();
      await check(info("metadata.describe"), e.id, async () => describeOutcome_);
      await check(info("metadata.fields"), e.id, async () => {
        if (!e.definition) return skip("no entity definition");
        const incremental = e.definition.fields.filter(
          (f) =>
            ((f as Json).readProperties as Json | undefined)?.isTimestampFieldForIncrementalQueries === true,
        );
        if (incremental.length > 1) {
          return fail(
            `${incremental.length} fields are marked for incremental queries (${incremental.map((f) => f.fieldName).join(", ")}); mark at most one`,
          );
        }
        const wrong = incremental.filter((f) => f.dataType !== "Date" && f.dataType !== "DateTime");
        if (wrong.length)
          return fail(
            `incremental field ${wrong[0]?.fieldName} is ${wrong[0]?.dataType}; only Date or DateTime work`,
          );
        const names = e.definition.fields.map((f) => f.fieldName);
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup) return fail(`field "${dup}" is defined twice`);
        return pass(
          incremental[0] ? `incremental field: ${incremental[0].fieldName}` : "no incremental field",
        );
      });
    }

    // ---- reads
    const query = (
      e: EntityData,
      extra: { filter?: string; fields?: string[]; maxResults?: number; nextToken?: string },
    ) =>
      call(
        buildEvent(
          "QueryDataRequest",
          { ...ctx.context, entityDefinition: e.definition },
          { entity: e.id, ...extra },
        ),
      );
    const pullAll = async (
      e: EntityData,
      extra: { filter?: string; fields?: string[]; maxResults?: number } = {},
    ) => {
      const pages: InvokeResult[] = [];
      const tokens = new Set<string>();
      let nextToken: string | undefined;
      for (let i = 0; i < pageBudget; i++) {
        const r = await query(e, { maxResults: pageSize, ...extra, ...(nextToken ? { nextToken } : {}) });
        pages.push(r);
        if (r.status !== "ok") return { pages, error: `page ${i + 1}: ${describeOutcome(r)}` };
        const next = (r.response as Json).nextToken;
        if (next === null || next === undefined) return { pages };
        if (typeof next !== "string" || tokens.has(next)) {
          return {
            pages,
            error: `nextToken ${JSON.stringify(next)} came back twice after ${i + 1} pages: paging never ends`,
          };
        }
        tokens.add(next);
        nextToken = next;
      }
      return { pages, error: `still a nextToken after ${pageBudget} pages (test.pageBudget)` };
    };
    const recordsOf = (pages: InvokeResult[]) =>
      pages.flatMap((p) => asArray((p.response as Json | undefined)?.records)).map((s) => parseRecord(s));

    for (const e of entities) {
      let fullPages: InvokeResult[] = [];
      let pulled: Promise<Outcome> | undefined;
      const ensurePull = () =>
        (pulled ??= (async (): Promise<Outcome> => {
          if (!e.definition) return skip("no entity definition");
          const { pages, error } = await pullAll(e);
          fullPages = pages;
          if (error) {
            e.pullFailed = error;
            return fail(error, pages.at(-1)?.issues.length ? { issues: pages.at(-1)?.issues } : undefined);
          }
          e.records = recordsOf(pages).filter((r): r is Json => r !== undefined);
          return pass(`${e.records.length} record(s) in ${pages.length} page(s) of maxResults ${pageSize}`);
        })());
      await check(info("reads.full-pull"), e.id, ensurePull);
      const needPull = (fn: (records: Json[]) => Promise<Outcome> | Outcome) => async () => {
        await ensurePull();
        return e.records ? fn(e.records) : skip(e.pullFailed ?? "no full pull");
      };
      await check(
        info("reads.page-size"),
        e.id,
        needPull(() => {
          const over = fullPages.findIndex((p) => asArray((p.response as Json).records).length > pageSize);
          return over >= 0
            ? fail(
                `page ${over + 1} held ${asArray((fullPages[over]?.response as Json | undefined)?.records).length} records with maxResults ${pageSize}`,
              )
            : pass();
        }),
      );
      await check(
        info("reads.limits"),
        e.id,
        needPull(() => {
          for (const [i, p] of fullPages.entries()) {
            const bytes = Buffer.byteLength(JSON.stringify(p.response));
            if (bytes > MAX_RESPONSE_BYTES)
              return fail(`page ${i + 1} is ${bytes} bytes; Lambda responses are capped at 6 MB`);
            if (p.durationMs > 30_000)
              return fail(`page ${i + 1} took ${p.durationMs} ms; AppFlow gives QueryData 30 s`);
          }
          return pass();
        }),
      );
      await check(
        info("reads.types"),
        e.id,
        needPull(() => {
          const raw = fullPages.flatMap((p) => asArray((p.response as Json).records));
          const problems: string[] = [];
          const types = new Map(e.definition?.fields.map((f) => [f.fieldName, f.dataType]));
          raw.forEach((s, i) => {
            const rec = parseRecord(s);
            if (!rec) {
              problems.push(`record ${i + 1} is not a JSON object serialised as a string`);
              return;
            }
            for (const [k, v] of Object.entries(rec)) {
              const t = types.get(k);
              if (!t) continue;
              const p = recordValueProblem(t, v);
              if (p) problems.push(`record ${i + 1} field "${k}" (${t}): ${p}`);
            }
          });
          return problems.length
            ? fail(
                `${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`,
                { problems },
              )
            : pass(`${raw.length} record(s) checked`);
        }),
      );
      await check(
        info("reads.primary-key"),
        e.id,
        needPull((records) => {
          const keys =
            e.definition?.fields.filter((f) => (f as Json).isPrimaryKey === true).map((f) => f.fieldName) ??
            [];
          if (keys.length === 0) return na("no field is marked isPrimaryKey");
          const seen = new Set<string>();
          for (const [i, r] of records.entries()) {
            const values = keys.map((k) => r[k]);
            if (values.some((v) => v === null || v === undefined))
              return fail(`record ${i + 1} has no value for primary key ${keys.join(", ")}`);
            const key = JSON.stringify(values);
            if (seen.has(key))
              return fail(`primary key ${key} appears twice (paging returned a record again?)`);
            seen.add(key);
          }
          return pass();
        }),
      );
      await check(
        info("reads.projection"),
        e.id,
        needPull(async (records) => {
          const fields = e.definition?.fields.map((f) => f.fieldName) ?? [];
          const pick = fields.slice(0, Math.min(2, fields.length));
          if (pick.length === 0 || records.length === 0) return skip("no fields or no records");
          const r = await query(e, { fields: pick, maxResults: pageSize });
          if (r.status !== "ok")
            return fail(`QueryData with selectedFieldNames ${JSON.stringify(pick)}: ${describeOutcome(r)}`);
          for (const rec of recordsOf([r])) {
            const extra = Object.keys(rec ?? {}).filter((k) => !pick.includes(k));
            if (extra.length) return fail(`asked for ${pick.join(", ")}, got also ${extra.join(", ")}`);
          }
          return pass();
        }),
      );
      await check(
        info("reads.incremental"),
        e.id,
        needPull(async (records) => {
          const f = e.definition?.fields.find(
            (x) =>
              ((x as Json).readProperties as Json | undefined)?.isTimestampFieldForIncrementalQueries ===
              true,
          );
          if (!f) return na("no field is marked isTimestampFieldForIncrementalQueries");
          const instants = records
            .map((r) => instantOf(r[f.fieldName]))
            .filter((t): t is number => t !== undefined)
            .sort((a, b) => a - b);
          if (instants.length === 0) return skip(`no record has a ${f.fieldName} value`);
          const t = instants[Math.floor((instants.length - 1) / 2)] as number;
          const literal =
            f.dataType === "Date" ? new Date(t).toISOString().slice(0, 10) : new Date(t).toISOString();
          const filter = `${f.fieldName} > ${literal}`;
          const ast = parseFilter(filter);
          const def = e.definition as FilterEntityDefinition;
          const expected = records.filter((r) => evaluateFilter(ast, r, def));
          const { pages, error } = await pullAll(e, { filter });
          if (error) return fail(`with filter "${filter}": ${error}`);
          const got = recordsOf(pages).filter((r): r is Json => r !== undefined);
          const wrong = got.filter((r) => !evaluateFilter(ast, r, def));
          if (wrong.length)
            return fail(
              `"${filter}" returned ${wrong.length} record(s) that do not satisfy it, e.g. ${JSON.stringify(wrong[0])}`,
            );
          if (got.length < expected.length) {
            return fail(
              `"${filter}" returned ${got.length} record(s); the full pull has ${expected.length} newer ones: incremental pulls would miss data`,
            );
          }
          const future = `${f.fieldName} > ${f.dataType === "Date" ? "2999-12-31" : "2999-12-31T00:00:00Z"}`;
          const fr = await pullAll(e, { filter: future });
          if (fr.error) return fail(`with filter "${future}": ${fr.error}`);
          const futureCount = recordsOf(fr.pages).length;
          if (futureCount > 0) return fail(`"${future}" returned ${futureCount} record(s); expected none`);
          return pass(`${filter}: ${got.length} record(s)`);
        }),
      );
      await check(
        info("reads.operators"),
        e.id,
        needPull(async (records) => {
          const sample = records[0] ?? {};
          const rejected: string[] = [];
          let tried = 0;
          for (const f of e.definition?.fields ?? []) {
            for (const op of asArray((f as Json).filterOperators) as string[]) {
              const expr = filterFor(f.fieldName, f.dataType, op, sample[f.fieldName]);
              if (!expr || tried >= 60) continue;
              tried++;
              const r = await query(e, { filter: expr, maxResults: 1 });
              if (r.status !== "ok")
                rejected.push(`${op} on ${f.fieldName} ("${expr}"): ${describeOutcome(r)}`);
            }
          }
          if (tried === 0) return skip("no field declares a filter operator");
          return rejected.length
            ? fail(rejected.slice(0, 3).join("; "), { rejected })
            : pass(`${tried} filter(s) accepted`);
        }),
      );
      await check(
        info("reads.limit"),
        e.id,
        needPull(async (records) => {
          if (records.length === 0) return skip("no records");
          const n = Math.min(3, Math.max(1, records.length - 1));
          const { pages, error } = await pullAll(e, { filter: `LIMIT ${n}` });
          if (error) return fail(`with "LIMIT ${n}": ${error}`);
          const got = recordsOf(pages).length;
          return got === n
            ? pass(`LIMIT ${n}: ${got} record(s) over ${pages.length} page(s)`)
            : fail(`"LIMIT ${n}" returned ${got} record(s) across pages; expected exactly ${n}`);
        }),
      );
      await check(info("reads.malformed-filter"), e.id, async () => {
        if (!e.definition) return skip("no entity definition");
        const field = e.definition.fields[0]?.fieldName ?? "x";
        const r = await query(e, { filter: `${field} >`, maxResults: 1 });
        if (r.status === "failed" && errorOf(r) === "InvalidArgument") return pass();
        return fail(
          `the filter "${field} >" gave ${describeOutcome(r)}; expected isSuccess: false with InvalidArgument`,
        );
      });
      await check(
        info("reads.retrieve"),
        e.id,
        needPull(async (records) => {
          const key = e.definition?.fields.find((f) => (f as Json).isPrimaryKey === true)?.fieldName;
          if (!key) return na("no primary key to retrieve by");
          const ids = records.slice(0, 2).map((r) => String(r[key]));
          if (ids.length === 0) return skip("no records");
          const r = await call(
            buildEvent(
              "RetrieveDataRequest",
              { ...ctx.context, entityDefinition: e.definition },
              { entity: e.id, ids, idField: key },
            ),
          );
          if (
            r.status === "failed" &&
            /not supported/i.test(
              String(
                (r.response as Json).errorDetails && ((r.response as Json).errorDetails as Json).errorMessage,
              ),
            )
          ) {
            return na("RetrieveData is not supported by this connector");
          }
          if (r.status !== "ok") return fail(`RetrieveData: ${describeOutcome(r)}`);
          const got = recordsOf([r]).map((x) => String(x?.[key]));
          const missing = ids.filter((id) => !got.includes(id));
          const extra = got.filter((id) => !ids.includes(id));
          if (missing.length || extra.length) {
            return fail(
              `asked for ${ids.join(", ")}; ${missing.length ? `missing ${missing.join(", ")}` : ""}${extra.length ? ` unexpected ${extra.join(", ")}` : ""}`,
            );
          }
          return pass();
        }),
      );
    }

    // ---- writes
    await check(info("writes.results"), undefined, async () => {
      if (!config) return skip(configProblem);
      if (!asArray(config.connectorModes).includes("DESTINATION"))
        return na("the connector is not a destination");
      if (!ctx.writes || ctx.writes.length === 0) return skip("no write cases (fixtures/writes.json)");
      if (!options.writesAllowed) return skip("writes run against a live API only with --write");
      const problems: string[] = [];
      for (const w of ctx.writes) {
        const r = await call(
          buildEvent("WriteDataRequest", ctx.context, {
            entity: w.entity,
            operation: w.operation,
            records: w.records,
            ...(w.idFieldNames ? { idFieldNames: w.idFieldNames } : {}),
          }),
        );
        const what = `${w.operation} ${w.entity}`;
        if (r.status === "threw" || r.status === "timeout" || r.status === "invalid") {
          problems.push(`${what}: ${describeOutcome(r)}`);
          continue;
        }
        const res = r.response as Json;
        const results = asArray(res.writeRecordResults) as Json[];
        if (results.length !== w.records.length) {
          problems.push(
            `${what}: ${results.length} result(s) for ${w.records.length} record(s); AppFlow needs one per record, in order`,
          );
          continue;
        }
        const failed = results.filter((x) => x.isSuccess !== true).length;
        if (failed > 0 && (res.isSuccess !== false || errorOf(r) !== "PartialWriteFailure")) {
          problems.push(
            `${what}: ${failed} record(s) failed but the response is not isSuccess: false with PartialWriteFailure`,
          );
        }
        if (w.expect) {
          const outcome = results.map((x) => (x.isSuccess === true ? "ok" : "fail"));
          if (JSON.stringify(outcome) !== JSON.stringify(w.expect)) {
            problems.push(
              `${what}: per-record outcome ${JSON.stringify(outcome)}, expected ${JSON.stringify(w.expect)}`,
            );
          }
        }
      }
      return problems.length ? fail(problems.join("; ")) : pass(`${ctx.writes.length} write case(s)`);
    });

    // ---- errors
    await check(info("errors.expired-token"), undefined, async () => {
      const e = entities.find((x) => x.definition);
      if (!e) return skip("no described entity to query");
      if (!ctx.http) return skip("needs in-process HTTP interception (not available for this runner)");
      if (!authConfigured) return na("no authentication configured");
      ctx.http.forceStatus = { status: 401, body: { error: "token expired" } };
      const before = ctx.http.requests.length;
      try {
        const r = await query(e, { maxResults: 1 });
        if (ctx.http.requests.length === before) return na("QueryData made no HTTP request to answer 401 to");
        if (r.status === "failed" && errorOf(r) === "InvalidCredentials") return pass();
        return fail(
          `with every upstream call answering 401, QueryData gave ${describeOutcome(r)}; map 401 to InvalidCredentials so AppFlow refreshes the token and retries`,
        );
      } finally {
        ctx.http.forceStatus = undefined;
      }
    });
    await check(info("errors.unknown-entity"), undefined, async () => {
      if (!config) return skip(configProblem);
      const r = await call(
        buildEvent("DescribeEntityRequest", ctx.context, { entity: "connectorkit_no_such_entity" }),
      );
      if (r.status === "failed") return pass(`answered ${errorOf(r)}`);
      if (r.status === "ok")
        return fail(
          "DescribeEntity of an unknown entity succeeded; answer isSuccess: false (InvalidArgument)",
        );
      return fail(`DescribeEntity of an unknown entity: ${describeOutcome(r)}`);
    });
    await check(info("errors.no-throw"), undefined, async () => {
      const threw = history.filter((h) => h.status === "threw");
      if (threw.length === 0) return pass(`${history.length} request(s), none threw`);
      const kinds = [
        ...new Set(
          threw.map(
            (h) =>
              `${h.requestType.replace(/Request$/, "")}: ${h.error?.name ?? "Error"}: ${h.error?.message ?? ""}`,
          ),
        ),
      ];
      return fail(
        `${threw.length} request(s) threw instead of answering errorDetails — ${kinds.slice(0, 3).join("; ")}`,
      );
    });
    await check(info("errors.secrets"), undefined, async () => {
      const values = Object.entries(ctx.secrets)
        .filter(([k, v]) => k !== "authenticationType" && k !== "customAuthenticationType" && v.length >= 4)
        .map(([, v]) => v);
      if (values.length === 0) return na("no local secrets");
      const leaks: string[] = [];
      for (const h of history) {
        const text = `${JSON.stringify(h.response ?? null)}\n${h.logs.join("\n")}\n${h.error?.message ?? ""}\n${h.error?.stack ?? ""}`;
        if (values.some((v) => text.includes(v))) {
          const where = JSON.stringify(h.response ?? null).includes(
            values.find((v) => text.includes(v)) ?? "\u0000",
          )
            ? "response"
            : "logs";
          leaks.push(`${h.requestType.replace(/Request$/, "")} (${where})`);
        }
      }
      return leaks.length
        ? fail(
            `a secret value appeared in: ${[...new Set(leaks)].join(", ")}; never put credentials in messages, records or logs`,
          )
        : pass(`${history.length} response(s) and their logs checked`);
    });
  } catch (error) {
    if (!(error instanceof Bail)) throw error;
  }
  return results;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function parseRecord(s: unknown): Json | undefined {
  if (typeof s !== "string") return undefined;
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function errorOf(r: InvokeResult): string {
  return String(
    ((r.response as Json | undefined)?.errorDetails as Json | undefined)?.errorCode ?? "no errorCode",
  );
}

function thrown(r: InvokeResult): string {
  return `threw ${r.error?.name ?? "Error"}: ${r.error?.message ?? ""}; return isSuccess: false with errorDetails instead`;
}

function issueText(r: InvokeResult): string {
  const shown = r.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  return `${shown.join("; ")}${r.issues.length > 3 ? ` (and ${r.issues.length - 3} more)` : ""}`;
}

function describeOutcome(r: InvokeResult): string {
  switch (r.status) {
    case "ok":
      return "isSuccess: true";
    case "failed": {
      const d = (r.response as Json).errorDetails as Json | undefined;
      return `isSuccess: false (${String(d?.errorCode)}: ${String(d?.errorMessage)})`;
    }
    case "invalid":
      return `an invalid response: ${issueText(r)}`;
    case "threw":
      return thrown(r);
    case "timeout":
      return `no answer within ${r.limitMs / 1000} s`;
  }
}

/** A filter expression exercising `operator` on a field, with a literal taken from a sample value. */
export function filterFor(
  field: string,
  dataType: string,
  operator: string,
  sample: unknown,
): string | undefined {
  const lit = literalFor(dataType, sample);
  if (operator === "CONTAINS") {
    if (!["String", "List", "Map"].includes(dataType)) return undefined;
    const text = typeof sample === "string" && sample.length > 0 ? sample.slice(0, 3) : "a";
    return `${field} CONTAINS ${formatString(dataType === "String" ? text : "a")}`;
  }
  if (lit === undefined) return undefined;
  if (operator === "BETWEEN")
    return dataType === "Boolean" ? undefined : `${field} BETWEEN ${lit} AND ${lit}`;
  const syntax = SYNTAX_BY_OPERATOR[operator];
  if (!syntax) return undefined;
  if (dataType === "Boolean" && syntax !== "=" && syntax !== "!=") return undefined;
  return `${field} ${syntax} ${lit}`;
}

function literalFor(dataType: string, sample: unknown): string | undefined {
  switch (dataType) {
    case "String":
      return formatString(typeof sample === "string" ? sample : "a");
    case "Integer":
    case "Long":
    case "Short":
    case "BigInteger":
      return typeof sample === "number" && Number.isInteger(sample) ? String(sample) : "1";
    case "Float":
    case "Double":
    case "BigDecimal":
      return typeof sample === "number" && Number.isFinite(sample) ? numberLiteral(sample) : "1.5";
    case "Boolean":
      return typeof sample === "boolean" ? String(sample) : "true";
    case "Date": {
      const t = instantOf(sample);
      return t === undefined ? "2020-01-01" : new Date(t).toISOString().slice(0, 10);
    }
    case "DateTime": {
      const t = instantOf(sample);
      return t === undefined ? "2020-01-01T00:00:00Z" : new Date(t).toISOString();
    }
    default:
      return undefined;
  }
}

/** A number in the filter language's syntax (no exponent). */
function numberLiteral(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/\.?0+$/, "") : s;
}
