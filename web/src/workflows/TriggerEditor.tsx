import type { TriggerOn } from '../api/workflows';
import { ChipInput } from '../components/ChipInput';
import { Field } from '../components/Field';
import type { TriggerDraft } from './workflow-draft';

/** A trigger: on hire or termination, optionally only for matching departments, job titles, locations. */
export function TriggerEditor({
  index,
  trigger,
  error,
  onChange,
  onRemove,
}: {
  index: number;
  trigger: TriggerDraft;
  error: string | undefined;
  onChange: (trigger: TriggerDraft) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const set = (patch: Partial<TriggerDraft>) => onChange({ ...trigger, ...patch });
  return (
    <section className="trigger card" aria-label={`Trigger ${n}`}>
      <div className="task__header">
        <h3>Trigger {n}</h3>
        <button type="button" className="button button--small" onClick={onRemove} aria-label={`Remove trigger ${n}`}>
          Remove
        </button>
      </div>
      <Field label={`Trigger ${n} starts on`} error={error}>
        <select value={trigger.on} onChange={(e) => set({ on: e.target.value as TriggerOn })}>
          <option value="hire">Hire</option>
          <option value="termination">Termination</option>
        </select>
      </Field>
      <p className="field__hint">Leave a list empty to match everyone. Separate several values with commas.</p>
      <ChipInput label={`Trigger ${n} departments`} values={trigger.department} onChange={(department) => set({ department })} />
      <ChipInput label={`Trigger ${n} job titles`} values={trigger.jobTitle} onChange={(jobTitle) => set({ jobTitle })} />
      <ChipInput label={`Trigger ${n} locations`} values={trigger.location} onChange={(location) => set({ location })} />
    </section>
  );
}
