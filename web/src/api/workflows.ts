import { enc, request } from './http';
import type { Page } from './http';
import type { WorkflowRun } from './workflow-runs';

export type WorkflowKind = 'provisioning' | 'deprovisioning';
export type WorkflowStatus = 'draft' | 'published' | 'archived';
export type DueFrom = 'trigger' | 'start_date' | 'termination_date';
export type TriggerOn = 'hire' | 'termination';

export interface WorkflowTask {
  title?: string;
  providerIds: string[] | 'all_with_access';
  assigneeId?: string;
  due?: { days: number; from: DueFrom };
}

export interface TriggerMatch {
  department?: string[];
  jobTitle?: string[];
  location?: string[];
}

export interface WorkflowTrigger {
  on: TriggerOn;
  match?: TriggerMatch;
}

export interface WorkflowInput {
  name: string;
  kind: WorkflowKind;
  description?: string;
  tasks: WorkflowTask[];
  triggers?: WorkflowTrigger[];
}

export interface Workflow extends WorkflowInput {
  id: string;
  status: WorkflowStatus;
  version: number;
  createdAt?: string;
  updatedAt?: string;
}

export function listWorkflows(signal?: AbortSignal): Promise<Page<Workflow>> {
  return request('/v1/workflows', { query: { limit: 500 }, signal });
}

export function getWorkflow(id: string, signal?: AbortSignal): Promise<Workflow> {
  return request(`/v1/workflows/${enc(id)}`, { signal });
}

export function createWorkflow(input: WorkflowInput): Promise<Workflow> {
  return request('/v1/workflows', { method: 'POST', body: input });
}

export function updateWorkflow(id: string, patch: Partial<WorkflowInput>): Promise<Workflow> {
  return request(`/v1/workflows/${enc(id)}`, { method: 'PATCH', body: patch });
}

export function publishWorkflow(id: string): Promise<Workflow> {
  return request(`/v1/workflows/${enc(id)}/publish`, { method: 'POST' });
}

export function archiveWorkflow(id: string): Promise<Workflow> {
  return request(`/v1/workflows/${enc(id)}/archive`, { method: 'POST' });
}

export function startWorkflowRun(id: string, employeeId: string): Promise<WorkflowRun> {
  return request(`/v1/workflows/${enc(id)}/runs`, { method: 'POST', body: { employeeId } });
}
