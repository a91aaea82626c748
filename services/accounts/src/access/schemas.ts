import { z } from 'zod';
import { employeeId } from '@provisio/contracts';
import { accountFields } from '../accounts/schemas.js';
import { providerSummarySchema, statusFilter } from '../accounts/read-schemas.js';
import { employeeSummarySchema } from '../employees/schemas.js';
import { pageQuery } from '../http/cursor.js';

export const accessQuery = z.strictObject({
  ...pageQuery,
  providerId: z.uuid().optional(),
  employeeId: employeeId.optional(),
  status: statusFilter.optional().describe('One or more statuses, comma-separated (no_account has no rows here).'),
});

export const accessItemSchema = z
  .object({
    employee: employeeSummarySchema,
    provider: providerSummarySchema,
    providerId: z.uuid(),
    employeeId: z.string(),
    ...accountFields,
  })
  .meta({ id: 'AccessItem' });

export const accessListSchema = z.object({ items: z.array(accessItemSchema), nextCursor: z.string().nullable() });

export const summaryQuery = z.strictObject({
  ...pageQuery,
  providerId: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(z.uuid()).min(1).max(500))
    .optional()
    .describe('Only these providers (comma-separated ids).'),
});

export const countsSchema = z.object({
  provisioningRequested: z.number().int().nonnegative(),
  provisioned: z.number().int().nonnegative(),
  deprovisioningRequested: z.number().int().nonnegative(),
  deprovisioned: z.number().int().nonnegative(),
});

export const summaryItemSchema = z
  .object({ providerId: z.uuid(), provider: providerSummarySchema, counts: countsSchema })
  .meta({ id: 'AccessSummaryItem' });

export const summarySchema = z.object({ items: z.array(summaryItemSchema), nextCursor: z.string().nullable() });

export const risksQuery = z.strictObject({ ...pageQuery, providerId: z.uuid().optional() });

export const riskItemSchema = z
  .object({
    employee: z.object({ id: z.string(), name: z.string() }),
    provider: z.object({ id: z.uuid(), name: z.string(), logoUrl: z.string().nullable() }),
    providerId: z.uuid(),
    employeeId: z.string(),
    terminationDate: z.iso.date(),
    daysSinceTermination: z.number().int().describe('Negative while the termination date is still ahead.'),
    ...accountFields,
  })
  .meta({ id: 'AccessRisk' });

export const risksSchema = z.object({ items: z.array(riskItemSchema), nextCursor: z.string().nullable() });
