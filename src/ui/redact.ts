/**
 * Process-wide list of secret values that must never be printed. Commands that read a secret
 * (a token, a password, a secrets file) register its values here; every line the reporter writes
 * goes through `redact`.
 */
const secrets = new Set<string>();

/** Values shorter than this are not registered: redacting "1" or "ab" would mangle output. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: unknown): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
  secrets.add(value);
  // The forms it takes inside a JSON document and an XML report, which are redacted after escaping.
  secrets.add(JSON.stringify(value).slice(1, -1));
  secrets.add(
    value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"),
  );
}

export function clearSecrets(): void {
  secrets.clear();
}

export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join("***");
  }
  return out;
}
