import { z } from 'zod';

/** Ids that come from outside (employees, companies) are opaque strings; ours are UUIDs. */
export const externalId = z.string().min(1).max(128).regex(/^[\w.@:-]+$/, 'letters, digits and . _ @ : - only');
export const companyId = externalId;
export const employeeId = externalId;
export const uuid = z.uuid();
export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });

export const accessLevel = z.enum(['admin', 'manager', 'employee']);
export type AccessLevel = z.infer<typeof accessLevel>;

export const accountStatus = z.enum(['no_account', 'provisioning_requested', 'provisioned', 'deprovisioning_requested', 'deprovisioned']);
export type AccountStatus = z.infer<typeof accountStatus>;

export const accountDirection = z.enum(['provision', 'deprovision']);
export type AccountDirection = z.infer<typeof accountDirection>;
