import { enc, request } from './http';
import type { Page } from './http';

export type RunStatus = 'running' | 'completed' | 'cancelled';
export type RunTrigger = 'hire' | 'termination' | 'manual';
export type TaskStatus = 'open' | 'completed' | 'overdue' | 'cancelled';
export type ItemState = 'pending' | 'done' | 'skipped';

export interface RunTaskItem {
  providerId: string;
  action: 'provision' | 'deprovision';
  state: ItemState;
}

export interface RunTask {
  id: string;
  title: string | null;
  assigneeId: string | null;
  dueAt: string | null;
  status: TaskStatus;
  items: RunTaskItem[];
}

export interface WorkflowRun {
  id: string;
  workflowId: string;
  workflowVersion: number;
  workflowName?: string;
  employeeId: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  completedAt: string | null;
  tasks: RunTask[];
}

export interface RunQuery {
  employeeId?: string;
  status?: RunStatus | '';
  limit?: number;
  cursor?: string | null;
}

export function listWorkflowRuns(query: RunQuery, signal?: AbortSignal): Promise<Page<WorkflowRun>> {
  return request('/v1/workflow-runs', { query: { ...query }, signal });
}

export function getWorkflowRun(id: string, signal?: AbortSignal): Promise<WorkflowRun> {
  return request(`/v1/workflow-runs/${enc(id)}`, { signal });
}

export function cancelWorkflowRun(id: string): Promise<WorkflowRun> {
  return request(`/v1/workflow-runs/${enc(id)}/cancel`, { method: 'POST' });
}
