import { CronExpressionParser } from 'cron-parser';

/** The latest time at or before `now` the schedule fires: the slot a run started now belongs to. */
export function currentSlot(schedule: string, now: Date): Date {
  const expression = CronExpressionParser.parse(schedule, { currentDate: new Date(now.getTime() + 1) });
  return expression.prev().toDate();
}

/**
 * The schedule's period around `now`: the gap between the slot `now` falls in and the next fire time. For an
 * irregular schedule (weekdays at 9) that is the gap actually being waited out, which is what "N periods" means.
 */
export function periodMs(schedule: string, now: Date): number {
  const next = CronExpressionParser.parse(schedule, { currentDate: now }).next().toDate();
  return next.getTime() - currentSlot(schedule, now).getTime();
}

/**
 * How late a tick may fire and still run for its slot: half a period (at least a second). A busy event loop (a large
 * source parsed, a long collection) delays node-cron's timer; by default it drops a tick about a second late, and the
 * slot would wait a whole period.
 */
export function lateTickToleranceMs(schedule: string, now: Date): number {
  return Math.max(1000, Math.floor(periodMs(schedule, now) / 2));
}
