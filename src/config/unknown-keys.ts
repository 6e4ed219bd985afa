import type * as t from 'io-ts';
import { annotationOf } from './annotations';

/**
 * Finds keys no codec names (likely typos: `jira.clientSecert`). io-ts ignores extra keys, so without this a
 * misspelt optional key would silently fall back to its default.
 *
 * Several codecs may describe one value (the core's provider codec and the adapter's options codec). Its keys are
 * checked only when every codec can be looked into and at least one of them is closed (not annotated `open`).
 */
type Codec = t.Decoder<unknown, unknown> & {
  _tag?: string;
  props?: t.Props;
  types?: readonly Codec[];
  type?: Codec;
};

interface Shape {
  /** Known keys and the codecs describing each key's value; undefined when a codec cannot be looked into. */
  readonly keys?: Map<string, Codec[]>;
  readonly closed: boolean;
}

function objectShape(codecs: readonly Codec[]): Shape {
  const keys = new Map<string, Codec[]>();
  let closed = false;
  const visit = (codec: Codec): boolean => {
    switch (codec._tag) {
      case 'InterfaceType':
      case 'PartialType':
      case 'StrictType':
        for (const [key, value] of Object.entries(codec.props ?? {})) keys.set(key, [...(keys.get(key) ?? []), value as Codec]);
        if (codec._tag === 'StrictType' || annotationOf(codec).open !== true) closed = true;
        return true;
      case 'IntersectionType':
        // An intersection built by `section()` is annotated as a whole; its halves are not.
        return (codec.types ?? []).every((member) => visitMember(member, annotationOf(codec).open === true));
      case 'ExactType':
      case 'ReadonlyType':
      case 'RefinementType':
        return codec.type !== undefined && visit(codec.type);
      default:
        return false;
    }
  };
  const visitMember = (member: Codec, open: boolean): boolean => {
    if (!open) return visit(member);
    const before = closed;
    const ok = visit(member);
    closed = before;
    return ok;
  };
  const known = codecs.every(visit);
  return known ? { keys, closed } : { closed: false };
}

function itemCodecs(codecs: readonly Codec[]): Codec[] | undefined {
  const items: Codec[] = [];
  for (const codec of codecs) {
    if ((codec._tag === 'ArrayType' || codec._tag === 'ReadonlyArrayType') && codec.type !== undefined) items.push(codec.type);
    else return undefined;
  }
  return items;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggestion(key: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** One `path: unknown key` line per key no codec describes, at any depth. */
export function unknownKeys(codecs: readonly t.Decoder<unknown, unknown>[], value: unknown, at = ''): string[] {
  const list = codecs as readonly Codec[];
  if (Array.isArray(value)) {
    const items = itemCodecs(list);
    return items === undefined ? [] : value.flatMap((item, i) => unknownKeys(items, item, `${at}[${i}]`));
  }
  if (!isRecord(value) || list.length === 0) return [];
  const shape = objectShape(list);
  if (shape.keys === undefined) return [];
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const path = at === '' ? key : `${at}.${key}`;
    const described = shape.keys.get(key);
    if (described === undefined) {
      if (shape.closed) problems.push(`${path}: unknown key${suggestion(key, shape.keys.keys())}`);
    } else problems.push(...unknownKeys(described, item, path));
  }
  return problems;
}
