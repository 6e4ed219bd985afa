import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';

/**
 * Facts about config codecs that io-ts itself cannot carry but the JSON Schema converter and the unknown-key check
 * need: defaults, descriptions, the schema of custom leaf types, and whether an object accepts keys it does not name.
 * Kept beside the codecs (a WeakMap keyed by codec) so the schema is generated from the very objects that decode.
 */
export type JsonSchema = { [keyword: string]: unknown };

export interface Annotation {
  readonly description?: string;
  /** Input value used when the key is absent (shown as `default` in the schema). */
  readonly default?: unknown;
  /** Schema of a custom leaf type (one built with `new t.Type`), which the converter cannot look into. */
  readonly schema?: JsonSchema;
  /** Keywords merged into the generated schema (e.g. minItems for a refined array). */
  readonly extra?: JsonSchema;
  /** The object allows keys it does not list (they belong to someone else, e.g. an adapter). */
  readonly open?: boolean;
}

const annotations = new WeakMap<t.Decoder<unknown, unknown>, Annotation>();

export function annotationOf(codec: t.Decoder<unknown, unknown>): Annotation {
  return annotations.get(codec) ?? {};
}

export function annotate<C extends t.Decoder<unknown, unknown>>(codec: C, annotation: Annotation): C {
  annotations.set(codec, { ...annotationOf(codec), ...annotation });
  return codec;
}

/**
 * A copy of `codec` with a different validate. The copy keeps the io-ts class and `_tag`, because
 * describeErrors names path segments from the parent's tag: a t.refinement or `new t.Type` around an object would
 * make every problem inside it lose its path.
 */
function withValidate<C extends t.Any>(codec: C, validate: t.Validate<unknown, t.TypeOf<C>>): C {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(codec) as object) as C, codec);
  (copy as { validate: t.Validate<unknown, t.TypeOf<C>> }).validate = validate;
  annotations.set(copy, annotationOf(codec));
  return copy;
}

/** The key may be left out; `value` (an input, decoded like any other) is used instead. */
export function withDefault<C extends t.Any>(codec: C, value: unknown, description?: string): C {
  const copy = withValidate(codec, (u, c) => codec.validate(u === undefined ? value : u, c));
  return annotate(copy, description === undefined ? { default: value } : { default: value, description });
}

/** A copy of `codec` carrying a description; copies, because leaf codecs are shared by many fields. */
export function describe<C extends t.Any>(codec: C, description: string): C {
  return annotate(
    withValidate(codec, (u, c) => codec.validate(u, c)),
    { description },
  );
}

/** One failed check of `refine`: what was expected, optionally at a key or index of the checked value. */
export interface CheckProblem {
  readonly expected: string;
  readonly at?: string;
  /** What `got …` may show; defaults to the value at `at`. */
  readonly value?: unknown;
}

/**
 * Adds checks on the raw input. They run even when the inner codec fails, so one pass reports every problem (a
 * missing cloud id and a bad URL in the same section are both listed). `extra` says the same thing to editors.
 */
export function refine<C extends t.Any>(codec: C, check: (u: unknown) => readonly CheckProblem[], extra: JsonSchema): C {
  const copy = withValidate(codec, (u, c) => {
    const result = codec.validate(u, c);
    const problems = check(u);
    if (problems.length === 0) return result;
    const errors = problems.map((p) => {
      if (p.at === undefined) return { value: u, context: c, message: p.expected };
      const value = 'value' in p ? p.value : (u as Record<string, unknown>)[p.at];
      return { value, context: t.appendContext(c, p.at, t.unknown, value), message: p.expected };
    });
    return t.failures([...(isRight(result) ? [] : result.left), ...errors]);
  });
  return annotate(copy, { extra: { ...annotationOf(codec).extra, ...extra } });
}

/** A leaf type checked by `test`, named for the problem line ("a URL") and described by `schema` for editors. */
export function leaf<A>(name: string, test: (u: unknown) => u is A, schema: JsonSchema): t.Type<A, A, unknown> {
  const codec = new t.Type<A, A, unknown>(name, test, (u, c) => (test(u) ? t.success(u) : t.failure(u, c)), t.identity);
  return annotate(codec, { schema });
}
