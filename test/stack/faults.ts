import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fault-injecting HTTP proxy for registry tests. Requests are forwarded unchanged (Host header
 * included, so upload Locations keep pointing here) unless a rule matches:
 * - `status`: answer N times with a status (500, 503, 429 with Retry-After, …);
 * - `reset`: read `afterBytes` of the request body, then destroy the connection.
 * Every request is logged (method, path, query, outcome) for assertions.
 */

export type FaultAction =
  | { kind: "status"; status: number; retryAfter?: number; body?: string }
  | { kind: "reset"; afterBytes?: number };

export interface FaultRule {
  method?: string;
  /** Tested against the path and query, e.g. /\/blobs\/uploads\// or /digest=sha256%3Aab/. */
  url?: RegExp;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  action: FaultAction;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The status sent back, or "reset". */
  outcome: number | "reset";
  /** Bytes of request body seen (reset) or forwarded. */
  bytes: number;
  /** When the request arrived and when its answer was finished (ms, monotonic). */
  start: number;
  end?: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  log: LoggedRequest[];
  add(rule: FaultRule): void;
  clear(): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: { port: number; host?: string }): Promise<FaultProxy> {
  const rules: Array<FaultRule & { left: number }> = [];
  const log: LoggedRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      outcome: 0,
      bytes: 0,
      start: performance.now(),
    };
    log.push(entry);
    res.on("close", () => {
      entry.end = performance.now();
    });
    const rule = rules.find(
      (r) =>
        r.left > 0 &&
        (!r.method || r.method === req.method) &&
        (!r.url || r.url.test(`${url.pathname}${url.search}`)),
    );
    if (rule) {
      rule.left--;
      const action = rule.action;
      if (action.kind === "status") {
        entry.outcome = action.status;
        req.resume();
        req.on("end", () => {
          res.writeHead(action.status, {
            "content-type": "application/json",
            ...(action.retryAfter !== undefined ? { "retry-after": String(action.retryAfter) } : {}),
          });
          res.end(
            action.body ??
              JSON.stringify({ errors: [{ code: "UNKNOWN", message: `injected ${action.status}` }] }),
          );
        });
        return;
      }
      entry.outcome = "reset";
      const limit = action.afterBytes ?? 0;
      const cut = () => {
        req.socket.destroy();
      };
      if (limit === 0) {
        cut();
        return;
      }
      req.on("data", (chunk: Buffer) => {
        entry.bytes += chunk.length;
        if (entry.bytes >= limit) cut();
      });
      req.on("end", cut);
      return;
    }
    const upstream = http.request(
      {
        host: target.host ?? "127.0.0.1",
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (ur) => {
        entry.outcome = ur.statusCode ?? 0;
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    req.on("data", (chunk: Buffer) => {
      entry.bytes += chunk.length;
    });
    upstream.on("error", () => {
      entry.outcome = "reset";
      res.destroy();
    });
    req.on("error", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    add(rule) {
      rules.push({ ...rule, left: rule.times ?? 1 });
    },
    clear() {
      rules.length = 0;
      log.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
