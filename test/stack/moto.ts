import { spawn } from "node:child_process";
import { available, stopChild, waitForLine } from "./process.js";

/** moto (pre-installed in the machine's Python) emulates ECR, IAM, Lambda and STS on 127.0.0.1. */
export const motoAvailable = available("python3", ["-c", "import moto"]);

export interface Moto {
  url: string;
  pid: number;
  /** Wipes every service's state (IAM roles too); the Lambda no-docker setting survives. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Environment for AWS SDK clients that talk to moto. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "us-east-1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

export async function startMoto(options: { stubEcr?: boolean } = {}): Promise<Moto> {
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MOTO_LAMBDA_STUB_ECR: options.stubEcr === false ? "false" : "true" },
  });
  const m = await waitForLine(child, /Running on http:\/\/127\.0\.0\.1:(\d+)/);
  child.stderr?.resume();
  const url = `http://127.0.0.1:${m[1]}`;
  const res = await fetch(`${url}/moto-api/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!res.ok) throw new Error(`moto config failed: ${res.status}`);
  return {
    url,
    pid: child.pid ?? -1,
    async reset() {
      const r = await fetch(`${url}/moto-api/reset`, { method: "POST" });
      if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
    },
    stop: () => stopChild(child),
  };
}
