import { z } from 'zod';

const assignment = z.strictObject({
  assigneeId: z.string().min(1).max(128),
  instructions: z.string().max(10_000).nullish(),
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2_000);

export const createProviderBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  website: httpUrl.nullish(),
  logoUrl: httpUrl.nullish(),
  provisioning: assignment,
  deprovisioning: assignment,
}).meta({
  examples: [{
    name: 'Slack',
    website: 'https://slack.com',
    provisioning: { assigneeId: 'ada', instructions: 'Invite from the Slack admin console with the work email.' },
    deprovisioning: { assigneeId: 'grace', instructions: 'Deactivate the member; transfer channels to the manager.' },
  }],
});
export type CreateProviderBody = z.infer<typeof createProviderBody>;

export const patchProviderBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  website: httpUrl.nullish(),
  logoUrl: httpUrl.nullish(),
  provisioning: assignment.partial().strict().optional(),
  deprovisioning: assignment.partial().strict().optional(),
});
export type PatchProviderBody = z.infer<typeof patchProviderBody>;

export const providerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    website: z.string().nullable(),
    logoUrl: z.string().nullable(),
    provisioning: z.object({ assigneeId: z.string(), instructions: z.string().nullable() }),
    deprovisioning: z.object({ assigneeId: z.string(), instructions: z.string().nullable() }),
    archived: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Provider' });
export type Provider = z.infer<typeof providerSchema>;

export const providerParams = z.strictObject({ providerId: z.uuid() });

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().max(200).optional(),
});

export const providerListSchema = z.object({ items: z.array(providerSchema), nextCursor: z.string().nullable() });
