import { readFile, writeFile } from 'node:fs/promises';
import type { ProcessCost } from './measure';
import type { ScenarioGoal } from './scenarios/scenario';

export interface Row {
  readonly adapter: string;
  readonly scenario: string;
  readonly flags: number;
  /** What `flags` counts when not flags (git: commits). */
  readonly unit?: string;
  readonly cost: ProcessCost;
  readonly requests?: number;
  readonly lowerBound?: number;
  /** Requests the flag source (a stand-in served by the bench) received during the run. */
  readonly sourceRequests?: number;
  /** The minimum-work reference measured in the same run, on the same source. */
  readonly reference?: ProcessCost;
  /** The reference with its bodies sent to Jira: what the round trips add (for the 'all-sent' goal). */
  readonly referenceSending?: ProcessCost;
  /** Issue #16's CPU goal for this row. */
  readonly goal?: ScenarioGoal;
  /** Passes the figures are the median of (--repeat); 1 when absent. */
  readonly passes?: number;
  /** The cost is measured inside the bench process: heap, not a process's peak RSS. */
  readonly heapOnly?: boolean;
}

export interface Header {
  readonly date: string;
  readonly machine: string;
  readonly command: string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const ratio = (a: number, b: number | undefined) => (b === undefined || b === 0 ? '' : `${(a / b).toFixed(1)}×`);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianCost(costs: readonly ProcessCost[]): ProcessCost {
  return {
    ...costs[costs.length - 1]!,
    wallMs: median(costs.map((c) => c.wallMs)),
    cpuMs: median(costs.map((c) => c.cpuMs)),
    peakRssMb: median(costs.map((c) => c.peakRssMb)),
  };
}

/**
 * Passes of one scenario sequence (the same rows in the same order) → one row per scenario, each figure the median
 * of the passes (wall, CPU and peak RSS each on its own, as are the reference's); requests are the last pass's.
 */
export function medianRows(passes: readonly (readonly Row[])[]): Row[] {
  if (passes.length === 1) return [...passes[0]!];
  return passes[0]!.map((row, i) => {
    const same = passes.map((rows) => rows[i]!);
    const references = same.flatMap((r) => (r.reference === undefined ? [] : [r.reference]));
    const sending = same.flatMap((r) => (r.referenceSending === undefined ? [] : [r.referenceSending]));
    return {
      ...same[same.length - 1]!,
      cost: medianCost(same.map((r) => r.cost)),
      ...(references.length > 0 && { reference: medianCost(references) }),
      ...(sending.length > 0 && { referenceSending: medianCost(sending) }),
      passes: passes.length,
    };
  });
}

/**
 * The CPU goal of a row, in ms: 1 s for byte-identical sources; 2 × the reference for rewritten ones; 3 × the
 * reference plus the Jira round trips (the CPU sending adds to the reference) for a run that sends every flag.
 */
export function goalCpuMs(row: Row): number | undefined {
  const { goal, reference, referenceSending } = row;
  if (goal === 'byte-identical') return 1000;
  if (reference === undefined) return undefined;
  if (goal === 'rewritten') return 2 * reference.cpuMs;
  if (goal === 'all-sent' && referenceSending !== undefined)
    return 3 * reference.cpuMs + Math.max(0, referenceSending.cpuMs - reference.cpuMs);
  return undefined;
}

/** The goal's cell: the CPU bound (and, for rewritten sources, peak RSS ≤ 1.5 × the reference's) and whether it held. */
function goalCell(row: Row): string {
  const goal = goalCpuMs(row);
  if (goal === undefined) return '';
  const rssGoal = row.goal === 'rewritten' && row.reference !== undefined ? 1.5 * row.reference.peakRssMb : undefined;
  const met = row.cost.cpuMs <= goal && (rssGoal === undefined || row.cost.peakRssMb <= rssGoal);
  return `≤ ${seconds(goal)}${rssGoal === undefined ? '' : `, RSS ≤ ${rssGoal.toFixed(0)} MB`}: ${met ? 'met' : 'not met'}`;
}

/** The results as a Markdown table (what the console shows and bench/README.md keeps). */
export function renderTable(header: Header, rows: readonly Row[]): string {
  const passes = Math.max(...rows.map((row) => row.passes ?? 1));
  const lines = [
    `Measured ${header.date} on ${header.machine}; \`${header.command}\`${passes > 1 ? `; each figure the median of ${passes} passes` : ''}.`,
    '',
    '| adapter | scenario | flags | wall s | CPU s | peak RSS MB | Jira requests (lower bound) | source requests | wall / ref | CPU / ref | RSS / ref | goal (#16) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const { cost, reference } = row;
    const rss = row.heapOnly === true ? `${cost.peakRssMb.toFixed(0)} (heap)` : cost.peakRssMb.toFixed(0);
    const requests = row.requests === undefined ? '' : `${row.requests} (${row.lowerBound ?? 0})`;
    lines.push(
      `| ${row.adapter} | ${row.scenario} | ${row.flags}${row.unit === undefined ? '' : ` ${row.unit}`} | ${seconds(cost.wallMs)} | ${seconds(cost.cpuMs)} | ${rss} | ${requests} | ${row.sourceRequests ?? ''} | ${ratio(cost.wallMs, reference?.wallMs)} | ${ratio(cost.cpuMs, reference?.cpuMs)} | ${ratio(cost.peakRssMb, reference?.peakRssMb)} | ${goalCell(row)} |`,
    );
  }
  return lines.join('\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

async function replaceBetween(file: string, start: string, end: string, content: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} section`);
  await writeFile(file, `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`);
}

/** Replaces the results between the markers in bench/README.md (history above them is kept by hand). */
export function writeReadme(file: string, table: string): Promise<void> {
  return replaceBetween(file, START, END, table);
}

/** Replaces the daemon bench's figures in bench/README.md. */
export function writeDaemonReadme(file: string, summary: string): Promise<void> {
  return replaceBetween(file, '<!-- bench:daemon:start -->', '<!-- bench:daemon:end -->', summary);
}
