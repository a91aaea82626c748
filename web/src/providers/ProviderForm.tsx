import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Field } from '../components/Field';
import { fieldErrorsFrom } from '../components/field-errors';
import type { FieldErrors } from '../components/field-errors';
import { useAdmins } from '../people/use-admins';
import { FIELD_PATHS, validateProviderForm } from './provider-form-values';
import type { ProviderFormValues } from './provider-form-values';

const PATH_TO_FIELD = Object.fromEntries(Object.entries(FIELD_PATHS).map(([field, path]) => [path, field]));

/** Provider info plus the provisioning and deprovisioning steps (assignee: an admin; instructions). */
export function ProviderForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: ProviderFormValues;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: ProviderFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(initial);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const admins = useAdmins();

  const server = fieldErrorsFrom(error, {
    fields: Object.values(FIELD_PATHS),
    conflictField: 'name',
    referenceFields: ['provisioning.assigneeId', 'deprovisioning.assigneeId'],
  });
  const serverErrors: FieldErrors = {};
  for (const [path, message] of Object.entries(server.fields)) {
    const field = PATH_TO_FIELD[path];
    if (field) serverErrors[field] = message;
  }
  const errorOf = (field: keyof ProviderFormValues) => clientErrors[field] ?? serverErrors[field];

  const set = (field: keyof ProviderFormValues) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: e.target.value }));
    setClientErrors((errs) => {
      if (!errs[field]) return errs;
      const { [field]: _removed, ...rest } = errs;
      return rest;
    });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors = validateProviderForm(values);
    setClientErrors(errors);
    if (Object.keys(errors).length > 0) {
      const first = Object.keys(errors)[0];
      document.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    onSubmit(values);
  };

  const adminOptions = admins.data ?? [];
  const assigneeSelect = (field: 'provisioningAssigneeId' | 'deprovisioningAssigneeId') => (
    <select value={values[field]} onChange={set(field)} data-field={field} required>
      <option value="">{admins.isPending ? 'Loading admins…' : 'Choose an admin'}</option>
      {adminOptions.map((a) => (
        <option key={a.id} value={a.id}>
          {a.name}
        </option>
      ))}
      {values[field] && !adminOptions.some((a) => a.id === values[field]) && !admins.isPending && (
        <option value={values[field]}>{values[field]} (no longer an active admin)</option>
      )}
    </select>
  );

  return (
    <form className="form" onSubmit={submit} noValidate>
      {server.form && <ApiErrorNotice error={server.form} />}
      {admins.isError && <ApiErrorNotice title="Could not load the list of admins." error={admins.error} onRetry={() => void admins.refetch()} />}
      <fieldset>
        <legend>Provider info</legend>
        <Field label="Name" error={errorOf('name')}>
          <input type="text" value={values.name} onChange={set('name')} data-field="name" autoComplete="off" required />
        </Field>
        <Field label="Website" optional error={errorOf('website')}>
          <input type="url" value={values.website} onChange={set('website')} data-field="website" placeholder="https://" />
        </Field>
        <Field label="Logo URL" optional error={errorOf('logoUrl')}>
          <input type="url" value={values.logoUrl} onChange={set('logoUrl')} data-field="logoUrl" placeholder="https://" />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Provisioning</legend>
        <Field label="Provisioning assignee" hint="A Full Access Admin; receives the provisioning requests." error={errorOf('provisioningAssigneeId')}>
          {assigneeSelect('provisioningAssigneeId')}
        </Field>
        <Field label="Provisioning instructions" optional error={errorOf('provisioningInstructions')}>
          <textarea rows={3} value={values.provisioningInstructions} onChange={set('provisioningInstructions')} data-field="provisioningInstructions" />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Deprovisioning</legend>
        <Field label="Deprovisioning assignee" hint="A Full Access Admin; receives the deprovisioning requests." error={errorOf('deprovisioningAssigneeId')}>
          {assigneeSelect('deprovisioningAssigneeId')}
        </Field>
        <Field label="Deprovisioning instructions" optional error={errorOf('deprovisioningInstructions')}>
          <textarea rows={3} value={values.deprovisioningInstructions} onChange={set('deprovisioningInstructions')} data-field="deprovisioningInstructions" />
        </Field>
      </fieldset>
      <div className="form__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
