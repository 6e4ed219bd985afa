import { LineCounter, parseDocument, type YAMLError } from 'yaml';

/**
 * YAML text → plain data, or one line per syntax problem with its position. The parser's pretty messages quote the
 * offending source line, which may hold a secret written in plain text, so only the position and the first
 * sentence are kept.
 */
export type ParsedYaml = { ok: true; value: unknown } | { ok: false; problems: string[] };

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
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    // Unresolvable aliases and alias bombs surface only while converting.
    return { ok: false, problems: [`YAML: ${(error as Error).message}`] };
  }
}
