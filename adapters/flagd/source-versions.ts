import type { KnownVersion } from './read';

/**
 * The part of a flagd source fingerprint that lets the next run compare each source on its own: after the hash, `.`
 * and the base64url JSON of `[source index, ETag or null, digest]` triples. An ETag lets an HTTP source be asked
 * "changed since?" (If-None-Match); a digest lets a check stop at the first source that changed instead of hashing
 * every source (and, when a snapshot follows at once, keep the bytes it read of that one to parse them).
 */
export function withKnownVersions(hash: string, versions: ReadonlyMap<number, KnownVersion>): string {
  if (versions.size === 0) return hash;
  const triples = [...versions].map(([index, { etag, digest }]) => [index, etag ?? null, digest]);
  return `${hash}.${Buffer.from(JSON.stringify(triples)).toString('base64url')}`;
}

const isTriple = (value: unknown): value is [number, string | null, string] =>
  Array.isArray(value) &&
  value.length === 3 &&
  Number.isInteger(value[0]) &&
  (typeof value[1] === 'string' || value[1] === null) &&
  typeof value[2] === 'string';

/** The known versions a fingerprint carries; none when it carries none or is not of this form. */
export function knownVersionsIn(fingerprint: string): Map<number, KnownVersion> {
  const dot = fingerprint.indexOf('.');
  if (dot < 0) return new Map();
  try {
    const parsed: unknown = JSON.parse(Buffer.from(fingerprint.slice(dot + 1), 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || !parsed.every(isTriple)) return new Map();
    return new Map(parsed.map(([index, etag, digest]) => [index, etag === null ? { digest } : { etag, digest }]));
  } catch {
    return new Map();
  }
}
