import { readFileSync } from "node:fs";

/**
 * Serves the recorded HTTP exchanges in fixtures/http.json through `globalThis.fetch`, so tests run
 * offline. A request matches an exchange on method, URL (query order and the ignored parameters do
 * not matter) and JSON body; an exchange marked `"credentials": "valid"` / `"invalid"` matches only
 * requests that do / do not carry one of the test's secret values. An unrecorded request fails the
 * test with a message that names it.
 */
interface Exchange {
  request: { method: string; url: string; body?: unknown; credentials?: "valid" | "invalid" };
  response: { status: number; headers?: Record<string, string>; body?: unknown };
}

interface FixtureFile {
  match?: { ignoreQueryParams?: string[] };
  exchanges: Exchange[];
}

export function normalizeUrl(url: string, ignore: string[]): string {
  const u = new URL(url);
  const params = [...u.searchParams.entries()].filter(([k]) => !ignore.includes(k)).sort();
  u.search = new URLSearchParams(params).toString();
  return u.toString();
}

export function installReplay(
  fixtureFile: string,
  secretValues: string[],
): { restore(): void; requests: string[] } {
  const fixtures = JSON.parse(readFileSync(fixtureFile, "utf8")) as FixtureFile;
  const ignore = fixtures.match?.ignoreQueryParams ?? [];
  const original = globalThis.fetch;
  const requests: string[] = [];
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = normalizeUrl(input instanceof Request ? input.url : String(input), ignore);
    const method = (init?.method ?? "GET").toUpperCase();
    const headerValues: string[] = [];
    new Headers(init?.headers).forEach((value) => {
      headerValues.push(value);
    });
    const headerText = headerValues.join("\n");
    const valid = secretValues.length === 0 || secretValues.some((s) => headerText.includes(s));
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    requests.push(`${method} ${url}`);
    const hit = fixtures.exchanges.find(
      (e) =>
        e.request.method === method &&
        normalizeUrl(e.request.url, ignore) === url &&
        JSON.stringify(e.request.body) === JSON.stringify(body) &&
        (e.request.credentials === undefined || (e.request.credentials === "valid") === valid),
    );
    if (!hit)
      throw new Error(`unrecorded request: ${method} ${url}${body ? ` ${JSON.stringify(body)}` : ""}`);
    const { status, headers: h, body: b } = hit.response;
    return new Response(b === undefined || b === null ? null : JSON.stringify(b), {
      status,
      headers: h ?? {},
    });
  };
  return {
    requests,
    restore() {
      globalThis.fetch = original;
    },
  };
}
