import * as t from 'io-ts';
import { checkedString, crossChecked, EnvironmentTypeCodec } from '../../src/kit';

/** A string that passes `ok`, reported by the config loader as "expected <name>". */
function parsesAsUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** A path (absolute, or relative to the config file) or an http(s)/file URL. */
export const SourceCodec = checkedString('a file path or an http(s) URL', (s) => {
  if (s.trim() === '') return false;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return true;
  const url = parsesAsUrl(s);
  return url !== undefined && ['http:', 'https:', 'file:'].includes(url.protocol);
});

/** A URL once `{environment}`, `{key}` and `{provider}` are filled in. */
export const UrlTemplateCodec = checkedString('a URL template such as "https://git.example/flags/{environment}.flagd.json#{key}"', (s) => {
  const url = parsesAsUrl(s.replace(/\{(environment|key|provider)\}/g, 'x'));
  return url !== undefined && ['http:', 'https:'].includes(url.protocol);
});

const NameCodec = checkedString('a non-empty name', (s) => s.trim() !== '');

export const FlagdEnvironmentCodec = t.intersection([
  t.type({ name: NameCodec }),
  t.partial({ type: EnvironmentTypeCodec, source: SourceCodec, urlTemplate: UrlTemplateCodec }),
]);

const FlagdOptionsShape = t.intersection([
  t.type({
    name: NameCodec,
    adapter: t.string,
    environments: t.array(FlagdEnvironmentCodec, 'a list of environments'),
  }),
  t.partial({
    /** One file standing for every environment listed (an environment's own `source` wins). */
    source: SourceCodec,
    urlTemplate: UrlTemplateCodec,
    onVariants: t.array(NameCodec, 'a list of variant names'),
    /** Extra HTTP headers for http(s) sources, e.g. Authorization for a private Git host. Treated as secrets. */
    headers: t.record(t.string, t.string, 'a map of header name to value'),
  }),
]);

export type FlagdOptions = t.TypeOf<typeof FlagdOptionsShape>;

/** Cross-field rules that a plain shape cannot express; returns the problem, phrased as what was expected. */
function crossFieldProblem(options: FlagdOptions): string | undefined {
  if (options.environments.length === 0) return 'at least one environment';
  const names = options.environments.map((e) => e.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) return `environment names to be unique ("${duplicate}" appears twice)`;
  const missing = options.environments.find((e) => e.source === undefined);
  if (options.source === undefined && missing !== undefined) {
    return `a \`source\` on the provider or on every environment (environment "${missing.name}" has none)`;
  }
  return undefined;
}

export const FlagdOptionsCodec = crossChecked(FlagdOptionsShape, 'flagd provider options', crossFieldProblem);
