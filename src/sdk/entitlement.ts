/**
 * AWS Marketplace entitlement check for paid connectors: License Manager `CheckoutLicense`, fail-closed,
 * cached in the warm Lambda environment.
 *
 * @module
 */
/** The Marketplace issuer's key fingerprint. */
export const MARKETPLACE_KEY_FINGERPRINT = "aws:294406891311:AWS/Marketplace:issuer-fingerprint";
/** The entitlement a subscribed buyer holds. */
export const MARKETPLACE_USAGE_ENTITLEMENT = "AWS::Marketplace::Usage";
/** Default lifetime of a positive result: 1 hour. */
export const DEFAULT_ENTITLED_TTL_MS = 60 * 60 * 1000;
/** Default minimum interval between checks after a negative result: 5 minutes. */
export const DEFAULT_NOT_ENTITLED_RETRY_MS = 5 * 60 * 1000;

/** Input of `CheckoutLicense`, as the runtime sends it. */
export interface CheckoutLicenseInput {
  ProductSKU: string;
  CheckoutType: "PROVISIONAL";
  KeyFingerprint: string;
  Entitlements: { Name: string; Unit: "None" }[];
  ClientToken: string;
}

/** The part of the `CheckoutLicense` output the runtime reads. */
export interface CheckoutLicenseOutput {
  EntitlementsAllowed?: { Name?: string | undefined }[] | undefined;
}

/** The subset of a License Manager client the runtime needs; inject a fake in tests. */
export interface LicenseManagerLike {
  checkoutLicense(input: CheckoutLicenseInput): Promise<CheckoutLicenseOutput>;
}

/** Options of the entitlement check. */
export interface EntitlementOptions {
  /** The Marketplace product id of the connector (sent as `ProductSKU`). */
  productSku: string;
  /** How long a positive result is trusted. Default 1 hour. */
  entitledTtlMs?: number;
  /** Minimum interval between checks after a negative result or a failed call. Default 5 minutes. */
  notEntitledRetryMs?: number;
  /** A client to use instead of the shared, lazily created AWS SDK client. */
  client?: LicenseManagerLike;
  /** Clock (tests). */
  now?: () => number;
  /** Where failures are logged (default `console`). */
  logger?: { error(...args: unknown[]): void };
}

/** A cached entitlement check. */
export interface EntitlementChecker {
  /** Whether the buyer is entitled, from the cache or from a fresh `CheckoutLicense` call. Never throws. */
  isEntitled(): Promise<boolean>;
  /** Forgets the cached result. */
  reset(): void;
}

let sharedClient: Promise<LicenseManagerLike> | null = null;

/**
 * Creates a checker that calls `CheckoutLicense` at most once per `entitledTtlMs` while entitled, and at
 * most once per `notEntitledRetryMs` while not entitled. Any error counts as "not entitled" (fail-closed)
 * and is logged.
 */
export function createEntitlementChecker(options: EntitlementOptions): EntitlementChecker {
  const now = options.now ?? Date.now;
  const entitledTtl = options.entitledTtlMs ?? DEFAULT_ENTITLED_TTL_MS;
  const retry = options.notEntitledRetryMs ?? DEFAULT_NOT_ENTITLED_RETRY_MS;
  let last: { entitled: boolean; at: number } | null = null;
  let pending: Promise<boolean> | null = null;

  return {
    async isEntitled(): Promise<boolean> {
      if (last !== null) {
        const age = now() - last.at;
        if (age < (last.entitled ? entitledTtl : retry)) return last.entitled;
      }
      if (pending === null) {
        pending = checkEntitlement(options).then((entitled) => {
          last = { entitled, at: now() };
          pending = null;
          return entitled;
        });
      }
      return pending;
    },
    reset(): void {
      last = null;
    },
  };
}

/**
 * One uncached `CheckoutLicense` call. Entitled iff `EntitlementsAllowed[].Name` contains
 * `AWS::Marketplace::Usage`. Returns `false` on any error (fail-closed) and logs it.
 */
export async function checkEntitlement(
  options: Pick<EntitlementOptions, "productSku" | "client" | "logger">,
): Promise<boolean> {
  const logger = options.logger ?? console;
  try {
    const client = options.client ?? (await getSharedClient());
    const output = await client.checkoutLicense({
      ProductSKU: options.productSku,
      CheckoutType: "PROVISIONAL",
      KeyFingerprint: MARKETPLACE_KEY_FINGERPRINT,
      Entitlements: [{ Name: MARKETPLACE_USAGE_ENTITLEMENT, Unit: "None" }],
      // The global Web Crypto object (Node 20+), read lazily: importing node:crypto costs milliseconds.
      ClientToken: globalThis.crypto.randomUUID(),
    });
    const allowed = output?.EntitlementsAllowed ?? [];
    return Array.isArray(allowed) && allowed.some((e) => e?.Name === MARKETPLACE_USAGE_ENTITLEMENT);
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown };
    logger.error(
      `connectorkit: entitlement check for product ${options.productSku} failed, treating as not entitled: ` +
        `${String(e?.name ?? "Error")}: ${String(e?.message ?? err)}`,
    );
    return false;
  }
}

function getSharedClient(): Promise<LicenseManagerLike> {
  if (sharedClient === null) {
    sharedClient = createDefaultClient();
    sharedClient.catch(() => {
      sharedClient = null;
    });
  }
  return sharedClient;
}

async function createDefaultClient(): Promise<LicenseManagerLike> {
  const mod = await import("@aws-sdk/client-license-manager");
  const client = new mod.LicenseManagerClient({});
  return {
    checkoutLicense: (input) => client.send(new mod.CheckoutLicenseCommand(input)),
  };
}
