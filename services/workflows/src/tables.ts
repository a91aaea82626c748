import type { ColumnType, Generated } from 'kysely';
import type { RosterTables } from '@provisio/roster';
import type { StoredTask, StoredTrigger } from './definitions/definition.js';

/** A jsonb column: read as the parsed value, written as a JSON string. */
type Json<T> = ColumnType<T, string, string>;

export interface WorkflowsTable {
  company_id: string;
  id: string;
  kind: 'provisioning' | 'deprovisioning';
  name: string;
  latest_version: number;
  published_version: number | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  archived_at: Date | null;
}

export interface WorkflowVersionsTable {
  company_id: string;
  workflow_id: string;
  version: number;
  name: string;
  description: string | null;
  tasks: Json<StoredTask[]>;
  triggers: Json<StoredTrigger[]>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_at: Date | null;
  published_by: string | null;
}

export interface ProviderProjectionTable {
  company_id: string;
  id: string;
  name: string;
  archived: boolean;
  version: number;
  updated_at: Generated<Date>;
}

export type RunStatus = 'running' | 'completed' | 'cancelled';
export type RunTrigger = 'hire' | 'termination' | 'manual';
export type TaskAction = 'provision' | 'deprovision';
export type TaskStatus = 'open' | 'overdue' | 'completed' | 'cancelled';
export type ItemState = 'pending' | 'done' | 'skipped';

export interface WorkflowRunsTable {
  id: string;
  company_id: string;
  workflow_id: string;
  workflow_version: number;
  workflow_name: string;
  kind: 'provisioning' | 'deprovisioning';
  employee_id: string;
  trigger: RunTrigger;
  trigger_key: string;
  status: Generated<RunStatus>;
  started_by: string;
  started_at: Generated<Date>;
  completed_at: Date | null;
  cancelled_at: Date | null;
  cancelled_by: string | null;
}

export interface WorkflowTasksTable {
  id: string;
  company_id: string;
  run_id: string;
  position: number;
  title: string;
  action: TaskAction;
  providers: Json<string[] | 'all_with_access'>;
  assignee_id: string | null;
  due_at: Date | null;
  status: Generated<TaskStatus>;
  answered_at: Date | null;
  overdue_at: Date | null;
  completed_at: Date | null;
}

export interface WorkflowTaskItemsTable {
  task_id: string;
  provider_id: string;
  company_id: string;
  run_id: string;
  employee_id: string;
  action: TaskAction;
  answer_state: ItemState | null;
  answer_version: number | null;
  state: Generated<ItemState>;
  updated_at: Generated<Date>;
}

export interface AccountFactsTable {
  company_id: string;
  provider_id: string;
  employee_id: string;
  status: string;
  version: number;
  provisioned_version: Generated<number>;
  deprovisioned_version: Generated<number>;
  provision_request_ended_version: Generated<number>;
  deprovision_request_ended_version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface WorkflowsDb extends RosterTables {
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  provider_projection: ProviderProjectionTable;
  workflow_runs: WorkflowRunsTable;
  workflow_tasks: WorkflowTasksTable;
  workflow_task_items: WorkflowTaskItemsTable;
  account_facts: AccountFactsTable;
}
