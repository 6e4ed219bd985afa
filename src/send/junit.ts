import { readFile } from 'node:fs/promises';
import type { XMLParser } from 'fast-xml-parser';

export interface TestCounts {
  readonly totalNumber: number;
  readonly numberPassed: number;
  readonly numberFailed: number;
  readonly numberSkipped: number;
}

export class JunitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JunitError';
  }
}

type Node = Record<string, unknown>;

// The XML parser and the glob load with the first report counted (`send build --junit`), not with the CLI, which
// declares this command at every start. `require`: tsx's CommonJS hook has no `import()` of packages here.
let parser: XMLParser | undefined;
const xmlParser = (): XMLParser =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (parser ??= new (require('fast-xml-parser') as typeof import('fast-xml-parser')).XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // These may appear once or many times; always arrays keeps the walk simple.
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
  }));

const asNodes = (value: unknown): Node[] =>
  Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as Node[]) : [];

function countCases(suite: Node, totals: { total: number; failed: number; skipped: number }): void {
  for (const testcase of asNodes(suite['testcase'])) {
    totals.total++;
    // <failure/> and <error/> are failures to Jira alike; <skipped/> (and JUnit 5's disabled) are skipped.
    if (testcase['failure'] !== undefined || testcase['error'] !== undefined) totals.failed++;
    else if (testcase['skipped'] !== undefined) totals.skipped++;
  }
  for (const nested of asNodes(suite['testsuite'])) countCases(nested, totals);
}

/** Counts in one JUnit XML document (root <testsuites> or <testsuite>, suites nested at any depth). */
export function countJunitXml(xml: string, where: string): TestCounts {
  let doc: Node;
  try {
    doc = xmlParser().parse(xml, true) as Node;
  } catch (error) {
    throw new JunitError(`${where}: not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = (doc['testsuites'] as Node | undefined) ?? { testsuite: doc['testsuite'] };
  if (doc['testsuites'] === undefined && doc['testsuite'] === undefined) {
    throw new JunitError(`${where}: not a JUnit report (no <testsuites> or <testsuite> element)`);
  }
  const totals = { total: 0, failed: 0, skipped: 0 };
  countCases(typeof root === 'object' && root !== null ? root : {}, totals);
  return {
    totalNumber: totals.total,
    numberFailed: totals.failed,
    numberSkipped: totals.skipped,
    numberPassed: totals.total - totals.failed - totals.skipped,
  };
}

/** Sums the counts of every file matching `patterns` (relative to `cwd`); no match is an error, not zero tests. */
export async function countJunitFiles(patterns: readonly string[], cwd: string): Promise<TestCounts> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { glob } = require('tinyglobby') as typeof import('tinyglobby');
  const files = (await glob([...patterns], { cwd, absolute: true, onlyFiles: true })).sort();
  if (files.length === 0) throw new JunitError(`--junit: no file matches ${patterns.map((p) => `"${p}"`).join(', ')} in ${cwd}`);
  const sum = { totalNumber: 0, numberPassed: 0, numberFailed: 0, numberSkipped: 0 };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new JunitError(`--junit: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const counts = countJunitXml(text, file);
    sum.totalNumber += counts.totalNumber;
    sum.numberPassed += counts.numberPassed;
    sum.numberFailed += counts.numberFailed;
    sum.numberSkipped += counts.numberSkipped;
  }
  return sum;
}
