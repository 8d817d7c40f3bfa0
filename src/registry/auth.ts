import { registerSecret } from "../ui/redact.js";
import { type RetryPolicy, readBody, send, statusError, withRetry } from "./http.js";

/**
 * Registry authentication: Basic with given credentials (ECR tokens are `AWS:<password>`), and the
 * token flow of the distribution spec: a 401 with `WWW-Authenticate: Bearer realm=…,service=…,
 * scope=…` is answered by fetching a token from the realm (anonymously, or with Basic credentials
 * when given) and retrying with `Authorization: Bearer <token>`. Every secret is registered for
 * redaction; none ever goes into an error message.
 */

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate header (one or more challenges with quoted or bare parameters). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;
  const skip = (chars: string) => {
    while (i < text.length && chars.includes(text[i] as string)) i++;
  };
  while (i < text.length) {
    skip(" \t,");
    const start = i;
    while (i < text.length && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(text[i] as string)) i++;
    const token = text.slice(start, i);
    if (token === "") {
      i++;
      continue;
    }
    skip(" \t");
    if (text[i] !== "=") {
      current = { scheme: token, params: {} };
      out.push(current);
      continue;
    }
    i++;
    skip(" \t");
    let value = "";
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") i++;
        value += text[i] ?? "";
        i++;
      }
      i++;
    } else {
      const vs = i;
      while (i < text.length && text[i] !== "," && text[i] !== " ") i++;
      value = text.slice(vs, i);
    }
    if (current) current.params[token.toLowerCase()] = value;
  }
  return out;
}

export function basicHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

export interface RegistryAuthOptions {
  credentials?: Credentials;
  /** Send Basic on the first request instead of waiting for a challenge (ECR). Default true. */
  preemptiveBasic?: boolean;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

export class RegistryAuthError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = "RegistryAuthError";
    this.status = status;
  }
}

export class RegistryAuth {
  private readonly credentials: Credentials | undefined;
  private readonly basic: string | undefined;
  private useBasic: boolean;
  private readonly tokens = new Map<string, string>();
  private readonly options: RegistryAuthOptions;

  constructor(options: RegistryAuthOptions = {}) {
    this.options = options;
    this.credentials = options.credentials;
    if (this.credentials) {
      registerSecret(this.credentials.password);
      this.basic = basicHeader(this.credentials);
      registerSecret(this.basic.slice("Basic ".length));
    }
    this.useBasic = Boolean(this.credentials) && options.preemptiveBasic !== false;
  }

  /** The Authorization header for a request needing `scopes`, if we have one. */
  header(scopes: string[]): string | undefined {
    const token = this.tokens.get(scopeKey(scopes));
    if (token) return `Bearer ${token}`;
    if (this.useBasic) return this.basic;
    return undefined;
  }

  /**
   * Handles a 401: learns from the challenge and returns true when the request should be sent
   * again. Returns false when there is nothing new to try (wrong credentials).
   */
  async challenge(wwwAuthenticate: string | string[] | undefined, scopes: string[]): Promise<boolean> {
    const challenges = parseChallenges(wwwAuthenticate);
    const bearer = challenges.find((c) => c.scheme.toLowerCase() === "bearer");
    const key = scopeKey(scopes);
    if (bearer?.params.realm) {
      // A fresh token even when one is cached: it may have expired. The caller asks once per request.
      const wanted = new Set(scopes);
      if (bearer.params.scope) for (const s of bearer.params.scope.split(" ")) if (s) wanted.add(s);
      const token = await this.fetchToken(bearer.params.realm, bearer.params.service, [...wanted]);
      this.tokens.set(key, token);
      return true;
    }
    const basic = challenges.find((c) => c.scheme.toLowerCase() === "basic");
    if (basic && this.credentials && !this.useBasic) {
      this.useBasic = true;
      return true;
    }
    return false;
  }

  get hasCredentials(): boolean {
    return this.credentials !== undefined;
  }

  private async fetchToken(realm: string, service: string | undefined, scopes: string[]): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryAuthError(`the registry's token realm is not a URL (${realm})`, 401);
    }
    if (service) url.searchParams.set("service", service);
    for (const s of scopes) url.searchParams.append("scope", s);
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.basic) headers.authorization = this.basic;
    const body = await withRetry(
      async () => {
        const res = await send({
          method: "GET",
          url,
          headers,
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        });
        if (res.status === 401 || res.status === 403) {
          await statusError("GET", res);
          throw new RegistryAuthError(
            `the token service at ${url.host} refused ` +
              `${this.credentials ? "the credentials" : "anonymous access"} (${res.status})`,
            res.status,
          );
        }
        if (res.status !== 200) throw await statusError("GET", res);
        return readBody(res, 1 << 20);
      },
      {
        ...(this.options.retry ? { policy: this.options.retry } : {}),
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      },
    );
    let doc: { token?: unknown; access_token?: unknown };
    try {
      doc = JSON.parse(body.toString("utf8")) as typeof doc;
    } catch {
      throw new RegistryAuthError(`the token service at ${url.host} did not answer JSON`, 401);
    }
    const token =
      typeof doc.token === "string"
        ? doc.token
        : typeof doc.access_token === "string"
          ? doc.access_token
          : "";
    if (!token) throw new RegistryAuthError(`the token service at ${url.host} returned no token`, 401);
    registerSecret(token);
    return token;
  }
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(" ");
}
