/**
 * The bench's two in-memory rows, each in a process of its own (as a run has one): measured inside the bench process
 * they paid for its heap (the Jira simulator's records and every request it received), which the garbage collector
 * walks again and again, and read up to half as much again as here.
 *
 *   node --expose-gc --require tsx/cjs bench/core-rows.ts planner|state-io COUNT   → one line of JSON
 */
import { measurePlanner } from './planner';
import { measureStateIo } from './state-io';

async function main(): Promise<void> {
  const [which, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`expected a flag count, got ${countText}`);
  if (which === 'planner') process.stdout.write(`${JSON.stringify(measurePlanner(count))}\n`);
  else if (which === 'state-io') process.stdout.write(`${JSON.stringify(await measureStateIo(count))}\n`);
  else throw new Error(`expected planner or state-io, got ${which}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`core-rows: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
