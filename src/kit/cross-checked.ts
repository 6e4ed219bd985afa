import * as t from 'io-ts';

/**
 * A codec for rules that span fields ("a source on the provider or on every environment"), with its own message.
 * Built as a RefinementType over the shape so the config loader can still see the shape's keys (typo detection)
 * and generate its JSON Schema; `problem` returns what was expected, or undefined when the value is fine.
 */
export function crossChecked<C extends t.Any>(
  shape: C,
  name: string,
  problem: (value: t.TypeOf<C>) => string | undefined,
): t.RefinementType<C, t.TypeOf<C>, t.OutputOf<C>, t.InputOf<C>> {
  return new t.RefinementType(
    name,
    (u): u is t.TypeOf<C> => shape.is(u) && problem(u) === undefined,
    (u, c) => {
      const shaped = shape.validate(u, c);
      if (shaped._tag === 'Left') return shaped;
      const message = problem(shaped.right);
      return message === undefined ? shaped : t.failure(u, c, message);
    },
    shape.encode,
    shape,
    (value) => problem(value) === undefined,
  );
}
