import { describe, expect, it, vi } from "vitest";
import type { CheckoutLicenseInput, LicenseManagerLike } from "../../src/sdk/index.js";
import { checkEntitlement, createEntitlementChecker, createHandler } from "../../src/sdk/index.js";

const ENTITLED = {
  EntitlementsAllowed: [{ Name: "AWS::Marketplace::Usage", Unit: "None", Value: "Enabled" }],
};

function fake(
  respond: () => Promise<unknown>,
): LicenseManagerLike & { checkoutLicense: ReturnType<typeof vi.fn> } {
  return { checkoutLicense: vi.fn(respond as () => Promise<never>) };
}

const quiet = () => ({ error: vi.fn() });

describe("checkEntitlement", () => {
  it("sends exactly the parameters of D2, with a fresh ClientToken per call", async () => {
    const client = fake(async () => ENTITLED);
    expect(await checkEntitlement({ productSku: "prod-abc123", client })).toBe(true);
    expect(await checkEntitlement({ productSku: "prod-abc123", client })).toBe(true);
    const [first, second] = client.checkoutLicense.mock.calls.map((c) => c[0] as CheckoutLicenseInput);
    expect(first).toEqual({
      ProductSKU: "prod-abc123",
      CheckoutType: "PROVISIONAL",
      KeyFingerprint: "aws:294406891311:AWS/Marketplace:issuer-fingerprint",
      Entitlements: [{ Name: "AWS::Marketplace::Usage", Unit: "None" }],
      ClientToken: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
    expect(second?.ClientToken).not.toBe(first?.ClientToken);
  });

  it("is not entitled without AWS::Marketplace::Usage", async () => {
    for (const out of [{}, { EntitlementsAllowed: [] }, { EntitlementsAllowed: [{ Name: "Other" }] }, null]) {
      expect(await checkEntitlement({ productSku: "p", client: fake(async () => out) })).toBe(false);
    }
  });

  it("fails closed on any exception and logs it", async () => {
    const logger = quiet();
    const client = fake(async () => {
      throw Object.assign(new Error("no license"), { name: "NoEntitlementsAllowedException" });
    });
    expect(await checkEntitlement({ productSku: "p", client, logger })).toBe(false);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/NoEntitlementsAllowedException: no license/),
    );
    const sync = {
      checkoutLicense: () => {
        throw new TypeError("bad");
      },
    } as unknown as LicenseManagerLike;
    expect(await checkEntitlement({ productSku: "p", client: sync, logger })).toBe(false);
  });
});

describe("createEntitlementChecker caching", () => {
  it("trusts a positive result for 1 hour by default", async () => {
    let now = 0;
    const client = fake(async () => ENTITLED);
    const checker = createEntitlementChecker({ productSku: "p", client, now: () => now });
    expect(await checker.isEntitled()).toBe(true);
    now = 60 * 60 * 1000 - 1;
    expect(await checker.isEntitled()).toBe(true);
    expect(client.checkoutLicense).toHaveBeenCalledTimes(1);
    now = 60 * 60 * 1000;
    expect(await checker.isEntitled()).toBe(true);
    expect(client.checkoutLicense).toHaveBeenCalledTimes(2);
  });

  it("retries a negative result (or a failure) at most every 5 minutes", async () => {
    let now = 0;
    let entitled = false;
    const client = fake(async () => {
      if (now === 0) throw new Error("network");
      return entitled ? ENTITLED : {};
    });
    const checker = createEntitlementChecker({ productSku: "p", client, now: () => now, logger: quiet() });
    expect(await checker.isEntitled()).toBe(false);
    now = 1;
    entitled = true;
    expect(await checker.isEntitled()).toBe(false); // still within 5 minutes
    expect(client.checkoutLicense).toHaveBeenCalledTimes(1);
    now = 5 * 60 * 1000;
    expect(await checker.isEntitled()).toBe(true);
    expect(client.checkoutLicense).toHaveBeenCalledTimes(2);
  });

  it("honours configured intervals and shares one in-flight call", async () => {
    let now = 0;
    const client = fake(async () => ENTITLED);
    const checker = createEntitlementChecker({
      productSku: "p",
      client,
      now: () => now,
      entitledTtlMs: 1000,
    });
    await Promise.all([checker.isEntitled(), checker.isEntitled(), checker.isEntitled()]);
    expect(client.checkoutLicense).toHaveBeenCalledTimes(1);
    now = 1000;
    await checker.isEntitled();
    expect(client.checkoutLicense).toHaveBeenCalledTimes(2);
    checker.reset();
    await checker.isEntitled();
    expect(client.checkoutLicense).toHaveBeenCalledTimes(3);
  });
});

describe("createHandler with entitlement", () => {
  const connector = {
    describeConnectorConfiguration: {
      connectorOwner: "Example Corp",
      connectorName: "Tickets",
      connectorVersion: "1",
      connectorModes: ["SOURCE" as const],
      supportedApiVersions: ["v1"],
    },
    listEntities: vi.fn(() => ({ entities: [] })),
  };

  it("answers every request with AccessDenied when not entitled, without calling the connector", async () => {
    const logger = { error: vi.fn(), warn: vi.fn() };
    const handler = createHandler(connector, {
      entitlement: { productSku: "p", client: fake(async () => ({})) },
      logger,
    });
    const list = await handler({ type: "ListEntitiesRequest", connectorContext: { apiVersion: "v1" } });
    expect(JSON.parse(JSON.stringify(list))).toEqual({
      isSuccess: false,
      errorDetails: {
        errorCode: "AccessDenied",
        errorMessage: "This connector requires an active AWS Marketplace subscription for this account",
        retryAfterSeconds: null,
      },
      entities: null,
      nextToken: null,
      cacheControl: null,
    });
    expect(await handler({ type: "DescribeConnectorConfigurationRequest" })).toMatchObject({
      isSuccess: false,
      errorDetails: { errorCode: "AccessDenied" },
    });
    expect(connector.listEntities).not.toHaveBeenCalled();
  });

  it("serves requests when entitled, checking once per TTL", async () => {
    const client = fake(async () => ENTITLED);
    const handler = createHandler(connector, { entitlement: { productSku: "p", client } });
    expect(
      await handler({ type: "ListEntitiesRequest", connectorContext: { apiVersion: "v1" } }),
    ).toMatchObject({ isSuccess: true });
    expect(await handler({ type: "DescribeConnectorConfigurationRequest" })).toMatchObject({
      isSuccess: true,
    });
    expect(client.checkoutLicense).toHaveBeenCalledTimes(1);
  });

  it("accepts a ready-made checker", async () => {
    const handler = createHandler(connector, { entitlement: { isEntitled: async () => true, reset() {} } });
    expect(await handler({ type: "DescribeConnectorConfigurationRequest" })).toMatchObject({
      isSuccess: true,
    });
  });
});
