import { useId } from 'react';
import type { Employee } from '../api/employees';
import type { Provider } from '../api/providers';
import type { DueFrom, WorkflowKind } from '../api/workflows';
import { Field } from '../components/Field';
import type { TaskDraft } from './workflow-draft';

const DUE_FROM_LABELS: Record<DueFrom, string> = {
  trigger: 'the trigger (hire or termination event)',
  start_date: 'the start date',
  termination_date: 'the termination date',
};

/** One task: which providers, who does it (an admin, or each provider's own assignee), and when it is due. */
export function TaskEditor({
  index,
  task,
  kind,
  providers,
  admins,
  errorAt,
  onChange,
  onRemove,
}: {
  index: number;
  task: TaskDraft;
  kind: WorkflowKind;
  providers: Provider[];
  admins: Employee[];
  errorAt: (field: string) => string | undefined;
  onChange: (task: TaskDraft) => void;
  onRemove: (() => void) | undefined;
}) {
  const id = useId();
  const n = index + 1;
  const set = (patch: Partial<TaskDraft>) => onChange({ ...task, ...patch });
  const providerError = errorAt('providerIds');
  const toggleProvider = (providerId: string, on: boolean) =>
    set({ providerIds: on ? [...task.providerIds, providerId] : task.providerIds.filter((p) => p !== providerId) });
  const dueFromOptions: DueFrom[] = kind === 'deprovisioning' ? ['trigger', 'termination_date', 'start_date'] : ['trigger', 'start_date'];
  if (!dueFromOptions.includes(task.dueFrom)) dueFromOptions.push(task.dueFrom);

  return (
    <section className="task card" aria-labelledby={`${id}-title`}>
      <div className="task__header">
        <h3 id={`${id}-title`}>Task {n}</h3>
        {onRemove && (
          <button type="button" className="button button--small" onClick={onRemove} aria-label={`Remove task ${n}`}>
            Remove
          </button>
        )}
      </div>
      <Field label={`Task ${n} title`} optional>
        <input type="text" value={task.title} onChange={(e) => set({ title: e.target.value })} />
      </Field>

      <fieldset
        className="provider-picker"
        aria-describedby={providerError ? `${id}-providers-error` : undefined}
        aria-invalid={providerError ? true : undefined}
      >
        <legend>Providers for task {n}</legend>
        {(kind === 'deprovisioning' || task.allWithAccess) && (
          <label className="checkbox checkbox--strong">
            <input
              type="checkbox"
              checked={task.allWithAccess}
              aria-invalid={providerError ? true : undefined}
              onChange={(e) => set({ allWithAccess: e.target.checked })}
            />
            Every app the person has
          </label>
        )}
        {providers.length === 0 ? (
          <p className="muted">No providers yet. Add providers first.</p>
        ) : (
          <ul className="provider-picker__list">
            {providers.map((p, i) => (
              <li key={p.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={task.providerIds.includes(p.id)}
                    disabled={task.allWithAccess}
                    aria-invalid={providerError && i === 0 && !task.allWithAccess ? true : undefined}
                    onChange={(e) => toggleProvider(p.id, e.target.checked)}
                  />
                  {p.name}
                </label>
              </li>
            ))}
          </ul>
        )}
        {providerError && (
          <p className="field__error" id={`${id}-providers-error`}>
            {providerError}
          </p>
        )}
      </fieldset>

      <Field label={`Task ${n} assignee`} optional hint="Leave empty to use each provider's own assignee.">
        <select value={task.assigneeId} onChange={(e) => set({ assigneeId: e.target.value })}>
          <option value="">Each provider's assignee</option>
          {admins.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>

      <div className="due">
        <label className="checkbox">
          <input type="checkbox" checked={task.dueEnabled} onChange={(e) => set({ dueEnabled: e.target.checked })} />
          Set a due date for task {n}
        </label>
        {task.dueEnabled && (
          <div className="due__rule">
            <Field label={`Task ${n} due days`} hint="Negative means before." error={errorAt('due.days')}>
              <input
                type="text"
                inputMode="numeric"
                value={task.dueDays}
                onChange={(e) => set({ dueDays: e.target.value })}
                className="input--narrow"
              />
            </Field>
            <Field label={`Task ${n} due counted from`} error={errorAt('due.from')}>
              <select value={task.dueFrom} onChange={(e) => set({ dueFrom: e.target.value as DueFrom })}>
                {dueFromOptions.map((f) => (
                  <option key={f} value={f}>
                    {DUE_FROM_LABELS[f]}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        )}
      </div>
    </section>
  );
}
