/** "Did you mean" support shared by config validation and protocol checks. */

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * The candidate `name` most likely meant: equal up to case, a singular/plural variant, or within
 * edit distance `maxDistance` (case-insensitive).
 */
export function closest(name: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const stem = (w: string) => w.toLowerCase().replace(/ies$/, "y").replace(/s$/, "");
  const plural = candidates.find((c) => stem(c) === stem(name));
  if (plural) return plural;
  // A name cut short or extended (ResourceNotFound vs ResourceNotFoundError).
  const prefix = candidates.find((c) => {
    const [short, long] = c.length < name.length ? [c, name] : [name, c];
    return short.length >= 6 && long.toLowerCase().startsWith(short.toLowerCase());
  });
  if (prefix) return prefix;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d <= maxDistance && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}
