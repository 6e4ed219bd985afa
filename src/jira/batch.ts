/**
 * Batching: splits entities into requests that respect a count cap, an optional weight cap (devinfo's nested
 * entities) and a byte cap on the request body. Each entity is serialized once: the JSON that sizes it is the JSON
 * sent, so no body is serialized twice, and batches are made only as their requests start. Order is kept.
 */
export interface BatchLimits<E> {
  readonly maxCount: number;
  readonly maxWeight?: number;
  readonly weightOf?: (entity: E) => number;
  readonly maxBytes: number;
}

/** A request body around its entities: `head` + the entities' JSON joined by commas + `tail`. */
export interface Envelope {
  readonly head: string;
  readonly tail: string;
}

/** One request: its entities, the JSON of each, and the size of the body that carries them. */
export interface Batch<E> {
  readonly entities: E[];
  readonly parts: readonly string[];
  readonly bytes: number;
}

/**
 * The envelope of `body` (whose `arrayField` holds the entities), cut around that array so each request's body can
 * be put together from JSON already made. The keys keep their order and their JSON, as `JSON.stringify(body)`.
 */
export function envelopeOf(body: Readonly<Record<string, unknown>>, arrayField: string): Envelope {
  const keys = Object.keys(body);
  const at = keys.indexOf(arrayField);
  if (at === -1) throw new Error(`the request body has no "${arrayField}" array`);
  const pick = (from: readonly string[]) => Object.fromEntries(from.map((key) => [key, body[key]]));
  const before = JSON.stringify(pick(keys.slice(0, at))).slice(0, -1);
  const after = JSON.stringify(pick(keys.slice(at + 1))).slice(1);
  return {
    head: `${before === '{' ? before : `${before},`}${JSON.stringify(arrayField)}:[`,
    tail: after === '}' ? `]${after}` : `],${after}`,
  };
}

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

/** An entity that makes its own JSON (byte for byte what `JSON.stringify` gives), from parts it already holds. */
interface SelfSerializing {
  serialized(): string;
}

const isSelfSerializing = (entity: unknown): entity is SelfSerializing =>
  typeof entity === 'object' && entity !== null && typeof (entity as Partial<SelfSerializing>).serialized === 'function';

const serialize = (entity: unknown): string => (isSelfSerializing(entity) ? entity.serialized() : (JSON.stringify(entity) as string));

/**
 * The body of `batch`, byte for byte `JSON.stringify` of the request with its entities; made as the request leaves,
 * so it does not wait through the write-ahead append (memory outside the JS heap is best let go young).
 */
export function bodyOf<E>(envelope: Envelope, batch: Batch<E>): Buffer {
  const body = Buffer.allocUnsafe(batch.bytes);
  let at = body.write(envelope.head, 0, 'utf8');
  batch.parts.forEach((part, i) => {
    if (i > 0) at = body.write(',', at, 'latin1') + at;
    at += body.write(part, at, 'utf8');
  });
  body.write(envelope.tail, at, 'utf8');
  return body;
}

function batchOf<E>(entities: E[], parts: readonly string[], envelopeBytes: number): Batch<E> {
  return { entities, parts, bytes: parts.reduce((sum, part) => sum + bytesOf(part), envelopeBytes + Math.max(0, parts.length - 1)) };
}

/**
 * Greedy split, one batch at a time as requests are about to start (only the batches in flight exist at once). The
 * body size is exact: envelope + each entity + one comma between entities. An entity that alone breaks a cap still
 * goes, alone: Jira's answer (400 or 413) is then reported for it.
 */
export class BatchCursor<E> {
  private next = 0;
  /** The JSON of entities[next] when a batch ended before it (serialized, then found not to fit). */
  private carried: string | undefined;
  private readonly envelopeBytes: number;

  constructor(
    private readonly entities: readonly E[],
    private readonly limits: BatchLimits<E>,
    envelope: Envelope,
  ) {
    this.envelopeBytes = bytesOf(envelope.head) + bytesOf(envelope.tail);
  }

  /** The next batch, or undefined when every entity has been taken. */
  take(): Batch<E> | undefined {
    const { entities, limits } = this;
    const batch: E[] = [];
    const parts: string[] = [];
    let weight = 0;
    let bytes = this.envelopeBytes;
    for (; this.next < entities.length; this.next++) {
      const entity = entities[this.next]!;
      const w = limits.weightOf?.(entity) ?? 0;
      const part = this.carried ?? serialize(entity);
      this.carried = undefined;
      const b = bytesOf(part) + (batch.length === 0 ? 0 : 1);
      const fits =
        batch.length < limits.maxCount &&
        (limits.maxWeight === undefined || weight + w <= limits.maxWeight) &&
        bytes + b <= limits.maxBytes;
      if (!fits && batch.length > 0) {
        this.carried = part;
        break;
      }
      batch.push(entity);
      parts.push(part);
      weight += w;
      bytes += b;
    }
    return batch.length === 0 ? undefined : { entities: batch, parts, bytes };
  }

  /** The entities never taken (a stop before their batch was sent). */
  rest(): E[] {
    const rest = this.entities.slice(this.next);
    this.next = this.entities.length;
    this.carried = undefined;
    return rest;
  }
}

/** Halves a batch (for a 413); the first half gets the extra entity of an odd count. */
export function halveBatch<E>(batch: Batch<E>, envelope: Envelope): [Batch<E>, Batch<E>] {
  const envelopeBytes = bytesOf(envelope.head) + bytesOf(envelope.tail);
  const [first, second] = halve(batch.entities);
  const [firstParts, secondParts] = halve(batch.parts);
  return [batchOf(first, firstParts, envelopeBytes), batchOf(second, secondParts, envelopeBytes)];
}

function halve<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}
