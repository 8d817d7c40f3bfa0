/**
 * Thin, typed IAM operations for the connector's execution role. IAM returns policy documents
 * URL-encoded; they are decoded and parsed here so callers compare objects, not strings.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { awsError } from "./clients.js";

export interface RoleInfo {
  name: string;
  arn: string;
  tags: Record<string, string>;
  /** The trust policy, parsed. */
  trustPolicy: unknown;
}

function isNoSuchEntity(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? "";
  return name === "NoSuchEntityException" || name === "NoSuchEntity";
}

/** Parses a policy document as IAM returns it (URL-encoded JSON), or as given (plain JSON). */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (!text) return undefined;
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed.startsWith("{") ? trimmed : decodeURIComponent(trimmed));
  } catch {
    return undefined;
  }
}

async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw awsError(error, action);
  }
}

/** GetRole; `undefined` when the role does not exist. */
export async function getRole(client: IAMClient, name: string): Promise<RoleInfo | undefined> {
  try {
    const r = await client.send(new GetRoleCommand({ RoleName: name }));
    const role = r.Role;
    if (!role?.Arn || !role.RoleName) return undefined;
    const tags: Record<string, string> = {};
    for (const t of role.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? "";
    return {
      name: role.RoleName,
      arn: role.Arn,
      tags,
      trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument),
    };
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw awsError(error, "iam:GetRole");
  }
}

export async function createRole(
  client: IAMClient,
  input: { name: string; trustPolicy: unknown; description: string; tags: Record<string, string> },
): Promise<RoleInfo> {
  const r = await call("iam:CreateRole", () =>
    client.send(
      new CreateRoleCommand({
        RoleName: input.name,
        AssumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
        Description: input.description,
        Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    ),
  );
  return {
    name: input.name,
    arn: r.Role?.Arn ?? "",
    tags: { ...input.tags },
    trustPolicy: input.trustPolicy,
  };
}

export async function updateTrustPolicy(client: IAMClient, name: string, policy: unknown): Promise<void> {
  await call("iam:UpdateAssumeRolePolicy", () =>
    client.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(policy) }),
    ),
  );
}

/** ARNs of the managed policies attached to the role. */
export async function attachedPolicies(client: IAMClient, name: string): Promise<string[]> {
  const out: string[] = [];
  let marker: string | undefined;
  do {
    const r = await call("iam:ListAttachedRolePolicies", () =>
      client.send(
        new ListAttachedRolePoliciesCommand({ RoleName: name, ...(marker ? { Marker: marker } : {}) }),
      ),
    );
    for (const p of r.AttachedPolicies ?? []) if (p.PolicyArn) out.push(p.PolicyArn);
    marker = r.IsTruncated ? r.Marker : undefined;
  } while (marker);
  return out;
}

export async function attachPolicy(client: IAMClient, name: string, policyArn: string): Promise<void> {
  await call("iam:AttachRolePolicy", () =>
    client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })),
  );
}

/** The role's inline policy, parsed; `undefined` when it does not exist. */
export async function getInlinePolicy(
  client: IAMClient,
  role: string,
  policyName: string,
): Promise<unknown | undefined> {
  try {
    const r = await client.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: policyName }));
    return parsePolicyDocument(r.PolicyDocument);
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw awsError(error, "iam:GetRolePolicy");
  }
}

export async function putInlinePolicy(
  client: IAMClient,
  role: string,
  policyName: string,
  document: unknown,
): Promise<void> {
  await call("iam:PutRolePolicy", () =>
    client.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: policyName,
        PolicyDocument: JSON.stringify(document),
      }),
    ),
  );
}

/**
 * Deletes a role and what IAM requires to be gone first (inline policies, attached managed
 * policies). Returns false when the role did not exist.
 */
export async function deleteRole(client: IAMClient, name: string): Promise<boolean> {
  if (!(await getRole(client, name))) return false;
  const inline = await call("iam:ListRolePolicies", () =>
    client.send(new ListRolePoliciesCommand({ RoleName: name })),
  );
  for (const policyName of inline.PolicyNames ?? []) {
    await call("iam:DeleteRolePolicy", () =>
      client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
    );
  }
  for (const arn of await attachedPolicies(client, name)) {
    await call("iam:DetachRolePolicy", () =>
      client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn })),
    );
  }
  try {
    await client.send(new DeleteRoleCommand({ RoleName: name }));
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw awsError(error, "iam:DeleteRole");
  }
}
