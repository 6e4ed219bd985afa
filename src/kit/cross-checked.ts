import * as t from 'io-ts';

/** A rule broken at a place inside the value: its path (keys and indexes) and what was expected there. */
export interface CrossProblem {
  readonly at: readonly (string | number)[];
  readonly expected: string;
}

/**
 * What a cross-field rule finds: undefined when the value is fine, what was expected of the value as a whole, or
 * every problem at its own path (each then reported on its own line, `providers[0].repositories[2]: expected …`).
 */
export type CrossCheck = string | readonly CrossProblem[] | undefined;

const isFine = (found: CrossCheck): boolean => found === undefined || (typeof found !== 'string' && found.length === 0);

const objectStep = t.type({});
const arrayStep = t.array(t.unknown);

function valueAt(value: unknown, at: readonly (string | number)[]): unknown {
  let here = value;
  for (const key of at) here = typeof here === 'object' && here !== null ? (here as Record<string, unknown>)[key] : undefined;
  return here;
}

/** Context entries that put a failure at `at` below `c` (the error descriptions read paths from the parents' kinds). */
function contextAt(c: t.Context, value: unknown, at: readonly (string | number)[]): t.Context {
  const stepFor = (key: string | number | undefined): t.Decoder<unknown, unknown> =>
    key === undefined ? t.unknown : typeof key === 'number' ? arrayStep : objectStep;
  const entries: t.ContextEntry[] = [{ key: '', type: stepFor(at[0]), actual: value }];
  at.forEach((key, i) => entries.push({ key: String(key), type: stepFor(at[i + 1]), actual: valueAt(value, at.slice(0, i + 1)) }));
  return [...c, ...entries];
}

/**
 * A codec for rules that span fields ("a source on the provider or on every environment"), with its own messages.
 * Built as a RefinementType over the shape so the config loader can still see the shape's keys (typo detection)
 * and generate its JSON Schema; `problem` returns what was expected (see CrossCheck), or undefined when it is fine.
 */
export function crossChecked<C extends t.Any>(
  shape: C,
  name: string,
  problem: (value: t.TypeOf<C>) => CrossCheck,
): t.RefinementType<C, t.TypeOf<C>, t.OutputOf<C>, t.InputOf<C>> {
  return new t.RefinementType(
    name,
    (u): u is t.TypeOf<C> => shape.is(u) && isFine(problem(u)),
    (u, c) => {
      const shaped = shape.validate(u, c);
      if (shaped._tag === 'Left') return shaped;
      const found = problem(shaped.right);
      if (isFine(found)) return shaped;
      if (typeof found === 'string') return t.failure(u, c, found);
      return t.failures(found!.map((p) => ({ value: valueAt(u, p.at), context: contextAt(c, u, p.at), message: p.expected })));
    },
    shape.encode,
    shape,
    (value) => isFine(problem(value)),
  );
}
