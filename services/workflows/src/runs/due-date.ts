import type { StoredTask } from '../definitions/definition.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DueContext {
  /** When the trigger took effect (the HR event's time), or when the run was started by hand. */
  triggerAt: Date;
  startDate: string | null;
  terminationDate: string | null;
  /** A termination with `immediate: true`: every task is due now. */
  immediate: boolean;
  now: Date;
}

/**
 * A task's due date: `days` after (negative: before) the reference. Dates count from their start, 00:00 UTC.
 * A reference the employee lacks (no termination date on a hand-started run) falls back to the trigger time.
 */
export function dueAt(due: StoredTask['due'], context: DueContext): Date | null {
  if (context.immediate) return context.now;
  if (!due) return null;
  const dateStart = (date: string | null) => (date ? new Date(`${date}T00:00:00.000Z`) : context.triggerAt);
  const base = due.from === 'start_date' ? dateStart(context.startDate) : due.from === 'termination_date' ? dateStart(context.terminationDate) : context.triggerAt;
  return new Date(base.getTime() + due.days * DAY_MS);
}
