import type { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { providerSnapshot } from './provider-snapshot.js';

export const providerUpdated = defineEvent('provider.updated', providerSnapshot);
export type ProviderUpdated = z.infer<typeof providerUpdated.data>;
