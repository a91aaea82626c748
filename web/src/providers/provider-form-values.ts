import type { Provider, ProviderInput, ProviderPatch } from '../api/providers';
import type { FieldErrors } from '../components/field-errors';

export interface ProviderFormValues {
  name: string;
  website: string;
  logoUrl: string;
  provisioningAssigneeId: string;
  provisioningInstructions: string;
  deprovisioningAssigneeId: string;
  deprovisioningInstructions: string;
}

/** Form field → the contract's body path, used to place VALIDATION_FAILED details. */
export const FIELD_PATHS: Record<keyof ProviderFormValues, string> = {
  name: 'name',
  website: 'website',
  logoUrl: 'logoUrl',
  provisioningAssigneeId: 'provisioning.assigneeId',
  provisioningInstructions: 'provisioning.instructions',
  deprovisioningAssigneeId: 'deprovisioning.assigneeId',
  deprovisioningInstructions: 'deprovisioning.instructions',
};

export function valuesFrom(provider?: Provider): ProviderFormValues {
  return {
    name: provider?.name ?? '',
    website: provider?.website ?? '',
    logoUrl: provider?.logoUrl ?? '',
    provisioningAssigneeId: provider?.provisioning.assigneeId ?? '',
    provisioningInstructions: provider?.provisioning.instructions ?? '',
    deprovisioningAssigneeId: provider?.deprovisioning.assigneeId ?? '',
    deprovisioningInstructions: provider?.deprovisioning.instructions ?? '',
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The checks the person can fix before sending; the server checks the rest (unique name, active admins). */
export function validateProviderForm(v: ProviderFormValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!v.name.trim()) errors.name = 'Enter the provider name.';
  if (v.website.trim() && !isHttpUrl(v.website.trim())) errors.website = 'Enter a full address, like https://slack.com.';
  if (v.logoUrl.trim() && !isHttpUrl(v.logoUrl.trim())) errors.logoUrl = 'Enter a full image address starting with https://.';
  if (!v.provisioningAssigneeId) errors.provisioningAssigneeId = 'Choose who handles provisioning requests.';
  if (!v.deprovisioningAssigneeId) errors.deprovisioningAssigneeId = 'Choose who handles deprovisioning requests.';
  return errors;
}

function direction(assigneeId: string, instructions: string) {
  const text = instructions.trim();
  return text ? { assigneeId, instructions: text } : { assigneeId };
}

export function toProviderInput(v: ProviderFormValues): ProviderInput {
  return {
    name: v.name.trim(),
    ...(v.website.trim() ? { website: v.website.trim() } : {}),
    ...(v.logoUrl.trim() ? { logoUrl: v.logoUrl.trim() } : {}),
    provisioning: direction(v.provisioningAssigneeId, v.provisioningInstructions),
    deprovisioning: direction(v.deprovisioningAssigneeId, v.deprovisioningInstructions),
  };
}

/** Only what changed, so an edit does not overwrite a field someone else changed meanwhile. */
export function toProviderPatch(before: ProviderFormValues, after: ProviderFormValues): ProviderPatch {
  const patch: ProviderPatch = {};
  if (after.name.trim() !== before.name) patch.name = after.name.trim();
  if (after.website.trim() !== before.website) patch.website = after.website.trim() || null;
  if (after.logoUrl.trim() !== before.logoUrl) patch.logoUrl = after.logoUrl.trim() || null;
  if (after.provisioningAssigneeId !== before.provisioningAssigneeId || after.provisioningInstructions.trim() !== before.provisioningInstructions) {
    patch.provisioning = { assigneeId: after.provisioningAssigneeId, instructions: after.provisioningInstructions.trim() };
  }
  if (
    after.deprovisioningAssigneeId !== before.deprovisioningAssigneeId ||
    after.deprovisioningInstructions.trim() !== before.deprovisioningInstructions
  ) {
    patch.deprovisioning = { assigneeId: after.deprovisioningAssigneeId, instructions: after.deprovisioningInstructions.trim() };
  }
  return patch;
}
