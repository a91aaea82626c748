import type { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { providerSnapshot } from './provider-snapshot.js';

export const providerArchived = defineEvent('provider.archived', providerSnapshot);
export type ProviderArchived = z.infer<typeof providerArchived.data>;
