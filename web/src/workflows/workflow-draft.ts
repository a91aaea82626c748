import type { DueFrom, TriggerOn, Workflow, WorkflowInput, WorkflowKind } from '../api/workflows';

/** The builder's editable state: strings where the person types, converted on save. */
export interface TaskDraft {
  key: string;
  title: string;
  providerIds: string[];
  allWithAccess: boolean;
  assigneeId: string;
  dueEnabled: boolean;
  dueDays: string;
  dueFrom: DueFrom;
}

export interface TriggerDraft {
  key: string;
  on: TriggerOn;
  department: string[];
  jobTitle: string[];
  location: string[];
}

export interface WorkflowDraft {
  name: string;
  kind: WorkflowKind;
  description: string;
  tasks: TaskDraft[];
  triggers: TriggerDraft[];
}

let counter = 0;
const nextKey = () => `k${++counter}`;

export function newTask(): TaskDraft {
  return {
    key: nextKey(),
    title: '',
    providerIds: [],
    allWithAccess: false,
    assigneeId: '',
    dueEnabled: false,
    dueDays: '0',
    dueFrom: 'trigger',
  };
}

export function newTrigger(kind: WorkflowKind): TriggerDraft {
  return { key: nextKey(), on: kind === 'provisioning' ? 'hire' : 'termination', department: [], jobTitle: [], location: [] };
}

export function emptyDraft(): WorkflowDraft {
  return { name: '', kind: 'provisioning', description: '', tasks: [newTask()], triggers: [] };
}

export function draftFrom(w: Workflow): WorkflowDraft {
  return {
    name: w.name,
    kind: w.kind,
    description: w.description ?? '',
    tasks: w.tasks.map((t) => ({
      key: nextKey(),
      title: t.title ?? '',
      providerIds: Array.isArray(t.providerIds) ? [...t.providerIds] : [],
      allWithAccess: t.providerIds === 'all_with_access',
      assigneeId: t.assigneeId ?? '',
      dueEnabled: t.due !== undefined && t.due !== null,
      dueDays: t.due ? String(t.due.days) : '0',
      dueFrom: t.due?.from ?? 'trigger',
    })),
    triggers: (w.triggers ?? []).map((tr) => ({
      key: nextKey(),
      on: tr.on,
      department: tr.match?.department ?? [],
      jobTitle: tr.match?.jobTitle ?? [],
      location: tr.match?.location ?? [],
    })),
  };
}

/** Errors keyed by field path: `name`, `tasks.0.providerIds`, `tasks.1.due.days`, `triggers.0.on`. */
export type DraftErrors = Record<string, string>;

/** The rules of the contract (and of common sense) the builder checks before saving. */
export function validateDraft(d: WorkflowDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (!d.name.trim()) errors.name = 'Give the workflow a name.';
  if (d.tasks.length === 0) errors.tasks = 'Add at least one task.';
  d.tasks.forEach((t, i) => {
    if (t.allWithAccess && d.kind !== 'deprovisioning') {
      errors[`tasks.${i}.providerIds`] = '"Every app the person has" is only for deprovisioning workflows.';
    } else if (!t.allWithAccess && t.providerIds.length === 0) {
      errors[`tasks.${i}.providerIds`] = 'Choose at least one provider.';
    }
    if (t.dueEnabled) {
      const days = t.dueDays.trim();
      if (!/^-?\d+$/.test(days)) errors[`tasks.${i}.due.days`] = 'Enter a whole number of days (it may be negative).';
      else if (Math.abs(Number(days)) > 3650) errors[`tasks.${i}.due.days`] = 'Enter at most 3650 days.';
      if (t.dueFrom === 'termination_date' && d.kind !== 'deprovisioning') {
        errors[`tasks.${i}.due.from`] = 'A provisioning workflow has no termination date; count from the trigger or the start date.';
      }
    }
  });
  d.triggers.forEach((tr, i) => {
    const expected: TriggerOn = d.kind === 'provisioning' ? 'hire' : 'termination';
    if (tr.on !== expected) {
      errors[`triggers.${i}.on`] =
        d.kind === 'provisioning'
          ? 'A provisioning workflow starts on hire.'
          : 'A deprovisioning workflow starts on termination.';
    }
  });
  return errors;
}

function clean(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

/** The contract's request body; call only on a draft that `validateDraft` accepted. */
export function toWorkflowInput(d: WorkflowDraft): WorkflowInput {
  return {
    name: d.name.trim(),
    kind: d.kind,
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    tasks: d.tasks.map((t) => ({
      ...(t.title.trim() ? { title: t.title.trim() } : {}),
      providerIds: t.allWithAccess ? ('all_with_access' as const) : [...t.providerIds],
      ...(t.assigneeId ? { assigneeId: t.assigneeId } : {}),
      ...(t.dueEnabled ? { due: { days: Number(t.dueDays.trim()), from: t.dueFrom } } : {}),
    })),
    triggers: d.triggers.map((tr) => {
      const match = {
        ...(clean(tr.department).length ? { department: clean(tr.department) } : {}),
        ...(clean(tr.jobTitle).length ? { jobTitle: clean(tr.jobTitle) } : {}),
        ...(clean(tr.location).length ? { location: clean(tr.location) } : {}),
      };
      return Object.keys(match).length ? { on: tr.on, match } : { on: tr.on };
    }),
  };
}

/** Splits typed text on commas into chips: "Sales, Support" → ["Sales", "Support"]. */
export function splitChips(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
