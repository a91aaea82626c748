import type { RosterEmployee } from '@provisio/roster';
import { matchFields, type StoredTrigger } from './definition.js';

const normalize = (value: string) => value.trim().toLowerCase();

/**
 * Whether a trigger fires for an employee: every field the trigger lists must hold one of its values
 * (compared trimmed and case-insensitively); a trigger without `match` fires for everyone.
 */
export function triggerMatches(trigger: StoredTrigger, employee: Pick<RosterEmployee, 'department' | 'jobTitle' | 'location'>): boolean {
  if (!trigger.match) return true;
  return matchFields.every((field) => {
    const allowed = trigger.match?.[field];
    if (!allowed || allowed.length === 0) return true;
    const value = employee[field];
    return value !== null && allowed.some((candidate) => normalize(candidate) === normalize(value));
  });
}

/** Whether any of a workflow's triggers of the given kind fires for the employee. */
export function anyTriggerMatches(triggers: StoredTrigger[], on: StoredTrigger['on'], employee: Pick<RosterEmployee, 'department' | 'jobTitle' | 'location'>): boolean {
  return triggers.some((trigger) => trigger.on === on && triggerMatches(trigger, employee));
}
