import { LineCounter, parseDocument, type YAMLError } from 'yaml';

/**
 * YAML text → plain data, or one line per syntax problem with its position. The parser's pretty messages quote the
 * offending source line, which may hold a secret written in plain text, so only the position and the first
 * sentence are kept.
 */
export type ParsedYaml = { ok: true; value: unknown } | { ok: false; problems: string[] };

function describe(error: YAMLError, lines: LineCounter): string {
  const message = error.message.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?$/, '');
  const { line, col } = lines.linePos(error.pos[0]);
  return `line ${line}, column ${col}: ${message}`;
}

export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  // Warnings (e.g. an unknown !!tag) change what a value means; a config file should not rely on them.
  const problems = [...doc.errors, ...doc.warnings].map((e) => describe(e, lines));
  if (problems.length > 0) return { ok: false, problems };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    // Unresolvable aliases and alias bombs surface only while converting.
    return { ok: false, problems: [`YAML: ${(error as Error).message}`] };
  }
}
