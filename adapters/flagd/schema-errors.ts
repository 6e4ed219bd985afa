/**
 * Turns the error list of flagd's precompiled JSON-schema validator (ajv output, reached through flagd-core's
 * ParseError) into a few readable lines. The raw list is long and repetitive because the schema is a tree of
 * anyOf/oneOf branches: one typo yields dozens of entries, most of them from branches that never applied.
 */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

const MAX_LINES = 3;
const summaryKeywords = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);

/** "/flags/my-flag/state" → "flags.my-flag.state"; "" → "(root)". */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describeOne(error: SchemaError): string {
  const params = error.params ?? {};
  if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    return `must be one of ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return `unexpected key ${JSON.stringify(params['additionalProperty'])}`;
  }
  return error.message ?? `fails the "${error.keyword}" rule`;
}

function isVariantTypeError(error: SchemaError): boolean {
  return error.keyword === 'type' && /^\/flags\/[^/]+\/variants\/[^/]+$/.test(error.instancePath);
}

export function describeSchemaErrors(errors: readonly SchemaError[]): string[] {
  const specific = errors.filter((e) => !summaryKeywords.has(e.keyword));
  const candidates = specific.length > 0 ? specific : errors;
  if (candidates.length === 0) return ['does not match the flagd schema'];

  // The schema tries "all booleans", "all numbers", ... in turn; the honest summary is that the types are mixed.
  if (candidates.every(isVariantTypeError)) {
    const variantsPath = candidates[0]!.instancePath.replace(/\/[^/]+$/, '');
    return [`${pointerToPath(variantsPath)}: all variants of a flag must have one type (boolean, number, string or object)`];
  }

  // The deepest location is where the file actually went wrong; shallower entries are failed alternatives.
  const depth = (e: SchemaError) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
  const deepest = Math.max(...candidates.map(depth));
  const lines = new Set<string>();
  for (const error of candidates) {
    if (depth(error) === deepest) lines.add(`${pointerToPath(error.instancePath)}: ${describeOne(error)}`);
  }
  const all = [...lines];
  return all.length > MAX_LINES ? [...all.slice(0, MAX_LINES), `(${all.length - MAX_LINES} more)`] : all;
}
