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
