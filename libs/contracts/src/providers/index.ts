export { providerSnapshot, type ProviderSnapshot } from './provider-snapshot.js';
export { providerCreated, type ProviderCreated } from './provider-created.js';
export { providerUpdated, type ProviderUpdated } from './provider-updated.js';
export { providerArchived, type ProviderArchived } from './provider-archived.js';
import { providerArchived } from './provider-archived.js';
import { providerCreated } from './provider-created.js';
import { providerUpdated } from './provider-updated.js';

export const providerEvents = [providerCreated, providerUpdated, providerArchived] as const;
