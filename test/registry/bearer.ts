import http from "node:http";
import type { AddressInfo } from "node:net";
import { REGISTRY_PASSWORD, REGISTRY_USER } from "../stack/registry.js";

/**
 * A stand-in for public.ecr.aws's anonymous token flow, in front of the Basic-auth registry:
 * `/v2/…` without a valid `Bearer` token answers 401 with
 * `WWW-Authenticate: Bearer realm=<this>/token,service=…,scope=repository:<repo>:pull`; `/token`
 * hands out a token to anyone; requests with a token go on to the registry with Basic auth.
 */
export interface BearerProxy {
  url: string;
  port: number;
  tokenRequests: URLSearchParams[];
  stop(): Promise<void>;
}

export async function startBearerProxy(registryPort: number): Promise<BearerProxy> {
  const tokens = new Set<string>();
  const tokenRequests: URLSearchParams[] = [];
  const basic = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString("base64")}`;
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/token") {
      tokenRequests.push(url.searchParams);
      const token = `anon-${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ token, expires_in: 60 }));
      return;
    }
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !tokens.has(auth.slice(7))) {
      const repo = /^\/v2\/(.+?)\/(manifests|blobs)\//.exec(url.pathname)?.[1] ?? "";
      req.resume();
      res
        .writeHead(401, {
          "content-type": "application/json",
          "www-authenticate":
            `Bearer realm="http://127.0.0.1:${port}/token",service="bearer-test"` +
            (repo ? `,scope="repository:${repo}:pull"` : ""),
        })
        .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
      return;
    }
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: registryPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, authorization: basic },
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tokenRequests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
