/** Seeded random values and JSON paths for property tests that change documents at random (same seed, same run). */

/** A seeded generator of numbers in [0, 1) (mulberry32): a failing case can be replayed. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every path of a JSON value (objects and arrays), the root included. */
export function pathsOf(value: unknown, at: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
  into.push(at);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...at, i], into));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) pathsOf(item, [...at, key], into);
  return into;
}

/** A copy of `value` with the value at one path replaced (or, when `remove`, that key deleted from its object). */
export function withChange(value: unknown, at: readonly (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (at.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of at.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (remove && !Array.isArray(parent)) delete parent[last];
  else parent[last] = structuredClone(replacement);
  return copy;
}
