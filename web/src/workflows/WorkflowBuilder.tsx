import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { Employee } from '../api/employees';
import { ApiError } from '../api/http';
import type { Provider } from '../api/providers';
import type { WorkflowInput, WorkflowKind } from '../api/workflows';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Field } from '../components/Field';
import { TaskEditor } from './TaskEditor';
import { TriggerEditor } from './TriggerEditor';
import { newTask, newTrigger, toWorkflowInput, validateDraft } from './workflow-draft';
import type { DraftErrors, TaskDraft, TriggerDraft, WorkflowDraft } from './workflow-draft';

/**
 * The workflow builder: tasks (providers, assignee, due rule) and triggers. It validates before
 * saving and places the server's VALIDATION_FAILED details on the same fields.
 */
export function WorkflowBuilder({
  initial,
  providers,
  admins,
  readOnly,
  saving,
  error,
  onSave,
  submitLabel = 'Save draft',
}: {
  initial: WorkflowDraft;
  providers: Provider[];
  admins: Employee[];
  readOnly?: boolean;
  saving: boolean;
  error: unknown;
  onSave: (input: WorkflowInput) => void;
  submitLabel?: string;
}) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [submitted, setSubmitted] = useState(false);

  const kindLabelId = useId();
  // The server's VALIDATION_FAILED details use the body's paths (`tasks.0.providerIds`), as the draft's errors do.
  const serverFieldErrors: DraftErrors =
    error instanceof ApiError ? Object.fromEntries(error.fieldIssues().map((i) => [i.path, i.message])) : {};
  const all = { ...serverFieldErrors, ...errors };
  const errorAt = (path: string) => all[path];

  const update = (patch: Partial<WorkflowDraft>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      if (submitted) setErrors(validateDraft(next));
      return next;
    });
  };
  const setTask = (index: number, task: TaskDraft) => update({ tasks: draft.tasks.map((t, i) => (i === index ? task : t)) });
  const setTrigger = (index: number, trigger: TriggerDraft) =>
    update({ triggers: draft.triggers.map((t, i) => (i === index ? trigger : t)) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const found = validateDraft(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    onSave(toWorkflowInput(draft));
  };

  const errorCount = Object.keys(errors).length;
  return (
    <form className="form workflow-builder" onSubmit={submit} noValidate aria-label="Workflow builder">
      {submitted && errorCount > 0 && (
        <div className="notice notice--error" role="alert">
          {errorCount === 1 ? 'One thing needs fixing before saving.' : `${errorCount} things need fixing before saving.`}
          {errors.tasks && <p>{errors.tasks}</p>}
        </div>
      )}
      {error ? <ApiErrorNotice error={error} /> : null}
      <fieldset disabled={readOnly}>
        <legend>Workflow</legend>
        <Field label="Name" error={errorAt('name')}>
          <input type="text" value={draft.name} onChange={(e) => update({ name: e.target.value })} />
        </Field>
        <div className="field">
          <span className="field__label" id={kindLabelId}>
            Kind
          </span>
          <div className="radio-row" role="radiogroup" aria-labelledby={kindLabelId}>
            {(['provisioning', 'deprovisioning'] as WorkflowKind[]).map((kind) => (
              <label key={kind} className="radio">
                <input
                  type="radio"
                  name="kind"
                  value={kind}
                  checked={draft.kind === kind}
                  onChange={() => update({ kind })}
                />
                {kind === 'provisioning' ? 'Provisioning (on hire)' : 'Deprovisioning (on termination)'}
              </label>
            ))}
          </div>
        </div>
        <Field label="Description" optional>
          <textarea rows={2} value={draft.description} onChange={(e) => update({ description: e.target.value })} />
        </Field>
      </fieldset>

      <fieldset disabled={readOnly}>
        <legend>Tasks</legend>
        {draft.tasks.map((task, index) => (
          <TaskEditor
            key={task.key}
            index={index}
            task={task}
            kind={draft.kind}
            providers={providers}
            admins={admins}
            errorAt={(field) => errorAt(`tasks.${index}.${field}`)}
            onChange={(t) => setTask(index, t)}
            onRemove={draft.tasks.length > 1 ? () => update({ tasks: draft.tasks.filter((_, i) => i !== index) }) : undefined}
          />
        ))}
        <button type="button" className="button" onClick={() => update({ tasks: [...draft.tasks, newTask()] })}>
          Add task
        </button>
      </fieldset>

      <fieldset disabled={readOnly}>
        <legend>Triggers</legend>
        <p className="field__hint">
          {draft.kind === 'provisioning'
            ? 'Start automatically when someone is hired and matches. Without a trigger, the workflow runs only when chosen in a hiring template or started by hand.'
            : 'Start automatically when someone is terminated and matches. Without a trigger, the workflow runs only when chosen in a termination template or started by hand.'}
        </p>
        {draft.triggers.map((trigger, index) => (
          <TriggerEditor
            key={trigger.key}
            index={index}
            trigger={trigger}
            error={errorAt(`triggers.${index}.on`)}
            onChange={(t) => setTrigger(index, t)}
            onRemove={() => update({ triggers: draft.triggers.filter((_, i) => i !== index) })}
          />
        ))}
        <button type="button" className="button" onClick={() => update({ triggers: [...draft.triggers, newTrigger(draft.kind)] })}>
          Add trigger
        </button>
      </fieldset>

      {!readOnly && (
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? 'Saving…' : submitLabel}
          </button>
        </div>
      )}
    </form>
  );
}
