import { ApiError } from '../api/http';

export type FieldErrors = Record<string, string>;

/**
 * Turns an API error into messages per form field: `VALIDATION_FAILED` details by path, and the
 * codes whose field is known (`409 CONFLICT` → name, `422 INVALID_REFERENCE` → the reference fields).
 * What cannot be placed next to a field is returned as `form`.
 */
export function fieldErrorsFrom(
  error: unknown,
  options: { fields: readonly string[]; conflictField?: string; referenceFields?: readonly string[] },
): { fields: FieldErrors; form: ApiError | null } {
  if (!(error instanceof ApiError)) return { fields: {}, form: null };
  const fields: FieldErrors = {};
  let placed = false;
  if (error.code === 'VALIDATION_FAILED') {
    for (const issue of error.fieldIssues()) {
      const field = options.fields.find((f) => issue.path === f || issue.path.startsWith(`${f}.`));
      if (field && !fields[field]) {
        fields[field] = issue.message || 'This value is not valid.';
        placed = true;
      }
    }
  } else if (error.code === 'CONFLICT' && options.conflictField) {
    fields[options.conflictField] = error.message;
    placed = true;
  } else if (error.code === 'INVALID_REFERENCE' && options.referenceFields) {
    const issues = error.fieldIssues();
    const targets = options.referenceFields.filter((f) => issues.some((i) => i.path === f || i.path.startsWith(`${f}.`)));
    for (const f of targets.length > 0 ? targets : options.referenceFields) fields[f] = error.message;
    placed = true;
  }
  return { fields, form: placed ? null : error };
}
