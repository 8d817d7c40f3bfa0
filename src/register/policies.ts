/**
 * The IAM documents `connector register` creates and checks (appflow-protocol.md C1, C2), the
 * resource-policy comparison, and the deterministic tokens. Pure functions: no AWS calls.
 */
import { createHash } from "node:crypto";
import type { PolicyStatement } from "../aws/lambda.js";

/** Tag put on the roles and functions this tool creates; only such roles are ever deleted. */
export const CREATED_BY_TAG = { key: "createdBy", value: "connectorkit" } as const;

/**
 * Function tag recording which code and environment AppFlow last read the configuration of. When it
 * no longer matches, the registration is stale and UpdateConnectorRegistration is due.
 */
export const SYNC_TAG = "connectorkit:appflow-sync";

export const BASIC_EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
export const INLINE_POLICY_NAME = "appflow-connector";
export const APPFLOW_PRINCIPAL = "appflow.amazonaws.com";
export const INVOKE_ACTION = "lambda:InvokeFunction";

/** `<functionName>-role`, shortened with a hash when it would pass IAM's 64-character limit. */
export function roleNameFor(functionName: string): string {
  const plain = `${functionName}-role`;
  if (plain.length <= 64) return plain;
  const hash = createHash("sha256").update(functionName).digest("hex").slice(0, 6);
  return `${functionName.slice(0, 52)}-${hash}-role`;
}

export function trustPolicy(): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  };
}

/** AppFlow stores a profile's credentials in secrets named `appflow!<account>-<label>-…` (B4). */
export function secretArnPattern(region: string, account: string, label: string): string {
  return `arn:aws:secretsmanager:${region}:${account}:secret:appflow!${account}-${label}-*`;
}

/** The role's inline policy: the connector's secrets, plus License Manager for Marketplace products. */
export function rolePolicy(opts: {
  region: string;
  account: string;
  label: string;
  marketplace: boolean;
}): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "ReadConnectorProfileSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: secretArnPattern(opts.region, opts.account, opts.label),
    },
  ];
  if (opts.marketplace) {
    statements.push({
      Sid: "CheckMarketplaceEntitlement",
      Effect: "Allow",
      Action: "license-manager:CheckoutLicense",
      Resource: "*",
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface InvokePermission {
  statementId: string;
  principal: string;
  action: string;
  sourceAccount: string;
  sourceArn: string;
}

export function appflowSourceArn(region: string, account: string): string {
  return `arn:aws:appflow:${region}:${account}:*`;
}

export function invokePermission(statementId: string, region: string, account: string): InvokePermission {
  return {
    statementId,
    principal: APPFLOW_PRINCIPAL,
    action: INVOKE_ACTION,
    sourceAccount: account,
    sourceArn: appflowSourceArn(region, account),
  };
}

/** The statement as GetPolicy shows it once AddPermission has run (C1). */
export function expectedStatement(p: InvokePermission, functionArn: string): PolicyStatement {
  return {
    Sid: p.statementId,
    Effect: "Allow",
    Principal: { Service: p.principal },
    Action: p.action,
    Resource: functionArn,
    Condition: {
      StringEquals: { "AWS:SourceAccount": p.sourceAccount },
      ArnLike: { "AWS:SourceArn": p.sourceArn },
    },
  };
}

export type PermissionState = "ok" | "missing" | "stale";

export interface PermissionCheck {
  state: PermissionState;
  /** How the statements with our Sid differ from the expected one (empty when ok or missing). */
  diff: string[];
  /** Statements carrying our Sid (more than one only on emulators that accept duplicates). */
  count: number;
}

function one(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : JSON.stringify(value);
  return value;
}

function principalService(p: PolicyStatement["Principal"]): string | undefined {
  if (typeof p === "string") return p;
  return one(p?.Service);
}

/** Compares the statements with our Sid against the expected one, field by field. */
export function checkPermission(
  statements: PolicyStatement[],
  expected: InvokePermission,
  functionArn: string,
): PermissionCheck {
  const ours = statements.filter((s) => s.Sid === expected.statementId);
  if (ours.length === 0) return { state: "missing", diff: [], count: 0 };
  const diff: string[] = [];
  if (ours.length > 1) diff.push(`${ours.length} statements share the Sid ${expected.statementId}`);
  const s = ours[0] as PolicyStatement;
  const want = expectedStatement(expected, functionArn);
  const cmp = (what: string, got: string | undefined, wanted: string | undefined) => {
    if (got !== wanted) diff.push(`${what}: ${got ?? "(none)"} → ${wanted ?? "(none)"}`);
  };
  cmp("Effect", s.Effect, "Allow");
  cmp("Principal", principalService(s.Principal), expected.principal);
  cmp("Action", one(s.Action), expected.action);
  const resource = one(s.Resource);
  if (resource !== undefined) cmp("Resource", resource, want.Resource as string);
  const cond = s.Condition ?? {};
  cmp(
    "Condition StringEquals AWS:SourceAccount",
    one(cond.StringEquals?.["AWS:SourceAccount"]),
    expected.sourceAccount,
  );
  cmp("Condition ArnLike AWS:SourceArn", one(cond.ArnLike?.["AWS:SourceArn"]), expected.sourceArn);
  for (const [operator, keys] of Object.entries(cond)) {
    for (const key of Object.keys(keys)) {
      const known =
        (operator === "StringEquals" && key === "AWS:SourceAccount") ||
        (operator === "ArnLike" && key === "AWS:SourceArn");
      if (!known) diff.push(`Condition ${operator} ${key}: unexpected (not set by connectorkit)`);
    }
  }
  return { state: diff.length === 0 ? "ok" : "stale", diff, count: ours.length };
}

/** JSON with object keys sorted, for comparing policy documents regardless of key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sameDocument(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * A UUID-shaped token derived from the inputs: the same registration retried (within AppFlow's
 * 8-hour idempotency window) sends the same token, so AppFlow does it only once.
 */
export function clientToken(parts: readonly string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  // RFC 4122 layout with version 5 and the variant bits set, for readability only.
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  const groups = [h.slice(0, 8), h.slice(8, 12), `5${h.slice(13, 16)}`, `${variant}${h.slice(17, 20)}`];
  return [...groups, h.slice(20, 32)].join("-");
}

/** The value of SYNC_TAG for the code and environment AppFlow read. */
export function syncMarker(parts: {
  label: string;
  functionArn: string;
  codeSha256: string | undefined;
  environment: Record<string, string>;
}): string {
  return createHash("sha256")
    .update(canonicalJson([parts.label, parts.functionArn, parts.codeSha256 ?? "", parts.environment]))
    .digest("hex")
    .slice(0, 32);
}

/** `arn:…:function:name:qualifier` → `arn:…:function:name`. */
export function unqualifiedArn(arn: string): string {
  const parts = arn.split(":");
  return parts.length > 7 ? parts.slice(0, 7).join(":") : arn;
}
