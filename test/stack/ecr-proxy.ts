import http from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeRepositoriesCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";

/**
 * The ECR-like proxy of local-test-stack.md §4: in front of docker-registry, behind it moto.
 * - `/v2/<name>/blobs…` and `/v2/<name>/manifests…` for a repository moto does not know answer
 *   404 NAME_UNKNOWN, as ECR does (the bare registry would create the repository).
 * - Everything else is forwarded unchanged, Host header included, so the registry's upload
 *   Locations keep pointing at the proxy (or at whatever sits in front of it).
 * - A manifest PUT the registry accepts (201) is recorded in moto with PutImage before the
 *   answer goes back, so DescribeImages shows the registry's digest at once.
 */

export interface EcrProxy {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const ROUTE = /^\/v2\/(.+?)\/(blobs\/uploads|manifests|blobs)(?:\/([^/?]*))?/;

export async function startEcrProxy(options: {
  registryPort: number;
  motoUrl: string;
  account?: string;
  region?: string;
}): Promise<EcrProxy> {
  const account = options.account ?? "123456789012";
  const ecr = new ECRClient({
    endpoint: options.motoUrl,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const server = http.createServer(async (req, res) => {
    const m = ROUTE.exec(req.url ?? "");
    const repository = m?.[1];
    if (repository) {
      try {
        await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
      } catch (error) {
        if ((error as Error).name !== "RepositoryNotFoundException") {
          res.writeHead(502).end(String(error));
          return;
        }
        req.resume();
        res.writeHead(404, { "content-type": "application/json" }).end(
          JSON.stringify({
            errors: [
              {
                code: "NAME_UNKNOWN",
                message:
                  `The repository with name '${repository}' does not exist ` +
                  `in the registry with id '${account}'`,
              },
            ],
          }),
        );
        return;
      }
    }
    const manifestPut = m?.[2] === "manifests" && req.method === "PUT";
    const body: Buffer[] = [];
    if (manifestPut) for await (const c of req) body.push(c as Buffer);
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: options.registryPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      async (ur) => {
        if (manifestPut && ur.statusCode === 201 && repository) {
          const reference = m?.[3] ?? "";
          const digest = ur.headers["docker-content-digest"];
          try {
            await ecr.send(
              new PutImageCommand({
                repositoryName: repository,
                imageManifest: Buffer.concat(body).toString("utf8"),
                imageManifestMediaType: req.headers["content-type"],
                ...(reference.startsWith("sha256:") ? {} : { imageTag: reference }),
                ...(typeof digest === "string" ? { imageDigest: digest } : {}),
              }),
            );
          } catch (error) {
            ur.resume();
            res.writeHead(500, { "content-type": "text/plain" }).end(`PutImage failed: ${String(error)}`);
            return;
          }
        }
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    upstream.on("error", (e) => {
      if (!res.headersSent) res.writeHead(502).end(String(e));
      else res.destroy();
    });
    if (manifestPut) upstream.end(Buffer.concat(body));
    else req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      ecr.destroy();
    },
  };
}
