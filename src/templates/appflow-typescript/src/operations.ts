import {
  ConnectorError,
  decodePageToken,
  decodeRecords,
  encodePageToken,
  type FilterExpression,
  type InvocationContext,
  type ListEntitiesInput,
  type ListEntitiesResult,
  paginate,
  type QueryDataInput,
  type RetrieveDataInput,
  selectFields,
  type WriteDataInput,
  type WriteRecordResult,
} from "connectorkit/sdk";
import { type ApiContext, callApi } from "./api.js";
import { ENTITIES, type EntitySpec, toApi, toRecord } from "./entities.js";

/**
 * Records per API call. Small so that the recorded fixtures exercise cursor paging; a real API
 * would use 100 or more. It is independent of AppFlow's `maxResults`: `paginate` cuts pages to size.
 */
export const UPSTREAM_PAGE_SIZE = 2;

interface ListResponse {
  data: Record<string, unknown>[];
  next_cursor: string | null;
}

export function entitySpec(entityIdentifier: string): EntitySpec {
  const spec = ENTITIES[entityIdentifier];
  if (!spec) {
    throw new ConnectorError(
      "InvalidArgument",
      `Unknown entity "${entityIdentifier}"; this connector has ${Object.keys(ENTITIES).join(", ")}`,
    );
  }
  return spec;
}

async function apiContext(settings: Record<string, string>, ctx: InvocationContext): Promise<ApiContext> {
  return { settings, credentials: await ctx.getCredentials() };
}

/** ListEntities: a flat list, paged by `maxResult` with an opaque offset token. */
export function listEntities(request: ListEntitiesInput): ListEntitiesResult {
  const all = Object.values(ENTITIES).map((e) => e.definition.entity);
  const offset = request.nextToken ? decodePageToken<{ o: number }>(request.nextToken, isOffset).o : 0;
  const page = all.slice(offset, offset + request.maxResult);
  const next = offset + page.length;
  return {
    entities: page,
    nextToken: next < all.length ? encodePageToken({ o: next }) : null,
    cacheControl: { timeToLive: 3600, timeToLiveUnit: "SECONDS" },
  };
}

function isOffset(v: unknown): v is { o: number } {
  return typeof v === "object" && v !== null && Number.isInteger((v as { o?: unknown }).o);
}

/**
 * The lower bound of `updatedAt` that the API can apply itself (`updated_since`), when the filter is
 * `updatedAt > t` or `updatedAt >= t`, alone or AND-ed with other conditions. The full filter is
 * still evaluated on every record, so pushing down is only an optimisation.
 */
export function updatedSince(filter: FilterExpression | null): string | undefined {
  const visit = (node: FilterExpression["expression"]): string | undefined => {
    if (!node) return undefined;
    if (node.type === "and") return visit(node.left) ?? visit(node.right);
    if (
      node.type === "comparison" &&
      node.field.name === "updatedAt" &&
      (node.op === ">" || node.op === ">=") &&
      node.value.type === "datetime"
    ) {
      return node.value.raw;
    }
    return undefined;
  };
  return visit(filter?.expression ?? null);
}

/** QueryData: cursor paging over the API, filter (pushed down where possible), LIMIT, projection. */
export async function queryData(request: QueryDataInput, ctx: InvocationContext) {
  const spec = entitySpec(request.entityIdentifier);
  const api = await apiContext(request.connectorContext.connectorRuntimeSettings, ctx);
  const since = updatedSince(request.filter);
  return paginate<string>(
    request,
    async (cursor) => {
      const res = await callApi<ListResponse>(api, "GET", spec.path, {
        query: { limit: UPSTREAM_PAGE_SIZE, cursor: cursor ?? undefined, updated_since: since },
      });
      return { records: res.data.map((item) => toRecord(spec, item)), next: res.next_cursor };
    },
    { context: ctx },
  );
}

/** RetrieveData: one GET per id; ids the API does not know are left out. */
export async function retrieveData(request: RetrieveDataInput, ctx: InvocationContext) {
  const spec = entitySpec(request.entityIdentifier);
  const api = await apiContext(request.connectorContext.connectorRuntimeSettings, ctx);
  const records: Record<string, unknown>[] = [];
  for (const id of request.ids ?? []) {
    try {
      const item = await callApi<Record<string, unknown>>(
        api,
        "GET",
        `${spec.path}/${encodeURIComponent(id)}`,
      );
      records.push(selectFields(toRecord(spec, item), request.selectedFieldNames));
    } catch (error) {
      if (error instanceof ConnectorError && error.message.includes("HTTP 404")) continue;
      throw error;
    }
  }
  return { records };
}

/** WriteData: one API call per record and one result per record, in input order. */
export async function writeData(request: WriteDataInput, ctx: InvocationContext) {
  const spec = entitySpec(request.entityIdentifier);
  const api = await apiContext(request.connectorContext.connectorRuntimeSettings, ctx);
  const idField = request.idFieldNames?.[0] ?? "id";
  const records = decodeRecords(request.records);
  const results: WriteRecordResult[] = [];
  let stopped = false;
  for (const record of records) {
    if (stopped) {
      results.push({
        isSuccess: false,
        recordId: "",
        errorMessage: "not attempted: an earlier record failed (allOrNone)",
      });
      continue;
    }
    const id =
      record[idField] === undefined || record[idField] === null ? undefined : String(record[idField]);
    try {
      const saved = await writeOne(api, spec, request.operation, id, record);
      results.push({ isSuccess: true, recordId: saved ?? id ?? "", errorMessage: null });
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      // Credentials and throttling concern the whole call: let AppFlow refresh or retry it.
      if (["InvalidCredentials", "RateLimitExceeded", "ServiceUnavailable"].includes(error.errorCode))
        throw error;
      results.push({ isSuccess: false, recordId: id ?? "", errorMessage: error.message });
      if (request.allOrNone) stopped = true;
    }
  }
  return { writeRecordResults: results };
}

async function writeOne(
  api: ApiContext,
  spec: EntitySpec,
  operation: WriteDataInput["operation"],
  id: string | undefined,
  record: Record<string, unknown>,
): Promise<string | undefined> {
  const body = toApi(spec, record);
  const needId = () => {
    if (!id) throw new ConnectorError("InvalidArgument", `${operation} needs the record's id`);
    return `${spec.path}/${encodeURIComponent(id)}`;
  };
  switch (operation) {
    case "INSERT":
      return (await callApi<{ id: string }>(api, "POST", spec.path, { body })).id;
    case "UPDATE":
      return (await callApi<{ id: string }>(api, "PATCH", needId(), { body })).id;
    case "UPSERT":
      return (await callApi<{ id: string }>(api, "PUT", needId(), { body })).id;
    case "DELETE":
      await callApi(api, "DELETE", needId());
      return id;
  }
}
