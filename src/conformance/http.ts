import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../project/files.js";
import { CliError } from "../ui/errors.js";

/**
 * Recorded HTTP exchanges (`fixtures/http.json` in a connector project), their replay, and their
 * recording, for connectors running in this process. Both `fetch` and `node:http`/`node:https`
 * requests are intercepted (with @mswjs/interceptors, the interception layer of msw and nock).
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
  };
  response: { status: number; headers?: Record<string, string>; body?: unknown };
}

export interface FixtureFile {
  version: 1;
  description?: string;
  match?: { ignoreQueryParams?: string[] };
  exchanges: Exchange[];
}

export const REDACTED = "[REDACTED]";

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

/** Writes fixtures atomically (nothing half-written is left behind). */
export async function saveFixtures(file: string, doc: FixtureFile): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
}

export function normalizeUrl(url: string, ignore: readonly string[] = []): string {
  const u = new URL(url);
  const params = [...u.searchParams.entries()].filter(([k]) => !ignore.includes(k)).sort();
  u.search = new URLSearchParams(params).toString();
  return u.toString();
}

/** The strings whose presence in a request marks it as carrying the local credentials. */
export function credentialMarkers(secrets: Record<string, string>): string[] {
  const out = Object.entries(secrets)
    .filter(([k, v]) => k !== "authenticationType" && k !== "customAuthenticationType" && v.length >= 4)
    .map(([, v]) => v);
  if (secrets.username !== undefined && secrets.password !== undefined) {
    out.push(Buffer.from(`${secrets.username}:${secrets.password}`).toString("base64"));
  }
  return out;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export function findExchange(
  fixtures: FixtureFile,
  req: SeenRequest,
  markers: string[],
): Exchange | undefined {
  const ignore = fixtures.match?.ignoreQueryParams ?? [];
  // Recorded URLs and bodies have secrets replaced; compare the request the same way.
  const variants = secretVariants(markers);
  const url = normalizeUrl(redactValue(req.url, variants) as string, ignore);
  const valid = carriesCredentials(req, markers);
  const body = JSON.stringify(redactValue(req.body, variants));
  return fixtures.exchanges.find(
    (e) =>
      e.request.method.toUpperCase() === req.method &&
      normalizeUrl(e.request.url, ignore) === url &&
      JSON.stringify(e.request.body) === body &&
      (e.request.credentials === undefined || (e.request.credentials === "valid") === valid),
  );
}

function carriesCredentials(req: SeenRequest, markers: string[]): boolean {
  if (markers.length === 0) return true;
  const text = `${Object.values(req.headers).join("\n")}\n${req.url}`;
  return markers.some((m) => text.includes(m));
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The forms a secret takes on the wire: as is, percent-encoded (URLs), and form-encoded (`+` for
 * space), longest first so that a value containing another is replaced whole.
 */
export function secretVariants(values: string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    out.add(v);
    out.add(encodeURIComponent(v));
    out.add(new URLSearchParams({ v }).toString().slice(2));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Keys whose values are credentials whatever they hold (token endpoints, form posts). */
const CREDENTIAL_KEY = /^(access_?token|refresh_?token|id_?token|client_?secret|password|api_?key|secret)$/i;

/**
 * Replaces every secret value inside strings of a JSON value, and the value of every credential-
 * named key (a token an OAuth endpoint returns is not in the local secrets file, but is a secret).
 */
export function redactValue(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") {
    let out = value;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    // form-encoded text: client_secret=…&refresh_token=…
    return out.replace(/(^|[?&])([\w-]+)=([^&#]*)/g, (m, sep: string, key: string) =>
      CREDENTIAL_KEY.test(key) ? `${sep}${key}=${REDACTED}` : m,
    );
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        CREDENTIAL_KEY.test(k) && typeof v === "string" ? REDACTED : redactValue(v, secrets),
      ]),
    );
  }
  return value;
}

/** Response headers worth keeping in fixtures (never cookies or tokens). */
const KEPT_RESPONSE_HEADERS = ["content-type", "retry-after", "link", "location"];

export type HttpMode =
  | { mode: "replay"; fixtures: FixtureFile }
  | { mode: "record"; fixtures: FixtureFile }
  | { mode: "live" };

export interface HttpSession {
  /** Requests that had no recorded exchange (replay); each also failed inside the connector. */
  unmatched: string[];
  /** `method url` of every request seen. */
  requests: string[];
  /** While set, every request is answered with this status (error-path checks). */
  forceStatus: { status: number; body: unknown } | undefined;
  /** The fixtures with what was recorded (record mode). */
  recorded(): FixtureFile | undefined;
  dispose(): void;
}

/**
 * Intercepts the HTTP calls of code running in this process. `secrets` are the local secret values:
 * they classify requests as carrying valid credentials or not, and are redacted from everything
 * recorded (headers are never recorded at all).
 */
export async function startHttpSession(
  mode: HttpMode,
  secrets: Record<string, string>,
): Promise<HttpSession> {
  const [{ BatchInterceptor }, { ClientRequestInterceptor }, { FetchInterceptor }] = await Promise.all([
    import("@mswjs/interceptors"),
    import("@mswjs/interceptors/ClientRequest"),
    import("@mswjs/interceptors/fetch"),
  ]);
  const interceptor = new BatchInterceptor({
    name: "connectorkit-http",
    interceptors: [new ClientRequestInterceptor(), new FetchInterceptor()],
  });
  const markers = credentialMarkers(secrets);
  const secretValues = secretVariants(markers);
  const recorded: Exchange[] = [];
  let disposed = false;
  const pending = new Map<string, Exchange["request"]>();
  const session: HttpSession = {
    unmatched: [],
    requests: [],
    forceStatus: undefined,
    recorded: () =>
      mode.mode === "record" ? { ...mode.fixtures, exchanges: dedupe([...recorded]) } : undefined,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      interceptor.dispose();
    },
  };
  interceptor.apply();
  interceptor.on("request", async ({ request, requestId, controller }) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const bodyText =
      request.method === "GET" || request.method === "HEAD" ? "" : await request.clone().text();
    const seen: SeenRequest = {
      method: request.method.toUpperCase(),
      url: request.url,
      headers,
      body: parseBody(bodyText),
    };
    const label = `${seen.method} ${normalizeUrl(seen.url)}`;
    session.requests.push(label);
    if (session.forceStatus) {
      const { status, body } = session.forceStatus;
      controller.respondWith(
        new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }),
      );
      return;
    }
    if (mode.mode === "replay") {
      const hit = findExchange(mode.fixtures, seen, markers);
      if (!hit) {
        session.unmatched.push(seen.body === undefined ? label : `${label} ${JSON.stringify(seen.body)}`);
        controller.errorWith(new TypeError(`connectorkit replay: no recorded exchange for ${label}`));
        return;
      }
      const b = hit.response.body;
      const text = b === undefined || b === null ? null : typeof b === "string" ? b : JSON.stringify(b);
      controller.respondWith(
        new Response(text, { status: hit.response.status, headers: hit.response.headers ?? {} }),
      );
      return;
    }
    if (mode.mode === "record") {
      pending.set(requestId, {
        method: seen.method,
        // Redact before normalising: normalising re-encodes the query, and the secret with it.
        url: normalizeUrl(redactValue(seen.url, secretValues) as string),
        ...(seen.body !== undefined ? { body: redactValue(seen.body, secretValues) } : {}),
        ...(markers.length > 0
          ? { credentials: carriesCredentials(seen, markers) ? "valid" : "invalid" }
          : {}),
      });
    }
  });
  interceptor.on("response", async ({ response, requestId, isMockedResponse }) => {
    if (mode.mode !== "record" || isMockedResponse) return;
    const request = pending.get(requestId);
    if (!request) return;
    pending.delete(requestId);
    const headers: Record<string, string> = {};
    for (const h of KEPT_RESPONSE_HEADERS) {
      const v = response.headers.get(h);
      if (v) headers[h] = redactValue(v, secretValues) as string;
    }
    const text = await response.clone().text();
    recorded.push({
      request,
      response: {
        status: response.status,
        headers,
        body: redactValue(parseBody(text) ?? null, secretValues),
      },
    });
  });
  return session;
}

/** Later recordings of the same request replace earlier ones. */
function dedupe(exchanges: Exchange[]): Exchange[] {
  const byKey = new Map<string, Exchange>();
  for (const e of exchanges) {
    byKey.set(JSON.stringify([e.request.method, e.request.url, e.request.body, e.request.credentials]), e);
  }
  return [...byKey.values()];
}
