import type { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { providerSnapshot } from './provider-snapshot.js';

export const providerCreated = defineEvent('provider.created', providerSnapshot);
export type ProviderCreated = z.infer<typeof providerCreated.data>;
