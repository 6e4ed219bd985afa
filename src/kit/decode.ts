import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';

/**
 * Decoding external data with readable, path-named problems. io-ts's stock reporters print the offending value,
 * which would leak a secret in a bad field; here a value is shown only when the caller allows it.
 */
const MAX_PROBLEMS_SHOWN = 5;

export class DecodeError extends Error {
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    // A payload with thousands of bad entries (a damaged state file) gives one readable line, not 60 KB of them.
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
    const more = problems.length > MAX_PROBLEMS_SHOWN ? `; and ${problems.length - MAX_PROBLEMS_SHOWN} more problems` : '';
    super(`${what}: ${shown}${more}`);
    this.name = 'DecodeError';
  }
}

export interface DescribeOptions {
  /** Prepended to every path, e.g. "providers[1]". */
  readonly prefix?: string;
  /** Decides whether the offending value may be printed (default: never). */
  readonly showValue?: (path: string, value: unknown) => boolean;
}

const containerTags = new Set(['InterfaceType', 'PartialType', 'StrictType', 'ExactType', 'DictionaryType']);
const arrayTags = new Set(['ArrayType', 'ReadonlyArrayType', 'TupleType', 'ReadonlyType']);

type Tagged = t.Decoder<unknown, unknown> & { _tag?: string; type?: Tagged };

function tagOf(type: t.Decoder<unknown, unknown>): string | undefined {
  return (type as Tagged)._tag;
}

function joinPath(prefix: string, segment: string, isIndex: boolean): string {
  if (isIndex) return `${prefix}[${segment}]`;
  return prefix === '' ? segment : `${prefix}.${segment}`;
}

/** One line per problem: `path: expected <type name>[, got <value>]`. A failed union is reported once. */
export function describeErrors(errors: t.Errors, options: DescribeOptions = {}): string[] {
  const lines = new Set<string>();
  for (const error of errors) {
    let path = options.prefix ?? '';
    let expected = error.context[error.context.length - 1]?.type.name ?? 'a valid value';
    let value: unknown = error.value;
    for (let i = 1; i < error.context.length; i++) {
      const entry = error.context[i]!;
      const parent = error.context[i - 1]!;
      const parentTag = tagOf(parent.type);
      if (parentTag === 'UnionType') {
        // The branches' own errors say little; "expected A | B" at the union's path says it all.
        expected = parent.type.name;
        value = parent.actual;
        break;
      }
      if (parentTag !== undefined && containerTags.has(parentTag)) path = joinPath(path, entry.key, false);
      else if (parentTag !== undefined && arrayTags.has(parentTag)) path = joinPath(path, entry.key, true);
      // Intersection and refinement members add no path segment.
    }
    if (error.message !== undefined) expected = error.message;
    const label = path === '' ? '(root)' : path;
    const missing = value === undefined;
    const show = !missing && options.showValue !== undefined && options.showValue(label, value);
    const got = missing ? ', but it is missing' : show ? `, got ${JSON.stringify(value)}` : '';
    lines.add(`${label}: expected ${expected}${got}`);
  }
  return [...lines];
}

/** Decodes or throws a DecodeError naming `what` (e.g. "Unleash /api/admin/projects/default/features response"). */
export function decodeOrThrow<A>(codec: t.Decoder<unknown, A>, value: unknown, what: string, options?: DescribeOptions): A {
  const result = codec.decode(value);
  if (isLeft(result)) throw new DecodeError(what, describeErrors(result.left, options));
  return result.right;
}
