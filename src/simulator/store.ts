/**
 * Jira's storage rule for one entity kind: an entity is replaced only by a GREATER sequence number, and it
 * remembers the request's `properties` (never returned by GET) for delete-by-properties.
 */

export type Properties = Readonly<Record<string, string>>;

interface Entry<T> {
  readonly entity: T;
  readonly sequence: number;
  readonly properties: Properties;
}

/** Every wanted pair is present: Jira ANDs the properties of bulkByProperties. */
export function hasAllProperties(stored: Properties, wanted: Properties): boolean {
  return Object.entries(wanted).every(([key, value]) => stored[key] === value);
}

export class EntityStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /** Stores and answers true, or answers false when what is stored has an equal or greater sequence number. */
  put(key: string, entity: T, sequence: number, properties: Properties): boolean {
    const existing = this.entries.get(key);
    if (existing !== undefined && existing.sequence >= sequence) return false;
    // Deep copy: the caller's parsed body must not alias what the simulator holds.
    this.entries.set(key, { entity: structuredClone(entity), sequence, properties: { ...properties } });
    return true;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : structuredClone(entry.entity);
  }

  sequenceOf(key: string): number | undefined {
    return this.entries.get(key)?.sequence;
  }

  /** Deletes; with `maxSequence`, only when the stored number is ≤ it (devinfo's `_updateSequenceId`). */
  delete(key: string, maxSequence?: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined || (maxSequence !== undefined && entry.sequence > maxSequence)) return false;
    return this.entries.delete(key);
  }

  deleteMatching(wanted: Properties, maxSequence?: number): number {
    let count = 0;
    for (const [key, entry] of this.entries) {
      if (!hasAllProperties(entry.properties, wanted)) continue;
      if (maxSequence !== undefined && entry.sequence > maxSequence) continue;
      this.entries.delete(key);
      count++;
    }
    return count;
  }

  anyMatching(wanted: Properties): boolean {
    for (const entry of this.entries.values()) if (hasAllProperties(entry.properties, wanted)) return true;
    return false;
  }

  values(): T[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry.entity));
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
