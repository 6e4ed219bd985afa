import * as t from 'io-ts';

/**
 * Building blocks for adapters' option codecs. A codec's name completes "expected …" in config problem lines
 * (`providers[0].url: expected a URL, got "foo"`), so names read as English.
 */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

/** A string that passes `ok`, reported as "expected <name>". */
export function checkedString(name: string, ok: (s: string) => boolean): t.Type<string, string, unknown> {
  return new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && ok(u),
    (u, c) => (typeof u === 'string' && ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

/** A whole number within [min, max]. */
export function integerBetween(min: number, max: number): t.Type<number, number, unknown> {
  const ok = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max;
  return new t.Type<number, number, unknown>(
    `an integer ${min}..${max}`,
    ok,
    (u, c) => (ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

export const HttpUrl = checkedString('a URL', isHttpUrl);
export const NonEmptyString = checkedString('a non-empty string', (s) => s.trim() !== '');
export const EnvironmentTypeCodec = t.keyof(
  { production: null, staging: null, testing: null, development: null },
  'production, staging, testing or development',
);
