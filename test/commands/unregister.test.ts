/** `connector unregister` against moto and the AppFlow double. */
import { CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, GetFunctionCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  cli,
  cliJson,
  connector,
  makeProject,
  REGION,
  type Stack,
  startStack,
  statuses,
} from "../aws/fixture.js";
import { motoAvailable } from "../stack/moto.js";

describe.skipIf(!motoAvailable)("connector unregister (moto + AppFlow double)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());
  beforeEach(() => stack.double.setInvoke(connector()));

  const exists = async (send: () => Promise<unknown>) =>
    send().then(
      () => true,
      () => false,
    );
  const functionExists = (name: string) =>
    exists(() => stack.lambda.send(new GetFunctionCommand({ FunctionName: name })));
  const roleExists = (name: string) => exists(() => stack.iam.send(new GetRoleCommand({ RoleName: name })));

  it("unregisters and keeps the function by default", async () => {
    const label = "unreg-keep";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    const r = await cliJson(stack, dir, ["unregister"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc)).toEqual({ registration: "deleted", function: "kept" });
    expect(stack.double.connector(label)).toBeUndefined();
    const [call] = stack.double
      .requestsFor("UnregisterConnector")
      .filter((q) => q.body.connectorLabel === label);
    expect(call?.body).toEqual({ connectorLabel: label, forceDelete: false });
    expect(await functionExists(label)).toBe(true);

    // Nothing left to do: still exit 0, and it says so.
    const again = await cli(stack, dir, ["unregister"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to remove");
    expect(again.stdout).toMatch(/registration\s+absent/);
  });

  it("refuses while connector profiles use it, and unregisters with --force", async () => {
    const label = "unreg-profiles";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    stack.double.seedProfile(label, "tickets-eu");

    const refused = await cliJson(stack, dir, ["unregister", "--delete-function"]);
    expect(refused.code).toBe(3);
    expect(refused.doc.error).toMatchObject({
      code: "UNREGISTER_IN_USE",
      message: expect.stringContaining("connector profiles still use it"),
      hint: expect.stringContaining("--force"),
    });
    expect(stack.double.connector(label)).toBeDefined();
    expect(await functionExists(label)).toBe(true);

    const forced = await cliJson(stack, dir, ["unregister", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(statuses(forced.doc).registration).toBe("deleted");
    const calls = stack.double
      .requestsFor("UnregisterConnector")
      .filter((q) => q.body.connectorLabel === label);
    expect(calls.map((c) => [c.body.forceDelete, c.status])).toEqual([
      [false, 409],
      [true, 200],
    ]);
  });

  it("--delete-function deletes the function and the role connectorkit created", async () => {
    const label = "unreg-delete";
    const dir = makeProject({ label });
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    expect(await roleExists(`${label}-role`)).toBe(true);
    const r = await cliJson(stack, dir, ["unregister", "--delete-function"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc)).toEqual({ registration: "deleted", function: "deleted", role: "deleted" });
    expect(await functionExists(label)).toBe(false);
    expect(await roleExists(`${label}-role`)).toBe(false);

    const again = await cliJson(stack, dir, ["unregister", "--delete-function"]);
    expect(again.code).toBe(0);
    expect(statuses(again.doc)).toEqual({ registration: "absent", function: "absent", role: "absent" });
    expect((again.doc.result as { changed: boolean }).changed).toBe(false);
  });

  it("never deletes a role it did not create", async () => {
    const label = "unreg-foreign-role";
    // A role with the conventional name but without the createdBy tag.
    await stack.iam.send(
      new CreateRoleCommand({
        RoleName: `${label}-role`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    const dir = makeProject({ label });
    const reg = await cliJson(stack, dir, ["register"]);
    expect(reg.code, reg.stderr).toBe(0);
    expect(statuses(reg.doc).role).toBe("unchanged");
    expect(reg.stderr).toContain("was not created by connectorkit");

    const r = await cliJson(stack, dir, ["unregister", "--delete-function"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r.doc)).toEqual({ registration: "deleted", function: "deleted", role: "kept" });
    expect(await roleExists(`${label}-role`)).toBe(true);

    // A role given in connector.json is never touched either.
    const given = `arn:aws:iam::${ACCOUNT}:role/${label}-role`;
    const dir2 = makeProject({ label: "unreg-given-role", lambda: { roleArn: given } });
    expect((await cli(stack, dir2, ["register"])).code).toBe(0);
    const r2 = await cliJson(stack, dir2, ["unregister", "--delete-function"]);
    expect(statuses(r2.doc)).toEqual({ registration: "deleted", function: "deleted", role: "kept" });
    expect(await roleExists(`${label}-role`)).toBe(true);
  });

  it("never deletes a function it did not create, unless --force", async () => {
    const label = "unreg-foreign-fn";
    const dir = makeProject({ label });
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${label}-foreign`;
    await stack.iam.send(
      new CreateRoleCommand({
        RoleName: `${label}-foreign`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    // Someone else's function under the same name (no createdBy tag): register takes it over...
    await stack.lambda.send(
      new CreateFunctionCommand({
        FunctionName: label,
        PackageType: "Image",
        Code: { ImageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/other:1` },
        Role: roleArn,
      }),
    );
    expect((await cli(stack, dir, ["register"])).code).toBe(0);
    // ...but unregister --delete-function leaves it alone.
    const kept = await cliJson(stack, dir, ["unregister", "--delete-function"]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(statuses(kept.doc).function).toBe("kept");
    expect(await functionExists(label)).toBe(true);
    const forced = await cliJson(stack, dir, ["unregister", "--delete-function", "--force"]);
    expect(statuses(forced.doc).function).toBe("deleted");
    expect(await functionExists(label)).toBe(false);
  });

  it("refuses to unregister a label that names another function unless --force", async () => {
    const label = "unreg-other";
    const owner = makeProject({ label, lambda: { functionName: "unreg-other-owner" } });
    expect((await cli(stack, owner, ["register"])).code).toBe(0);
    const dir = makeProject({ label, lambda: { functionName: "unreg-other-mine" } });
    const r = await cliJson(stack, dir, ["unregister"]);
    expect(r.code).toBe(2);
    expect(r.doc.error).toMatchObject({
      code: "UNREGISTER_OTHER_FUNCTION",
      message: expect.stringContaining(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:unreg-other-owner`),
    });
    expect(stack.double.connector(label)).toBeDefined();
    const forced = await cliJson(stack, dir, ["unregister", "--force"]);
    expect(forced.code).toBe(0);
    expect(stack.double.connector(label)).toBeUndefined();
  });
});
