import { hash } from 'node:crypto';

/** Content hash of a JSON-able value. Objects are built in a fixed key order by the mappers, so JSON is canonical. */
export function contentHash(value: unknown): string {
  return textHash(JSON.stringify(value));
}

/** The same hash of text already serialized. */
export function textHash(text: string): string {
  return hash('sha1', text, 'base64url').slice(0, 22);
}
