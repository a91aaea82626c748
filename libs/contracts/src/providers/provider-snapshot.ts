import { z } from 'zod';
import { companyId, employeeId, uuid } from '../ids.js';

/** What other services need to know of a provider: who is assigned, what to show, whether it can be picked. */
export const providerSnapshot = z.object({
  companyId,
  providerId: uuid,
  name: z.string(),
  logoUrl: z.string().nullable(),
  provisioningAssigneeId: employeeId,
  deprovisioningAssigneeId: employeeId,
  archived: z.boolean(),
  version: z.number().int(),
});
export type ProviderSnapshot = z.infer<typeof providerSnapshot>;
