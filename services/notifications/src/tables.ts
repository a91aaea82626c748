import type { Generated } from 'kysely';
import type { RosterTables } from '@provisio/roster';

/** The notifications service's database: its own tables and the roster projection it reads names from. */
export interface AccountEventsTable {
  company_id: string;
  employee_id: string;
  provider_id: string;
  version: number;
  from_status: string;
  to_status: string;
  assignee_id: string | null;
  previous_assignee_id: string | null;
  due_at: Date | null;
  at: Date;
}

export interface NotificationsTable {
  id: string;
  company_id: string;
  assignee_id: string;
  employee_id: string;
  state: 'open' | 'done';
  read: Generated<boolean>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Date | null;
  /** The trace of the stacking that opened it (W3C traceparent): its completion continues that trace. */
  origin_traceparent: string | null;
}

export interface NotificationItemsTable {
  id: string;
  notification_id: string;
  company_id: string;
  employee_id: string;
  provider_id: string;
  action: 'provision' | 'deprovision';
  state: 'pending' | 'done' | 'cancelled';
  assignee_id: string;
  due_at: Date | null;
  overdue_at: Date | null;
  first_version: number;
  last_version: number;
  opened_version: number | null;
  closed_version: number | null;
  requested_at: Date | null;
  closed_at: Date | null;
  since: Date;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProviderNamesTable {
  company_id: string;
  id: string;
  name: string;
  logo_url: string | null;
  archived: boolean;
  version: number;
}

export interface NotificationsDb extends RosterTables {
  account_events: AccountEventsTable;
  notifications: NotificationsTable;
  notification_items: NotificationItemsTable;
  provider_names: ProviderNamesTable;
}
