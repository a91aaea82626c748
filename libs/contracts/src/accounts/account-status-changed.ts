import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { accountStatus, companyId, employeeId, isoDateTime, uuid } from '../ids.js';

/**
 * Every change of one account (provider × employee). `version` grows by one per change of that account, so
 * a consumer can drop a stale event that arrives after a newer one. A request that is cancelled moves back
 * (`provisioning_requested` → `no_account`/`deprovisioned`, `deprovisioning_requested` → `provisioned`).
 */
export const accountStatusChanged = defineEvent(
  'account.status_changed',
  z.object({
    companyId,
    providerId: uuid,
    employeeId,
    from: accountStatus,
    to: accountStatus,
    /** Who must act on the request now open (null once nothing is requested). */
    assigneeId: employeeId.nullable(),
    /** The assignee of the request before this change, when it had one. */
    previousAssigneeId: employeeId.nullable().optional(),
    dueAt: isoDateTime.nullable(),
    actorId: z.string(),
    note: z.string().nullable().optional(),
    workflowRunId: uuid.nullable().optional(),
    workflowTaskId: uuid.nullable().optional(),
    /** Why a request ended without being done: `cancelled` by a person, `terminated` employee, `run_cancelled`. */
    reason: z.string().nullable().optional(),
    version: z.number().int().positive(),
    at: isoDateTime,
  }),
);
export type AccountStatusChanged = z.infer<typeof accountStatusChanged.data>;
