import type { Generated } from 'kysely';
import type { RosterTables } from '@provisio/roster';

export interface ProvidersTable {
  company_id: string;
  id: string;
  name: string;
  website: string | null;
  logo_url: string | null;
  provisioning_assignee_id: string;
  provisioning_instructions: string | null;
  deprovisioning_assignee_id: string;
  deprovisioning_instructions: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  archived_at: Date | null;
  version: Generated<number>;
}

export interface ProvidersDb extends RosterTables {
  providers: ProvidersTable;
}
