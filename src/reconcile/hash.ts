import { hash } from 'node:crypto';

/** Content hash of a JSON-able value. Objects are built in a fixed key order by the mappers, so JSON is canonical. */
export function contentHash(value: unknown): string {
  return textHash(JSON.stringify(value));
}

/** The same hash of text already serialized. */
export function textHash(text: string): string {
  return hash('sha1', text, 'base64url').slice(0, 22);
}

/** Short per-field fingerprints: only computed for entities that changed, to name the changed fields. */
export function fieldHashes(fields: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = fieldTextHash(JSON.stringify(value) ?? '');
  }
  return out;
}

/** One field's fingerprint from its JSON. */
export function fieldTextHash(json: string): string {
  return hash('md5', json, 'base64url').slice(0, 10);
}
