import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Pair, type YAMLError } from 'yaml';

/**
 * YAML text → plain data, or one line per syntax problem with its position. The parser's pretty messages quote the
 * offending source line, which may hold a secret written in plain text, so only the position and the first
 * sentence are kept.
 */
export type ParsedYaml = { ok: true; value: unknown; locate: Locate } | { ok: false; problems: string[] };

/** Where a problem's path is written in the file (1-based), for `file:line:column` prefixes editors jump to. */
export interface Position {
  readonly line: number;
  readonly col: number;
  /** Characters from the file's start: problems are listed in the file's order by it. */
  readonly offset: number;
}

/**
 * A problem's path (`providers[0].environments[1].source`, as the decoders write it) → where it is written: the key
 * of its last mapping entry found, or the sequence item. A path that goes past what the file holds (a required key
 * left out) ends at its deepest part that is there, at worst the top of the file.
 */
export type Locate = (path: string) => Position | undefined;

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')
    ? String(pair.key.value)
    : undefined;
}

function locator(doc: Document, lines: LineCounter): Locate {
  const position = (range: readonly number[] | null | undefined): Position | undefined => {
    if (range === undefined || range === null) return undefined;
    const { line, col } = lines.linePos(range[0]!);
    return { line, col, offset: range[0]! };
  };
  return (path) => {
    let node: unknown = doc.contents;
    let rest = path === '(root)' ? '' : path;
    let found = position((node as { range?: readonly number[] } | null)?.range);
    // Past an alias (`*base`), the path runs through the anchor's text, which other paths share: the alias is where.
    let aliased = false;
    const at = (range: readonly number[] | null | undefined): void => {
      if (!aliased) found = position(range) ?? found;
    };
    while (rest !== '') {
      if (isAlias(node)) {
        at(node.range);
        aliased = true;
        node = node.resolve(doc);
      }
      const index = /^\[(\d+)\]\.?/.exec(rest);
      if (index !== null) {
        const item: unknown = isSeq(node) ? node.items[Number(index[1])] : undefined;
        if (item === undefined) break;
        at((item as { range?: readonly number[] }).range);
        node = item;
        rest = rest.slice(index[0].length);
        continue;
      }
      if (!isMap(node)) break;
      // The longest key the path goes on from: a key may hold a dot itself (a property name, say).
      let best: Pair | undefined;
      let bestKey = '';
      for (const pair of node.items) {
        const key = isPair(pair) ? keyText(pair) : undefined;
        if (key === undefined || key.length <= bestKey.length || !rest.startsWith(key)) continue;
        const after = rest.charAt(key.length);
        if (after === '' || after === '.' || after === '[') {
          best = pair;
          bestKey = key;
        }
      }
      if (best === undefined) break;
      at((best.key as { range?: readonly number[] }).range);
      node = best.value;
      rest = rest.slice(bestKey.length).replace(/^\./, '');
    }
    return found;
  };
}

function describe(error: YAMLError, lines: LineCounter, file: string): string {
  const message = error.message.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?$/, '');
  const { line, col } = lines.linePos(error.pos[0]);
  return `${file}:${line}:${col}: YAML syntax: ${message}`;
}

/**
 * Only the first syntax problem is reported, as `file:line:column` (editors jump to it): after one, the parser's
 * view of the rest is guesswork (a single tab gives nine cascading problems).
 */
export function parseYaml(text: string, file = '(config)'): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  // Warnings (e.g. an unknown !!tag) change what a value means; a config file should not rely on them.
  const [first] = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (first !== undefined) return { ok: false, problems: [describe(first, lines, file)] };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown, locate: locator(doc, lines) };
  } catch (error) {
    // Unresolvable aliases and alias bombs surface only while converting.
    return { ok: false, problems: [`YAML: ${(error as Error).message}`] };
  }
}
