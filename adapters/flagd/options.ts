import * as t from 'io-ts';
import { checkedString, crossChecked, type ProviderOptions } from '../../src/kit';

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

/** An environment's own keys (the core decodes its `name` and `type`). */
export const FlagdEnvironmentCodec = t.partial({ source: SourceCodec, urlTemplate: UrlTemplateCodec });

const FlagdOptionsShape = t.intersection([
  t.type({
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

type Shape = t.TypeOf<typeof FlagdOptionsShape>;

/**
 * The rule spanning keys: a file for every environment. The core checks names (unique) and that there is an
 * environment at all.
 */
function crossFieldProblem(options: Shape): string | undefined {
  const missing = options.environments.findIndex((e) => e.source === undefined);
  if (options.source === undefined && missing >= 0) {
    return `a \`source\` on the provider or on every environment (environments[${missing}] has none)`;
  }
  return undefined;
}

export const FlagdOptionsCodec = crossChecked(FlagdOptionsShape, 'flagd provider options', crossFieldProblem);
export type FlagdOwnOptions = t.TypeOf<typeof FlagdOptionsCodec>;
/** The options as `create` gets them: these keys, with the shared provider fields merged in by the core. */
export type FlagdOptions = ProviderOptions<FlagdOwnOptions>;
