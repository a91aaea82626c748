import type { EventDefinition } from '@provisio/messaging';
import type { z } from 'zod';
import { accountStatusChanged, taskRequestsApplied } from './accounts/index.js';
import { employeeHired, employeeTerminated, employeeUpdated } from './hr/index.js';
import { notificationChanged } from './notifications/index.js';
import { providerArchived, providerCreated, providerUpdated } from './providers/index.js';
import { workflowRunCancelled, workflowRunCompleted, workflowRunStarted, workflowTaskOverdue, workflowTaskStarted } from './workflows/index.js';

export type Party = 'hr-systems' | 'gateway' | 'providers' | 'accounts' | 'workflows' | 'notifications' | 'subscribers';

export interface CatalogEntry {
  definition: EventDefinition<string, z.ZodType>;
  stream: 'HR' | 'PROVIDERS' | 'ACCOUNTS' | 'WORKFLOWS' | 'NOTIFICATIONS';
  summary: string;
  publishers: Party[];
  consumers: Party[];
}

const everyService: Party[] = ['providers', 'accounts', 'workflows', 'notifications'];
const projections: Party[] = ['accounts', 'workflows', 'notifications'];

/**
 * Every event the system consumes and publishes: who sends it, who reads it, on which stream. The AsyncAPI
 * document is generated from this list and the events' zod schemas; a test fails when an event is missing.
 */
export const eventCatalog: CatalogEntry[] = [
  { definition: employeeHired, stream: 'HR', summary: 'A hire (or rehire) published by another HR system', publishers: ['hr-systems', 'gateway'], consumers: everyService },
  { definition: employeeUpdated, stream: 'HR', summary: 'Changed fields of an employee', publishers: ['hr-systems', 'gateway'], consumers: everyService },
  { definition: employeeTerminated, stream: 'HR', summary: 'A termination; `immediate` cuts access now', publishers: ['hr-systems', 'gateway'], consumers: everyService },
  { definition: providerCreated, stream: 'PROVIDERS', summary: 'A provider was registered', publishers: ['providers'], consumers: projections },
  { definition: providerUpdated, stream: 'PROVIDERS', summary: 'A provider changed (name, logo, assignees)', publishers: ['providers'], consumers: projections },
  { definition: providerArchived, stream: 'PROVIDERS', summary: 'A provider was archived and can no longer be picked', publishers: ['providers'], consumers: projections },
  { definition: accountStatusChanged, stream: 'ACCOUNTS', summary: 'One account (provider × employee) changed status or assignee', publishers: ['accounts'], consumers: ['workflows', 'notifications', 'subscribers'] },
  { definition: taskRequestsApplied, stream: 'ACCOUNTS', summary: "The accounts service's answer to workflow.task.started: each item's starting state", publishers: ['accounts'], consumers: ['workflows'] },
  { definition: workflowTaskStarted, stream: 'WORKFLOWS', summary: 'A workflow task asks for provisioning or deprovisioning on its providers', publishers: ['workflows'], consumers: ['accounts'] },
  { definition: workflowRunStarted, stream: 'WORKFLOWS', summary: 'A workflow run started (hire, termination or by hand)', publishers: ['workflows'], consumers: ['subscribers'] },
  { definition: workflowRunCompleted, stream: 'WORKFLOWS', summary: 'Every task of a run is complete', publishers: ['workflows'], consumers: ['subscribers'] },
  { definition: workflowRunCancelled, stream: 'WORKFLOWS', summary: 'A run was cancelled; its open requests are withdrawn', publishers: ['workflows'], consumers: ['accounts'] },
  { definition: workflowTaskOverdue, stream: 'WORKFLOWS', summary: 'An open task passed its due date (once per task)', publishers: ['workflows'], consumers: ['notifications', 'subscribers'] },
  { definition: notificationChanged, stream: 'NOTIFICATIONS', summary: "One of an assignee's notifications was created or changed", publishers: ['notifications'], consumers: ['gateway'] },
];
