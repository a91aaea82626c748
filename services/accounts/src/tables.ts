import type { Generated } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import type { RosterTables } from '@provisio/roster';

export interface ProvidersTable {
  company_id: string;
  id: string;
  name: string;
  logo_url: string | null;
  provisioning_assignee_id: string;
  deprovisioning_assignee_id: string;
  archived: boolean;
  version: number;
  updated_at: Generated<Date>;
}

export interface AccountsTable {
  company_id: string;
  provider_id: string;
  employee_id: string;
  status: AccountStatus;
  requested_from: AccountStatus | null;
  assignee_id: string | null;
  requested_at: Date | null;
  due_at: Date | null;
  note: string | null;
  workflow_run_id: string | null;
  workflow_task_id: string | null;
  created_at: Generated<Date>;
  updated_at: Date;
  version: number;
}

export interface AccountHistoryTable {
  id: Generated<number>;
  company_id: string;
  provider_id: string;
  employee_id: string;
  from_status: AccountStatus;
  to_status: AccountStatus;
  actor_id: string;
  assignee_id: string | null;
  due_at: Date | null;
  note: string | null;
  reason: string | null;
  workflow_run_id: string | null;
  workflow_task_id: string | null;
  version: number;
  at: Date;
}

export interface AccountCountsTable {
  company_id: string;
  provider_id: string;
  status: AccountStatus;
  /** One of the rows the counter is spread over; the counter is the sum of its stripes. */
  stripe: Generated<number>;
  count: number;
}

export interface CancelledRunsTable {
  company_id: string;
  run_id: string;
  cancelled_at: Generated<Date>;
}

/** Every table of the accounts service's database, the shared roster projection's included. */
export interface AccountsDb extends RosterTables {
  providers: ProvidersTable;
  accounts: AccountsTable;
  account_history: AccountHistoryTable;
  account_counts: AccountCountsTable;
  cancelled_runs: CancelledRunsTable;
}
