import { z } from 'zod';
import { accountStatus } from '@provisio/contracts';
import { employeeSummarySchema } from '../employees/schemas.js';
import { pageQuery } from '../http/cursor.js';
import { accountFields } from './schemas.js';

/** `?status=provisioned,no_account` or `?status=provisioned&status=no_account`. */
export const statusFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((status) => status.trim()).filter(Boolean))
  .pipe(z.array(accountStatus).min(1).max(5))
  .describe(`One or more of ${accountStatus.options.join(', ')}, comma-separated (or the parameter repeated).`);

export const checklistQuery = z.strictObject({
  ...pageQuery,
  status: statusFilter.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name or email.'),
  department: z.string().min(1).max(200).optional(),
});

export const checklistItemSchema = z
  .object({ employee: employeeSummarySchema, providerId: z.uuid(), employeeId: z.string(), ...accountFields })
  .meta({ id: 'ChecklistItem' });

export const checklistSchema = z.object({ items: z.array(checklistItemSchema), nextCursor: z.string().nullable() });

export const providerSummarySchema = z.object({ id: z.uuid(), name: z.string(), logoUrl: z.string().nullable() });

export const employeeAccountsQuery = z.strictObject({ ...pageQuery, status: statusFilter.optional() });

export const employeeAccountSchema = z
  .object({ provider: providerSummarySchema, providerId: z.uuid(), employeeId: z.string(), ...accountFields })
  .meta({ id: 'EmployeeAccount' });

export const employeeAccountsSchema = z.object({ items: z.array(employeeAccountSchema), nextCursor: z.string().nullable() });

export const historyQuery = z.strictObject({ ...pageQuery });

export const historyItemSchema = z
  .object({
    id: z.string().describe('Increases with every change.'),
    at: z.iso.datetime(),
    providerId: z.uuid(),
    providerName: z.string().nullable(),
    from: accountStatus,
    to: accountStatus,
    actorId: z.string(),
    assigneeId: z.string().nullable(),
    dueAt: z.iso.datetime().nullable(),
    note: z.string().nullable(),
    reason: z.string().nullable().describe('Why a request ended undone: cancelled, terminated, run_cancelled.'),
    workflowRunId: z.uuid().nullable(),
    workflowTaskId: z.uuid().nullable(),
    version: z.number().int().positive(),
  })
  .meta({ id: 'AccountHistoryItem' });

export const historySchema = z.object({ items: z.array(historyItemSchema), nextCursor: z.string().nullable() });
