import type { FieldIssue } from '@provisio/service-kit';

export type WorkflowKind = 'provisioning' | 'deprovisioning';
export type DueFrom = 'trigger' | 'start_date' | 'termination_date';
export type MatchField = 'department' | 'jobTitle' | 'location';
export const matchFields: readonly MatchField[] = ['department', 'jobTitle', 'location'];

/** One task of a workflow version, as stored (jsonb) and as the API shows it. */
export interface StoredTask {
  title: string;
  providerIds: string[] | 'all_with_access';
  /** An active admin; null means each provider's assignee for the task's direction. */
  assigneeId: string | null;
  due: { days: number; from: DueFrom } | null;
}

export interface StoredTrigger {
  on: 'hire' | 'termination';
  /** Every listed field must match; within a field any listed value matches. Null matches everyone. */
  match: Partial<Record<MatchField, string[]>> | null;
}

/** The content of one version: what an edit changes. */
export interface DefinitionContent {
  name: string;
  kind: WorkflowKind;
  description: string | null;
  tasks: StoredTask[];
  triggers: StoredTrigger[];
}

export function actionOf(kind: WorkflowKind): 'provision' | 'deprovision' {
  return kind === 'provisioning' ? 'provision' : 'deprovision';
}

export function triggerEventOf(kind: WorkflowKind): StoredTrigger['on'] {
  return kind === 'provisioning' ? 'hire' : 'termination';
}

export function defaultTaskTitle(kind: WorkflowKind, index: number): string {
  return `${kind === 'provisioning' ? 'Provision' : 'Deprovision'} accounts${index > 0 ? ` (${index + 1})` : ''}`;
}

/**
 * Rules that span fields, checked on the whole definition (after a PATCH is merged too): `all_with_access`
 * only deprovisions; a provisioning workflow triggers on hires and a deprovisioning one on terminations;
 * a provisioning task has no termination date to count from; a task lists a provider once.
 */
export function definitionIssues(content: DefinitionContent): FieldIssue[] {
  const issues: FieldIssue[] = [];
  content.tasks.forEach((task, index) => {
    if (task.providerIds === 'all_with_access') {
      if (content.kind !== 'deprovisioning') {
        issues.push({ path: `tasks.${index}.providerIds`, message: '"all_with_access" is for deprovisioning workflows only; list the providers', location: 'body' });
      }
    } else {
      const seen = new Set<string>();
      task.providerIds.forEach((id, at) => {
        if (seen.has(id)) issues.push({ path: `tasks.${index}.providerIds.${at}`, message: 'is listed twice in this task', location: 'body' });
        seen.add(id);
      });
    }
    if (task.due?.from === 'termination_date' && content.kind === 'provisioning') {
      issues.push({ path: `tasks.${index}.due.from`, message: 'a provisioning workflow has no termination date; use trigger or start_date', location: 'body' });
    }
  });
  content.triggers.forEach((trigger, index) => {
    if (trigger.on !== triggerEventOf(content.kind)) {
      issues.push({ path: `triggers.${index}.on`, message: `a ${content.kind} workflow triggers on "${triggerEventOf(content.kind)}"`, location: 'body' });
    }
  });
  return issues;
}

/** The people and apps a definition refers to, with the body path that names each (for 422 details). */
export function definitionReferences(content: Pick<DefinitionContent, 'tasks'>) {
  const providers: { path: string; id: string }[] = [];
  const assignees: { path: string; id: string }[] = [];
  content.tasks.forEach((task, index) => {
    if (task.providerIds !== 'all_with_access') {
      task.providerIds.forEach((id, at) => providers.push({ path: `tasks.${index}.providerIds.${at}`, id }));
    }
    if (task.assigneeId !== null) assignees.push({ path: `tasks.${index}.assigneeId`, id: task.assigneeId });
  });
  return { providers, assignees };
}
