import { z } from 'zod';
import { accountStatus, employeeId, isoDateTime } from '@provisio/contracts';
import { errorCodes } from '@provisio/service-kit';
import { accountActions, isRequestAction } from './account-transitions.js';
import type { AccountRow } from './repository.js';

const dateTime = z.iso.datetime();

/** The account fields every account answer carries (contract section 5). A `no_account` pair has version 0. */
export const accountFields = {
  status: accountStatus,
  assigneeId: z.string().nullable().describe('Who must act on the open request; null when none is open.'),
  requestedAt: dateTime.nullable(),
  dueAt: dateTime.nullable(),
  updatedAt: dateTime.nullable().describe('Null while nothing ever happened to this account.'),
  version: z.number().int().nonnegative().describe('Grows by one per change; 0 while nothing ever happened.'),
  note: z.string().nullable(),
  workflowRunId: z.uuid().nullable().describe('The workflow run that opened the request, when one did.'),
  workflowTaskId: z.uuid().nullable(),
};

export const accountSchema = z
  .object({ providerId: z.uuid(), employeeId: z.string(), ...accountFields })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof accountSchema>;

export type AccountFields = Omit<Account, 'providerId' | 'employeeId'>;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

type AccountColumns = Pick<AccountRow, 'assignee_id' | 'requested_at' | 'due_at' | 'updated_at' | 'version' | 'note' | 'workflow_run_id' | 'workflow_task_id'>;

/** The columns as a left join gives them: all null when the pair has no row. */
type JoinedAccountColumns = { [Column in keyof AccountColumns | 'status']: AccountRow[Column] | null };

/** The account fields of a row; no row (a left join that found none: null status) means `no_account`. */
export function toAccountFields(row: JoinedAccountColumns | undefined): AccountFields {
  if (!row || row.status === null) {
    return { status: 'no_account', assigneeId: null, requestedAt: null, dueAt: null, updatedAt: null, version: 0, note: null, workflowRunId: null, workflowTaskId: null };
  }
  return {
    status: row.status,
    assigneeId: row.assignee_id,
    requestedAt: iso(row.requested_at),
    dueAt: iso(row.due_at),
    updatedAt: iso(row.updated_at),
    version: row.version ?? 0,
    note: row.note,
    workflowRunId: row.workflow_run_id,
    workflowTaskId: row.workflow_task_id,
  };
}

export function toAccount(row: AccountRow): Account {
  return { providerId: row.provider_id, employeeId: row.employee_id, ...toAccountFields(row) };
}

const note = z.string().max(2_000).describe('Shown in the history.');
const dueAt = isoDateTime.describe('When the request should be done (ISO 8601 with offset).');
const assigneeId = employeeId.describe("An active Full Access Admin; default: the provider's assignee for the direction.");

/** Body of request-provisioning / request-deprovisioning. */
export const requestActionBody = z
  .strictObject({ note: note.optional(), dueAt: dueAt.optional(), assigneeId: assigneeId.optional() })
  .meta({ examples: [{ note: 'Starts Monday in the Berlin office', dueAt: '2026-12-01T09:00:00Z' }] });
/** Body of reassign: the new assignee (default: the provider's assignee for the request's direction). */
export const reassignBody = z
  .strictObject({ assigneeId: assigneeId.optional(), note: note.optional() })
  .meta({ examples: [{ assigneeId: 'e00042', note: 'Dana is on leave' }] });
/** Body of mark-provisioned / mark-deprovisioned / cancel-request: only a note. */
export const plainActionBody = z.strictObject({ note: note.optional() });
export type ActionBody = z.infer<typeof requestActionBody>;

export const accountParams = z.strictObject({ providerId: z.uuid(), employeeId });

export const maxBatchSize = 500;

export const batchItem = z
  .strictObject({
    providerId: z.uuid(),
    employeeId,
    action: z.enum(accountActions),
    note: note.optional(),
    dueAt: dueAt.optional().describe('Requests only.'),
    assigneeId: assigneeId.optional().describe('Requests only.'),
  })
  .superRefine((item, context) => {
    if (isRequestAction(item.action)) return;
    for (const field of ['dueAt', 'assigneeId'] as const) {
      if (item[field] !== undefined) context.addIssue({ code: 'custom', path: [field], message: `is only accepted with request-provisioning and request-deprovisioning` });
    }
  });

export const batchBody = z.strictObject({ actions: z.array(batchItem).min(1).max(maxBatchSize) }).meta({
  examples: [{ actions: [
    { providerId: '0b6f1c1e-6a55-4a8e-9a53-0d1b8f6f2b10', employeeId: 'eve', action: 'mark-provisioned' },
    { providerId: '5d0c3a52-1f3b-4c1e-8c4e-2b7e9a6d4f21', employeeId: 'eve', action: 'request-provisioning', note: 'Needs the design seat' },
  ] }],
});

const itemError = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
});

export const batchResponse = z.object({
  results: z.array(
    z.object({ ok: z.boolean(), account: accountSchema.optional(), error: itemError.optional() }),
  ).describe('One result per action, in the order sent.'),
});
