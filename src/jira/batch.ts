/**
 * Pure batching: splits entities into requests that respect a count cap, an optional weight cap (devinfo's nested
 * entities) and a byte cap on the serialized request body. Order is kept.
 */
export interface BatchLimits<E> {
  readonly maxCount: number;
  readonly maxWeight?: number;
  readonly weightOf?: (entity: E) => number;
  readonly maxBytes: number;
  /** Bytes of the request body carrying no entities (the envelope: array name, properties, punctuation). */
  readonly envelopeBytes: number;
}

/** UTF-8 size of JSON.stringify(value), which is what axios sends. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Greedy split. The body size is exact for compact JSON: envelope + each entity + one comma between entities.
 * An entity that alone breaks a cap still goes, alone: Jira's answer (400 or 413) is then reported for it.
 */
export function splitIntoBatches<E>(entities: readonly E[], limits: BatchLimits<E>): E[][] {
  const batches: E[][] = [];
  let current: E[] = [];
  let weight = 0;
  let bytes = limits.envelopeBytes;
  for (const entity of entities) {
    const w = limits.weightOf?.(entity) ?? 0;
    const b = jsonBytes(entity);
    const separator = current.length === 0 ? 0 : 1;
    const fits =
      current.length < limits.maxCount &&
      (limits.maxWeight === undefined || weight + w <= limits.maxWeight) &&
      bytes + separator + b <= limits.maxBytes;
    if (!fits && current.length > 0) {
      batches.push(current);
      current = [];
      weight = 0;
      bytes = limits.envelopeBytes;
    }
    bytes += (current.length === 0 ? 0 : 1) + b;
    weight += w;
    current.push(entity);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Halves a batch (for a 413); the first half gets the extra entity of an odd count. */
export function halve<E>(batch: readonly E[]): [E[], E[]] {
  const middle = Math.ceil(batch.length / 2);
  return [batch.slice(0, middle), batch.slice(middle)];
}
