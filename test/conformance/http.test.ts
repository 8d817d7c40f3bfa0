import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureFile, startHttpSession } from "../../src/conformance/http.js";

const SECRET = "sk_live/AbC+dEf== x";

describe("HTTP recording redacts secrets in every form they travel in", () => {
  let server: http.Server;
  let url = "";
  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      let body = "";
      for await (const c of req) body += c;
      res.setHeader("content-type", "application/json");
      res.setHeader("location", `https://example.com/after?key=${encodeURIComponent(SECRET)}`);
      res.end(
        JSON.stringify({
          access_token: "fresh-token-123",
          refresh_token: "r-456",
          echo: body,
          token_type: "bearer",
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("records no secret (raw, percent- or form-encoded), no issued token, and still replays", async () => {
    const base: FixtureFile = { version: 1, exchanges: [] };
    const rec = await startHttpSession({ mode: "record", fixtures: base }, { apiKey: SECRET });
    const query = `${url}/oauth/token?api_key=${encodeURIComponent(SECRET)}&z=1`;
    const form = new URLSearchParams({
      client_id: "app",
      client_secret: SECRET,
      grant_type: "client_credentials",
    });
    try {
      const r = await fetch(query, {
        method: "POST",
        body: form.toString(),
        headers: { "x-api-key": SECRET },
      });
      expect(((await r.json()) as { access_token: string }).access_token).toBe("fresh-token-123");
    } finally {
      rec.dispose();
    }
    const recorded = rec.recorded() as FixtureFile;
    const text = JSON.stringify(recorded);
    for (const form of [
      SECRET,
      encodeURIComponent(SECRET),
      new URLSearchParams({ v: SECRET }).toString().slice(2),
    ]) {
      expect(text).not.toContain(form);
    }
    expect(text).not.toContain("fresh-token-123");
    expect(text).not.toContain("r-456");
    expect(text).toContain('"token_type":"bearer"');

    // Replaying the same request (same secret) finds the recorded exchange.
    const replay = await startHttpSession({ mode: "replay", fixtures: recorded }, { apiKey: SECRET });
    try {
      const r = await fetch(query, {
        method: "POST",
        body: form.toString(),
        headers: { "x-api-key": SECRET },
      });
      expect(r.status).toBe(200);
      expect(replay.unmatched).toEqual([]);
    } finally {
      replay.dispose();
    }
  });
});
