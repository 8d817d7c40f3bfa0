import { type AwsOptions, awsError, lambdaClient } from "../aws/clients.js";
import type { HandlerRunner, RawInvocation } from "./runners.js";

/**
 * Runs checks against a deployed function through Lambda Invoke (RequestResponse). A function
 * error (`FunctionError`) counts as a thrown exception, like AppFlow sees it.
 */
export async function createLambdaRunner(functionName: string, aws: AwsOptions): Promise<HandlerRunner> {
  const { InvokeCommand } = await import("@aws-sdk/client-lambda");
  const client = await lambdaClient({ ...aws, maxAttempts: 2 });
  return {
    kind: "lambda",
    async invoke(event, timeoutMs): Promise<RawInvocation> {
      const started = performance.now();
      try {
        const out = await client.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: "RequestResponse",
            LogType: "Tail",
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
        const durationMs = performance.now() - started;
        const text = out.Payload ? new TextDecoder().decode(out.Payload) : "null";
        const logs = out.LogResult
          ? Buffer.from(out.LogResult, "base64").toString("utf8").split("\n").filter(Boolean)
          : [];
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          payload = text;
        }
        if (out.FunctionError) {
          const p = payload as { errorType?: string; errorMessage?: string } | null;
          return {
            status: "threw",
            error: { name: p?.errorType ?? out.FunctionError, message: p?.errorMessage ?? text },
            durationMs,
            logs,
          };
        }
        return { status: "ok", response: payload, durationMs, logs };
      } catch (error) {
        const durationMs = performance.now() - started;
        if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError") {
          return { status: "timeout", durationMs, logs: [] };
        }
        throw awsError(error, "lambda:InvokeFunction", `invoking ${functionName}`);
      }
    },
    async close() {
      client.destroy();
    },
  };
}
