import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { CliError } from "../ui/errors.js";

/**
 * Recorded HTTP exchanges (`fixtures/http.json` in a connector project) and their replay.
 *
 * A request matches an exchange on method, URL (query-parameter order and the parameters listed in
 * `match.ignoreQueryParams` do not count) and JSON body. An exchange marked
 * `"credentials": "valid"` / `"invalid"` matches only requests that do / do not carry one of the
 * local secret values in a header, so ValidateCredentials can be replayed both ways.
 */
export interface Exchange {
  request: {
    method: string;
    url: string;
    body?: unknown;
    credentials?: "valid" | "invalid";
    headers?: Record<string, string>;
  };
  response: { status: number; headers?: Record<string, string>; body?: unknown };
}

export interface FixtureFile {
  version: 1;
  description?: string;
  match?: { ignoreQueryParams?: string[] };
  exchanges: Exchange[];
}

export async function loadFixtures(file: string): Promise<FixtureFile | undefined> {
  if (!existsSync(file)) return undefined;
  let doc: FixtureFile;
  try {
    doc = JSON.parse(await readFile(file, "utf8")) as FixtureFile;
  } catch (error) {
    throw new CliError("FIXTURES_INVALID", `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: "Fix the file or re-record it with `connector test --record`.",
    });
  }
  if (!Array.isArray(doc.exchanges)) {
    throw new CliError("FIXTURES_INVALID", `${file} has no "exchanges" array.`, {
      hint: "Re-record it with `connector test --record`.",
    });
  }
  return doc;
}

export function normalizeUrl(url: string, ignore: readonly string[] = []): string {
  const u = new URL(url);
  const params = [...u.searchParams.entries()].filter(([k]) => !ignore.includes(k)).sort();
  u.search = new URLSearchParams(params).toString();
  return u.toString();
}

/** The strings whose presence in a request header marks it as carrying the local credentials. */
export function credentialMarkers(secrets: Record<string, string>): string[] {
  const out = Object.entries(secrets)
    .filter(([k, v]) => k !== "authenticationType" && k !== "customAuthenticationType" && v.length >= 4)
    .map(([, v]) => v);
  if (secrets.username !== undefined && secrets.password !== undefined) {
    out.push(Buffer.from(`${secrets.username}:${secrets.password}`).toString("base64"));
  }
  return out;
}

export interface ReplayRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export function findExchange(
  fixtures: FixtureFile,
  req: ReplayRequest,
  markers: string[],
): Exchange | undefined {
  const ignore = fixtures.match?.ignoreQueryParams ?? [];
  const url = normalizeUrl(req.url, ignore);
  const headerText = Object.values(req.headers).join("\n");
  const valid = markers.length === 0 || markers.some((m) => headerText.includes(m));
  const body = JSON.stringify(req.body);
  return fixtures.exchanges.find(
    (e) =>
      e.request.method.toUpperCase() === req.method &&
      normalizeUrl(e.request.url, ignore) === url &&
      JSON.stringify(e.request.body) === body &&
      (e.request.credentials === undefined || (e.request.credentials === "valid") === valid),
  );
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string" || body === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export interface Replay {
  /** Requests that had no recorded exchange (each also failed inside the connector). */
  unmatched: string[];
  /** Requests served, in order. */
  served: string[];
  restore(): void;
}

/**
 * Serves `fixtures` through `globalThis.fetch` for the connector running in this process. An
 * unrecorded request rejects like a network failure and is listed in `unmatched`, so the caller can
 * name it.
 */
export function installFetchReplay(fixtures: FixtureFile, secrets: Record<string, string>): Replay {
  const markers = credentialMarkers(secrets);
  const original = globalThis.fetch;
  const state: Replay = {
    unmatched: [],
    served: [],
    restore() {
      globalThis.fetch = original;
    },
  };
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : String(input);
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? request?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const rawBody = init?.body ?? (request ? await request.clone().text() : undefined);
    const body = parseBody(typeof rawBody === "string" ? rawBody : undefined);
    const hit = findExchange(fixtures, { method, url, headers, body }, markers);
    const label = `${method} ${normalizeUrl(url)}`;
    if (!hit) {
      state.unmatched.push(body === undefined ? label : `${label} ${JSON.stringify(body)}`);
      throw new TypeError(`connectorkit replay: no recorded exchange for ${label}`);
    }
    state.served.push(label);
    const b = hit.response.body;
    const text = b === undefined || b === null ? null : typeof b === "string" ? b : JSON.stringify(b);
    return new Response(text, { status: hit.response.status, headers: hit.response.headers ?? {} });
  };
  return state;
}
