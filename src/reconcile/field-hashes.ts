import { hash } from 'node:crypto';

/**
 * Per-field fingerprints of an entity, kept in its state record only to name the fields a later change touched
 * (a plan's "changed: env:production, summary"). Packed into one string: each field's hash (HASH_LENGTH characters of
 * base64url, which never holds `[`), then the field names as a JSON array, e.g. `AAAAAAAAAABBBBBBBBBB["key","summary"]`.
 * One string instead of an object of strings: at 100k records that is 800k fewer values to parse, hold and write.
 */
export type FieldHashes = string;

/**
 * The form state records had before (an object of md5 fingerprints by field name). Still read, never written: a
 * record takes the packed form the next time its entity changes.
 */
export type LegacyFieldHashes = Readonly<Record<string, string>>;

export type StoredFieldHashes = FieldHashes | LegacyFieldHashes;

const HASH_LENGTH = 10;

/** One field's fingerprint from its JSON (sha1: faster than md5 here, through the same one-shot `crypto.hash`). */
export function fieldTextHash(json: string): string {
  return hash('sha1', json, 'base64url').slice(0, HASH_LENGTH);
}

// The names' JSON per list of names, and the list per JSON: the lists repeat (every flag of a provider has the same
// fields), so each is serialized and parsed once.
const namesJson = new Map<string, string>();
const namesOfJson = new Map<string, readonly string[] | undefined>();
const NAMES_CACHE_LIMIT = 1000;

function namesIn(json: string): readonly string[] | undefined {
  if (namesOfJson.has(json)) return namesOfJson.get(json);
  let names: unknown;
  try {
    names = JSON.parse(json);
  } catch {
    names = undefined;
  }
  const valid = Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
  if (namesOfJson.size >= NAMES_CACHE_LIMIT) namesOfJson.clear();
  namesOfJson.set(json, valid);
  return valid;
}

/** Packs hashes (each from fieldTextHash) with their field names, in the same order. */
export function packFieldHashes(names: readonly string[], hashes: readonly string[]): FieldHashes {
  // Names holding the separator would make two lists one key: those are serialized each time.
  if (names.some((name) => name.includes('\u0000'))) return hashes.join('') + JSON.stringify(names);
  const key = names.join('\u0000');
  let json = namesJson.get(key);
  if (json === undefined) {
    if (namesJson.size >= NAMES_CACHE_LIMIT) namesJson.clear();
    json = JSON.stringify(names);
    namesJson.set(key, json);
  }
  return hashes.join('') + json;
}

/** The packed fingerprints of each named field's value. */
export function fieldHashesOf(fields: Readonly<Record<string, unknown>>): FieldHashes {
  const names = Object.keys(fields);
  return packFieldHashes(
    names,
    names.map((name) => fieldTextHash(JSON.stringify(fields[name]) ?? '')),
  );
}

/** Field name → fingerprint; undefined for a string that is not a packed form (a hand-edited state). */
export function unpackFieldHashes(packed: FieldHashes): Map<string, string> | undefined {
  const at = packed.indexOf('[');
  const names = at < 0 ? undefined : namesIn(packed.slice(at));
  if (names === undefined || names.length * HASH_LENGTH !== at) return undefined;
  return new Map(names.map((name, i) => [name, packed.slice(i * HASH_LENGTH, (i + 1) * HASH_LENGTH)]));
}

/** Names of the fields whose hashes differ between two packed forms of the same field names; undefined otherwise. */
function changedAlike(before: FieldHashes, after: FieldHashes): string[] | undefined {
  const at = before.indexOf('[');
  if (at < 0 || after.length !== before.length || after.charCodeAt(at) !== 0x5b || !before.endsWith(after.slice(at))) return undefined;
  const names = namesIn(before.slice(at));
  if (names === undefined || names.length * HASH_LENGTH !== at) return undefined;
  const changed: string[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let c = i * HASH_LENGTH; c < (i + 1) * HASH_LENGTH; c++) {
      if (before.charCodeAt(c) !== after.charCodeAt(c)) {
        changed.push(names[i]!);
        break;
      }
    }
  }
  return changed.sort();
}

function legacyFieldHashes(fields: Readonly<Record<string, unknown>>): Map<string, string> {
  return new Map(
    Object.entries(fields).map(([name, value]) => [name, hash('md5', JSON.stringify(value) ?? '', 'base64url').slice(0, HASH_LENGTH)]),
  );
}

/**
 * Names of the fields that differ between what Jira last accepted (`before`) and the entity now (`after`, its
 * `fields()` given for a record of the legacy form, hashed the old way to compare like with like), sorted. Empty
 * when `before` is unknown.
 */
export function changedFieldNames(
  before: StoredFieldHashes | undefined,
  after: FieldHashes,
  fields: () => Readonly<Record<string, unknown>>,
): string[] {
  if (before === undefined) return [];
  // The common case: the same fields as before, some hashes changed. Compared in place, nothing unpacked.
  if (typeof before === 'string') {
    const alike = changedAlike(before, after);
    if (alike !== undefined) return alike;
  }
  const old = typeof before === 'string' ? unpackFieldHashes(before) : new Map(Object.entries(before));
  if (old === undefined) return [];
  const now = typeof before === 'string' ? unpackFieldHashes(after) : legacyFieldHashes(fields());
  if (now === undefined) return [];
  const names = new Set([...old.keys(), ...now.keys()]);
  return [...names].filter((name) => old.get(name) !== now.get(name)).sort();
}
